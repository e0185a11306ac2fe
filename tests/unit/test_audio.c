/* test_audio.c - resampling quality on sines, sound files (WAV, FLAC,
 * stereo mixdown, broken files), spectral measures on known signals, mel
 * and MFCC identities, summaries, detection merging and scoring, thread
 * independence of the feature table. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/audiofeat.h"
#include "audio/detect.h"
#include "audio/mel.h"
#include "audio/resample.h"
#include "audio/sound.h"
#include "audio/spectral.h"
#include "audio/stft.h"
#include "audio/sweep.h"
#include "core/atomic.h"
#include "core/rng.h"
#include "media/fileset.h"
#include "testutil.h"

static float *sine(size_t n, double f, int rate, double amp)
{
	float *x = malloc(n * sizeof(float));

	for (size_t i = 0; i < n; i++)
		x[i] = (float)(amp * sin(2 * M_PI * f * i / rate));
	return x;
}

static float *resample_all(const float *x, size_t n, int in, int out, size_t chunk, size_t *len)
{
	fl_resampler *r = NULL;
	fl_err err = FL_ERR_INIT;
	float *buf = NULL;
	size_t cap = 0;

	*len = 0;
	assert_int_equal(fl_resampler_new(in, out, &r, &err), 0);
	for (size_t i = 0; i < n; i += chunk)
		assert_int_equal(fl_resampler_push(r, x + i, i + chunk <= n ? chunk : n - i, &buf, len,
						   &cap, &err), 0);
	assert_int_equal(fl_resampler_finish(r, &buf, len, &cap, &err), 0);
	fl_resampler_free(r);
	return buf;
}

/* RMS error against the ideal sine, away from the edges. */
static double sine_error(const float *y, size_t n, double f, int rate, double amp)
{
	double e = 0;
	size_t m = 0;

	for (size_t i = n / 10; i < n - n / 10; i++, m++) {
		double d = y[i] - amp * sin(2 * M_PI * f * i / rate);
		e += d * d;
	}
	return sqrt(e / m);
}

static void test_resample_sines(void **state)
{
	size_t n = 44100, len = 0, len2 = 0;
	float *x = sine(n, 1000, 44100, 0.5), *y, *y2;

	(void)state;
	y = resample_all(x, n, 44100, 16000, n, &len);
	assert_int_equal(len, (n * 160 + 440) / 441);
	assert_true(sine_error(y, len, 1000, 16000, 0.5) < 1e-3); /* better than -54 dB */
	/* pushing in odd-sized pieces gives the same samples */
	y2 = resample_all(x, n, 44100, 16000, 777, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(y, y2, len * sizeof(float));
	free(y);
	free(y2);
	free(x);
	/* a tone above the new Nyquist frequency is removed (below -60 dB) */
	x = sine(n, 12000, 44100, 0.5);
	y = resample_all(x, n, 44100, 16000, 4096, &len);
	assert_true(sine_error(y, len, 0, 16000, 0) < 0.5 / sqrt(2) * 1e-3);
	free(y);
	free(x);
	/* upsampling and a large integer factor down */
	x = sine(8000, 440, 8000, 0.8);
	y = resample_all(x, 8000, 8000, 22050, 1000, &len);
	assert_int_equal(len, 22050);
	assert_true(sine_error(y, len, 440, 22050, 0.8) < 1e-3);
	free(y);
	free(x);
	x = sine(32000, 100, 16000, 0.8);
	y = resample_all(x, 32000, 16000, 2000, 5000, &len);
	assert_int_equal(len, 4000);
	assert_true(sine_error(y, len, 100, 2000, 0.8) < 1e-3);
	free(y);
	free(x);
}

static void write_sf(const char *path, int format, int rate, int ch, const float *x, size_t frames)
{
	SF_INFO in = { 0 };
	SNDFILE *sf;

	in.samplerate = rate;
	in.channels = ch;
	in.format = format;
	sf = sf_open(path, SFM_WRITE, &in);
	assert_non_null(sf);
	assert_int_equal(sf_writef_float(sf, x, (sf_count_t)frames), (sf_count_t)frames);
	sf_close(sf);
}

static void test_sound_files(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	float st[2000];
	fl_signal *sig = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		st[2 * i] = (float)(0.5 * sin(i * 0.1));
		st[2 * i + 1] = (float)(0.25 * sin(i * 0.1));
	}
	snprintf(p, sizeof(p), "%s/st.flac", dir);
	write_sf(p, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 8000, 2, st, 1000);
	assert_int_equal(fl_signal_load(p, 0, 1, &sig, &err), 0);
	assert_int_equal(sig->rate, 8000);
	assert_int_equal(sig->n, 1000);
	for (int i = 0; i < 1000; i++) /* the mean of the two channels */
		assert_true(fabs(sig->x[i] - 0.375 * sin(i * 0.1)) < 1e-4);
	snprintf(p, sizeof(p), "%s/m.wav", dir);
	assert_int_equal(fl_signal_write_wav(sig, p, &err), 0);
	fl_signal_free(sig);
	assert_int_equal(fl_signal_load(p, 16000, 2, &sig, &err), 0);
	assert_int_equal(sig->rate, 16000);
	assert_int_equal(sig->n, 2000);
	fl_signal_free(sig);
	tu_rmrf(dir);
	free(dir);
}

