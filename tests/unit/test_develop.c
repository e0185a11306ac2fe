/* test_develop.c - the develop layer: selection metrics per task, candidate
 * grids (order, counts, positioned errors, limits), parallel selection
 * (bitwise the same with 1 and 2 threads, ties to the earlier candidate),
 * and a develop run end to end on the penguins data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "develop/grid.h"
#include "develop/select.h"
#include "develop/selmetric.h"
#include "ml/model.h"
#include "mlfixture.h"
#include "recipe/value.h"

static fl_value *yaml(const char *text)
{
	fl_value *v = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_value_parse_buf(&v, text, strlen(text), "c.yaml", &err), 0);
	return v;
}

/* Parse a candidates list; returns the status, *out the grid (or NULL). */
static int grid(const char *text, fl_task task, size_t max, fl_grid **out, fl_err *err)
{
	fl_value *v = yaml(text);
	int rc = fl_grid_parse(out, v, task, max, err);

	fl_value_free(v);
	return rc;
}

static void test_metrics_per_task(void **state)
{
	const fl_selmetric *m = NULL;
	fl_err err = FL_ERR_INIT;
	fl_task t;

	(void)state;
	assert_string_equal(fl_selmetric_default(FL_TASK_CLASSIFICATION)->name, "accuracy");
	assert_string_equal(fl_selmetric_default(FL_TASK_REGRESSION)->name, "r2");
	assert_string_equal(fl_selmetric_default(FL_TASK_CLUSTERING)->name, "silhouette");
	assert_int_equal(fl_selmetric_get(FL_TASK_REGRESSION, "rmse", &m, &err), 0);
	assert_int_equal(m->higher_better, 0);
	assert_int_equal(fl_selmetric_get(FL_TASK_REGRESSION, "accuracy", &m, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "metric 'accuracy' is for classification, not regression"));
	assert_non_null(strstr(err.msg, "r2, rmse, mae, explained_variance"));
	assert_int_equal(fl_selmetric_get(FL_TASK_CLUSTERING, "nope", &m, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "unknown metric 'nope' for clustering"));
	assert_int_equal(fl_task_parse("reduction", &t, &err), 0);
	assert_int_equal(t, FL_TASK_REDUCTION);
	assert_int_equal(fl_task_parse("ranking", &t, &err), FL_EINVAL);
}

static void test_grid_order(void **state)
{
	fl_grid *g = NULL;
	fl_err err = FL_ERR_INIT;
	char *l;

	(void)state;
	assert_int_equal(grid("- kind: logistic_regression\n"
			      "  params: {C: [0.1, 1], max_iter: [50, 100, 200]}\n"
			      "- kind: random_forest\n"
			      "  params: {n_estimators: 10, max_depth: [~, 4]}\n"
			      "- kind: mlp\n"
			      "  params: {hidden_layer_sizes: [[8], [8, 4]]}\n",
			      FL_TASK_CLASSIFICATION, 100, &g, &err), 0);
	assert_int_equal(g->n, 6 + 2 + 2);
	l = fl_candidate_label(&g->c[1]); /* the last parameter changes fastest */
	assert_string_equal(l, "C=0.1 max_iter=100");
	free(l);
	l = fl_candidate_label(&g->c[3]);
	assert_string_equal(l, "C=1 max_iter=50");
	free(l);
	assert_int_equal(json_integer_value(json_object_get(g->c[3].params, "max_iter")), 50);
	assert_true(json_is_null(json_object_get(g->c[6].params, "max_depth")));
	assert_int_equal(g->c[6].entry, 1);
	assert_int_equal(json_array_size(json_object_get(g->c[9].params, "hidden_layer_sizes")), 2);
	fl_grid_free(g);
}

static void test_grid_errors(void **state)
{
	fl_grid *g = NULL;
	fl_err err = FL_ERR_INIT;
	size_t n;
	fl_value *v;

	(void)state;
	assert_int_equal(grid("[]", FL_TASK_CLASSIFICATION, 10, &g, &err), FL_EINVAL);
	assert_string_equal(err.msg, "c.yaml:1:1: 'candidates' is empty: list at least one model");
	assert_int_equal(grid("- kind: ridge\n  params: {alpha: []}\n", FL_TASK_REGRESSION, 10, &g,
			      &err), FL_EINVAL);
	assert_string_equal(err.msg, "c.yaml:2:19: 'alpha' has no values: an empty grid runs nothing");
	assert_int_equal(grid("- kind: kmeans\n", FL_TASK_CLASSIFICATION, 10, &g, &err), FL_EINVAL);
	assert_string_equal(err.msg, "c.yaml:1:9: model kind 'kmeans' does clustering, but this "
				     "step's task is classification");
	assert_int_equal(grid("- kind: ridge\n  params: {alpha: [1, -2]}\n", FL_TASK_REGRESSION, 10,
			      &g, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "c.yaml:2:23: "));
	assert_non_null(strstr(err.msg, "alpha"));
	assert_int_equal(grid("- kind: ridge\n  parms: {}\n", FL_TASK_REGRESSION, 10, &g, &err),
			 FL_EINVAL);
	assert_string_equal(err.msg, "c.yaml:2:3: unknown key 'parms' in a candidate; did you mean 'params'?");
	assert_int_equal(grid("- kind: rige\n", FL_TASK_REGRESSION, 10, &g, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "c.yaml:1:9: unknown model kind 'rige'"));
	/* a thousand candidates: counted, refused before expanding */
	v = yaml("- kind: ridge\n  params: {alpha: [1,2,3,4,5,6,7,8,9,10], "
		 "tol: [1,2,3,4,5,6,7,8,9,10], max_iter: [1,2,3,4,5,6,7,8,9,10]}\n");
	assert_int_equal(fl_grid_count(v, &n, &err), 0);
	assert_int_equal(n, 1000);
	fl_value_free(v);
	assert_int_equal(grid("- kind: ridge\n  params: {alpha: [1,2,3,4,5,6,7,8,9,10], "
			      "tol: [1,2,3,4,5,6,7,8,9,10], max_iter: [1,2,3,4,5,6,7,8,9,10]}\n",
			      FL_TASK_REGRESSION, 200, &g, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "expand to 1000 models, more than max_candidates (200)"));
	assert_null(g);
}

