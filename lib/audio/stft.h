/* stft.h - the short-time Fourier transform of one frame at a time, with
 * FFTW (single precision).
 *
 * Frame f covers samples [f hop, f hop + n_fft) (no centring; the last
 * partial frame is dropped; a signal shorter than n_fft gives one frame,
 * zero-padded). Each frame is multiplied by a periodic Hann window
 * w[i] = 0.5 - 0.5 cos(2 pi i / n_fft) and transformed; the result is
 * the power |X_k|^2 of bins k = 0 .. n_fft / 2 (bin k at k rate / n_fft Hz). */
#ifndef FL_STFT_H
#define FL_STFT_H

#include <stddef.h>

#include "core/err.h"

typedef struct fl_stft fl_stft;

/* A transform of size n_fft (even, 16..65536). One per thread: frames of
 * one object must not be computed concurrently. *out owned by the caller
 * (fl_stft_free). */
int fl_stft_new(int n_fft, fl_stft **out, fl_err *err);

/* Number of frames of a signal of n samples (see above; 0 when n == 0). */
size_t fl_stft_frames(size_t n, int n_fft, int hop);

/* Power spectrum of the frame starting at x[0] with `avail` samples
 * available (fewer than n_fft: zero-padded) into power[n_fft / 2 + 1]. */
void fl_stft_power(fl_stft *s, const float *x, size_t avail, float *power);

/* The windowed frame of the last call (n_fft samples, borrowed). */
const float *fl_stft_frame(const fl_stft *s);

void fl_stft_free(fl_stft *s);

#endif
