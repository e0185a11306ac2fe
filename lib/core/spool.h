/* spool.h - copy a stream (standard input) into a temporary file, for
 * readers that need a named, seekable file (the CSV and HDF5 loaders look
 * at a file twice). The file is named without an extension, so its format
 * is detected from its content. */
#ifndef FL_SPOOL_H
#define FL_SPOOL_H

#include <stdint.h>

#include "core/err.h"

/* Read `fd` to its end into a new file $TMPDIR/floe-stdin-XXXXXX (mode
 * 0600; /tmp without TMPDIR). *path receives its name (caller unlinks and
 * frees), *bytes (may be NULL) its size. On error nothing is left. */
int fl_spool_fd(int fd, char **path, uint64_t *bytes, fl_err *err);

#endif
