/* audiofeat.c - frame features, their summaries, and features of file sets. */
#define _GNU_SOURCE
#include "audio/audiofeat.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/spectral.h"
#include "audio/stft.h"
#include "core/bigbuf.h"
#include "core/parallel.h"

#define BLOCK_FRAMES 1024

static const char *const stat_names[FL_AUDIO_N_STATS] = { "mean", "std", "p10", "p50", "p90" };

int fl_audiofeat_check(const fl_audiofeat_opts *o, fl_err *err)
{
	if (o->rate < 0 || o->rate > 384000)
		return fl_err_set(err, FL_EINVAL, "rate must be 0 (keep) or 1..384000, not %d", o->rate);
	if (o->n_fft < 16 || o->n_fft > 65536 || o->n_fft % 2)
		return fl_err_set(err, FL_EINVAL, "n_fft must be even and 16..65536, not %d", o->n_fft);
	if (o->hop < 1 || o->hop > o->n_fft)
		return fl_err_set(err, FL_EINVAL, "hop must be 1..n_fft, not %d", o->hop);
	if (o->n_mels < 1 || o->n_mels > 512 || o->n_mfcc < 0 || o->n_mfcc > o->n_mels)
		return fl_err_set(err, FL_EINVAL, "need 1 <= n_mels <= 512 and 0 <= n_mfcc <= n_mels");
	if (o->window_s < 0 || o->window_hop_s < 0)
		return fl_err_set(err, FL_EINVAL, "window lengths must not be negative");
	return 0;
}

size_t fl_audiofeat_frame_dim(const fl_audiofeat_opts *o)
{
	return FL_SPEC_N + (size_t)o->n_mels + (size_t)o->n_mfcc;
}

size_t fl_audiofeat_count(const fl_audiofeat_opts *o)
{
	return fl_audiofeat_frame_dim(o) * FL_AUDIO_N_STATS;
}

void fl_audiofeat_name(const fl_audiofeat_opts *o, size_t j, char *buf, size_t len)
{
	size_t f = j / FL_AUDIO_N_STATS, s = j % FL_AUDIO_N_STATS;

	if (f < FL_SPEC_N)
		snprintf(buf, len, "%s_%s", fl_spectral_names[f], stat_names[s]);
	else if (f < FL_SPEC_N + (size_t)o->n_mels)
		snprintf(buf, len, "mel_%02zu_%s", f - FL_SPEC_N + 1, stat_names[s]);
	else
		snprintf(buf, len, "mfcc_%02zu_%s", f - FL_SPEC_N - o->n_mels, stat_names[s]);
}

/* What one thread needs to compute frames: its FFTW plan and scratch.
 * Made once per computation (not per file or frame): plan creation is
 * serialised by a lock and costs more than a short clip's frames. */
typedef struct frame_ws {
	fl_stft *stft;
	float *power;  /* n_fft / 2 + 1 powers */
	double *mag;   /* n_fft / 2 + 1 magnitudes */
} frame_ws;

static void ws_free(frame_ws *w, int n)
{
	for (int t = 0; w && t < n; t++) {
		fl_stft_free(w[t].stft);
		free(w[t].power);
		free(w[t].mag);
	}
	free(w);
}

