/* split.c - seeded train/validation/test splits, k folds, rebalancing. */
#define _GNU_SOURCE
#include "data/split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "data/tfutil.h"

/* Rows grouped by class: rows of class g are idx[start[g] .. start[g+1]),
 * in row order; classes in sorted order (as fl_dataset). */
typedef struct groups {
	uint32_t *idx;     /* n row indices */
	size_t *start;     /* n_groups + 1 offsets */
	size_t n_groups;   /* number of classes (1 when not stratified) */
	char **names;      /* class names (NULL when not stratified) */
} groups;

static void groups_free(groups *g)
{
	free(g->idx);
	free(g->start);
	fl_names_free(g->names, g->n_groups);
}

static int make_groups(groups *g, const fl_table *t, const char *label, fl_err *err)
{
	fl_dataset *ds = NULL;
	fl_table *lt = NULL;
	int rc;

	memset(g, 0, sizeof(*g));
	g->n_groups = 1;
	if (label) {
		/* The label's classes, via the dataset helper on the label alone. */
		if (fl_table_find(t, label) < 0)
			return fl_tf_no_column(t, label, "stratify", err);
		if ((rc = fl_tf_select(&lt, t, &label, 1, err)) < 0 ||
		    (rc = fl_dataset_from_table(&ds, lt, label, FL_LABEL_CLASS, err)) < 0) {
			fl_table_free(lt);
			return rc;
		}
		g->n_groups = ds->n_classes;
		g->names = ds->class_names;
		ds->class_names = NULL;
		ds->n_classes = 0;
		ds->target = FL_TARGET_NONE;
	}
	g->idx = malloc((t->n_rows + 1) * sizeof(*g->idx));
	g->start = calloc(g->n_groups + 1, sizeof(*g->start));
	if (!g->idx || !g->start) {
		fl_dataset_free(ds);
		fl_table_free(lt);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < t->n_rows; i++)
		g->start[(ds ? (size_t)ds->y_class[i] : 0) + 1]++;
	for (size_t c = 0; c < g->n_groups; c++)
		g->start[c + 1] += g->start[c];
	size_t *pos = calloc(g->n_groups + 1, sizeof(*pos));
	if (!pos) {
		fl_dataset_free(ds);
		fl_table_free(lt);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		size_t c = ds ? (size_t)ds->y_class[i] : 0;
		g->idx[g->start[c] + pos[c]++] = (uint32_t)i;
	}
	free(pos);
	fl_dataset_free(ds);
	fl_table_free(lt);
	return 0;
}

static int check_classes(const groups *g, const char *label, size_t need, const char *what,
			 fl_err *err)
{
	if (!label)
		return 0;
	if (g->n_groups < 2)
		return fl_err_set(err, FL_EINVAL,
				  "%s: label column '%s' has only one class ('%s'); stratifying needs at least 2",
				  what, label, g->n_groups ? g->names[0] : "");
	for (size_t c = 0; c < g->n_groups; c++)
		if (g->start[c + 1] - g->start[c] < need)
			return fl_err_set(err, FL_EINVAL,
					  "%s: class '%s' of label '%s' has %zu rows; it needs at least %zu",
					  what, g->names[c], label, g->start[c + 1] - g->start[c], need);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static size_t part_size(size_t n, double frac)
{
	size_t k = (size_t)llround((double)n * frac);

	return frac > 0 && k == 0 ? 1 : k;
}

int fl_split(fl_table *parts[3], const fl_table *t, const fl_split_opts *o,
	     fl_err *err)
{
	const double fr[3] = { o->train, o->validation, o->test };
	uint32_t *rows[3] = { NULL, NULL, NULL };
	size_t cnt[3] = { 0, 0, 0 }, need = 0;
	groups g;
	int rc;

	parts[0] = parts[1] = parts[2] = NULL;
	for (int p = 0; p < 3; p++) {
		if (!(fr[p] >= 0 && fr[p] <= 1))
			return fl_err_set(err, FL_EINVAL, "split: fractions must be between 0 and 1");
		need += fr[p] > 0;
	}
	if (fabs(fr[0] + fr[1] + fr[2] - 1) > 1e-9)
		return fl_err_set(err, FL_EINVAL, "split: train + validation + test = %g, not 1",
				  fr[0] + fr[1] + fr[2]);
	if ((rc = make_groups(&g, t, o->stratify, err)) < 0)
		return rc;
	if ((rc = check_classes(&g, o->stratify, need, "split", err)) < 0)
		goto cleanup;
	if (t->n_rows < need) {
		rc = fl_err_set(err, FL_EINVAL, "split: %zu rows cannot fill %zu parts", t->n_rows, need);
		goto cleanup;
	}
	for (int p = 0; p < 3; p++)
		if (!(rows[p] = malloc((t->n_rows + 1) * sizeof(uint32_t)))) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			goto cleanup;
		}
	for (size_t c = 0; c < g.n_groups; c++) {
		size_t n = g.start[c + 1] - g.start[c];
		uint32_t *v = g.idx + g.start[c];
		fl_rng r;
		fl_rng_seed(&r, o->seed, c);
		fl_rng_shuffle(&r, v, (uint32_t)n);
		size_t nt = part_size(n, fr[2]), nv = part_size(n, fr[1]);
		if (nt + nv >= n && fr[0] > 0) { /* keep at least one training row */
			rc = fl_err_set(err, FL_EINVAL, "split: %zu rows%s%s%s leave none for training",
					n, o->stratify ? " of class '" : "", o->stratify ? g.names[c] : "",
					o->stratify ? "'" : "");
			goto cleanup;
		}
		for (size_t i = 0; i < n; i++) {
			int p = i < nt ? 2 : i < nt + nv ? 1 : 0;
			rows[p][cnt[p]++] = v[i];
		}
	}
	for (int p = 0; p < 3 && rc == 0; p++) {
		qsort(rows[p], cnt[p], sizeof(uint32_t), cmp_u32);
		rc = fl_table_take(&parts[p], t, rows[p], cnt[p], err);
	}
	if (rc < 0)
		for (int p = 0; p < 3; p++) {
			fl_table_free(parts[p]);
			parts[p] = NULL;
		}
cleanup:
	for (int p = 0; p < 3; p++)
		free(rows[p]);
	groups_free(&g);
	return rc;
}