/* A 44-byte PCM WAV header for `frames` mono 16-bit samples at `rate`. */
static void wav_header(unsigned char *h, uint32_t rate, uint32_t frames)
{
	uint32_t data = frames * 2;

	memcpy(h, "RIFF", 4);
	uint32_t v = 36 + data;
	memcpy(h + 4, &v, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	v = 16;
	memcpy(h + 16, &v, 4);
	uint16_t s = 1;
	memcpy(h + 20, &s, 2);
	memcpy(h + 22, &s, 2);
	memcpy(h + 24, &rate, 4);
	v = rate * 2;
	memcpy(h + 28, &v, 4);
	s = 2;
	memcpy(h + 32, &s, 2);
	s = 16;
	memcpy(h + 34, &s, 2);
	memcpy(h + 36, "data", 4);
	memcpy(h + 40, &data, 4);
}

static void test_bad_sound_files(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	unsigned char buf[44 + 200] = { 0 };
	fl_signal *sig = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	snprintf(p, sizeof(p), "%s/broken.wav", dir);
	wav_header(buf, 8000, 100);
	memcpy(buf + 8, "WAVX", 4); /* a broken header */
	tu_write_bytes(p, buf, sizeof(buf));
	assert_int_equal(fl_signal_load(p, 0, 1, &sig, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "broken.wav: not a readable sound file"));
	snprintf(p, sizeof(p), "%s/zero.wav", dir);
	wav_header(buf, 8000, 0);
	tu_write_bytes(p, buf, 44);
	assert_int_equal(fl_signal_load(p, 0, 1, &sig, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "zero.wav"));
	snprintf(p, sizeof(p), "%s/rate0.wav", dir);
	wav_header(buf, 0, 100);
	tu_write_bytes(p, buf, sizeof(buf));
	assert_int_equal(fl_signal_load(p, 0, 1, &sig, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "rate0.wav"));
	snprintf(p, sizeof(p), "%s/empty.wav", dir);
	tu_write(p, "");
	assert_int_equal(fl_signal_load(p, 0, 1, &sig, &err), FL_EINVAL);
	assert_null(sig);
	tu_rmrf(dir);
	free(dir);
}

static void test_spectral_sine_and_noise(void **state)
{
	int rate = 16000, n = 1024;
	float *x = sine((size_t)n, 2000, rate, 0.5), p[513], noise[1024];
	fl_stft *s = NULL;
	fl_err err = FL_ERR_INIT;
	double v[FL_SPEC_N], mag[513], df = (double)rate / n;
	fl_rng r;

	(void)state;
	assert_int_equal(fl_stft_new(n, &s, &err), 0);
	fl_stft_power(s, x, (size_t)n, p);
	fl_spectral_frame(x, (size_t)n, p, n, rate, mag, v);
	assert_true(fabs(v[FL_SPEC_CENTROID] - 2000) < 2 * df);
	assert_true(fabs(v[FL_SPEC_ROLLOFF] - 2000) < 2 * df);
	assert_true(fabs(v[FL_SPEC_ZCR] - 2.0 * 2000 / rate) < 0.01);
	assert_true(fabs(v[FL_SPEC_RMS] - 0.5 / sqrt(2)) < 1e-3);
	assert_true(v[FL_SPEC_FLATNESS] < 0.01);
	assert_true(v[FL_SPEC_BANDWIDTH] < 3 * df);
	fl_rng_seed(&r, 1, 0);
	for (int i = 0; i < n; i++)
		noise[i] = (float)fl_rng_normal(&r);
	fl_stft_power(s, noise, (size_t)n, p);
	fl_spectral_frame(noise, (size_t)n, p, n, rate, mag, v);
	assert_true(v[FL_SPEC_FLATNESS] > 0.4);
	assert_true(fabs(v[FL_SPEC_CENTROID] - rate / 4.0) < 600);
	fl_stft_free(s);
	free(x);
}

static void test_mel_mfcc(void **state)
{
	fl_mel *m = NULL;
	fl_err err = FL_ERR_INIT;
	float power[257];
	double lm[20], mf[20];

	(void)state;
	assert_int_equal(fl_mel_new(16000, 512, 20, 0, 0, 20, &m, &err), 0);
	for (int k = 0; k < 257; k++)
		power[k] = 0;
	power[100] = 4; /* one bin: only the filters covering 3125 Hz respond */
	fl_mel_apply(m, power, lm, mf);
	int lit = 0;
	for (int i = 0; i < 20; i++)
		lit += lm[i] > -20;
	assert_true(lit >= 1 && lit <= 2);
	/* orthonormal DCT: energy preserved */
	double e1 = 0, e2 = 0;
	for (int i = 0; i < 20; i++) {
		e1 += lm[i] * lm[i];
		e2 += mf[i] * mf[i];
	}
	assert_true(fabs(e1 - e2) < 1e-6 * e1);
	fl_mel_free(m);
	assert_int_equal(fl_mel_new(16000, 512, 20, 0, 9000, 13, &m, &err), FL_EINVAL);
}

static void test_summarise(void **state)
{
	float frames[10], scratch[10];
	double out[5];

	(void)state;
	for (int i = 0; i < 10; i++)
		frames[i] = (float)((i * 7) % 10); /* 0..9 shuffled */
	fl_audiofeat_summarise(frames, 10, 1, 0, 10, scratch, out);
	assert_float_equal(out[0], 4.5, 1e-12);
	assert_float_equal(out[1], sqrt(8.25), 1e-6);
	assert_float_equal(out[2], 0.9, 1e-6); /* numpy: percentile(range(10), 10) */
	assert_float_equal(out[3], 4.5, 1e-6);
	assert_float_equal(out[4], 8.1, 1e-6);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* The summary's percentiles (each selected above the previous one) equal
 * those of a sorted copy, ties and all, for many sizes. */
static void test_summarise_percentiles(void **state)
{
	float v[301], sorted[301], scratch[301];
	double out[5];
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 3, 0);
	for (size_t n = 1; n <= 301; n += 11) {
		for (size_t i = 0; i < n; i++) /* few distinct values: many ties */
			v[i] = (float)(int)(fl_rng_uniform(&r) * 7);
		memcpy(sorted, v, n * sizeof(float));
		qsort(sorted, n, sizeof(float), cmp_float);
		fl_audiofeat_summarise(v, n, 1, 0, n, scratch, out);
		for (int q = 0; q < 3; q++) {
			double pos = (q == 0 ? 10 : q == 1 ? 50 : 90) / 100.0 * (double)(n - 1);
			size_t k = (size_t)pos;
			double a = sorted[k], b = k + 1 < n ? sorted[k + 1] : a;
			assert_true(out[2 + q] == a + (pos - (double)k) * (b - a));
		}
	}
}

/* A file read in segments on 3 threads gives the samples of one stream. */
static void same_load(const char *path, size_t n)
{
	fl_signal *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_signal_load(path, 0, 1, &a, &err), 0);
	assert_int_equal(fl_signal_load(path, 0, 3, &b, &err), 0);
	assert_int_equal(a->n, n);
	assert_int_equal(b->n, n);
	assert_memory_equal(a->x, b->x, n * sizeof(float));
	fl_signal_free(a);
	fl_signal_free(b);
}

