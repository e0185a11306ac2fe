/* resize.c - area-averaging resize. */
#include "image/resize.h"

#include <math.h>

/* Overlap of [a0, a1) with the unit pixel [k, k + 1). */
static double overlap(double a0, double a1, int k)
{
	double lo = a0 > k ? a0 : k, hi = a1 < k + 1 ? a1 : k + 1;

	return hi > lo ? hi - lo : 0;
}

void fl_image_resize_area(const fl_image *im, int n, double *out)
{
	double sy = (double)im->h / n, sx = (double)im->w / n;

	for (int i = 0; i < n; i++) {
		double y0 = i * sy, y1 = (i + 1) * sy;
		int r0 = (int)floor(y0), r1 = (int)ceil(y1);
		for (int j = 0; j < n; j++) {
			double x0 = j * sx, x1 = (j + 1) * sx, sum = 0;
			int c0 = (int)floor(x0), c1 = (int)ceil(x1);
			for (int r = r0; r < r1 && r < im->h; r++) {
				double wy = overlap(y0, y1, r);
				for (int c = c0; c < c1 && c < im->w; c++)
					sum += wy * overlap(x0, x1, c) * im->px[r * im->w + c];
			}
			out[i * n + j] = sum / (sy * sx) / 255.0;
		}
	}
}
