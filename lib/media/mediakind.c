/* mediakind.c - feature matrices as floe tables with lineage, for the
 * image and audio step kinds. */
#define _GNU_SOURCE
#include "media/mediakind.h"

#include <stdlib.h>
#include <string.h>

#include "audio/audiofeat.h"
#include "core/hashtree.h"
#include "data/kindutil.h"

int fl_media_common(const fl_step_ctx *ctx, fl_layout *layout, fl_on_bad *on_bad, fl_err *err)
{
	const fl_value *l = fl_kparam(ctx, "layout"), *b = fl_kparam(ctx, "on_bad_file");

	if (!strcmp(l->text, "auto"))
		*layout = FL_LAYOUT_AUTO;
	else if (!strcmp(l->text, "labelled"))
		*layout = FL_LAYOUT_LABELLED;
	else if (!strcmp(l->text, "unlabelled"))
		*layout = FL_LAYOUT_UNLABELLED;
	else
		return fl_value_error(err, l, FL_EINVAL,
				      "'layout' must be auto, labelled or unlabelled, not '%s'", l->text);
	if (fl_on_bad_parse(b->text, on_bad, err) < 0)
		return fl_value_error(err, b, FL_EINVAL, "'on_bad_file' must be skip or fail, not '%s'",
				      b->text);
	return 0;
}

int fl_media_audio_opts(const fl_step_ctx *ctx, struct fl_audiofeat_opts *o, fl_err *err)
{
	int64_t rate, nfft, hop, mels, mfcc;
	fl_err e = FL_ERR_INIT;
	int rc;

	if ((rc = fl_kparam_int(ctx, "rate", &rate, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "n_fft", &nfft, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "hop", &hop, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "n_mels", &mels, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "n_mfcc", &mfcc, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "fmin", &o->fmin, err)) < 0 ||
	    (rc = fl_kparam_float(ctx, "fmax", &o->fmax, err)) < 0)
		return rc;
	if (rate < 0 || rate > 384000 || nfft < 16 || nfft > 65536 || hop < 1 || hop > 65536 ||
	    mels < 1 || mels > 512 || mfcc < 0 || mfcc > 512)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s': rate 0..384000, n_fft 16..65536, hop 1..65536, "
				      "n_mels 1..512, n_mfcc 0..512", ctx->step);
	o->rate = (int)rate;
	o->n_fft = (int)nfft;
	o->hop = (int)hop;
	o->n_mels = (int)mels;
	o->n_mfcc = (int)mfcc;
	if ((rc = fl_audiofeat_check(o, &e)) < 0)
		return fl_value_error(err, ctx->node, rc, "step '%s': %s", ctx->step, e.msg);
	return 0;
}

/* The file id of `path` under `root`. Borrowed from `path`. */
static const char *rel_path(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (!strncmp(path, root, n) && path[n] == '/')
		return path + n + 1;
	if (!strcmp(path, root)) {
		const char *s = strrchr(path, '/');
		return s ? s + 1 : path;
	}
	return path;
}

static int add_text(fl_table *t, int col, size_t r, const char *s, fl_err *err)
{
	int32_t code = fl_table_intern(t, (size_t)col, s, strlen(s), err);

	if (code < 0)
		return code;
	t->cols[col].codes[r] = code;
	return 0;
}

/* The id columns of `m` into `t` (rows already added). */
static int add_ids(fl_table *t, const fl_featmat *m, const char *root, fl_err *err)
{
	for (size_t i = 0; i < m->n_ids; i++) {
		const char *name = !strcmp(m->id_names[i], "path") ? "file" : m->id_names[i];
		int numeric = !strcmp(name, "start_s") || !strcmp(name, "end_s");
		int c = fl_table_add_column(t, name, numeric ? FL_COL_NUMERIC : FL_COL_CATEGORICAL, err);
		if (c < 0)
			return c;
		for (size_t r = 0; r < m->n_rows; r++) {
			const char *s = m->ids[r * m->n_ids + i];
			int rc = 0;
			if (numeric)
				t->cols[c].num[r] = strtod(s, NULL);
			else
				rc = add_text(t, c, r, i == 0 ? rel_path(s, root) : s, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int fl_media_table(const fl_featmat *m, const char *root, fl_table **out, fl_err *err)
{
	fl_table *t = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_table_new(&t, err)) < 0 || (rc = fl_table_add_rows(t, m->n_rows, err)) < 0 ||
	    (rc = add_ids(t, m, root, err)) < 0)
		goto cleanup;
	for (size_t j = 0; j < m->n_cols && rc == 0; j++) {
		int c = fl_table_add_column(t, m->col_names[j], FL_COL_NUMERIC, err);
		if (c < 0) {
			rc = c;
			break;
		}
		for (size_t r = 0; r < m->n_rows; r++)
			t->cols[c].num[r] = m->x[r * m->n_cols + j];
	}
	if (rc == 0 && m->labels) {
		int c = fl_table_add_column(t, "label", FL_COL_CATEGORICAL, err);
		rc = c < 0 ? c : 0;
		for (size_t r = 0; r < m->n_rows && rc == 0; r++)
			rc = add_text(t, c, r, m->labels[r] ? m->labels[r] : "", err);
	}
cleanup:
	if (rc < 0)
		fl_table_free(t);
	else
		*out = t;
	return rc;
}

/* The lineage of a table made from `root`: its digest and name. */
static int origin(fl_kin *k, const char *root, fl_err *err)
{
	fl_hashtree_opts ho = FL_HASHTREE_OPTS_INIT;
	fl_digest d;
	int rc;

	ho.n_threads = 1;
	if ((rc = fl_hash_path(root, &ho, &d, NULL, err)) < 0)
		return rc;
	return fl_kin_origin(k, &d, root, err);
}

int fl_media_write(const fl_step_ctx *ctx, const char *kind, const char *name, const char *root,
		   const fl_table *t, fl_err *err)
{
	fl_kin k = { 0 };
	int rc = origin(&k, root, err);

	if (rc == 0)
		rc = fl_kout_write(ctx, kind, name, t, &k, NULL, err);
	k.t = NULL;
	fl_kin_free(&k);
	return rc;
}
