/* devout.c - writing a develop step's output files (devout.h). */
#define _GNU_SOURCE
#include "develop/devout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "develop/develop.h"

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* %.10g, or empty for NAN (a metric a fit could not give). */
static void csv_number(FILE *f, double v)
{
	if (!isnan(v))
		fprintf(f, "%.10g", v);
}

static char *join(const char *dir, const char *name)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Open `name` in `dir` for an atomic write. */
static int open_out(fl_afile **af, const char *dir, const char *name, fl_err *err)
{
	char *path = join(dir, name);
	int rc;

	if (!path)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_afile_open(af, path, err);
	free(path);
	return rc;
}

/* Does any candidate have metric column j? (roc_auc needs two classes,
 * log_loss probabilities: columns no candidate has are left out.) */
static int column_used(const fl_selection *s, size_t j)
{
	for (size_t c = 0; c < s->n_cand; c++)
		if (!isnan(s->mean[c * s->n_metrics + j]))
			return 1;
	return 0;
}

static void candidates_rows(FILE *f, const fl_devout *o)
{
	const fl_selection *s = o->sel;
	const fl_selmetric *m;

	fputs("rank,candidate,kind,params", f);
	for (size_t j = 0; (m = fl_selmetric_at(o->task, j)); j++)
		if (column_used(s, j))
			fprintf(f, ",mean_%s,std_%s", m->name, m->name);
	fputc('\n', f);
	for (size_t c = 0; c < s->n_cand; c++) {
		char *label = fl_candidate_label(&o->grid->c[c]);
		fprintf(f, "%zu,%zu,%s,", s->rank[c], c + 1, o->grid->c[c].kind->name);
		csv_field(f, label ? label : "");
		for (size_t j = 0; j < s->n_metrics; j++) {
			if (!column_used(s, j))
				continue;
			fputc(',', f);
			csv_number(f, s->mean[c * s->n_metrics + j]);
			fputc(',', f);
			csv_number(f, s->std[c * s->n_metrics + j]);
		}
		fputc('\n', f);
		free(label);
	}
}

static void test_rows(FILE *f, const fl_devout *o)
{
	const fl_selmetric *m;

	fputs("metric,value\n", f);
	for (size_t j = 0; o->test && (m = fl_selmetric_at(o->task, j)); j++) {
		const json_t *v = json_object_get(o->test, m->name);
		if (json_is_number(v))
			fprintf(f, "%s,%.10g\n", m->name, json_number_value(v));
	}
	if (o->test)
		fprintf(f, "rows,%lld\n",
			(long long)json_integer_value(json_object_get(o->test, "rows")));
}

/* Long form: one row per (true, predicted) pair, classes by name. */
static void confusion_rows(FILE *f, const fl_devout *o)
{
	const json_t *cm = o->test ? json_object_get(o->test, "confusion_matrix") : NULL;
	const fl_schema *sc = &o->model->schema;
	size_t t, p;
	json_t *row, *v;

	fputs("true,predicted,count\n", f);
	json_array_foreach((json_t *)cm, t, row) json_array_foreach(row, p, v) {
		if (t >= sc->n_classes || p >= sc->n_classes)
			continue;
		csv_field(f, sc->class_names[t]);
		fputc(',', f);
		csv_field(f, sc->class_names[p]);
		fprintf(f, ",%lld\n", (long long)json_integer_value(v));
	}
}

static int write_text(const char *dir, const char *name, void (*fill)(FILE *, const fl_devout *),
		      const fl_devout *o, fl_err *err)
{
	fl_afile *af = NULL;
	int rc;

	if ((rc = open_out(&af, dir, name, err)) < 0)
		return rc;
	fill(fl_afile_stream(af), o);
	return fl_afile_commit(af, err);
}

