/* png.h - PNG files through libpng (any bit depth, palette, grey or colour,
 * interlaced or not) read as grey; grey images written as 8-bit PNG. */
#ifndef FL_PNG_H
#define FL_PNG_H

#include <stdio.h>

#include "core/err.h"
#include "image/image.h"

/* Read a PNG file as grey (conversion rules in image.h). Corrupt or
 * truncated files: FL_EINVAL "<path>: bad PNG: <libpng's reason>". */
int fl_png_read(const char *path, fl_image **out, fl_err *err);

/* The same from an open stream (borrowed, not closed) whose first
 * `sig_bytes` (0..8) bytes, the PNG signature, the caller has already
 * read and checked; `path` is for messages. */
int fl_png_read_fp(FILE *fp, int sig_bytes, const char *path, fl_image **out, fl_err *err);

/* Write `im` as an 8-bit grey PNG, atomically. */
int fl_png_write(const fl_image *im, const char *path, fl_err *err);

#endif
