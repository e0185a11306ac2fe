/* kind_audio_features.c - the `audio_features` step kind: a folder of
 * clips (class folders or unlabelled, labels optionally from a CSV) or one
 * file -> a floe table of spectral summaries per clip or per window, with
 * a `file` id column (docs/audio.md). */
#include <string.h>

#include "audio/audiofeat.h"
#include "audio/sound.h"
#include "media/mediakind.h"
#include "recipe/kinds.h"
#include "recipe/kparam.h"

/* The spectral parameters, shared with the `detect` kind (kind_detect.c),
 * which must compute the same features as the model was trained on. */
static const fl_param_spec params[] = {
	FL_AUDIO_FEATURE_PARAMS,
	{ "window", FL_PARAM_FLOAT, 0, "0",
	  "one row per window of this many seconds; 0: one row per clip" },
	{ "window_hop", FL_PARAM_FLOAT, 0, "0", "window step in seconds; 0: the window" },
	FL_MEDIA_COMMON_PARAMS,
	{ NULL, 0, 0, NULL, NULL },
};
static const fl_slot inputs[] = { { "audio", 0 }, { "labels", 1 }, { NULL, 0 } };
static const char *const outputs[] = { "table.h5", NULL };
static const char *const libs[] = { "hdf5", "libsndfile", "fftw", NULL };

static int parse(const fl_step_ctx *ctx, fl_audiofeat_opts *o, fl_layout *layout, fl_err *err)
{
	int rc;

	if ((rc = fl_media_audio_opts(ctx, o, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "window", &o->window_s, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "window_hop", &o->window_hop_s, err)) < 0 ||
	    (rc = fl_media_common(ctx, layout, &o->on_bad, err)) < 0)
		return rc;
	if (o->window_s < 0 || o->window_hop_s < 0)
		return fl_value_error(err, fl_kparam(ctx, o->window_s < 0 ? "window" : "window_hop"),
				      FL_EINVAL, "'window' and 'window_hop' must be >= 0");
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	fl_audiofeat_opts o = FL_AUDIOFEAT_OPTS_INIT;
	fl_layout layout;

	return parse(ctx, &o, &layout, err);
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	const char *root = fl_step_input(ctx, "audio"), *labels = fl_step_input(ctx, "labels");
	fl_audiofeat_opts o = FL_AUDIOFEAT_OPTS_INIT;
	fl_fileset_opts so = { fl_sound_exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_fileset *set = NULL;
	fl_featmat *m = NULL;
	fl_table *t = NULL;
	int rc;

	if ((rc = parse(ctx, &o, &so.layout, err)) < 0)
		return rc;
	so.on_bad = o.on_bad;
	o.n_threads = ctx->n_threads;
	o.progress = ctx->progress;
	o.stop = (const volatile int *)ctx->stop;
	if ((rc = fl_fileset_scan(root, &so, &set, err)) < 0 ||
	    (labels && (rc = fl_fileset_label_csv(set, labels, o.on_bad, err)) < 0) ||
	    (rc = fl_audiofeat_compute(set, &o, &m, err)) < 0 ||
	    (rc = fl_media_table(m, root, &t, err)) < 0 ||
	    (rc = fl_media_write(ctx, "audio_features", "table.h5", root, t, err)) < 0)
		fl_err_wrap(err, "step '%s'", ctx->step);
	fl_table_free(t);
	fl_featmat_free(m);
	fl_fileset_free(set);
	return rc;
}

const fl_step_kind fl_kind_audio_features = {
	"audio_features",
	"sound clips -> a table of spectral summaries (mel, MFCC, ...) per clip or window",
	params, inputs, outputs, libs, check, run,
};
