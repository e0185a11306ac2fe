/* resample.h - sample-rate conversion by a polyphase windowed-sinc filter,
 * streaming (push blocks of input, collect output).
 *
 * For rates in -> out with L/M = out/in reduced, output sample k is the
 * input interpolated at time t = k M / L (input samples):
 *   y_k = sum_n x[n] g(t - n),  g(u) = 2 fc sinc(2 fc u) kaiser(u / H),
 * cutoff fc = 0.46 min(1, L/M) cycles per input sample (92% of the lower
 * Nyquist), Kaiser beta 8.6 (stop band about -85 dB), half-length
 * H = ceil(20 / (2 fc)) input samples (20 zero crossings each side).
 * The fractional position is quantised to min(L, 4096) phases; each
 * phase's taps are normalised to sum 1 (exact DC gain). x[n] = 0 outside
 * the signal; a signal of n samples gives ceil(n L / M) outputs, aligned
 * (output 0 is at input time 0, no delay). Same rates: a copy. */
#ifndef FL_RESAMPLE_H
#define FL_RESAMPLE_H

#include <stddef.h>

#include "core/err.h"

typedef struct fl_resampler fl_resampler;

/* A converter from in_rate to out_rate (both 1..1,000,000). *out owned by
 * the caller (fl_resampler_free). */
int fl_resampler_new(int in_rate, int out_rate, fl_resampler **out, fl_err *err);

/* Push n input samples (n may be 0); append every output sample that can
 * now be computed to *buf (grown with realloc; *len and *cap updated). */
int fl_resampler_push(fl_resampler *r, const float *in, size_t n, float **buf, size_t *len,
		      size_t *cap, fl_err *err);

/* End of input: append the remaining outputs. */
int fl_resampler_finish(fl_resampler *r, float **buf, size_t *len, size_t *cap, fl_err *err);

void fl_resampler_free(fl_resampler *r);

#endif
