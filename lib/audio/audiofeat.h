/* audiofeat.h - spectral features of sound: a row of frame features per
 * STFT frame (spectral.h measures, log mel energies, MFCCs), summarised
 * over a clip or over sliding windows by mean, std, p10, p50 and p90,
 * for a set of files, in parallel, with the on_bad_file policy.
 *
 * Frame feature order: rms zcr centroid bandwidth flatness rolloff
 * mel_01..mel_NM mfcc_00..mfcc_(NC-1); summary columns are
 * <feature>_<stat> for each feature in that order, stats in the order
 * mean std p10 p50 p90 (percentiles by linear interpolation). */
#ifndef FL_AUDIOFEAT_H
#define FL_AUDIOFEAT_H

#include <stddef.h>

#include "audio/mel.h"
#include "audio/sound.h"
#include "core/err.h"
#include "core/log.h"
#include "media/featmat.h"
#include "media/fileset.h"

typedef struct fl_audiofeat_opts {
	int rate;            /* resample every file to this rate (0: keep each file's) */
	int n_fft;           /* STFT frame length in samples (default 512) */
	int hop;             /* STFT hop in samples (default 256) */
	int n_mels;          /* mel bands (default 40) */
	double fmin, fmax;   /* mel range in Hz (default 0 .. rate / 2, fmax 0) */
	int n_mfcc;          /* MFCCs (default 13) */
	double window_s;     /* 0: one row per clip; else one row per window of this length */
	double window_hop_s; /* window step in seconds (default: window_s) */
	fl_on_bad on_bad;
	int n_threads;       /* 0: all cores */
	const fl_progress *progress;
	const volatile int *stop; /* nonzero: stop with FL_EINTR; may be NULL */
} fl_audiofeat_opts;

#define FL_AUDIOFEAT_OPTS_INIT \
	{ 16000, 512, 256, 40, 0, 0, 13, 0, 0, FL_BAD_FAIL, 0, NULL, NULL }

#define FL_AUDIO_N_STATS 5

/* Check option ranges (FL_EINVAL naming the bad one). */
int fl_audiofeat_check(const fl_audiofeat_opts *o, fl_err *err);

/* Frame features per frame and summary columns. */
size_t fl_audiofeat_frame_dim(const fl_audiofeat_opts *o);
size_t fl_audiofeat_count(const fl_audiofeat_opts *o);

/* Name of summary column j into buf ("mfcc_03_p90"). */
void fl_audiofeat_name(const fl_audiofeat_opts *o, size_t j, char *buf, size_t len);

/* Frame features of a signal: *out (caller frees) holds
 * fl_audiofeat_frame_dim() columns of *n_frames floats, feature-major
 * (feature d of frame f at (*out)[d * *n_frames + f]). Frames are computed
 * on n_threads threads in blocks; the result does not depend on the thread
 * count. `mel` is made for the signal's rate (fl_mel_new). */
int fl_audiofeat_frames(const fl_signal *sig, const fl_audiofeat_opts *o, const fl_mel *mel,
			int n_threads, float **out, size_t *n_frames, fl_err *err);

/* Summary (FL_AUDIO_N_STATS per feature) of frames [a, b) of a
 * feature-major table of n_frames frames (as fl_audiofeat_frames) into
 * out. `scratch` holds at least b - a floats. */
void fl_audiofeat_summarise(const float *frames, size_t n_frames, size_t dim, size_t a, size_t b,
			    float *scratch, double *out);

/* Features of every file of `set`: columns path (clip rows) or path,
 * start_s, end_s (window rows), the summary columns, label (labelled
 * sets). Windows start every window_hop_s seconds and must fit in the
 * clip (a clip shorter than one window gives one row over the whole
 * clip). *out owned by the caller. */
int fl_audiofeat_compute(const fl_fileset *set, const fl_audiofeat_opts *o, fl_featmat **out,
			 fl_err *err);

#endif
