/* sweep.h - built-in window scorers for fl_detect_file until a trained
 * model scores windows:
 *
 *  sweep  spectrogram correlation (Mellinger and Clark, 2000) with a
 *         linear up-sweep kernel from f0 to f1 Hz over `duration` s: the
 *         window's log-power spectrogram (Hann frames of the power of two
 *         nearest rate / 8 samples, i.e. about 8 Hz bins, hop an eighth of
 *         that), each frequency bin minus its median over the window, is
 *         correlated with a kernel that is a Mexican hat across frequency,
 *         (1 - u^2) exp(-u^2 / 2), u = (f - fc(t)) / bandwidth, centred on
 *         the sweep fc(t) = f0 + (f1 - f0) t / duration; the score is the
 *         largest mean kernel response over the window's time offsets.
 *  band   the largest over frames of the share of power between f0 and f1,
 *         in dB (10 log10 of the fraction, so <= 0).
 */
#ifndef FL_SWEEP_H
#define FL_SWEEP_H

#include <stddef.h>

#include "core/err.h"

typedef enum fl_sweep_kind { FL_SCORER_SWEEP = 0, FL_SCORER_BAND = 1 } fl_sweep_kind;

typedef struct fl_sweep_opts {
	fl_sweep_kind kind;
	double f0, f1;     /* Hz: sweep start and end (band: its edges) */
	double duration;   /* seconds of the sweep (sweep only) */
	double bandwidth;  /* Hz: kernel half-width (sweep only) */
} fl_sweep_opts;

#define FL_SWEEP_OPTS_INIT { FL_SCORER_SWEEP, 50, 250, 1.0, 20 }

/* A scorer for `n_threads` workers; pass fl_sweep_score and it to
 * fl_detect_file. *out owned by the caller (fl_sweep_free). */
typedef struct fl_sweep fl_sweep;
int fl_sweep_new(const fl_sweep_opts *o, int n_threads, fl_sweep **out, fl_err *err);

/* fl_detect_score_fn for a fl_sweep (ud). */
int fl_sweep_score(void *ud, int worker, const float *x, size_t n, int rate, double *score,
		   fl_err *err);

void fl_sweep_free(fl_sweep *s);

#endif
