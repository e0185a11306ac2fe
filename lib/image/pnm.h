/* pnm.h - Netpbm grey and colour images (PGM P2/P5, PPM P3/P6), read by
 * hand (the format is a text header and raw samples); PGM P5 written. */
#ifndef FL_PNM_H
#define FL_PNM_H

#include "core/err.h"
#include "image/image.h"

/* Read a PGM or PPM file as grey. Samples are rescaled from 0..maxval to
 * 0..255 (rounded); colour by BT.601 (image.h). Truncated or malformed
 * files: FL_EINVAL "<path>: bad PGM/PPM: <reason>". */
int fl_pnm_read(const char *path, fl_image **out, fl_err *err);

/* Write `im` as binary PGM (P5, maxval 255), atomically. */
int fl_pgm_write(const fl_image *im, const char *path, fl_err *err);

#endif
