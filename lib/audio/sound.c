/* sound.c - reading sound files with libsndfile, mixdown, whole-file load. */
#define _GNU_SOURCE
#include "audio/sound.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "audio/resample.h"
#include "core/atomic.h"
#include "core/bigbuf.h"
#include "core/parallel.h"

const char *const fl_sound_exts[] = { "wav", "flac", "ogg", "aif", "aiff", "au", NULL };

#define BLOCK 65536

struct fl_sound {
	SNDFILE *sf;      /* libsndfile handle */
	int format;       /* SF_FORMAT_* container | encoding */
	int channels;
	float *inter;     /* interleaved block, BLOCK * channels */
	char *path;       /* for messages */
	int64_t done;     /* frames read so far */
};

/* sf_strerror(NULL) reports the last open failure through a global, so
 * opening is serialised to keep the message with its file. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

static int check_info(const char *path, const SF_INFO *in, fl_err *err)
{
	if (in->samplerate <= 0)
		return fl_err_set(err, FL_EINVAL, "%s: sample rate is %d", path, in->samplerate);
	if (in->channels <= 0)
		return fl_err_set(err, FL_EINVAL, "%s: no channels", path);
	if (in->frames <= 0)
		return fl_err_set(err, FL_EINVAL, "%s: no samples (zero length)", path);
	return 0;
}

int fl_sound_open(const char *path, fl_sound **out, fl_sound_info *info, fl_err *err)
{
	SF_INFO in;
	fl_sound *s = NULL;
	int rc;

	*out = NULL;
	memset(&in, 0, sizeof(in));
	pthread_mutex_lock(&open_lock);
	SNDFILE *sf = sf_open(path, SFM_READ, &in);
	if (!sf)
		rc = fl_err_set(err, FL_EINVAL, "%s: not a readable sound file (%s)", path,
				sf_strerror(NULL));
	pthread_mutex_unlock(&open_lock);
	if (!sf)
		return rc;
	if ((rc = check_info(path, &in, err)) < 0) {
		sf_close(sf);
		return rc;
	}
	if (!(s = calloc(1, sizeof(*s))) ||
	    !(s->inter = malloc((size_t)BLOCK * in.channels * sizeof(float))) ||
	    !(s->path = strdup(path))) {
		sf_close(sf);
		fl_sound_close(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	s->sf = sf;
	s->format = in.format;
	s->channels = in.channels;
	info->rate = in.samplerate;
	info->channels = in.channels;
	info->frames = in.frames;
	*out = s;
	return 0;
}

int fl_sound_read(fl_sound *s, float *buf, size_t max, size_t *got, fl_err *err)
{
	size_t want = max < BLOCK ? max : BLOCK;
	sf_count_t n = sf_readf_float(s->sf, s->inter, (sf_count_t)want);

	*got = 0;
	if (n < 0 || (n == 0 && sf_error(s->sf) != SF_ERR_NO_ERROR))
		return fl_err_set(err, FL_EINVAL, "%s: read error (%s)", s->path, sf_strerror(s->sf));
	for (sf_count_t i = 0; i < n && s->channels == 1; i++) { /* mono: a checked copy */
		if (!isfinite(s->inter[i]))
			return fl_err_set(err, FL_EINVAL, "%s: sample %lld is not a finite number",
					  s->path, (long long)(s->done + i));
		buf[i] = s->inter[i];
	}
	for (sf_count_t i = 0; i < n && s->channels > 1; i++) {
		float acc = 0;
		for (int c = 0; c < s->channels; c++)
			acc += s->inter[i * s->channels + c];
		if (!isfinite(acc))
			return fl_err_set(err, FL_EINVAL, "%s: sample %lld is not a finite number",
					  s->path, (long long)(s->done + i));
		buf[i] = acc / s->channels;
	}
	s->done += n;
	*got = (size_t)n;
	return 0;
}

void fl_sound_close(fl_sound *s)
{
	if (!s)
		return;
	if (s->sf)
		sf_close(s->sf);
	free(s->inter);
	free(s->path);
	free(s);
}

/* The output length the header promises (resampled: ceil(frames out /
 * in)), capped: a header may lie, and the buffer grows if it must. */
static size_t expected_len(const fl_sound_info *in, int rate)
{
	uint64_t f = in->frames > 0 ? (uint64_t)in->frames : 0, cap = (uint64_t)1 << 28;

	f = f < cap * 16 ? f : cap * 16; /* no overflow below */
	if (rate > 0 && rate != in->rate)
		f = (f * (uint64_t)rate + (uint64_t)in->rate - 1) / (uint64_t)in->rate;
	return (size_t)(f < cap ? f : cap) + 1;
}

