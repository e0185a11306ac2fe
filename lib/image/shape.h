/* shape.h - shape measurements of one binary object, defined as in
 * scikit-image's regionprops (docs/images.md gives each in one line). */
#ifndef FL_SHAPE_H
#define FL_SHAPE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fl_shape {
	double area;                /* pixels in the object */
	double perimeter;           /* weighted 4-connected contour length */
	double equivalent_diameter; /* sqrt(4 area / pi) */
	double major_axis_length;   /* 4 sqrt(larger inertia eigenvalue) */
	double minor_axis_length;   /* 4 sqrt(smaller inertia eigenvalue) */
	double eccentricity;        /* sqrt(1 - minor^2 / major^2) */
	double orientation;         /* rows axis to major axis, radians, -pi/2..pi/2 */
	double solidity;            /* area / pixels inside the convex hull */
	double extent;              /* area / bounding-box pixels */
	double hu[7];               /* Hu's invariant moments */
} fl_shape;

/* The scratch fl_shape_measure needs for a w x h mask, in doubles. */
size_t fl_shape_work_len(int w, int h);

/* Measure the object in mask (w x h, 1 inside, 0 outside; may be empty,
 * which gives all zeros). `work` is caller-owned scratch of at least
 * fl_shape_work_len(w, h) doubles. */
void fl_shape_measure(const uint8_t *mask, int w, int h, double *work, fl_shape *out);

#endif
