/* descriptors.c - the image descriptor vector, assembled from the
 * threshold, component, shape and texture modules. */
#include "image/descriptors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/components.h"
#include "image/shape.h"
#include "image/texture.h"
#include "image/threshold.h"

/* Fixed columns, in output order; then hist_01..hist_N, then texture. */
static const char *const head_cols[] = {
	"threshold", "n_objects", "area", "perimeter", "equivalent_diameter",
	"major_axis_length", "minor_axis_length", "eccentricity", "orientation",
	"solidity", "extent", "hu1", "hu2", "hu3", "hu4", "hu5", "hu6", "hu7",
	"intensity_mean", "intensity_std", "intensity_min", "intensity_max",
	"intensity_p10", "intensity_p25", "intensity_p50", "intensity_p75", "intensity_p90",
};
static const char *const tail_cols[] = {
	"glcm_contrast", "glcm_homogeneity", "glcm_energy", "glcm_correlation",
};
#define N_HEAD (sizeof(head_cols) / sizeof(head_cols[0]))
#define N_TAIL (sizeof(tail_cols) / sizeof(tail_cols[0]))

int fl_imgdesc_check(const fl_imgdesc_opts *o, fl_err *err)
{
	if (o->hist_bins < 1 || o->hist_bins > 256)
		return fl_err_set(err, FL_EINVAL, "hist_bins must be 1..256, not %d", o->hist_bins);
	if (o->glcm_levels < 2 || o->glcm_levels > FL_GLCM_MAX_LEVELS)
		return fl_err_set(err, FL_EINVAL, "glcm_levels must be 2..%d, not %d",
				  FL_GLCM_MAX_LEVELS, o->glcm_levels);
	return 0;
}

size_t fl_imgdesc_count(const fl_imgdesc_opts *o)
{
	return N_HEAD + (size_t)o->hist_bins + N_TAIL;
}

void fl_imgdesc_name(const fl_imgdesc_opts *o, size_t j, char *buf, size_t len)
{
	if (j < N_HEAD)
		snprintf(buf, len, "%s", head_cols[j]);
	else if (j < N_HEAD + (size_t)o->hist_bins)
		snprintf(buf, len, "hist_%0*zu", o->hist_bins >= 100 ? 3 : 2, j - N_HEAD + 1);
	else
		snprintf(buf, len, "%s", tail_cols[j - N_HEAD - o->hist_bins]);
}

/* The k-th smallest value (0-based): the first grey level whose
 * cumulative count cum[v] exceeds k (binary search; cum is nondecreasing). */
static int kth(const uint32_t cum[256], double k)
{
	int lo = 0, hi = 255;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > k)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Percentile q (0..100) with linear interpolation between order
 * statistics (numpy's default), from the cumulative histogram of n values. */
static double percentile(const uint32_t cum[256], double n, double q)
{
	double pos = q / 100 * (n - 1), lo = floor(pos);
	int a = kth(cum, lo), b = kth(cum, lo + 1 < n ? lo + 1 : lo);

	return a + (pos - lo) * (b - a);
}

/* Statistics of the object's intensities (scaled to 0..1) into out[0..8]. */
static void intensity_stats(const uint8_t *px, const uint8_t *mask, size_t n, double *out)
{
	uint32_t hist[256] = { 0 }, cum[256];
	double cnt = 0, sum = 0, sq = 0, mean;
	static const double qs[5] = { 10, 25, 50, 75, 90 };

	for (size_t i = 0; i < n; i++)
		if (mask[i]) {
			hist[px[i]]++;
			cnt++;
			sum += px[i];
		}
	memset(out, 0, 9 * sizeof(double));
	if (cnt == 0)
		return;
	mean = sum / cnt;
	for (int v = 0; v < 256; v++) {
		sq += hist[v] * (v - mean) * (v - mean);
		cum[v] = hist[v] + (v ? cum[v - 1] : 0);
	}
	out[0] = mean / 255;
	out[1] = sqrt(sq / cnt) / 255;
	out[2] = kth(cum, 0) / 255.0;
	out[3] = kth(cum, cnt - 1) / 255.0;
	for (int i = 0; i < 5; i++)
		out[4 + i] = percentile(cum, cnt, qs[i]) / 255;
}

static void put_shape(const fl_shape *s, double *v)
{
	v[0] = s->area;
	v[1] = s->perimeter;
	v[2] = s->equivalent_diameter;
	v[3] = s->major_axis_length;
	v[4] = s->minor_axis_length;
	v[5] = s->eccentricity;
	v[6] = s->orientation;
	v[7] = s->solidity;
	v[8] = s->extent;
	memcpy(v + 9, s->hu, 7 * sizeof(double));
}

int fl_imgdesc_compute(const fl_image *im, const fl_imgdesc_opts *o, double *out, fl_err *err)
{
	size_t n = (size_t)im->w * im->h;
	uint8_t *mask = malloc(n);
	int32_t *lab = malloc(2 * n * sizeof(int32_t));
	size_t wl = fl_shape_work_len(im->w, im->h);
	double *work = malloc((wl > FL_GLCM_MAX_LEVELS * FL_GLCM_MAX_LEVELS
				       ? wl : FL_GLCM_MAX_LEVELS * FL_GLCM_MAX_LEVELS) * sizeof(double));
	uint32_t hist[256];
	fl_shape s;
	fl_glcm_props g;
	long area;
	int t, n_obj;

	if (!mask || !lab || !work) {
		free(mask);
		free(lab);
		free(work);
		return fl_err_set(err, FL_ENOMEM, "out of memory for descriptors");
	}
	fl_histogram256(im->px, n, hist);
	t = fl_otsu_threshold(hist);
	for (size_t i = 0; i < n; i++)
		mask[i] = o->polarity == FL_OBJECT_DARK ? im->px[i] <= t : im->px[i] > t;
	if (o->polarity == FL_OBJECT_DARK && hist[im->px[0]] == n)
		memset(mask, 0, n); /* a flat image has no object either way */
	fl_largest_component(mask, im->w, im->h, lab, &n_obj, &area);
	fl_shape_measure(mask, im->w, im->h, work, &s);
	out[0] = t / 255.0;
	out[1] = n_obj;
	put_shape(&s, out + 2);
	intensity_stats(im->px, mask, n, out + 18);
	for (int b = 0; b < o->hist_bins; b++)
		out[N_HEAD + b] = 0;
	for (int v = 0; v < 256; v++)
		out[N_HEAD + (size_t)(v * o->hist_bins / 256)] += hist[v] / (double)n;
	fl_glcm(im->px, im->w, im->h, o->glcm_levels, work, &g);
	out[N_HEAD + o->hist_bins + 0] = g.contrast;
	out[N_HEAD + o->hist_bins + 1] = g.homogeneity;
	out[N_HEAD + o->hist_bins + 2] = g.energy;
	out[N_HEAD + o->hist_bins + 3] = g.correlation;
	free(mask);
	free(lab);
	free(work);
	return 0;
}
