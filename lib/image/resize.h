/* resize.h - shrinking or enlarging a grey image to N x N raw pixels for a
 * neural network, by area averaging. */
#ifndef FL_RESIZE_H
#define FL_RESIZE_H

#include "image/image.h"

/* Resize `im` to n x n values in out[n * n] (row-major, scaled to 0..1).
 * Each output pixel is the mean of the source over its footprint: output
 * pixel (i, j) covers source rows [i h / n, (i + 1) h / n) and columns
 * [j w / n, (j + 1) w / n), partial source pixels weighted by the
 * covered fraction (box filter). When enlarging this is nearest-neighbour
 * with fractional blending at the seams. The aspect ratio is not kept. */
void fl_image_resize_area(const fl_image *im, int n, double *out);

#endif