/* Long 16-bit stereo files: segments on several threads read what one
 * thread reads, also from a truncated file (libsndfile counts the frames
 * the file holds, whatever its header says). */
static void test_long_file_load(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	size_t n = 600000;
	float *x = malloc(2 * n * sizeof(float));
	fl_signal *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 6, 0);
	for (size_t i = 0; i < 2 * n; i++)
		x[i] = (float)(0.3 * fl_rng_normal(&r));
	snprintf(p, sizeof(p), "%s/st.wav", dir);
	write_sf(p, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 2, x, n);
	same_load(p, n);
	assert_int_equal(truncate(p, 44 + 4 * 500000 + 3), 0); /* and half a frame */
	assert_int_equal(fl_signal_load(p, 0, 1, &a, &err), 0);
	assert_int_equal(fl_signal_load(p, 0, 2, &b, &err), 0);
	assert_int_equal(a->n, b->n);
	assert_true(a->n < n);
	assert_memory_equal(a->x, b->x, a->n * sizeof(float));
	fl_signal_free(a);
	fl_signal_free(b);
	free(x);
	tu_rmrf(dir);
	free(dir);
}

/* One long file: frames in blocks on two threads and summaries over
 * features on two threads give the bits of one thread. */
static void test_long_file_threads(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	size_t n = 700000; /* 2733 frames: three blocks of frames */
	float *x = sine(n, 440, 16000, 0.3), *f1 = NULL, *f2 = NULL;
	fl_fileset_opts so = { fl_sound_exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_audiofeat_opts o = FL_AUDIOFEAT_OPTS_INIT;
	fl_signal sig = { x, n, 16000 };
	fl_fileset *set = NULL;
	fl_featmat *a = NULL, *b = NULL;
	fl_mel *mel = NULL;
	fl_err err = FL_ERR_INIT;
	size_t n1 = 0, n2 = 0;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 4, 0);
	for (size_t i = 0; i < n; i++)
		x[i] += (float)(0.05 * fl_rng_normal(&r));
	assert_int_equal(fl_mel_new(16000, o.n_fft, o.n_mels, 0, 0, o.n_mfcc, &mel, &err), 0);
	assert_int_equal(fl_audiofeat_frames(&sig, &o, mel, 1, &f1, &n1, &err), 0);
	assert_int_equal(fl_audiofeat_frames(&sig, &o, mel, 2, &f2, &n2, &err), 0);
	assert_int_equal(n1, fl_stft_frames(n, o.n_fft, o.hop));
	assert_int_equal(n1, n2);
	assert_memory_equal(f1, f2, n1 * fl_audiofeat_frame_dim(&o) * sizeof(float));
	snprintf(p, sizeof(p), "%s/long.wav", dir);
	write_sf(p, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1, x, n);
	same_load(p, n);
	assert_int_equal(fl_fileset_scan(p, &so, &set, &err), 0);
	for (int win = 0; win < 2; win++) {
		o.window_s = win ? 5 : 0;
		o.n_threads = 1;
		assert_int_equal(fl_audiofeat_compute(set, &o, &a, &err), 0);
		o.n_threads = 2;
		assert_int_equal(fl_audiofeat_compute(set, &o, &b, &err), 0);
		assert_int_equal(a->n_rows, win ? 8 : 1);
		assert_int_equal(a->n_rows, b->n_rows);
		assert_memory_equal(a->x, b->x, a->n_rows * a->n_cols * sizeof(double));
		fl_featmat_free(a);
		fl_featmat_free(b);
	}
	fl_fileset_free(set);
	fl_mel_free(mel);
	free(f1);
	free(f2);
	free(x);
	tu_rmrf(dir);
	free(dir);
}

