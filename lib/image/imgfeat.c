/* imgfeat.c - the image feature table: plan, parallel compute, bad files. */
#define _GNU_SOURCE
#include "image/imgfeat.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "image/resize.h"

typedef struct job {
	const fl_fileset *set;
	const fl_imgfeat_opts *o;
	const fl_plan_item *plan;
	size_t n;
	fl_featmat *m;
	uint8_t *ok;         /* per row: 1 computed, 0 bad file */
	char **why;          /* per row: the bad file's message (skip mode) */
	atomic_size_t done;
} job;

static int features(const job *j, const fl_image *im, double *row, fl_err *err)
{
	if (j->o->kind == FL_IMGFEAT_PIXELS) {
		fl_image_resize_area(im, j->o->pixels, row);
		return 0;
	}
	return fl_imgdesc_compute(im, &j->o->desc, row, err);
}

static int one(void *ud, size_t i, int worker, fl_err *err)
{
	job *j = ud;
	const fl_plan_item *p = &j->plan[i];
	fl_image *im = NULL, *aug = NULL;
	size_t d;
	int rc;

	(void)worker;
	if (j->o->stop && *j->o->stop)
		return fl_err_set(err, FL_EINTR, "interrupted");
	rc = fl_image_read(j->set->paths[p->src], &im, err);
	if (rc == 0 && !fl_aug_is_identity(&p->aug) && (rc = fl_aug_apply(im, &p->aug, &aug, err)) == 0) {
		fl_image_free(im);
		im = aug;
	}
	if (rc == 0)
		rc = features(j, im, fl_featmat_row(j->m, i), err);
	fl_image_free(im);
	if ((rc == FL_EINVAL || rc == FL_ENOTFOUND || rc == FL_EIO) && j->o->on_bad == FL_BAD_SKIP) {
		j->why[i] = strdup(err->msg);
		rc = 0;
	} else if (rc == 0) {
		j->ok[i] = 1;
	}
	d = atomic_fetch_add(&j->done, 1) + 1;
	if (j->o->progress && (d % 256 == 0 || d == j->n))
		fl_progress_report(j->o->progress, "image features", d, j->n);
	return rc;
}

static int name_columns(fl_featmat *m, const fl_imgfeat_opts *o, fl_err *err)
{
	char name[64];
	int rc = fl_featmat_set_id_name(m, 0, "path", err);

	if (rc == 0 && m->n_ids > 1)
		rc = fl_featmat_set_id_name(m, 1, "augment", err);
	for (size_t c = 0; rc == 0 && c < m->n_cols; c++) {
		if (o->kind == FL_IMGFEAT_PIXELS)
			snprintf(name, sizeof(name), "px_%04zu", c);
		else
			fl_imgdesc_name(&o->desc, c, name, sizeof(name));
		rc = fl_featmat_set_col_name(m, c, name, err);
	}
	return rc;
}

static int fill_ids(job *j, fl_err *err)
{
	char desc[64];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < j->n; i++) {
		const fl_plan_item *p = &j->plan[i];
		int lab = j->set->labels[p->src];

		rc = fl_featmat_set_id(j->m, i, 0, j->set->paths[p->src], err);
		if (rc == 0 && j->m->n_ids > 1) {
			fl_aug_describe(&p->aug, desc, sizeof(desc));
			rc = fl_featmat_set_id(j->m, i, 1, desc, err);
		}
		if (rc == 0 && j->m->labels)
			rc = fl_featmat_set_label(j->m, i, lab >= 0 ? j->set->classes[lab] : "", err);
	}
	return rc;
}

/* The plan: every file once, or the rebalanced list. */
static int make_plan(const fl_fileset *set, const fl_imgfeat_opts *o, fl_plan_item **plan,
		     size_t *n, fl_err *err)
{
	if (o->rebalance && set->n_classes)
		return fl_rebalance_plan(set->labels, set->n, set->n_classes, &o->balance, plan, n, err);
	if (!(*plan = calloc(set->n ? set->n : 1, sizeof(fl_plan_item))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < set->n; i++)
		(*plan)[i].src = i;
	*n = set->n;
	return 0;
}

static int check_opts(const fl_imgfeat_opts *o, fl_err *err)
{
	if (o->kind == FL_IMGFEAT_PIXELS && (o->pixels < 1 || o->pixels > 1024))
		return fl_err_set(err, FL_EINVAL, "pixels must be 1..1024, not %d", o->pixels);
	return o->kind == FL_IMGFEAT_DESCRIPTORS ? fl_imgdesc_check(&o->desc, err) : 0;
}

/* Log the skipped files in row order and drop their rows. */
static int drop_bad(job *j, fl_err *err)
{
	size_t bad = 0;

	for (size_t i = 0; i < j->n; i++)
		if (!j->ok[i]) {
			fl_log(FL_LOG_WARN, "%s; skipped", j->why[i] ? j->why[i] : "bad file");
			bad++;
		}
	fl_featmat_filter(j->m, j->ok);
	if (j->m->n_rows == 0)
		return fl_err_set(err, FL_EINVAL, "no readable image among %zu file(s)", j->n);
	if (bad)
		fl_log(FL_LOG_WARN, "%zu of %zu image(s) skipped", bad, j->n);
	return 0;
}

int fl_imgfeat_compute(const fl_fileset *set, const fl_imgfeat_opts *o, fl_featmat **out,
		       fl_err *err)
{
	job j = { set, o, NULL, 0, NULL, NULL, NULL, 0 };
	fl_plan_item *plan = NULL;
	size_t n_cols;
	int rc;

	*out = NULL;
	if ((rc = check_opts(o, err)) < 0 || (rc = make_plan(set, o, &plan, &j.n, err)) < 0)
		return rc;
	j.plan = plan;
	n_cols = o->kind == FL_IMGFEAT_PIXELS ? (size_t)o->pixels * o->pixels : fl_imgdesc_count(&o->desc);
	if ((rc = fl_featmat_new(&j.m, j.n, o->rebalance && set->n_classes ? 2 : 1, n_cols,
				 set->n_classes > 0, err)) < 0)
		goto cleanup;
	j.ok = calloc(j.n ? j.n : 1, 1);
	j.why = calloc(j.n ? j.n : 1, sizeof(char *));
	if (!j.ok || !j.why) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = name_columns(j.m, o, err)) < 0 || (rc = fill_ids(&j, err)) < 0 ||
	    (rc = fl_parallel_for(j.n, o->n_threads, one, &j, err)) < 0 ||
	    (rc = drop_bad(&j, err)) < 0)
		goto cleanup;
	*out = j.m;
	j.m = NULL;
cleanup:
	for (size_t i = 0; j.why && i < j.n; i++)
		free(j.why[i]);
	free(j.why);
	free(j.ok);
	free(plan);
	fl_featmat_free(j.m);
	return rc;
}
