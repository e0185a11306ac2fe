/* spectral.h - scalar measures of one frame (docs/audio.md):
 *   rms        sqrt(mean x^2) of the raw (unwindowed) frame
 *   zcr        fraction of adjacent raw sample pairs whose signs differ
 *   centroid   sum f_k |X_k| / sum |X_k|                          (Hz)
 *   bandwidth  sqrt(sum (f_k - centroid)^2 |X_k| / sum |X_k|)      (Hz)
 *   flatness   geometric mean / arithmetic mean of P_k + 1e-10     (0..1)
 *   rolloff    lowest f_k with sum_{j<=k} |X_j| >= 0.85 sum |X_j|  (Hz)
 * with |X_k| = sqrt(P_k), f_k = k rate / n_fft. A silent frame has
 * centroid, bandwidth and rolloff 0, flatness 1. */
#ifndef FL_SPECTRAL_H
#define FL_SPECTRAL_H

#include <stddef.h>

enum { FL_SPEC_RMS, FL_SPEC_ZCR, FL_SPEC_CENTROID, FL_SPEC_BANDWIDTH, FL_SPEC_FLATNESS,
       FL_SPEC_ROLLOFF, FL_SPEC_N };

/* Names of the FL_SPEC_N measures, in order ("rms", "zcr", ...). */
extern const char *const fl_spectral_names[FL_SPEC_N];

/* Measures of a frame: raw samples x[0..n), power[0..n_fft/2], into
 * out[FL_SPEC_N]. `mag` is the caller's scratch of n_fft / 2 + 1 doubles
 * (left holding |X_k|). */
void fl_spectral_frame(const float *x, size_t n, const float *power, int n_fft, int rate,
		       double *mag, double *out);

#endif
