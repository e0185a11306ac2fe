/* shape.c - area, perimeter, moments, axes, convex hull of a binary object. */
#define _GNU_SOURCE
#include "image/shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Raw moments up to order 3 (p: rows power, q: columns power) with the
 * bounding box. */
typedef struct raw {
	double m[4][4];
	int r0, r1, c0, c1; /* bounding box, inclusive */
} raw;

static void raw_moments(const uint8_t *mask, int w, int h, raw *out)
{
	memset(out, 0, sizeof(*out));
	out->r0 = h;
	out->c0 = w;
	out->r1 = out->c1 = -1;
	for (int r = 0; r < h; r++) {
		for (int c = 0; c < w; c++) {
			double rp = 1;
			if (!mask[r * w + c])
				continue;
			for (int p = 0; p < 4; p++, rp *= r) {
				double cq = 1;
				for (int q = 0; p + q < 4; q++, cq *= c)
					out->m[p][q] += rp * cq;
			}
			out->r0 = r < out->r0 ? r : out->r0;
			out->r1 = r;
			out->c0 = c < out->c0 ? c : out->c0;
			out->c1 = c > out->c1 ? c : out->c1;
		}
	}
}

/* Central moments mu[p][q] (about the centroid) from the raw moments. */
static void central(double m[4][4], double mu[4][4])
{
	double rb = m[1][0] / m[0][0], cb = m[0][1] / m[0][0];

	memset(mu, 0, 16 * sizeof(double));
	mu[0][0] = m[0][0];
	mu[2][0] = m[2][0] - rb * m[1][0];
	mu[0][2] = m[0][2] - cb * m[0][1];
	mu[1][1] = m[1][1] - rb * m[0][1];
	mu[3][0] = m[3][0] - 3 * rb * m[2][0] + 2 * rb * rb * m[1][0];
	mu[0][3] = m[0][3] - 3 * cb * m[0][2] + 2 * cb * cb * m[0][1];
	mu[2][1] = m[2][1] - 2 * rb * m[1][1] - cb * m[2][0] + 2 * rb * rb * m[0][1];
	mu[1][2] = m[1][2] - 2 * cb * m[1][1] - rb * m[0][2] + 2 * cb * cb * m[1][0];
}

static void hu_moments(double mu[4][4], double hu[7])
{
	double nu[4][4];

	for (int p = 0; p < 4; p++)
		for (int q = 0; p + q < 4; q++)
			nu[p][q] = mu[p][q] / pow(mu[0][0], (p + q) / 2.0 + 1);
	double t0 = nu[3][0] + nu[1][2], t1 = nu[2][1] + nu[0][3];
	double q0 = t0 * t0, q1 = t1 * t1, n4 = 4 * nu[1][1];
	double s = nu[2][0] + nu[0][2], d = nu[2][0] - nu[0][2];

	hu[0] = s;
	hu[1] = d * d + n4 * nu[1][1];
	hu[3] = q0 + q1;
	hu[5] = d * (q0 - q1) + n4 * t0 * t1;
	t0 *= q0 - 3 * q1;
	t1 *= 3 * q0 - q1;
	q0 = nu[3][0] - 3 * nu[1][2];
	q1 = 3 * nu[2][1] - nu[0][3];
	hu[2] = q0 * q0 + q1 * q1;
	hu[4] = q0 * t0 + q1 * t1;
	hu[6] = q1 * t0 - q0 * t1;
}

/* Axes, eccentricity and orientation from the inertia tensor
 * [[a, b], [b, c]] = [[mu02, -mu11], [-mu11, mu20]] / mu00. */
static void axes(double mu[4][4], fl_shape *s)
{
	double a = mu[0][2] / mu[0][0], b = -mu[1][1] / mu[0][0], c = mu[2][0] / mu[0][0];
	double mid = (a + c) / 2, rad = sqrt(((a - c) / 2) * ((a - c) / 2) + b * b);
	double l1 = mid + rad, l2 = mid - rad;

	l2 = l2 < 0 ? 0 : l2;
	s->major_axis_length = 4 * sqrt(l1);
	s->minor_axis_length = 4 * sqrt(l2);
	s->eccentricity = l1 > 0 ? sqrt(1 - l2 / l1) : 0;
	if (a - c == 0)
		s->orientation = b < 0 ? -M_PI / 4 : M_PI / 4;
	else
		s->orientation = 0.5 * atan2(-2 * b, c - a);
}

