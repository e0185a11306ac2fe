/* runlock.h - one run at a time per workspace: an flock()ed file holding
 * the holder's PID. The kernel drops the lock when the holder exits, even
 * by kill -9, so a crash never leaves a stale lock. (This file is the one
 * exception to atomic writes: its inode is the lock.) */
#ifndef FL_RUNLOCK_H
#define FL_RUNLOCK_H

#include "core/err.h"

typedef struct fl_runlock fl_runlock;

/* Take the lock at `path` (created if needed), without waiting. When
 * another process holds it: FL_EBUSY, "workspace WS is in use by floe
 * process PID (lock PATH)". *out owned by the caller. */
int fl_runlock_acquire(fl_runlock **out, const char *path, fl_err *err);

/* Release and free (NULL allowed). */
void fl_runlock_release(fl_runlock *l);

#endif
