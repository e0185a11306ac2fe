/* sweep.c - spectrogram-correlation and band-energy window scorers. */
#define _GNU_SOURCE
#include "audio/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/stft.h"

/* Per-worker state, made for the rate of the first window it scores. */
typedef struct slot {
	int rate;        /* rate the state was made for (0: none yet) */
	int n_fft, hop;
	fl_stft *stft;
	float *power;    /* n_fft / 2 + 1 */
	float *spec;     /* frames x bins log power, grown as needed */
	size_t spec_cap;
	float *col;      /* scratch for medians */
	int kt;          /* kernel frames */
	int k0, k1;      /* kernel bins [k0, k1) */
	float *kernel;   /* kt x (k1 - k0) */
} slot;

struct fl_sweep {
	fl_sweep_opts o;
	int n;
	slot *slots;
};

int fl_sweep_new(const fl_sweep_opts *o, int n_threads, fl_sweep **out, fl_err *err)
{
	fl_sweep *s;

	*out = NULL;
	if (o->f0 < 0 || o->f1 <= 0 || o->f0 == o->f1 || (o->kind == FL_SCORER_BAND && o->f1 < o->f0))
		return fl_err_set(err, FL_EINVAL, "bad frequencies %g..%g Hz", o->f0, o->f1);
	if (o->kind == FL_SCORER_SWEEP && (o->duration <= 0 || o->bandwidth <= 0))
		return fl_err_set(err, FL_EINVAL, "sweep duration and bandwidth must be positive");
	if (!(s = calloc(1, sizeof(*s))) || !(s->slots = calloc((size_t)n_threads, sizeof(slot)))) {
		free(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	s->o = *o;
	s->n = n_threads;
	*out = s;
	return 0;
}

static void slot_clear(slot *z)
{
	fl_stft_free(z->stft);
	free(z->power);
	free(z->spec);
	free(z->col);
	free(z->kernel);
	memset(z, 0, sizeof(*z));
}

static void make_kernel(slot *z, const fl_sweep_opts *o)
{
	double df = (double)z->rate / z->n_fft, fl = fmin(o->f0, o->f1) - 3 * o->bandwidth;
	double fh = fmax(o->f0, o->f1) + 3 * o->bandwidth;
	int nb = z->n_fft / 2 + 1, w;

	z->k0 = fl <= 0 ? 0 : (int)floor(fl / df);
	z->k1 = (int)ceil(fh / df) + 1;
	z->k1 = z->k1 > nb ? nb : z->k1;
	w = z->k1 - z->k0;
	for (int i = 0; i < z->kt; i++) {
		double t = (double)i * z->hop / z->rate;
		double fc = o->f0 + (o->f1 - o->f0) * t / o->duration;
		for (int k = z->k0; k < z->k1; k++) {
			double u = (k * df - fc) / o->bandwidth;
			z->kernel[i * w + (k - z->k0)] = (float)((1 - u * u) * exp(-u * u / 2));
		}
	}
}

static int slot_init(slot *z, int rate, const fl_sweep_opts *o, fl_err *err)
{
	int rc, n = 16;

	slot_clear(z);
	while (n < 65536 && n * 2 <= rate / 8 + n / 2)
		n *= 2;
	z->rate = rate;
	z->n_fft = n;
	z->hop = n / 8 ? n / 8 : 1;
	z->kt = (int)lround(o->duration * rate / z->hop);
	z->kt = z->kt < 1 ? 1 : z->kt;
	if ((rc = fl_stft_new(n, &z->stft, err)) < 0)
		return rc;
	z->power = malloc(((size_t)n / 2 + 1) * sizeof(float));
	z->kernel = malloc(((size_t)z->kt * (n / 2 + 1) + 1) * sizeof(float));
	if (!z->power || !z->kernel)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	make_kernel(z, o);
	return 0;
}

/* Log-power spectrogram of x into z->spec (frames x bins); returns frames. */
static long spectrogram(slot *z, const float *x, size_t n, fl_err *err)
{
	size_t nf = fl_stft_frames(n, z->n_fft, z->hop), nb = (size_t)z->n_fft / 2 + 1;

	if (nf * nb > z->spec_cap) {
		float *s = realloc(z->spec, nf * nb * sizeof(float)), *c = realloc(z->col, nf * sizeof(float));
		if (s)
			z->spec = s;
		if (c)
			z->col = c;
		if (!s || !c)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		z->spec_cap = nf * nb;
	}
	for (size_t f = 0; f < nf; f++) {
		size_t start = f * (size_t)z->hop, avail = n - start;
		fl_stft_power(z->stft, x + start, avail, z->power);
		for (size_t k = 0; k < nb; k++)
			z->spec[f * nb + k] = logf(z->power[k] + 1e-12f);
	}
	return (long)nf;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* Subtract each kernel bin's median over the frames. */
static void whiten(slot *z, long nf)
{
	size_t nb = (size_t)z->n_fft / 2 + 1;

	for (int k = z->k0; k < z->k1; k++) {
		float med;
		for (long f = 0; f < nf; f++)
			z->col[f] = z->spec[f * nb + k];
		qsort(z->col, (size_t)nf, sizeof(float), cmp_float);
		med = nf % 2 ? z->col[nf / 2] : 0.5f * (z->col[nf / 2 - 1] + z->col[nf / 2]);
		for (long f = 0; f < nf; f++)
			z->spec[f * nb + k] -= med;
	}
}

static double correlate(const slot *z, long nf)
{
	size_t nb = (size_t)z->n_fft / 2 + 1;
	int w = z->k1 - z->k0, kt = z->kt < nf ? z->kt : (int)nf;
	double best = -INFINITY;

	for (long tau = 0; tau + kt <= nf; tau++) {
		double acc = 0;
		for (int i = 0; i < kt; i++) {
			const float *row = z->spec + (size_t)(tau + i) * nb + z->k0;
			const float *kr = z->kernel + (size_t)i * w;
			for (int k = 0; k < w; k++)
				acc += kr[k] * row[k];
		}
		best = fmax(best, acc / kt);
	}
	return best;
}

static double band_share(const slot *z, long nf, const fl_sweep_opts *o)
{
	size_t nb = (size_t)z->n_fft / 2 + 1;
	double df = (double)z->rate / z->n_fft, best = -INFINITY;

	for (long f = 0; f < nf; f++) {
		double in = 0, all = 1e-20;
		for (size_t k = 0; k < nb; k++) {
			double p = exp(z->spec[f * nb + k]);
			all += p;
			if (k * df >= o->f0 && k * df <= o->f1)
				in += p;
		}
		best = fmax(best, 10 * log10(in / all + 1e-20));
	}
	return best;
}

int fl_sweep_score(void *ud, int worker, const float *x, size_t n, int rate, double *score,
		   fl_err *err)
{
	fl_sweep *s = ud;
	slot *z = &s->slots[worker];
	long nf;
	int rc;

	if (z->rate != rate && (rc = slot_init(z, rate, &s->o, err)) < 0)
		return rc;
	if (s->o.f1 > rate / 2.0 || s->o.f0 > rate / 2.0)
		return fl_err_set(err, FL_EINVAL, "%g..%g Hz is above the Nyquist frequency of %d Hz",
				  s->o.f0, s->o.f1, rate);
	if ((nf = spectrogram(z, x, n, err)) < 0)
		return (int)nf;
	if (s->o.kind == FL_SCORER_BAND) {
		*score = band_share(z, nf, &s->o);
		return 0;
	}
	whiten(z, nf);
	*score = correlate(z, nf);
	return 0;
}

void fl_sweep_free(fl_sweep *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		slot_clear(&s->slots[i]);
	free(s->slots);
	free(s);
}
