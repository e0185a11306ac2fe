/* descriptors.h - the per-image descriptor vector used on plankton images:
 * Otsu threshold, the largest connected object, its shape (shape.h),
 * intensity statistics, a histogram and co-occurrence texture. Every
 * column is described in one line in docs/images.md.
 *
 *   fl_imgdesc_opts o = FL_IMGDESC_OPTS_INIT;
 *   size_t n = fl_imgdesc_count(&o);
 *   double *v = malloc(n * sizeof(double));
 *   fl_imgdesc_compute(im, &o, v, err);  // v[j] is column fl_imgdesc_name(&o, j, ...)
 */
#ifndef FL_DESCRIPTORS_H
#define FL_DESCRIPTORS_H

#include <stddef.h>

#include "core/err.h"
#include "image/image.h"

typedef enum fl_object_polarity {
	FL_OBJECT_BRIGHT = 0, /* the object is brighter than the threshold (v > t) */
	FL_OBJECT_DARK = 1,   /* the object is darker (v <= t): dark-on-light scans */
} fl_object_polarity;

typedef struct fl_imgdesc_opts {
	int hist_bins;               /* histogram bins over 0..255, 1..256 (default 16) */
	int glcm_levels;             /* grey levels of the texture matrix, 2..64 (default 8) */
	fl_object_polarity polarity; /* which side of the threshold is the object */
} fl_imgdesc_opts;

#define FL_IMGDESC_OPTS_INIT { 16, 8, FL_OBJECT_BRIGHT }

/* Check the option ranges (FL_EINVAL naming the bad one). */
int fl_imgdesc_check(const fl_imgdesc_opts *o, fl_err *err);

/* Number of descriptor columns for these options. */
size_t fl_imgdesc_count(const fl_imgdesc_opts *o);

/* Name of column j (e.g. "area", "hu3", "hist_07") into buf. */
void fl_imgdesc_name(const fl_imgdesc_opts *o, size_t j, char *buf, size_t len);

/* Compute the descriptor vector of `im` into out[fl_imgdesc_count(o)].
 * Allocates scratch per call; FL_ENOMEM is the only failure. An image
 * with no object (a single grey value) gets zeros for the object
 * columns and n_objects = 0. */
int fl_imgdesc_compute(const fl_image *im, const fl_imgdesc_opts *o, double *out, fl_err *err);

#endif