/* n workspaces for frames of n_fft samples; *out freed with ws_free. */
static int ws_new(frame_ws **out, int n, int n_fft, fl_err *err)
{
	size_t nb = (size_t)n_fft / 2 + 1;
	frame_ws *w = calloc((size_t)n, sizeof(frame_ws));
	int rc = w ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");

	for (int t = 0; rc == 0 && t < n; t++) {
		rc = fl_stft_new(n_fft, &w[t].stft, err);
		if (rc == 0 && (!(w[t].power = malloc(nb * sizeof(float))) ||
				!(w[t].mag = malloc(nb * sizeof(double)))))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (rc < 0) {
		ws_free(w, n);
		w = NULL;
	}
	*out = w;
	return rc;
}

typedef struct frame_job {
	const fl_signal *sig;
	const fl_audiofeat_opts *o;
	const fl_mel *mel;
	frame_ws *ws;     /* one per worker */
	float *out;
	size_t n_frames, dim;
} frame_job;

static int frame_block(void *ud, size_t blk, int worker, fl_err *err)
{
	frame_job *j = ud;
	frame_ws *w = &j->ws[worker];
	size_t f0 = blk * BLOCK_FRAMES, f1 = f0 + BLOCK_FRAMES;
	double v[FL_SPEC_N + 1024];

	(void)err;
	if (f1 > j->n_frames)
		f1 = j->n_frames;
	for (size_t f = f0; f < f1; f++) {
		size_t start = f * (size_t)j->o->hop, avail = j->sig->n - start;
		if (avail > (size_t)j->o->n_fft)
			avail = (size_t)j->o->n_fft;
		fl_stft_power(w->stft, j->sig->x + start, avail, w->power);
		fl_spectral_frame(j->sig->x + start, avail, w->power, j->o->n_fft, j->sig->rate, w->mag,
				  v);
		fl_mel_apply(j->mel, w->power, v + FL_SPEC_N, v + FL_SPEC_N + j->o->n_mels);
		for (size_t d = 0; d < j->dim; d++) /* feature-major: summaries read columns */
			j->out[d * j->n_frames + f] = (float)v[d];
	}
	return 0;
}

/* Frames on nt threads with their workspaces ws[0..nt). */
static int frames_with(const fl_signal *sig, const fl_audiofeat_opts *o, const fl_mel *mel,
		       int nt, frame_ws *ws, float **out, size_t *n_frames, fl_err *err)
{
	frame_job j = { sig, o, mel, ws, NULL, 0, fl_audiofeat_frame_dim(o) };
	int rc;

	*out = NULL;
	j.n_frames = fl_stft_frames(sig->n, o->n_fft, o->hop);
	if (!(j.out = fl_bigbuf_alloc((j.n_frames * j.dim + 1) * sizeof(float))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu frames", j.n_frames);
	rc = fl_parallel_for((j.n_frames + BLOCK_FRAMES - 1) / BLOCK_FRAMES, nt, frame_block, &j,
			     err);
	if (rc < 0) {
		free(j.out);
		return rc;
	}
	*out = j.out;
	*n_frames = j.n_frames;
	return 0;
}

int fl_audiofeat_frames(const fl_signal *sig, const fl_audiofeat_opts *o, const fl_mel *mel,
			int n_threads, float **out, size_t *n_frames, fl_err *err)
{
	int nt = fl_threads_resolve(n_threads), rc;
	frame_ws *ws = NULL;

	*out = NULL;
	if ((rc = ws_new(&ws, nt, o->n_fft, err)) < 0)
		return rc;
	rc = frames_with(sig, o, mel, nt, ws, out, n_frames, err);
	ws_free(ws, nt);
	return rc;
}

/* Hoare quickselect: the k-th smallest of v[0..n) (v reordered). */
static float select_kth(float *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		float pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				float t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

static const double summary_q[3] = { 10, 50, 90 };

/* Percentiles q[0] <= q[1] <= ... of v[0..n) (v reordered) with linear
 * interpolation (numpy's default). Selecting the k-th smallest leaves
 * v[0..k) <= v[k] <= v(k..n), so the next order statistic is the minimum
 * above k and the next percentile is selected above k only. */
static void percentiles(float *v, size_t n, const double *q, int nq, double *out)
{
	size_t from = 0;

	for (int i = 0; i < nq; i++) {
		double pos = q[i] / 100 * (double)(n - 1), a, b;
		size_t k = (size_t)pos;

		a = k >= from ? select_kth(v + from, n - from, k - from) : v[k];
		b = a;
		if (k + 1 < n) {
			b = v[k + 1];
			for (size_t m = k + 2; m < n; m++)
				b = v[m] < b ? v[m] : b;
		}
		out[i] = a + (pos - (double)k) * (b - a);
		from = k + 1 > from ? k + 1 : from;
	}
}

/* Summary of one feature's values col[a, b) into out[FL_AUDIO_N_STATS]. */
static void summarise_one(const float *col, size_t a, size_t b, float *scratch, double *out)
{
	size_t n = b - a;
	double sum = 0, sq = 0, mean;

	memcpy(scratch, col + a, n * sizeof(float));
	for (size_t i = 0; i < n; i++)
		sum += scratch[i];
	mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (scratch[i] - mean) * (scratch[i] - mean);
	out[0] = mean;
	out[1] = sqrt(sq / (double)n);
	percentiles(scratch, n, summary_q, 3, out + 2);
}

void fl_audiofeat_summarise(const float *frames, size_t n_frames, size_t dim, size_t a, size_t b,
			    float *scratch, double *out)
{
	for (size_t d = 0; d < dim; d++)
		summarise_one(frames + d * n_frames, a, b, scratch, out + d * FL_AUDIO_N_STATS);
}

/* One file's rows: starts/ends in seconds and summary values. */
typedef struct file_rows {
	size_t n;        /* rows (0: bad file) */
	double *t0, *t1; /* window bounds in seconds */
	double *x;       /* n x count */
	char *why;       /* bad file's message (skip mode) */
} file_rows;

typedef struct set_job {
	const fl_fileset *set;
	const fl_audiofeat_opts *o;
	file_rows *rows;
	int frame_threads;  /* threads inside one file */
	frame_ws *ws;       /* per thread: plan and scratch, made once */
	fl_mel **mel;       /* per worker: filterbank of the last file's rate */
	atomic_size_t done;
} set_job;

/* Frame range [a, b) of the window [s0, s1) samples: frames fully inside,
 * at least one. */
static void frame_range(size_t s0, size_t s1, size_t n_frames, const fl_audiofeat_opts *o,
			size_t *a, size_t *b)
{
	size_t hop = (size_t)o->hop, nf = (size_t)o->n_fft;

	*a = (s0 + hop - 1) / hop;
	*b = s1 >= nf ? (s1 - nf) / hop + 1 : 0;
	if (*a >= n_frames)
		*a = n_frames - 1;
	if (*b > n_frames)
		*b = n_frames;
	if (*b <= *a)
		*b = *a + 1;
}

/* Summaries of the windows of one file: item w * dim + d is feature d of
 * window w, written into its own slot, so threads do not change bits. */
typedef struct sum_job {
	const float *frames;   /* feature-major */
	size_t n_frames, dim, cnt;
	const size_t *fa, *fb; /* per window: frame range [fa, fb) */
	float **scratch;       /* one per worker, n_frames floats */
	double *x;             /* n windows x cnt */
} sum_job;

static int summary_item(void *ud, size_t i, int worker, fl_err *err)
{
	sum_job *j = ud;
	size_t w = i / j->dim, d = i % j->dim;

	(void)err;
	summarise_one(j->frames + d * j->n_frames, j->fa[w], j->fb[w], j->scratch[worker],
		      j->x + w * j->cnt + d * FL_AUDIO_N_STATS);
	return 0;
}

static int summarise_windows(sum_job *j, size_t nw, size_t n_frames, int n_threads, fl_err *err)
{
	int nt = fl_threads_resolve(n_threads), made = 0, rc = 0;

	if (!(j->scratch = calloc((size_t)nt, sizeof(float *))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (; made < nt; made++)
		if (!(j->scratch[made] = malloc((n_frames + 1) * sizeof(float))))
			break;
	if (made < nt)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else
		rc = fl_parallel_for(nw * j->dim, nt, summary_item, j, err);
	for (int t = 0; t < made; t++)
		free(j->scratch[t]);
	free(j->scratch);
	return rc;
}

static int window_rows(const fl_signal *sig, const float *frames, size_t n_frames,
		       const fl_audiofeat_opts *o, int n_threads, file_rows *fr, fl_err *err)
{
	size_t W = o->window_s > 0 ? (size_t)llround(o->window_s * sig->rate) : sig->n;
	size_t HW = o->window_hop_s > 0 ? (size_t)llround(o->window_hop_s * sig->rate) : W;
	size_t nw, *fa = NULL, *fb = NULL;
	sum_job sj = { frames, n_frames, fl_audiofeat_frame_dim(o), fl_audiofeat_count(o), NULL,
		       NULL, NULL, NULL };
	int rc = 0;

	W = W ? W : 1;
	HW = HW ? HW : 1;
	nw = sig->n <= W ? 1 : 1 + (sig->n - W) / HW;
	fr->t0 = malloc(nw * sizeof(double));
	fr->t1 = malloc(nw * sizeof(double));
	fr->x = malloc(nw * sj.cnt * sizeof(double));
	fa = malloc(nw * sizeof(size_t));
	fb = malloc(nw * sizeof(size_t));
	if (!fa || !fb || !fr->t0 || !fr->t1 || !fr->x) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t w = 0; w < nw; w++) {
		size_t s0 = w * HW, s1 = s0 + W < sig->n ? s0 + W : sig->n;
		frame_range(s0, s1, n_frames, o, &fa[w], &fb[w]);
		fr->t0[w] = (double)s0 / sig->rate;
		fr->t1[w] = (double)s1 / sig->rate;
	}
	sj.fa = fa;
	sj.fb = fb;
	sj.x = fr->x;
	if ((rc = summarise_windows(&sj, nw, n_frames, n_threads, err)) == 0)
		fr->n = nw;
cleanup:
	free(fa);
	free(fb);
	return rc;
}

/* Worker w's filterbank for `rate`: kept while files share a rate (all
 * of them unless `rate` is 0 and the files' rates differ). */
static int mel_for(set_job *j, int w, int rate, fl_err *err)
{
	if (j->mel[w] && fl_mel_rate(j->mel[w]) == rate)
		return 0;
	fl_mel_free(j->mel[w]);
	j->mel[w] = NULL;
	return fl_mel_new(rate, j->o->n_fft, j->o->n_mels, j->o->fmin, j->o->fmax, j->o->n_mfcc,
			  &j->mel[w], err);
}

static int one_file(void *ud, size_t i, int worker, fl_err *err)
{
	set_job *j = ud;
	fl_signal *sig = NULL;
	float *frames = NULL;
	size_t n_frames = 0, d;
	int rc;

	if (j->o->stop && *j->o->stop)
		return fl_err_set(err, FL_EINTR, "interrupted");
	rc = fl_signal_load(j->set->paths[i], j->o->rate, j->frame_threads, &sig, err);
	if (rc == 0)
		rc = mel_for(j, worker, sig->rate, err);
	if (rc == 0) /* many files: worker's own workspace; one file: all of them */
		rc = frames_with(sig, j->o, j->mel[worker], j->frame_threads,
				 j->frame_threads > 1 ? j->ws : &j->ws[worker], &frames, &n_frames, err);
	if (rc == 0)
		rc = window_rows(sig, frames, n_frames, j->o, j->frame_threads, &j->rows[i], err);
	if (rc < 0 && rc != FL_ENOMEM && rc != FL_EINTR && j->o->on_bad == FL_BAD_SKIP) {
		j->rows[i].why = strdup(err->msg);
		j->rows[i].n = 0;
		rc = 0;
	}
	fl_signal_free(sig);
	free(frames);
	d = atomic_fetch_add(&j->done, 1) + 1;
	if (j->o->progress)
		fl_progress_report(j->o->progress, "audio features", d, j->set->n);
	return rc;
}

static int assemble(const set_job *j, fl_featmat **out, fl_err *err)
{
	size_t total = 0, cnt = fl_audiofeat_count(j->o), r = 0, bad = 0;
	int windows = j->o->window_s > 0, rc;
	fl_featmat *m = NULL;
	char name[64];

	for (size_t i = 0; i < j->set->n; i++) {
		total += j->rows[i].n;
		if (!j->rows[i].n) {
			fl_log(FL_LOG_WARN, "%s; skipped", j->rows[i].why ? j->rows[i].why : "bad file");
			bad++;
		}
	}
	if (total == 0)
		return fl_err_set(err, FL_EINVAL, "no readable sound among %zu file(s)", j->set->n);
	if (bad)
		fl_log(FL_LOG_WARN, "%zu of %zu sound file(s) skipped", bad, j->set->n);
	if ((rc = fl_featmat_new(&m, total, windows ? 3 : 1, cnt, j->set->n_classes > 0, err)) < 0)
		return rc;
	rc = fl_featmat_set_id_name(m, 0, "path", err);
	if (rc == 0 && windows && (rc = fl_featmat_set_id_name(m, 1, "start_s", err)) == 0)
		rc = fl_featmat_set_id_name(m, 2, "end_s", err);
	for (size_t c = 0; rc == 0 && c < cnt; c++) {
		fl_audiofeat_name(j->o, c, name, sizeof(name));
		rc = fl_featmat_set_col_name(m, c, name, err);
	}
	for (size_t i = 0; rc == 0 && i < j->set->n; i++)
		for (size_t w = 0; rc == 0 && w < j->rows[i].n; w++, r++) {
			int lab = j->set->labels[i];
			memcpy(fl_featmat_row(m, r), j->rows[i].x + w * cnt, cnt * sizeof(double));
			rc = fl_featmat_set_id(m, r, 0, j->set->paths[i], err);
			if (rc == 0 && windows) {
				snprintf(name, sizeof(name), "%.3f", j->rows[i].t0[w]);
				rc = fl_featmat_set_id(m, r, 1, name, err);
				snprintf(name, sizeof(name), "%.3f", j->rows[i].t1[w]);
				if (rc == 0)
					rc = fl_featmat_set_id(m, r, 2, name, err);
			}
			if (rc == 0 && m->labels)
				rc = fl_featmat_set_label(m, r, lab >= 0 ? j->set->classes[lab] : "", err);
		}
	if (rc < 0) {
		fl_featmat_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int fl_audiofeat_compute(const fl_fileset *set, const fl_audiofeat_opts *o, fl_featmat **out,
			 fl_err *err)
{
	set_job j = { set, o, NULL, 1, NULL, NULL, 0 };
	int nt = fl_threads_resolve(o->n_threads), rc;

	*out = NULL;
	if ((rc = fl_audiofeat_check(o, err)) < 0)
		return rc;
	if (!(j.rows = calloc(set->n ? set->n : 1, sizeof(file_rows))) ||
	    !(j.mel = calloc((size_t)nt, sizeof(fl_mel *)))) {
		free(j.rows);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	/* many files: one file per thread; few (long) files: threads share a file */
	if ((rc = ws_new(&j.ws, nt, o->n_fft, err)) < 0) {
		/* nothing computed; the cleanup below frees what there is */
	} else if (set->n >= 2 * (size_t)nt) {
		rc = fl_parallel_for(set->n, nt, one_file, &j, err);
	} else {
		j.frame_threads = nt;
		rc = 0;
		for (size_t i = 0; rc == 0 && i < set->n; i++)
			rc = one_file(&j, i, 0, err);
	}
	if (rc == 0)
		rc = assemble(&j, out, err);
	for (size_t i = 0; i < set->n; i++) {
		free(j.rows[i].t0);
		free(j.rows[i].t1);
		free(j.rows[i].x);
		free(j.rows[i].why);
	}
	free(j.rows);
	for (int t = 0; t < nt; t++)
		fl_mel_free(j.mel[t]);
	free(j.mel);
	ws_free(j.ws, nt);
	return rc;
}