/* Files at their own, different rates (rate 0) on one thread: each row
 * is that of the file alone (the filterbank follows the rate). */
static void test_mixed_rates(void **state)
{
	static const int rates[3] = { 8000, 16000, 8000 };
	char *dir = tu_tmpdir(), p[4096];
	fl_fileset_opts so = { fl_sound_exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_audiofeat_opts o = FL_AUDIOFEAT_OPTS_INIT;
	fl_fileset *set = NULL, *one = NULL;
	fl_featmat *all = NULL, *m = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	o.rate = 0;
	o.n_threads = 1;
	for (int k = 0; k < 3; k++) {
		float *x = sine(20000, 300 + 100 * k, rates[k], 0.4);
		snprintf(p, sizeof(p), "%s/%d.wav", dir, k);
		write_sf(p, SF_FORMAT_WAV | SF_FORMAT_FLOAT, rates[k], 1, x, 20000);
		free(x);
	}
	assert_int_equal(fl_fileset_scan(dir, &so, &set, &err), 0);
	assert_int_equal(fl_audiofeat_compute(set, &o, &all, &err), 0);
	assert_int_equal(all->n_rows, 3);
	for (size_t k = 0; k < 3; k++) {
		assert_int_equal(fl_fileset_scan(set->paths[k], &so, &one, &err), 0);
		assert_int_equal(fl_audiofeat_compute(one, &o, &m, &err), 0);
		assert_memory_equal(fl_featmat_row(all, k), m->x, m->n_cols * sizeof(double));
		fl_featmat_free(m);
		fl_fileset_free(one);
	}
	fl_featmat_free(all);
	fl_fileset_free(set);
	tu_rmrf(dir);
	free(dir);
}

static void test_detect_merge_and_evaluate(void **state)
{
	const double s[8] = { 0, 5, 6, 0, 0, 7, 0, 9 };
	fl_event *ev = NULL;
	size_t n = 0;
	fl_err err = FL_ERR_INIT;
	fl_event truth[3] = { { 0.6, 1.4, 1 }, { 10, 11, 1 }, { 3.6, 3.9, 1 } };
	fl_detect_eval e;

	(void)state;
	/* windows of 1 s every 0.5 s */
	assert_int_equal(fl_detect_merge(s, 8, 1.0, 0.5, 5, &ev, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_float_equal(ev[0].start, 0.5, 1e-12);
	assert_float_equal(ev[0].end, 2.0, 1e-12);
	assert_float_equal(ev[0].score, 6, 0);
	/* windows 5 ([2.5, 3.5)) and 7 ([3.5, 4.5)) touch: one event */
	assert_float_equal(ev[1].start, 2.5, 1e-12);
	assert_float_equal(ev[1].end, 4.5, 1e-12);
	assert_float_equal(ev[1].score, 9, 0);
	fl_detect_evaluate(ev, n, truth, 3, &e);
	assert_int_equal(e.tp, 2);
	assert_int_equal(e.truth_found, 2);
	assert_float_equal(e.precision, 1, 1e-12);
	assert_float_equal(e.recall, 2 / 3.0, 1e-12);
	free(ev);
}

static void test_sweep_scorer(void **state)
{
	int rate = 2000;
	size_t n = 4000;
	float *noise = malloc(n * sizeof(float)), *call = malloc(n * sizeof(float));
	fl_sweep_opts o = FL_SWEEP_OPTS_INIT;
	fl_sweep *s = NULL;
	fl_err err = FL_ERR_INIT;
	double a, b;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 5, 0);
	for (size_t i = 0; i < n; i++) {
		double t = (i - 1000.0) / rate;
		noise[i] = (float)(0.3 * fl_rng_normal(&r));
		call[i] = noise[i];
		if (t >= 0 && t < 1) /* 50 -> 250 Hz over 1 s */
			call[i] += (float)(0.3 * sin(2 * M_PI * (50 * t + 100 * t * t)) * sin(M_PI * t));
	}
	assert_int_equal(fl_sweep_new(&o, 1, &s, &err), 0);
	assert_int_equal(fl_sweep_score(s, 0, noise, n, rate, &a, &err), 0);
	assert_int_equal(fl_sweep_score(s, 0, call, n, rate, &b, &err), 0);
	assert_true(b > 3 * a);
	/* a down-sweep kernel does not respond as strongly */
	fl_sweep_free(s);
	o.f0 = 250;
	o.f1 = 50;
	assert_int_equal(fl_sweep_new(&o, 1, &s, &err), 0);
	assert_int_equal(fl_sweep_score(s, 0, call, n, rate, &a, &err), 0);
	assert_true(b > 1.5 * a);
	fl_sweep_free(s);
	free(noise);
	free(call);
}

static void test_audiofeat_threads(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_fileset_opts so = { fl_sound_exts, FL_LAYOUT_AUTO, FL_BAD_SKIP };
	fl_audiofeat_opts o = FL_AUDIOFEAT_OPTS_INIT;
	fl_fileset *set = NULL;
	fl_featmat *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 9, 0);
	for (int c = 0; c < 2; c++) {
		snprintf(p, sizeof(p), "%s/%s", dir, c ? "whale" : "noise");
		assert_int_equal(fl_mkdir_p(p, &err), 0);
		for (int k = 0; k < 3; k++) {
			size_t n = 30000 + 5000 * (size_t)k;
			float *x = sine(n, 300 + 200 * c, 22050, 0.3);
			for (size_t i = 0; i < n; i++)
				x[i] += (float)(0.05 * fl_rng_normal(&r));
			snprintf(p, sizeof(p), "%s/%s/%d.wav", dir, c ? "whale" : "noise", k);
			write_sf(p, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 22050, 1, x, n);
			free(x);
		}
	}
	snprintf(p, sizeof(p), "%s/whale/bad.wav", dir);
	tu_write(p, "RIFF....WAVEjunk");
	assert_int_equal(fl_fileset_scan(dir, &so, &set, &err), 0);
	o.on_bad = FL_BAD_SKIP;
	o.n_threads = 1;
	assert_int_equal(fl_audiofeat_compute(set, &o, &a, &err), 0);
	o.n_threads = 2;
	assert_int_equal(fl_audiofeat_compute(set, &o, &b, &err), 0);
	assert_int_equal(a->n_rows, 6);
	assert_memory_equal(a->x, b->x, a->n_rows * a->n_cols * sizeof(double));
	assert_string_equal(a->labels[5], "whale");
	fl_featmat_free(a);
	fl_featmat_free(b);
	o.window_s = 0.5;
	o.window_hop_s = 0.25;
	assert_int_equal(fl_audiofeat_compute(set, &o, &a, &err), 0);
	assert_true(a->n_rows > 6 * 4);
	assert_string_equal(a->id_names[1], "start_s");
	fl_featmat_free(a);
	o.on_bad = FL_BAD_FAIL;
	assert_int_equal(fl_audiofeat_compute(set, &o, &a, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "bad.wav"));
	fl_fileset_free(set);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resample_sines),
		cmocka_unit_test(test_sound_files),
		cmocka_unit_test(test_bad_sound_files),
		cmocka_unit_test(test_spectral_sine_and_noise),
		cmocka_unit_test(test_mel_mfcc),
		cmocka_unit_test(test_summarise),
		cmocka_unit_test(test_summarise_percentiles),
		cmocka_unit_test(test_long_file_load),
		cmocka_unit_test(test_long_file_threads),
		cmocka_unit_test(test_mixed_rates),
		cmocka_unit_test(test_detect_merge_and_evaluate),
		cmocka_unit_test(test_sweep_scorer),
		cmocka_unit_test(test_audiofeat_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
