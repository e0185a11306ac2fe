/* threshold.c - Otsu's method. */
#include "image/threshold.h"

void fl_histogram256(const uint8_t *px, size_t n, uint32_t hist[256])
{
	for (int i = 0; i < 256; i++)
		hist[i] = 0;
	for (size_t i = 0; i < n; i++)
		hist[px[i]]++;
}

int fl_otsu_threshold(const uint32_t hist[256])
{
	double total = 0, sum = 0, w0 = 0, s0 = 0, best = -1;
	int lo = 255, hi = 0, t_best = 0;

	for (int v = 0; v < 256; v++) {
		total += hist[v];
		sum += (double)v * hist[v];
		if (hist[v]) {
			lo = v < lo ? v : lo;
			hi = v;
		}
	}
	if (lo >= hi)
		return lo > 254 ? 254 : lo;
	for (int t = lo; t < hi; t++) {
		double w1, m0, m1, between;

		w0 += hist[t];
		s0 += (double)t * hist[t];
		w1 = total - w0;
		m0 = s0 / w0;
		m1 = (sum - s0) / w1;
		between = w0 * w1 * (m0 - m1) * (m0 - m1);
		if (between > best) {
			best = between;
			t_best = t;
		}
	}
	return t_best;
}
