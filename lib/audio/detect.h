/* detect.h - detection in long recordings: a sliding window, a scoring
 * callback per window (a model, or a built-in detector from sweep.h),
 * windows at or above a threshold merged into events (start, end, score),
 * and precision / recall against a truth table.
 *
 * Windows: window w covers [w hop, w hop + window) seconds of the signal
 * (resampled to `rate`), for every w whose window fits; a recording
 * shorter than one window is one window. Merging: a run of windows with
 * score >= threshold whose spans overlap or touch becomes one event from
 * the first window's start to the last one's end, scored by the run's
 * maximum. */
#ifndef FL_DETECT_H
#define FL_DETECT_H

#include <stddef.h>

#include "core/err.h"
#include "core/log.h"
#include "media/featmat.h"

/* Score one window: x[0..n) at `rate` Hz into *score (higher: more likely
 * a call). Called concurrently from `worker` 0..n_threads-1; must be
 * deterministic. Returns 0 or a negative status with err set. */
typedef int (*fl_detect_score_fn)(void *ud, int worker, const float *x, size_t n, int rate,
				  double *score, fl_err *err);

typedef struct fl_detect_opts {
	int rate;           /* resample to this rate first (0: keep the file's) */
	double window_s;    /* window length, seconds (default 2) */
	double hop_s;       /* window step, seconds (default 0.5) */
	double threshold;   /* events: windows with score >= threshold */
	int n_threads;      /* 0: all cores */
	const fl_progress *progress;
	const volatile int *stop;
} fl_detect_opts;

#define FL_DETECT_OPTS_INIT { 0, 2.0, 0.5, 0.0, 0, NULL, NULL }

typedef struct fl_event {
	double start, end; /* seconds from the start of the recording */
	double score;      /* the highest window score in the event */
} fl_event;

/* Score every window of the file at `path` (scores: *scores_out, caller
 * frees, *n_windows of them, may be NULL to skip) and merge into events
 * (*out, caller frees; *n_out). */
int fl_detect_file(const char *path, const fl_detect_opts *o, fl_detect_score_fn fn, void *ud,
		   fl_event **out, size_t *n_out, double **scores_out, size_t *n_windows,
		   fl_err *err);

/* Merge window scores into events (the rule above). *out caller frees. */
int fl_detect_merge(const double *scores, size_t n, double window_s, double hop_s,
		    double threshold, fl_event **out, size_t *n_out, fl_err *err);

/* Match events to truth intervals: an event is a true positive when it
 * overlaps a truth interval not yet matched (both lists in time order,
 * greedy, earliest first). precision = tp / n_events (1 when no events),
 * recall = matched truth / n_truth (1 when no truth). */
typedef struct fl_detect_eval {
	size_t tp, n_events, n_truth, truth_found;
	double precision, recall;
} fl_detect_eval;

void fl_detect_evaluate(const fl_event *ev, size_t n, const fl_event *truth, size_t n_truth,
			fl_detect_eval *out);

/* Read a truth table: CSV with a header holding `start` and `end` columns
 * (seconds); rows in any order (sorted on reading). *out caller frees. */
int fl_detect_read_truth(const char *path, fl_event **out, size_t *n_out, fl_err *err);

/* Events as a feature matrix with columns file, start, end, score. */
int fl_detect_table(const char *file, const fl_event *ev, size_t n, fl_featmat **out,
		    fl_err *err);

#endif
