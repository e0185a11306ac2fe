/* kind_detect.c - the `detect` step kind (implement phase): a sliding
 * window over a long recording, each window scored by a trained model's
 * probability of the positive class (or by a built-in up-sweep / band
 * scorer when no model is given), windows above the threshold merged into
 * detections (file, start, end, score), scored against an optional truth
 * table (docs/audio.md). */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/audiofeat.h"
#include "audio/detect.h"
#include "audio/sound.h"
#include "audio/sweep.h"
#include "core/atomic.h"
#include "media/mediakind.h"
#include "media/modelscore.h"
#include "recipe/kinds.h"
#include "recipe/kparam.h"

static const fl_param_spec params[] = {
	{ "window", FL_PARAM_FLOAT, 0, "2", "window length in seconds" },
	{ "window_hop", FL_PARAM_FLOAT, 0, "0.5", "window step in seconds" },
	{ "threshold", FL_PARAM_FLOAT, 0, "0.5",
	  "detections: windows scoring at or above this (model: a probability)" },
	{ "positive", FL_PARAM_STRING, 0, NULL,
	  "with a model: the class whose probability is the window score (required)" },
	{ "scorer", FL_PARAM_STRING, 0, "sweep",
	  "without a model: sweep (up-sweep correlation) or band (in-band power share, dB)" },
	{ "f0", FL_PARAM_FLOAT, 0, "50", "without a model: sweep start (band low edge) in Hz" },
	{ "f1", FL_PARAM_FLOAT, 0, "250", "without a model: sweep end (band high edge) in Hz" },
	{ "duration", FL_PARAM_FLOAT, 0, "1", "without a model: sweep duration in seconds" },
	{ "bandwidth", FL_PARAM_FLOAT, 0, "20", "without a model: sweep kernel half-width in Hz" },
	FL_AUDIO_FEATURE_PARAMS,
	{ NULL, 0, 0, NULL, NULL },
};
static const fl_slot inputs[] = { { "recording", 0 }, { "model", 1 }, { "truth", 1 }, { NULL, 0 } };
static const char *const outputs[] = { "detections.csv", "evaluation.json", NULL };
static const char *const libs[] = { "openblas", "hdf5", "libsndfile", "fftw", NULL };

typedef struct args {
	fl_audiofeat_opts a; /* features for the model (window fields set) */
	fl_sweep_opts s;     /* the built-in scorer */
	double threshold;
	const char *positive;
} args;

static int has_input(const fl_step_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->n_inputs; i++)
		if (!strcmp(ctx->inputs[i].name, name))
			return 1;
	return 0;
}

static int parse_scorer(const fl_step_ctx *ctx, args *g, fl_err *err)
{
	const fl_value *sc = fl_kparam(ctx, "scorer");
	int rc;

	if (!strcmp(sc->text, "band"))
		g->s.kind = FL_SCORER_BAND;
	else if (strcmp(sc->text, "sweep"))
		return fl_value_error(err, sc, FL_EINVAL, "'scorer' must be sweep or band, not '%s'",
				      sc->text);
	if ((rc = fl_kparam_float(ctx, "f0", &g->s.f0, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "f1", &g->s.f1, err)) < 0)
		return rc;
	if (g->s.f0 < 0 || g->s.f1 <= g->s.f0)
		return fl_value_error(err, fl_kparam(ctx, "f1"), FL_EINVAL,
				      "'f0' and 'f1' must be Hz with 0 <= f0 < f1");
	if ((rc = fl_kparam_float(ctx, "duration", &g->s.duration, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "bandwidth", &g->s.bandwidth, err)) < 0)
		return rc;
	if (g->s.duration <= 0 || g->s.bandwidth <= 0)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s': 'duration' and 'bandwidth' must be > 0", ctx->step);
	return 0;
}

static int parse(const fl_step_ctx *ctx, args *g, fl_err *err)
{
	const fl_value *pos = fl_kparam(ctx, "positive");
	int rc;

	if ((rc = fl_media_audio_opts(ctx, &g->a, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "window", &g->a.window_s, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "window_hop", &g->a.window_hop_s, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "threshold", &g->threshold, err)) < 0 ||
	    (rc = parse_scorer(ctx, g, err)) < 0)
		return rc;
	if (g->a.window_s <= 0 || g->a.window_hop_s <= 0)
		return fl_value_error(err, fl_kparam(ctx, g->a.window_s <= 0 ? "window" : "window_hop"),
				      FL_EINVAL, "'window' and 'window_hop' must be > 0");
	g->positive = pos ? pos->text : NULL;
	if (has_input(ctx, "model") && !g->positive)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s': with a model, give 'positive': the class to detect",
				      ctx->step);
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	args g = { FL_AUDIOFEAT_OPTS_INIT, FL_SWEEP_OPTS_INIT, 0, NULL };

	return parse(ctx, &g, err);
}

/* Keep columns other than start_s and end_s: the model's training table
 * (audio_features per clip) had `file`, the features and perhaps `label`. */
static int clip_columns(const fl_table *t, fl_table **out, fl_err *err)
{
	int rc = fl_table_new(out, err);

	if (rc == 0)
		rc = fl_table_add_rows(*out, t->n_rows, err);
	for (size_t c = 0; c < t->n_cols && rc == 0; c++)
		if (strcmp(t->cols[c].name, "start_s") && strcmp(t->cols[c].name, "end_s"))
			rc = fl_table_add_copy(*out, t, c, NULL, err) < 0 ? -1 : 0;
	return rc < 0 ? (err->code ? err->code : FL_ENOMEM) : 0;
}