static int at(const uint8_t *mask, int w, int h, int r, int c)
{
	return r >= 0 && r < h && c >= 0 && c < w && mask[r * w + c];
}

/* A border pixel: inside, with a 4-neighbour outside. */
static int border(const uint8_t *mask, int w, int h, int r, int c)
{
	return at(mask, w, h, r, c) &&
	       !(at(mask, w, h, r - 1, c) && at(mask, w, h, r + 1, c) &&
		 at(mask, w, h, r, c - 1) && at(mask, w, h, r, c + 1));
}

/* The border pixels' 3x3 configuration code (weights 10 at corners, 2 at
 * edges, 1 at the centre) mapped to a length: straight runs 1, diagonal
 * steps sqrt 2, corners (1 + sqrt 2) / 2 (Benkrid and Crookes). The
 * border map `bm` covers the bounding box with a margin of one pixel
 * (every pixel outside the box is outside the object), so each pixel's
 * border test is done once, not nine times. */
static double perimeter(const uint8_t *mask, int w, int h, const raw *b, uint8_t *bm)
{
	static const int k[3][3] = { { 10, 2, 10 }, { 2, 1, 2 }, { 10, 2, 10 } };
	int bw = b->c1 - b->c0 + 3, bh = b->r1 - b->r0 + 3;
	double total = 0;

	memset(bm, 0, (size_t)bw * bh);
	for (int r = b->r0; r <= b->r1; r++)
		for (int c = b->c0; c <= b->c1; c++)
			bm[(r - b->r0 + 1) * bw + (c - b->c0 + 1)] = (uint8_t)border(mask, w, h, r, c);
	for (int y = 1; y < bh - 1; y++) {
		for (int x = 1; x < bw - 1; x++) {
			int code = 0;
			if (!bm[y * bw + x])
				continue;
			for (int dr = -1; dr <= 1; dr++)
				for (int dc = -1; dc <= 1; dc++)
					code += k[dr + 1][dc + 1] * bm[(y + dr) * bw + x + dc];
			if (code == 5 || code == 7 || code == 15 || code == 17 || code == 25 || code == 27)
				total += 1;
			else if (code == 21 || code == 33)
				total += M_SQRT2;
			else if (code == 13 || code == 23)
				total += (1 + M_SQRT2) / 2;
		}
	}
	return total;
}

static double cross(const double *o, const double *a, const double *b)
{
	return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/* Andrew's monotone chain on points sorted by (x, y); hull written over
 * pts' storage into `hull` (2 values per point); returns its size. */
static int monotone_chain(const double *pts, int n, double *hull)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		while (k >= 2 && cross(hull + 2 * (k - 2), hull + 2 * (k - 1), pts + 2 * i) <= 0)
			k--;
		hull[2 * k] = pts[2 * i];
		hull[2 * k + 1] = pts[2 * i + 1];
		k++;
	}
	for (int i = n - 2, lo = k + 1; i >= 0; i--) {
		while (k >= lo && cross(hull + 2 * (k - 2), hull + 2 * (k - 1), pts + 2 * i) <= 0)
			k--;
		hull[2 * k] = pts[2 * i];
		hull[2 * k + 1] = pts[2 * i + 1];
		k++;
	}
	return k - 1;
}

/* Points (x = 2 col, y = 2 row, doubled so the diamond offsets are whole)
 * of the left- and rightmost pixels of each row (the hull of the object is
 * the hull of these), each with its 4 diamond points (pixel centre +- half
 * a pixel along each axis, as scikit-image's convex_hull_image). */
static int hull_points(const uint8_t *mask, int w, const raw *b, double *pts)
{
	int n = 0;

	for (int r = b->r0; r <= b->r1; r++) {
		int lo = -1, hi = -1;
		for (int c = b->c0; c <= b->c1; c++)
			if (mask[r * w + c]) {
				hi = c;
				lo = lo < 0 ? c : lo;
			}
		if (lo < 0)
			continue;
		int cs[2] = { lo, hi };
		for (int e = 0; e < (lo == hi ? 1 : 2); e++) {
			static const int off[4][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 } };
			for (int o = 0; o < 4; o++) {
				pts[2 * n] = 2.0 * cs[e] + off[o][0];
				pts[2 * n + 1] = 2.0 * r + off[o][1];
				n++;
			}
		}
	}
	return n;
}