/* Select on the penguins (numeric features) with `threads`. */
static fl_selection *select_penguins(const char *cands, int threads, fl_grid **g)
{
	static const char *const cols[] = { "bill_length_mm", "bill_depth_mm",
					    "flipper_length_mm", "body_mass_g", NULL };
	fl_dataset *ds = mlf_load_csv("data/penguins.csv", "species", FL_TARGET_CLASS, cols);
	int32_t *fold = malloc(ds->n * sizeof(int32_t));
	fl_split_rows *splits = NULL;
	fl_selection *sel = NULL;
	fl_select_opts o = { 0 };
	fl_err err = FL_ERR_INIT;

	for (size_t i = 0; i < ds->n; i++)
		fold[i] = (int32_t)(i % 4);
	assert_int_equal(grid(cands, FL_TASK_CLASSIFICATION, 100, g, &err), 0);
	assert_int_equal(fl_splits_from_folds(&splits, fold, ds->n, 4, &err), 0);
	o.grid = *g;
	o.metric = fl_selmetric_default(FL_TASK_CLASSIFICATION);
	o.data = ds;
	o.splits = splits;
	o.n_splits = 4;
	o.seed = 5;
	o.n_threads = threads;
	assert_int_equal(fl_select_run(&sel, &o, &err), 0);
	fl_splits_free(splits, 4);
	free(fold);
	fl_dataset_free(ds);
	return sel;
}

static void test_select_threads(void **state)
{
	const char *cands = "- kind: logistic_regression\n  params: {C: [0.01, 1]}\n"
			    "- kind: random_forest\n  params: {n_estimators: 15}\n";
	fl_grid *g1 = NULL, *g2 = NULL;
	fl_selection *a, *b;

	(void)state;
	a = select_penguins(cands, 1, &g1);
	b = select_penguins(cands, 2, &g2);
	assert_int_equal(a->n_cand, 3);
	assert_memory_equal(a->mean, b->mean, a->n_cand * a->n_metrics * sizeof(double));
	assert_memory_equal(a->std, b->std, a->n_cand * a->n_metrics * sizeof(double));
	assert_int_equal(a->best, b->best);
	for (size_t i = 0; i < a->n_cand * a->n_splits; i++) {
		char *x = json_dumps(a->scores[i], JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		char *y = json_dumps(b->scores[i], JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	/* strong regularisation loses: the best is not candidate 1 */
	assert_true(a->mean[0] < a->mean[a->best * a->n_metrics]);
	assert_int_equal(a->rank[a->best], 1);
	fl_selection_free(a);
	fl_selection_free(b);
	fl_grid_free(g1);
	fl_grid_free(g2);
}

static void test_select_ties(void **state)
{
	/* the same model twice: equal scores, the earlier one wins */
	fl_grid *g = NULL;
	fl_selection *s;

	(void)state;
	s = select_penguins("- kind: logistic_regression\n  params: {C: [1, 1]}\n", 2, &g);
	assert_memory_equal(s->mean, s->mean + s->n_metrics, s->n_metrics * sizeof(double));
	assert_int_equal(s->best, 0);
	assert_int_equal(s->rank[0], 1);
	assert_int_equal(s->rank[1], 2);
	fl_selection_free(s);
	fl_grid_free(g);
}

static void test_splits(void **state)
{
	int32_t fold[6] = { 0, 1, 0, 1, 0, 1 }, bad[4] = { 0, 0, 0, 0 };
	fl_split_rows *s = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_splits_from_folds(&s, fold, 6, 2, &err), 0);
	assert_int_equal(s[0].n_held, 3);
	assert_int_equal(s[0].held[1], 2);
	assert_int_equal(s[1].train[2], 4);
	fl_splits_free(s, 2);
	assert_int_equal(fl_splits_from_folds(&s, bad, 4, 2, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "fold 1 of 2 holds every row"));
	assert_int_equal(fl_splits_holdout(&s, 3, 5, &err), 0);
	assert_int_equal(s->n_train, 3);
	assert_int_equal(s->held[0], 3);
	fl_splits_free(s, 1);
	assert_int_equal(fl_splits_holdout(&s, 5, 5, &err), FL_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_per_task),
		cmocka_unit_test(test_grid_order),
		cmocka_unit_test(test_grid_errors),
		cmocka_unit_test(test_splits),
		cmocka_unit_test(test_select_threads),
		cmocka_unit_test(test_select_ties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
