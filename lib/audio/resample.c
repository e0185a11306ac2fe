/* resample.c - polyphase windowed-sinc resampling (see resample.h). */
#define _GNU_SOURCE
#include "audio/resample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_CROSSINGS 20
#define ROLLOFF 0.92
#define KAISER_BETA 8.6
#define MAX_PHASES 4096

struct fl_resampler {
	uint64_t L, M;    /* out / in = L / M, reduced */
	int P;            /* phases in the table */
	int H;            /* half-length in input samples; 2H taps */
	float *table;     /* P x 2H taps */
	float *hist;      /* input samples from absolute index `base` */
	size_t hlen, hcap;
	int64_t base;     /* absolute index of hist[0] (negative: leading zeros) */
	uint64_t k;       /* next output index */
	uint64_t n_in;    /* input samples pushed */
};

static double bessel_i0(double x)
{
	double sum = 1, term = 1;

	for (int k = 1; k < 64; k++) {
		term *= (x / (2 * k)) * (x / (2 * k));
		sum += term;
		if (term < 1e-12 * sum)
			break;
	}
	return sum;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static void make_table(fl_resampler *r)
{
	double fc = 0.5 * ROLLOFF * (r->L < r->M ? (double)r->L / r->M : 1.0), i0b = bessel_i0(KAISER_BETA);
	int taps = 2 * r->H;

	for (int p = 0; p < r->P; p++) {
		double frac = (double)p / r->P, sum = 0;
		float *t = r->table + (size_t)p * taps;
		for (int j = -r->H + 1; j <= r->H; j++) {
			double u = frac - j, x = u / r->H, s, w;
			s = u == 0 ? 2 * fc : sin(2 * M_PI * fc * u) / (M_PI * u);
			w = fabs(x) < 1 ? bessel_i0(KAISER_BETA * sqrt(1 - x * x)) / i0b : 0;
			t[j + r->H - 1] = (float)(s * w);
			sum += s * w;
		}
		for (int j = 0; j < taps; j++)
			t[j] = (float)(t[j] / sum);
	}
}

int fl_resampler_new(int in_rate, int out_rate, fl_resampler **out, fl_err *err)
{
	fl_resampler *r;
	uint64_t g;
	double fc;

	*out = NULL;
	if (in_rate < 1 || out_rate < 1 || in_rate > 1000000 || out_rate > 1000000)
		return fl_err_set(err, FL_EINVAL, "cannot resample %d Hz to %d Hz", in_rate, out_rate);
	if (!(r = calloc(1, sizeof(*r))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	g = gcd((uint64_t)in_rate, (uint64_t)out_rate);
	r->L = (uint64_t)out_rate / g;
	r->M = (uint64_t)in_rate / g;
	r->P = r->L < MAX_PHASES ? (int)r->L : MAX_PHASES;
	fc = 0.5 * ROLLOFF * (r->L < r->M ? (double)r->L / r->M : 1.0);
	r->H = (int)ceil(ZERO_CROSSINGS / (2 * fc));
	r->table = malloc((size_t)r->P * 2 * r->H * sizeof(float));
	r->hcap = 4096 + 2 * (size_t)r->H;
	r->hist = calloc(r->hcap, sizeof(float));
	if (!r->table || !r->hist) {
		fl_resampler_free(r);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	make_table(r);
	r->hlen = (size_t)r->H - 1; /* zeros before the signal */
	r->base = -(int64_t)(r->H - 1);
	*out = r;
	return 0;
}

static int append(fl_resampler *r, const float *in, size_t n, fl_err *err)
{
	if (r->hlen + n > r->hcap) {
		size_t cap = (r->hlen + n) * 2;
		float *h = realloc(r->hist, cap * sizeof(float));
		if (!h)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		r->hist = h;
		r->hcap = cap;
	}
	if (in)
		memcpy(r->hist + r->hlen, in, n * sizeof(float));
	else
		memset(r->hist + r->hlen, 0, n * sizeof(float));
	r->hlen += n;
	return 0;
}

/* Room for `more` samples after *len (capacity at least doubles). */
static int out_reserve(float **buf, size_t *len, size_t *cap, size_t more, fl_err *err)
{
	size_t nc = *cap ? *cap : 4096;
	float *b;

	if (*len + more <= *cap)
		return 0;
	while (nc < *len + more)
		nc *= 2;
	if (!(b = realloc(*buf, nc * sizeof(float))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	*buf = b;
	*cap = nc;
	return 0;
}

static int out_push(float **buf, size_t *len, size_t *cap, float v, fl_err *err)
{
	int rc;

	if (*len == *cap && (rc = out_reserve(buf, len, cap, 1, err)) < 0)
		return rc;
	(*buf)[(*len)++] = v;
	return 0;
}

/* Produce outputs while their input is present, up to `limit` outputs. */
static int produce(fl_resampler *r, uint64_t limit, float **buf, size_t *len, size_t *cap,
		   fl_err *err)
{
	int taps = 2 * r->H, rc;

	for (; r->k < limit; r->k++) {
		uint64_t num = r->k * r->M, rem = num % r->L;
		int64_t i = (int64_t)(num / r->L);
		uint64_t p = (rem * (uint64_t)r->P + r->L / 2) / r->L;
		const float *t, *x;
		float acc = 0;

		if (p == (uint64_t)r->P) {
			i++;
			p = 0;
		}
		if (i + r->H >= r->base + (int64_t)r->hlen)
			break;
		t = r->table + p * (uint64_t)taps;
		x = r->hist + (i - r->H + 1 - r->base);
		for (int j = 0; j < taps; j++)
			acc += x[j] * t[j];
		if ((rc = out_push(buf, len, cap, acc, err)) < 0)
			return rc;
	}
	/* drop history no longer needed by output k */
	int64_t need = (int64_t)(r->k * r->M / r->L) - r->H;
	if (need - r->base > 65536) {
		size_t drop = (size_t)(need - r->base);
		memmove(r->hist, r->hist + drop, (r->hlen - drop) * sizeof(float));
		r->hlen -= drop;
		r->base += (int64_t)drop;
	}
	return 0;
}

int fl_resampler_push(fl_resampler *r, const float *in, size_t n, float **buf, size_t *len,
		      size_t *cap, fl_err *err)
{
	int rc;

	if (r->L == r->M) {
		if (n && (rc = out_reserve(buf, len, cap, n, err)) < 0)
			return rc;
		if (n)
			memcpy(*buf + *len, in, n * sizeof(float));
		*len += n;
		return 0;
	}
	if ((rc = append(r, in, n, err)) < 0)
		return rc;
	r->n_in += n;
	return produce(r, UINT64_MAX, buf, len, cap, err);
}

int fl_resampler_finish(fl_resampler *r, float **buf, size_t *len, size_t *cap, fl_err *err)
{
	uint64_t total;
	int rc;

	if (r->L == r->M)
		return 0;
	total = (r->n_in * r->L + r->M - 1) / r->M;
	if ((rc = append(r, NULL, 2 * (size_t)r->H + 1, err)) < 0)
		return rc;
	return produce(r, total, buf, len, cap, err);
}

void fl_resampler_free(fl_resampler *r)
{
	if (!r)
		return;
	free(r->table);
	free(r->hist);
	free(r);
}
