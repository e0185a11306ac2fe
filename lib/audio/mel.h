/* mel.h - mel band energies and MFCCs of a power spectrum.
 *
 * Mel scale (HTK): mel(f) = 2595 log10(1 + f / 700). n_mels triangular
 * filters with centres equally spaced in mel between fmin and fmax, each
 * rising from the previous centre to 1 at its own and falling to 0 at the
 * next (unit peak, not area-normalised). Band energy e_m = sum_k w_m(k) P_k;
 * log mel = ln(e_m + 1e-10). MFCC c_j = DCT-II (orthonormal) of the log
 * mel energies, j = 0 .. n_mfcc - 1. */
#ifndef FL_MEL_H
#define FL_MEL_H

#include "core/err.h"

typedef struct fl_mel fl_mel;

/* Filters for spectra of n_fft / 2 + 1 bins at `rate` Hz. fmax <= 0 means
 * rate / 2. n_mfcc <= n_mels. *out owned by the caller (fl_mel_free);
 * read only after creation, so threads may share it. */
int fl_mel_new(int rate, int n_fft, int n_mels, double fmin, double fmax, int n_mfcc,
	       fl_mel **out, fl_err *err);

/* log mel energies of `power` into logmel[n_mels], and MFCCs into
 * mfcc[n_mfcc] (mfcc may be NULL). */
void fl_mel_apply(const fl_mel *m, const float *power, double *logmel, double *mfcc);

/* The sample rate the filterbank was made for. */
int fl_mel_rate(const fl_mel *m);

void fl_mel_free(fl_mel *m);

#endif
