/* sound.h - reading WAV, FLAC (and whatever else libsndfile reads) as mono
 * float samples, streamed in blocks, with the checks that turn broken
 * files into clear errors: a header libsndfile rejects, a sample rate of
 * 0, zero length.
 *
 * Mixdown: the mean of the channels. Samples are floats in [-1, 1]
 * (libsndfile's normalisation of integer formats). */
#ifndef FL_SOUND_H
#define FL_SOUND_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct fl_sound fl_sound;

typedef struct fl_sound_info {
	int rate;       /* samples per second, > 0 */
	int channels;   /* >= 1 */
	int64_t frames; /* samples per channel, > 0 */
} fl_sound_info;

/* Open `path`. Not a sound file or a broken header: FL_EINVAL
 * "<path>: not a readable sound file (<libsndfile's reason>)"; rate 0:
 * "<path>: sample rate is 0"; no samples: "<path>: no samples (zero
 * length)". *out owned by the caller (fl_sound_close). */
int fl_sound_open(const char *path, fl_sound **out, fl_sound_info *info, fl_err *err);

/* Read up to `max` mono samples into buf; *got is 0 at the end. */
int fl_sound_read(fl_sound *s, float *buf, size_t max, size_t *got, fl_err *err);

void fl_sound_close(fl_sound *s);

/* Extensions to scan for in folders (wav, flac, ...), NULL-ended. */
extern const char *const fl_sound_exts[];

/* A mono signal in memory. */
typedef struct fl_signal {
	float *x;  /* n samples, owned */
	size_t n;
	int rate;  /* samples per second */
} fl_signal;

/* Read a whole file as mono, resampled to `rate` (0: keep the file's).
 * Streams the file through the resampler, so memory is the output's
 * size. A long file of uncompressed samples (PCM or float WAV, AIFF, ...)
 * at its own rate is read on n_threads threads (0: all cores), in
 * segments on their own handles; the samples, and the first bad sample
 * an error names, are those of a one-thread read. *out owned by the
 * caller (fl_signal_free). */
int fl_signal_load(const char *path, int rate, int n_threads, fl_signal **out, fl_err *err);

/* Write a signal as 16-bit PCM WAV (atomically), for tests and examples. */
int fl_signal_write_wav(const fl_signal *s, const char *path, fl_err *err);

void fl_signal_free(fl_signal *s);

#endif