/* One stable counting-sort pass of n points by coordinate `axis`
 * (0: x, 1: y), whole numbers in [-1, lim - 1): from src into dst. */
static void count_pass(const double *src, double *dst, int n, int axis, int lim, int *cnt)
{
	memset(cnt, 0, (size_t)(lim + 1) * sizeof(int));
	for (int i = 0; i < n; i++)
		cnt[(int)src[2 * i + axis] + 2]++;
	for (int v = 1; v <= lim; v++)
		cnt[v] += cnt[v - 1];
	for (int i = 0; i < n; i++) {
		int at_ = cnt[(int)src[2 * i + axis] + 1]++;
		dst[2 * at_] = src[2 * i];
		dst[2 * at_ + 1] = src[2 * i + 1];
	}
}

/* Sort the n points by (x, y): y first, then stably by x. Coordinates
 * are whole numbers (doubled pixel positions +- 1), so two counting
 * passes give what a comparison sort would, without its calls. */
static void sort_points(double *pts, double *tmp, int n, int w, int h, int *cnt)
{
	count_pass(pts, tmp, n, 1, 2 * h + 2, cnt);
	count_pass(tmp, pts, n, 0, 2 * w + 2, cnt);
}

/* Pixels whose centres lie inside or on the convex hull polygon. */
static double hull_pixels(const double *hull, int k, const raw *b)
{
	double count = 0;

	for (int r = b->r0; r <= b->r1; r++) {
		double y = 2.0 * r, xmin = INFINITY, xmax = -INFINITY;
		for (int i = 0; i < k; i++) {
			const double *p = hull + 2 * i, *q = hull + 2 * ((i + 1) % k);
			if ((p[1] - y) * (q[1] - y) > 0)
				continue;
			if (p[1] == q[1]) {
				xmin = fmin(xmin, fmin(p[0], q[0]));
				xmax = fmax(xmax, fmax(p[0], q[0]));
			} else {
				double x = p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1]);
				xmin = fmin(xmin, x);
				xmax = fmax(xmax, x);
			}
		}
		if (xmax >= xmin)
			count += floor(xmax / 2 + 1e-9) - ceil(xmin / 2 - 1e-9) + 1;
	}
	return count;
}

/* work: points (16 h doubles), hull (16 h + 2), sort buffer (16 h), counts
 * (2 max(w, h) + 4 ints), border map ((w + 2) (h + 2) bytes) after them. */
size_t fl_shape_work_len(int w, int h)
{
	size_t pts = 48 * (size_t)h + 2, cnt = (size_t)(w > h ? w : h) + 2;

	return pts + cnt + ((size_t)(w + 2) * (h + 2) + 7) / 8;
}

void fl_shape_measure(const uint8_t *mask, int w, int h, double *work, fl_shape *s)
{
	int *cnt = (int *)(work + 48 * (size_t)h + 2);
	uint8_t *bm = (uint8_t *)(work + 48 * (size_t)h + 2 + (size_t)(w > h ? w : h) + 2);
	raw b;
	double mu[4][4];
	int n, k;

	memset(s, 0, sizeof(*s));
	raw_moments(mask, w, h, &b);
	if (b.m[0][0] == 0)
		return;
	central(b.m, mu);
	s->area = b.m[0][0];
	s->perimeter = perimeter(mask, w, h, &b, bm);
	s->equivalent_diameter = sqrt(4 * s->area / M_PI);
	axes(mu, s);
	hu_moments(mu, s->hu);
	s->extent = s->area / ((double)(b.r1 - b.r0 + 1) * (b.c1 - b.c0 + 1));
	n = hull_points(mask, w, &b, work);
	sort_points(work, work + 32 * (size_t)h + 2, n, w, h, cnt);
	k = monotone_chain(work, n, work + 2 * n);
	s->solidity = s->area / hull_pixels(work + 2 * n, k, &b);
}