/* {metric: value} of candidate c's means (or stds); NAN left out. */
static json_t *metric_obj(const fl_devout *o, const double *v, size_t c)
{
	json_t *obj = json_object();
	const fl_selmetric *m;

	for (size_t j = 0; obj && (m = fl_selmetric_at(o->task, j)); j++)
		if (!isnan(v[c * o->sel->n_metrics + j]))
			json_object_set_new(obj, m->name, json_real(v[c * o->sel->n_metrics + j]));
	return obj;
}

static json_t *candidate_json(const fl_devout *o, size_t c)
{
	const fl_selection *s = o->sel;
	json_t *splits = json_array();

	for (size_t k = 0; splits && k < s->n_splits; k++)
		json_array_append(splits, s->scores[c * s->n_splits + k]);
	return json_pack("{s:I, s:I, s:s, s:O, s:O, s:o, s:o, s:o}", "candidate",
			 (json_int_t)(c + 1), "rank", (json_int_t)s->rank[c], "kind",
			 o->grid->c[c].kind->name, "params", o->grid->c[c].chosen,
			 "resolved_params", o->grid->c[c].params, "mean", metric_obj(o, s->mean, c),
			 "std", metric_obj(o, s->std, c), "splits", splits);
}

static json_t *selection_json(const fl_devout *o)
{
	const fl_selection *s = o->sel;
	size_t b = s->best, m = 0;

	while (fl_selmetric_at(o->task, m) != o->metric)
		m++;
	return json_pack("{s:s, s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:f, s:f, s:I}", "task",
			 fl_task_name(o->task), "metric", o->metric->name, "higher_is_better",
			 o->metric->higher_better, "resampling", o->holdout ? "holdout" : "cv",
			 "splits", (json_int_t)s->n_splits, "candidates", (json_int_t)s->n_cand,
			 "fits", (json_int_t)(s->n_cand * s->n_splits), "chosen",
			 (json_int_t)(b + 1), "mean", s->mean[b * s->n_metrics + m], "std",
			 s->std[b * s->n_metrics + m], "refit_rows", (json_int_t)o->n_rows);
}

static int write_report(const fl_devout *o, const char *dir, fl_err *err)
{
	json_t *cands = json_array(), *rep;
	char *text = NULL, *path = join(dir, FL_DEVELOP_REPORT);
	int rc = 0;

	for (size_t c = 0; cands && c < o->sel->n_cand; c++)
		json_array_append_new(cands, candidate_json(o, c));
	rep = json_pack("{s:i, s:o, s:s, s:O, s:o, s:O, s:o, s:I}", "format", 1, "selection",
			selection_json(o), "model_kind", o->model->kind->name, "model_params",
			o->model->params, "candidates", cands, "test",
			o->test ? o->test : json_null(), "schema_label",
			o->model->schema.label_name ? json_string(o->model->schema.label_name)
						    : json_null(),
			"seed", (json_int_t)o->seed);
	if (rep)
		text = json_dumps(rep, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	if (!rep || !text || !path)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = fl_write_file_atomic(path, text, strlen(text), err);
	free(text);
	free(path);
	json_decref(rep);
	return rc;
}

static int write_model(fl_devout *o, const char *dir, fl_err *err)
{
	char *path = join(dir, FL_DEVELOP_MODEL);
	int rc;

	if (!path)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_model_add_metrics(o->model, "selection", selection_json(o), err)) == 0)
		rc = fl_model_save(o->model, path, err);
	free(path);
	return rc;
}

int fl_devout_write(fl_devout *o, const char *dir, fl_err *err)
{
	int rc;

	if ((rc = write_model(o, dir, err)) < 0 ||
	    (rc = write_text(dir, FL_DEVELOP_CANDIDATES, candidates_rows, o, err)) < 0 ||
	    (rc = write_text(dir, FL_DEVELOP_TEST, test_rows, o, err)) < 0 ||
	    (rc = write_text(dir, FL_DEVELOP_CONFUSION, confusion_rows, o, err)) < 0)
		return rc;
	return write_report(o, dir, err);
}