int fl_kfold(int32_t **fold_out, const fl_table *t, int k, const char *stratify,
	     uint64_t seed, fl_err *err)
{
	int32_t *fold = NULL;
	size_t deal = 0;
	groups g;
	int rc;

	*fold_out = NULL;
	if (k < 2 || (size_t)k > t->n_rows)
		return fl_err_set(err, FL_EINVAL, "kfold: k = %d; it must be 2..%zu (the rows)", k,
				  t->n_rows);
	if ((rc = make_groups(&g, t, stratify, err)) < 0)
		return rc;
	if ((rc = check_classes(&g, stratify, 1, "kfold", err)) < 0)
		goto cleanup;
	if (!(fold = malloc((t->n_rows + 1) * sizeof(*fold)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t c = 0; c < g.n_groups; c++) {
		size_t n = g.start[c + 1] - g.start[c];
		uint32_t *v = g.idx + g.start[c];
		fl_rng r;
		fl_rng_seed(&r, seed, c);
		fl_rng_shuffle(&r, v, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			fold[v[i]] = (int32_t)((deal++) % (size_t)k);
	}
	*fold_out = fold;
cleanup:
	groups_free(&g);
	return rc;
}

int fl_kfold_tables(fl_table **train, fl_table **test, const fl_table *t,
		    const int32_t *fold, int f, fl_err *err)
{
	unsigned char *keep = malloc(t->n_rows + 1);
	int rc;

	*train = *test = NULL;
	if (!keep)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_rows; i++)
		keep[i] = fold[i] != f;
	if ((rc = fl_tf_keep_rows(train, t, keep, err)) == 0) {
		for (size_t i = 0; i < t->n_rows; i++)
			keep[i] = !keep[i];
		if ((rc = fl_tf_keep_rows(test, t, keep, err)) < 0) {
			fl_table_free(*train);
			*train = NULL;
		}
	}
	free(keep);
	return rc;
}

int fl_rebalance(fl_table **out, const fl_table *t, const fl_rebalance_opts *o,
		 fl_err *err)
{
	uint32_t *rows = NULL;
	size_t n_out = 0, cap = 0;
	groups g;
	int rc;

	*out = NULL;
	if (!o->label)
		return fl_err_set(err, FL_EINVAL, "rebalance: no label column given");
	if (o->max_per_class && o->min_per_class > o->max_per_class)
		return fl_err_set(err, FL_EINVAL, "rebalance: min_per_class %zu is above max_per_class %zu",
				  o->min_per_class, o->max_per_class);
	if ((rc = make_groups(&g, t, o->label, err)) < 0)
		return rc;
	for (size_t c = 0; c < g.n_groups; c++) {
		size_t n = g.start[c + 1] - g.start[c];
		cap += n > o->min_per_class ? n : o->min_per_class;
	}
	if (!(rows = malloc((cap + 1) * sizeof(*rows)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t c = 0; c < g.n_groups; c++) {
		size_t n = g.start[c + 1] - g.start[c];
		uint32_t *v = g.idx + g.start[c];
		fl_rng r;
		fl_rng_seed(&r, o->seed, c);
		if (o->max_per_class && n > o->max_per_class) {
			fl_rng_shuffle(&r, v, (uint32_t)n);
			n = o->max_per_class;
		}
		memcpy(rows + n_out, v, n * sizeof(*v));
		n_out += n;
		for (size_t i = n; i < o->min_per_class; i++)
			rows[n_out++] = v[fl_rng_below(&r, n)];
	}
	qsort(rows, n_out, sizeof(*rows), cmp_u32);
	rc = fl_table_take(out, t, rows, n_out, err);
cleanup:
	free(rows);
	groups_free(&g);
	return rc;
}
