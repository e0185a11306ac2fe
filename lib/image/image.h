/* image.h - a grey 8-bit image, and reading one from PNG, PGM/PPM or TIFF
 * (chosen by the file's first bytes, not its name).
 *
 * Colour is converted to grey with the ITU-R BT.601 luma weights,
 * grey = 0.299 R + 0.587 G + 0.114 B (rounded), on the stored values (no
 * gamma linearisation); alpha is ignored; 16-bit samples keep their high
 * byte (v >> 8); PGM maxval other than 255 is rescaled to 0..255 (rounded).
 *
 *   fl_image *im = NULL;
 *   if (fl_image_read("copepod/0001.png", &im, err) < 0) ...;
 *   ... im->px[y * im->w + x] ...
 *   fl_image_free(im);
 */
#ifndef FL_IMAGE_H
#define FL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Images larger than this many pixels (or 65535 on a side) are refused,
 * so a corrupt header cannot ask for gigabytes. */
#define FL_IMAGE_MAX_PIXELS (1u << 28)
#define FL_IMAGE_MAX_SIDE 65535

typedef struct fl_image {
	int w, h;    /* width and height in pixels, >= 1 */
	uint8_t *px; /* w * h grey values, row-major, owned */
} fl_image;

/* A w x h image of zeros. *out owned by the caller (fl_image_free). */
int fl_image_new(fl_image **out, int w, int h, fl_err *err);

/* Check a size read from a header: "<path>: bad image size WxH" if out of
 * range. */
int fl_image_check_size(const char *path, long w, long h, fl_err *err);

/* Read the file at `path`. A file that is not an image of a known format,
 * or a truncated or corrupt one: FL_EINVAL with the path and the reason.
 * *out owned by the caller. */
int fl_image_read(const char *path, fl_image **out, fl_err *err);

/* BT.601 grey of an 8-bit RGB triple. */
static inline uint8_t fl_grey_rgb(unsigned r, unsigned g, unsigned b)
{
	return (uint8_t)((299u * r + 587u * g + 114u * b + 500u) / 1000u);
}

/* Extensions fl_image_read understands, NULL-ended, for folder scans. */
extern const char *const fl_image_exts[];

void fl_image_free(fl_image *im);

#endif
