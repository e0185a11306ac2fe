/* tiff.h - TIFF files through libtiff's RGBA interface (every layout
 * libtiff can decode), read as grey. */
#ifndef FL_TIFF_H
#define FL_TIFF_H

#include "core/err.h"
#include "image/image.h"

/* Read the first directory (page) of a TIFF file as grey (BT.601, alpha
 * ignored). Corrupt files: FL_EINVAL "<path>: bad TIFF: <libtiff's reason>". */
int fl_tiff_read(const char *path, fl_image **out, fl_err *err);

#endif
