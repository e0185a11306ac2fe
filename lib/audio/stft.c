/* stft.c - windowed FFT frames with FFTW. */
#define _GNU_SOURCE
#include "audio/stft.h"

#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct fl_stft {
	int n;               /* n_fft */
	float *win;          /* Hann window */
	float *in;           /* windowed frame (fftwf_malloc) */
	fftwf_complex *out;  /* n / 2 + 1 bins (fftwf_malloc) */
	fftwf_plan plan;
};

/* FFTW's planner is not thread-safe; execution of distinct plans is. */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

int fl_stft_new(int n_fft, fl_stft **out, fl_err *err)
{
	fl_stft *s;

	*out = NULL;
	if (n_fft < 16 || n_fft > 65536 || n_fft % 2)
		return fl_err_set(err, FL_EINVAL, "n_fft must be even and 16..65536, not %d", n_fft);
	if (!(s = calloc(1, sizeof(*s))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	s->n = n_fft;
	s->win = malloc((size_t)n_fft * sizeof(float));
	s->in = fftwf_malloc((size_t)n_fft * sizeof(float));
	s->out = fftwf_malloc(((size_t)n_fft / 2 + 1) * sizeof(fftwf_complex));
	if (s->win && s->in && s->out) {
		pthread_mutex_lock(&plan_lock);
		s->plan = fftwf_plan_dft_r2c_1d(n_fft, s->in, s->out, FFTW_ESTIMATE);
		pthread_mutex_unlock(&plan_lock);
	}
	if (!s->plan) {
		fl_stft_free(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory for an FFT of %d", n_fft);
	}
	for (int i = 0; i < n_fft; i++)
		s->win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / n_fft));
	*out = s;
	return 0;
}

size_t fl_stft_frames(size_t n, int n_fft, int hop)
{
	if (n == 0)
		return 0;
	if (n < (size_t)n_fft)
		return 1;
	return 1 + (n - (size_t)n_fft) / (size_t)hop;
}

void fl_stft_power(fl_stft *s, const float *x, size_t avail, float *power)
{
	int n = s->n, m = avail < (size_t)n ? (int)avail : n;

	for (int i = 0; i < m; i++)
		s->in[i] = x[i] * s->win[i];
	for (int i = m; i < n; i++)
		s->in[i] = 0;
	fftwf_execute(s->plan);
	for (int k = 0; k <= n / 2; k++)
		power[k] = s->out[k][0] * s->out[k][0] + s->out[k][1] * s->out[k][1];
}

const float *fl_stft_frame(const fl_stft *s)
{
	return s->in;
}

void fl_stft_free(fl_stft *s)
{
	if (!s)
		return;
	if (s->plan) {
		pthread_mutex_lock(&plan_lock);
		fftwf_destroy_plan(s->plan);
		pthread_mutex_unlock(&plan_lock);
	}
	fftwf_free(s->in);
	fftwf_free(s->out);
	free(s->win);
	free(s);
}
