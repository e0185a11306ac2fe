/* testutil.h - small helpers shared by the unit test programs. */
#ifndef FL_TESTUTIL_H
#define FL_TESTUTIL_H

#include <stddef.h>

/* A fresh temporary folder (caller frees the string; remove with tu_rmrf). */
char *tu_tmpdir(void);

/* Write a NUL-terminated string to a file, aborting the test on failure. */
void tu_write(const char *path, const char *content);

/* Write `len` bytes. */
void tu_write_bytes(const char *path, const void *buf, size_t len);

/* Remove a folder tree. */
void tu_rmrf(const char *path);

/* Path of a file in the repository (for test data): "<repo>/rel". The
 * repository root is found from the FLOE_SRC environment variable or by
 * walking up from the current folder. Returns a static buffer. */
const char *tu_repo_path(const char *rel);

#endif
