/* mel.c - a sparse triangular mel filterbank and the DCT-II for MFCCs. */
#define _GNU_SOURCE
#include "audio/mel.h"

#include <math.h>
#include <stdlib.h>

struct fl_mel {
	int rate;         /* the sample rate the filters were made for */
	int n_mels, n_mfcc;
	int *lo, *hi;     /* per filter: first and one-past-last bin */
	double *w;        /* per filter: weights for bins lo..hi-1, packed */
	int *off;         /* per filter: offset into w */
	double *dct;      /* n_mfcc x n_mels orthonormal DCT-II matrix */
};

static double hz_to_mel(double f) { return 2595 * log10(1 + f / 700); }
static double mel_to_hz(double m) { return 700 * (pow(10, m / 2595) - 1); }

static int build_filters(fl_mel *m, int rate, int n_fft, double fmin, double fmax)
{
	int nb = n_fft / 2 + 1, total = 0;
	double lo = hz_to_mel(fmin), hi = hz_to_mel(fmax), *c = malloc((m->n_mels + 2) * sizeof(double));

	if (!c)
		return -1;
	for (int i = 0; i < m->n_mels + 2; i++)
		c[i] = mel_to_hz(lo + (hi - lo) * i / (m->n_mels + 1));
	if (!(m->w = malloc((size_t)nb * 2 * sizeof(double)))) {
		free(c);
		return -1;
	}
	for (int f = 0; f < m->n_mels; f++) {
		m->lo[f] = nb;
		m->hi[f] = 0;
		m->off[f] = total;
		for (int k = 0; k < nb; k++) {
			double hz = (double)k * rate / n_fft, w = 0;
			if (hz > c[f] && hz <= c[f + 1])
				w = (hz - c[f]) / (c[f + 1] - c[f]);
			else if (hz > c[f + 1] && hz < c[f + 2])
				w = (c[f + 2] - hz) / (c[f + 2] - c[f + 1]);
			if (w <= 0)
				continue;
			if (m->lo[f] == nb)
				m->lo[f] = k;
			m->hi[f] = k + 1;
		}
		for (int k = m->lo[f]; k < m->hi[f]; k++) {
			double hz = (double)k * rate / n_fft, w = 0;
			if (hz > c[f] && hz <= c[f + 1])
				w = (hz - c[f]) / (c[f + 1] - c[f]);
			else if (hz > c[f + 1] && hz < c[f + 2])
				w = (c[f + 2] - hz) / (c[f + 2] - c[f + 1]);
			m->w[total++] = w;
		}
		if (m->hi[f] < m->lo[f])
			m->hi[f] = m->lo[f];
	}
	free(c);
	return 0;
}

int fl_mel_new(int rate, int n_fft, int n_mels, double fmin, double fmax, int n_mfcc,
	       fl_mel **out, fl_err *err)
{
	fl_mel *m;

	*out = NULL;
	if (fmax <= 0)
		fmax = rate / 2.0;
	if (n_mels < 1 || n_mels > 512 || n_mfcc < 0 || n_mfcc > n_mels)
		return fl_err_set(err, FL_EINVAL, "need 1 <= n_mels <= 512 and n_mfcc <= n_mels (%d, %d)",
				  n_mels, n_mfcc);
	if (fmin < 0 || fmin >= fmax || fmax > rate / 2.0)
		return fl_err_set(err, FL_EINVAL, "mel range %g..%g Hz is not within 0..%g Hz", fmin,
				  fmax, rate / 2.0);
	if (!(m = calloc(1, sizeof(*m))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	m->rate = rate;
	m->n_mels = n_mels;
	m->n_mfcc = n_mfcc;
	m->lo = calloc((size_t)n_mels, sizeof(int));
	m->hi = calloc((size_t)n_mels, sizeof(int));
	m->off = calloc((size_t)n_mels, sizeof(int));
	m->dct = malloc(((size_t)n_mfcc * n_mels + 1) * sizeof(double));
	if (!m->lo || !m->hi || !m->off || !m->dct || build_filters(m, rate, n_fft, fmin, fmax) < 0) {
		fl_mel_free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (int j = 0; j < n_mfcc; j++)
		for (int i = 0; i < n_mels; i++)
			m->dct[j * n_mels + i] = sqrt((j ? 2.0 : 1.0) / n_mels) *
						 cos(M_PI * j * (2 * i + 1) / (2.0 * n_mels));
	*out = m;
	return 0;
}

void fl_mel_apply(const fl_mel *m, const float *power, double *logmel, double *mfcc)
{
	for (int f = 0; f < m->n_mels; f++) {
		const double *w = m->w + m->off[f];
		double e = 0;
		for (int k = m->lo[f]; k < m->hi[f]; k++)
			e += w[k - m->lo[f]] * power[k];
		logmel[f] = log(e + 1e-10);
	}
	if (!mfcc)
		return;
	for (int j = 0; j < m->n_mfcc; j++) {
		double acc = 0;
		for (int i = 0; i < m->n_mels; i++)
			acc += m->dct[j * m->n_mels + i] * logmel[i];
		mfcc[j] = acc;
	}
}

int fl_mel_rate(const fl_mel *m)
{
	return m->rate;
}

void fl_mel_free(fl_mel *m)
{
	if (!m)
		return;
	free(m->lo);
	free(m->hi);
	free(m->off);
	free(m->w);
	free(m->dct);
	free(m);
}