/* Window scores from the model: the probability of g->positive. */
static int model_scores(const fl_step_ctx *ctx, const args *g, const char *rec, double **scores,
			size_t *n, fl_err *err)
{
	fl_fileset_opts so = { fl_sound_exts, FL_LAYOUT_UNLABELLED, FL_BAD_FAIL };
	fl_audiofeat_opts a = g->a;
	fl_fileset *set = NULL;
	fl_featmat *m = NULL;
	fl_table *t = NULL, *raw = NULL;
	int rc;

	a.n_threads = ctx->n_threads;
	a.progress = ctx->progress;
	a.stop = (const volatile int *)ctx->stop;
	if ((rc = fl_fileset_scan(rec, &so, &set, err)) == 0 &&
	    (rc = fl_audiofeat_compute(set, &a, &m, err)) == 0 &&
	    (rc = fl_media_table(m, rec, &t, err)) == 0 && (rc = clip_columns(t, &raw, err)) == 0 &&
	    (rc = fl_model_class_scores(fl_step_input(ctx, "model"), raw, g->positive,
					ctx->n_threads, scores, err)) == 0)
		*n = raw->n_rows;
	if (rc == FL_ENOTFOUND)
		rc = fl_kparam_blame(ctx, "positive", rc, err);
	fl_table_free(raw);
	fl_table_free(t);
	fl_featmat_free(m);
	fl_fileset_free(set);
	return rc;
}

/* Events from the model or the built-in scorer. */
static int find_events(const fl_step_ctx *ctx, const args *g, fl_event **ev, size_t *n,
		       fl_err *err)
{
	const char *rec = fl_step_input(ctx, "recording");
	fl_detect_opts d = FL_DETECT_OPTS_INIT;
	fl_sweep *sw = NULL;
	double *scores = NULL;
	size_t nw = 0;
	int rc;

	if (fl_step_input(ctx, "model")) {
		rc = model_scores(ctx, g, rec, &scores, &nw, err);
		if (rc == 0)
			rc = fl_detect_merge(scores, nw, g->a.window_s, g->a.window_hop_s, g->threshold,
					     ev, n, err);
		free(scores);
		return rc;
	}
	d.rate = g->a.rate;
	d.window_s = g->a.window_s;
	d.hop_s = g->a.window_hop_s;
	d.threshold = g->threshold;
	d.n_threads = ctx->n_threads;
	d.progress = ctx->progress;
	d.stop = (const volatile int *)ctx->stop;
	rc = fl_sweep_new(&g->s, ctx->n_threads, &sw, err);
	if (rc == 0)
		rc = fl_detect_file(rec, &d, fl_sweep_score, sw, ev, n, NULL, NULL, err);
	fl_sweep_free(sw);
	return rc;
}

/* evaluation.json: the event count, and precision and recall when there
 * is a truth table. */
static int evaluate(const fl_step_ctx *ctx, const fl_event *ev, size_t n, fl_err *err)
{
	const char *truth_path = fl_step_input(ctx, "truth");
	fl_event *truth = NULL;
	json_t *j = NULL;
	char *path = NULL, *text = NULL;
	size_t nt = 0;
	int rc = 0;

	if (truth_path && (rc = fl_detect_read_truth(truth_path, &truth, &nt, err)) < 0)
		return rc;
	if (truth) {
		fl_detect_eval e;
		fl_detect_evaluate(ev, n, truth, nt, &e);
		j = json_pack("{s:I, s:I, s:I, s:I, s:f, s:f}", "events", (json_int_t)e.n_events,
			      "true_positives", (json_int_t)e.tp, "truth", (json_int_t)e.n_truth,
			      "truth_found", (json_int_t)e.truth_found, "precision", e.precision,
			      "recall", e.recall);
	} else {
		j = json_pack("{s:I}", "events", (json_int_t)n);
	}
	path = fl_step_output(ctx, "evaluation.json");
	text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6)) : NULL;
	if (!path || !text)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else
		rc = fl_write_file_atomic(path, text, strlen(text), err);
	free(text);
	free(path);
	json_decref(j);
	free(truth);
	return rc;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	args g = { FL_AUDIOFEAT_OPTS_INIT, FL_SWEEP_OPTS_INIT, 0, NULL };
	const char *rec = fl_step_input(ctx, "recording"), *base = strrchr(rec, '/');
	fl_event *ev = NULL;
	fl_featmat *m = NULL;
	char *path = NULL;
	size_t n = 0;
	int rc;

	if ((rc = parse(ctx, &g, err)) < 0)
		return rc;
	if ((rc = find_events(ctx, &g, &ev, &n, err)) == 0 &&
	    (rc = fl_detect_table(base ? base + 1 : rec, ev, n, &m, err)) == 0) {
		if (!(path = fl_step_output(ctx, "detections.csv")))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else if ((rc = fl_featmat_write_csv(m, path, ctx->n_threads, err)) == 0)
			rc = evaluate(ctx, ev, n, err);
	}
	if (rc < 0)
		fl_err_wrap(err, "step '%s'", ctx->step);
	else
		fl_log(FL_LOG_INFO, "step '%s': %zu detections", ctx->step, n);
	free(path);
	fl_featmat_free(m);
	free(ev);
	return rc;
}

const fl_step_kind fl_kind_detect = {
	"detect",
	"detections in a long recording: windows scored by a model (or a built-in scorer)",
	params, inputs, outputs, libs, check, run,
};