/* The whole file through the resampler, on this thread. */
static int load_stream(const char *path, int rate, fl_signal **out, fl_err *err)
{
	fl_sound *s = NULL;
	fl_resampler *r = NULL;
	fl_sound_info info;
	fl_signal *sig = NULL;
	float *block = NULL, *buf = NULL;
	size_t len = 0, cap = 0, got = 0;
	int rc;

	*out = NULL;
	if ((rc = fl_sound_open(path, &s, &info, err)) < 0)
		return rc;
	if ((rc = fl_resampler_new(info.rate, rate > 0 ? rate : info.rate, &r, err)) < 0)
		goto cleanup;
	cap = expected_len(&info, rate);
	if (!(block = malloc(BLOCK * sizeof(float))) || !(sig = calloc(1, sizeof(*sig))) ||
	    !(buf = fl_bigbuf_alloc(cap * sizeof(float)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	do {
		if ((rc = fl_sound_read(s, block, BLOCK, &got, err)) < 0 ||
		    (rc = fl_resampler_push(r, block, got, &buf, &len, &cap, err)) < 0)
			goto cleanup;
	} while (got > 0);
	if ((rc = fl_resampler_finish(r, &buf, &len, &cap, err)) < 0)
		goto cleanup;
	if (len == 0) {
		rc = fl_err_set(err, FL_EINVAL, "%s: no samples (zero length)", path);
		goto cleanup;
	}
	sig->x = buf;
	sig->n = len;
	sig->rate = rate > 0 ? rate : info.rate;
	buf = NULL;
	*out = sig;
	sig = NULL;
cleanup:
	fl_sound_close(s);
	fl_resampler_free(r);
	free(block);
	free(buf);
	fl_signal_free(sig);
	return rc;
}

int fl_signal_write_wav(const fl_signal *sig, const char *path, fl_err *err)
{
	fl_afile *af = NULL;
	SF_INFO in = { 0 };
	SNDFILE *sf;
	int rc;

	if ((rc = fl_afile_open(&af, path, err)) < 0)
		return rc;
	in.samplerate = sig->rate;
	in.channels = 1;
	in.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
	if (!(sf = sf_open(fl_afile_tmp_path(af), SFM_WRITE, &in))) {
		fl_afile_abort(af);
		return fl_err_set(err, FL_EIO, "%s: cannot write WAV (%s)", path, sf_strerror(NULL));
	}
	sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
	if (sf_writef_float(sf, sig->x, (sf_count_t)sig->n) != (sf_count_t)sig->n) {
		rc = fl_err_set(err, FL_EIO, "%s: writing WAV (%s)", path, sf_strerror(sf));
		sf_close(sf);
		fl_afile_abort(af);
		return rc;
	}
	if (sf_close(sf) != 0) {
		fl_afile_abort(af);
		return fl_err_set(err, FL_EIO, "%s: closing WAV", path);
	}
	return fl_afile_commit(af, err);
}

/* Below this many samples one thread reads the whole file. */
#define SEGMENT_MIN ((size_t)1 << 18)

/* Uncompressed samples: a seek lands exactly on a sample, and a segment
 * read on its own handle gives the bytes a whole-file read gives. */
static int uncompressed(int format)
{
	switch (format & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_PCM_16:
	case SF_FORMAT_PCM_24: case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT:
	case SF_FORMAT_DOUBLE:
		return 1;
	default:
		return 0;
	}
}

/* Equal segments of one file read in parallel into one buffer. */
typedef struct seg_job {
	const char *path;
	float *x;               /* n samples */
	size_t n, per;          /* samples, per segment */
	atomic_int short_read;  /* a segment ended early: the header lied */
} seg_job;

static int read_segment(void *ud, size_t i, int worker, fl_err *err)
{
	seg_job *j = ud;
	size_t a = i * j->per, b = a + j->per < j->n ? a + j->per : j->n, got = 0;
	fl_sound *s = NULL;
	fl_sound_info info;
	int rc;

	(void)worker;
	if (a >= b)
		return 0;
	if ((rc = fl_sound_open(j->path, &s, &info, err)) < 0)
		return rc;
	if (sf_seek(s->sf, (sf_count_t)a, SEEK_SET) != (sf_count_t)a)
		atomic_store(&j->short_read, 1);
	else
		s->done = (int64_t)a; /* sample numbers in messages count from the start */
	while (!atomic_load(&j->short_read) && a < b) {
		if ((rc = fl_sound_read(s, j->x + a, b - a, &got, err)) < 0)
			break;
		if (got == 0)
			atomic_store(&j->short_read, 1);
		a += got;
	}
	fl_sound_close(s);
	return rc;
}

/* 1: not done (a short segment), the caller streams the file instead. */
static int load_segments(const char *path, const fl_sound_info *info, int nt, fl_signal **out,
			 fl_err *err)
{
	seg_job j = { path, NULL, (size_t)info->frames, 0, 0 };
	size_t n_seg = 2 * (size_t)nt;
	fl_signal *sig = calloc(1, sizeof(*sig));
	int rc;

	j.per = (j.n + n_seg - 1) / n_seg;
	if (!sig || !(j.x = fl_bigbuf_alloc(j.n * sizeof(float)))) {
		free(sig);
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu samples", j.n);
	}
	rc = fl_parallel_for(n_seg, nt, read_segment, &j, err);
	if (atomic_load(&j.short_read)) /* whatever else happened: read it as a stream */
		rc = 1;
	if (rc != 0) {
		free(j.x);
		free(sig);
		return rc;
	}
	sig->x = j.x;
	sig->n = j.n;
	sig->rate = info->rate;
	*out = sig;
	return 0;
}

int fl_signal_load(const char *path, int rate, int n_threads, fl_signal **out, fl_err *err)
{
	int nt = fl_threads_resolve(n_threads), rc, split;
	fl_sound *s = NULL;
	fl_sound_info info;

	*out = NULL;
	if (nt < 2)
		return load_stream(path, rate, out, err);
	if ((rc = fl_sound_open(path, &s, &info, err)) < 0)
		return rc;
	split = uncompressed(s->format) && (rate <= 0 || rate == info.rate) &&
		(uint64_t)info.frames >= 2 * SEGMENT_MIN;
	fl_sound_close(s);
	if (split && (rc = load_segments(path, &info, nt, out, err)) <= 0)
		return rc;
	return load_stream(path, rate, out, err);
}

void fl_signal_free(fl_signal *s)
{
	if (!s)
		return;
	free(s->x);
	free(s);
}
