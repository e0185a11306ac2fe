/* test_mlp.c - the multilayer perceptron: finite-difference gradient check,
 * solvers and schedules, bitwise determinism across thread counts, real
 * data (digits, penguins), bad input, and model file round trips. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "ml/mlp.h"
#include "ml/mlp_internal.h"
#include "ml/model.h"
#include "testutil.h"

/* ---- data helpers ----------------------------------------------------- */

typedef struct data {
	size_t n, d, k;   /* rows, features, classes */
	double *X, *y;    /* n x d, n labels */
} data;

static void data_free(data *s)
{
	free(s->X);
	free(s->y);
}

/* digits8x8.csv: header, 64 numeric columns, label last. */
static data load_digits(void)
{
	FILE *f = fopen(tu_repo_path("tests/data/digits8x8.csv"), "r");
	data s = { 0, 64, 10, malloc(1797 * 64 * sizeof(double)), malloc(1797 * sizeof(double)) };
	char line[4096];

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		assert_true(s.n < 1797);
		for (size_t j = 0; j < 65; j++) {
			double v = strtod(p, &p);
			if (j < 64)
				s.X[s.n * 64 + j] = v;
			else
				s.y[s.n] = v;
			if (*p == ',')
				p++;
		}
		s.n++;
	}
	fclose(f);
	assert_int_equal(s.n, 1797);
	return s;
}

static int field_index(const char *v, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

/* penguins.csv without rows holding NA; island and sex one-hot, the four
 * measurements raw (standardised later with training statistics). */
static data load_penguins(void)
{
	static const char *const species[] = { "Adelie", "Chinstrap", "Gentoo", NULL };
	static const char *const islands[] = { "Biscoe", "Dream", "Torgersen", NULL };
	static const char *const sexes[] = { "female", "male", NULL };
	FILE *f = fopen(tu_repo_path("tests/data/penguins.csv"), "r");
	data s = { 0, 9, 3, malloc(344 * 9 * sizeof(double)), malloc(344 * sizeof(double)) };
	char line[512];

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		char *fld[8], *save = NULL;
		double *x = s.X + s.n * 9;
		int nf = 0;

		line[strcspn(line, "\r\n")] = 0;
		if (strstr(line, "NA"))
			continue;
		for (char *t = strtok_r(line, ",", &save); t && nf < 8; t = strtok_r(NULL, ",", &save))
			fld[nf++] = t;
		assert_int_equal(nf, 8);
		memset(x, 0, 9 * sizeof(double));
		for (int j = 0; j < 4; j++)
			x[j] = strtod(fld[2 + j], NULL);
		x[4 + field_index(fld[1], islands)] = 1.0;
		x[7 + field_index(fld[6], sexes)] = 1.0;
		s.y[s.n++] = field_index(fld[0], species);
	}
	fclose(f);
	assert_int_equal(s.n, 333);
	return s;
}

/* A seeded 75/25 split: rows of `s` into tr and te. */
static void split(const data *s, uint64_t seed, data *tr, data *te)
{
	uint32_t *idx = malloc(s->n * sizeof(uint32_t));
	size_t nte = (s->n + 3) / 4, ntr = s->n - nte;
	fl_rng r;

	for (size_t i = 0; i < s->n; i++)
		idx[i] = (uint32_t)i;
	fl_rng_seed(&r, seed, 0);
	fl_rng_shuffle(&r, idx, (uint32_t)s->n);
	*tr = (data){ ntr, s->d, s->k, malloc(ntr * s->d * sizeof(double)), malloc(ntr * sizeof(double)) };
	*te = (data){ nte, s->d, s->k, malloc(nte * s->d * sizeof(double)), malloc(nte * sizeof(double)) };
	for (size_t i = 0; i < s->n; i++) {
		data *dst = i < ntr ? tr : te;
		size_t r2 = i < ntr ? i : i - ntr;
		memcpy(dst->X + r2 * s->d, s->X + idx[i] * s->d, s->d * sizeof(double));
		dst->y[r2] = s->y[idx[i]];
	}
	free(idx);
}

/* Standardise columns [0, ncol) of tr and te with tr's mean and std. */
static void standardise(data *tr, data *te, size_t ncol)
{
	for (size_t j = 0; j < ncol; j++) {
		double mean = 0, var = 0, sd;
		for (size_t i = 0; i < tr->n; i++)
			mean += tr->X[i * tr->d + j];
		mean /= (double)tr->n;
		for (size_t i = 0; i < tr->n; i++)
			var += pow(tr->X[i * tr->d + j] - mean, 2);
		sd = sqrt(var / (double)tr->n);
		for (size_t i = 0; i < tr->n; i++)
			tr->X[i * tr->d + j] = (tr->X[i * tr->d + j] - mean) / sd;
		for (size_t i = 0; i < te->n; i++)
			te->X[i * te->d + j] = (te->X[i * te->d + j] - mean) / sd;
	}
}

/* Synthetic classification: k Gaussian blobs in d dimensions. */
static data blobs(size_t n, size_t d, size_t k, uint64_t seed)
{
	data s = { n, d, k, malloc(n * d * sizeof(double)), malloc(n * sizeof(double)) };
	fl_rng r;

	fl_rng_seed(&r, seed, 7);
	for (size_t i = 0; i < n; i++) {
		size_t c = i % k;
		s.y[i] = (double)c;
		for (size_t j = 0; j < d; j++)
			s.X[i * d + j] = fl_rng_normal(&r) + (j % k == c ? 2.0 : 0.0);
	}
	return s;
}

static double accuracy(const fl_mlp *m, const data *te, int threads)
{
	double *p = malloc(te->n * te->k * sizeof(double));
	fl_err err = FL_ERR_INIT;
	size_t hit = 0;

	assert_int_equal(fl_mlp_predict(m, te->X, te->n, te->d, p, threads, &err), 0);
	for (size_t i = 0; i < te->n; i++) {
		size_t best = 0;
		for (size_t j = 1; j < te->k; j++)
			best = p[i * te->k + j] > p[i * te->k + best] ? j : best;
		hit += best == (size_t)te->y[i];
	}
	free(p);
	return (double)hit / (double)te->n;
}

static fl_mlp *fit_or_fail(const fl_mlp_params *p, fl_mlp_task task, const data *s,
			   size_t n_out, int threads)
{
	fl_mlp_options o = FL_MLP_OPTIONS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_mlp *m = NULL;

	o.n_threads = threads;
	if (fl_mlp_fit(&m, p, task, s->X, s->n, s->d, s->y, n_out, &o, &err) < 0)
		fail_msg("fit failed: %s", err.msg);
	return m;
}

/* ---- gradient check ---------------------------------------------------- */

/* Compare the backward pass with central differences of the loss for every
 * weight of a small network. Single precision: h and the tolerance are
 * chosen for float rounding (about 1e-7 relative in the loss). */
static void grad_check(fl_mlp_task task, fl_mlp_activation act, size_t k)
{
	const size_t sizes[] = { 4, 5, 3, k }, n = 7;
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_mlp *m = NULL;
	double X[7 * 4], y[7 * 2], base;
	float *g, *w;
	fl_rng r;
	const float h = act == FL_MLP_RELU ? 1e-3f : 1e-2f;

	p.activation = act;
	p.alpha = 0.05;
	assert_int_equal(fl_mlp_new(&m, &p, task, sizes, 4, &err), 0);
	fl_rng_seed(&r, 42, act);
	w = fl_mlp_weights(m);
	for (size_t i = 0; i < fl_mlp_n_weights(m); i++)
		w[i] = (float)(fl_rng_normal(&r) * 0.7);
	for (size_t i = 0; i < n * 4; i++)
		X[i] = fl_rng_normal(&r);
	/* classification: n class indices; regression: n x k targets */
	for (size_t i = 0; i < (task == FL_MLP_CLASSIFY ? n : n * k); i++)
		y[i] = task == FL_MLP_CLASSIFY ? (double)(i % k) : fl_rng_normal(&r);
	g = malloc(fl_mlp_n_weights(m) * sizeof(float));
	assert_int_equal(fl_mlp_loss_grad(m, X, n, y, &base, g, &err), 0);
	assert_true(isfinite(base) && base > 0);
	for (size_t i = 0; i < fl_mlp_n_weights(m); i++) {
		float keep = w[i];
		double lp, lm, fd;

		w[i] = keep + h;
		assert_int_equal(fl_mlp_loss_grad(m, X, n, y, &lp, NULL, &err), 0);
		w[i] = keep - h;
		assert_int_equal(fl_mlp_loss_grad(m, X, n, y, &lm, NULL, &err), 0);
		w[i] = keep;
		fd = (lp - lm) / (2.0 * ((double)(keep + h) - (double)keep));
		if (fabs(fd - g[i]) > 2e-3 + 1e-2 * fabs(fd))
			fail_msg("weight %zu (activation %s): backprop %g, finite difference %g",
				 i, fl_mlp_activation_name(act), (double)g[i], fd);
	}
	free(g);
	fl_mlp_free(m);
}

static void test_gradient_check(void **state)
{
	(void)state;
	for (int a = FL_MLP_RELU; a <= FL_MLP_IDENTITY; a++) {
		grad_check(FL_MLP_CLASSIFY, (fl_mlp_activation)a, 3);
		grad_check(FL_MLP_CLASSIFY, (fl_mlp_activation)a, 2);
		grad_check(FL_MLP_REGRESS, (fl_mlp_activation)a, 1);
		grad_check(FL_MLP_REGRESS, (fl_mlp_activation)a, 2);
	}
}

/* The check itself must notice a wrong gradient: flip one weight's sign
 * in the analytic gradient and the comparison fails. */
static void test_gradient_check_detects_errors(void **state)
{
	const size_t sizes[] = { 3, 4, 2 };
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_mlp *m = NULL;
	double X[5 * 3], y[5] = { 0, 1, 0, 1, 1 }, lp, lm, l0;
	float g[64], *w;
	fl_rng r;

	(void)state;
	p.activation = FL_MLP_TANH;
	assert_int_equal(fl_mlp_new(&m, &p, FL_MLP_CLASSIFY, sizes, 3, &err), 0);
	assert_true(fl_mlp_n_weights(m) <= 64);
	fl_rng_seed(&r, 1, 1);
	w = fl_mlp_weights(m);
	for (size_t i = 0; i < fl_mlp_n_weights(m); i++)
		w[i] = (float)fl_rng_normal(&r);
	for (size_t i = 0; i < 15; i++)
		X[i] = fl_rng_normal(&r);
	assert_int_equal(fl_mlp_loss_grad(m, X, 5, y, &l0, g, &err), 0);
	w[0] += 0.01f;
	assert_int_equal(fl_mlp_loss_grad(m, X, 5, y, &lp, NULL, &err), 0);
	w[0] -= 0.02f;
	assert_int_equal(fl_mlp_loss_grad(m, X, 5, y, &lm, NULL, &err), 0);
	assert_true(fabs(g[0]) > 1e-3);
	assert_true(fabs((lp - lm) / 0.02 - g[0]) < 2e-3 + 1e-2 * fabs(g[0]));
	assert_false(fabs((lp - lm) / 0.02 + g[0]) < 2e-3 + 1e-2 * fabs(g[0]));
	fl_mlp_free(m);
}

/* ---- optimisers and schedules ------------------------------------------ */

static void test_adam_step(void **state)
{
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	mlp_optim o;
	fl_err err = FL_ERR_INIT;
	float w[2] = { 1.0f, -2.0f }, g[2] = { 0.5f, -0.25f };

	(void)state;
	assert_int_equal(mlp_optim_init(&o, &p, 2, &err), 0);
	mlp_optim_begin(&o, &p);
	mlp_optim_apply(&o, &p, w, g, 0, 2);
	/* first step: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001)/0.1,
	 * so the step is lr * sign(g) (up to epsilon) */
	assert_float_equal(w[0], 1.0 - 1e-3, 1e-6);
	assert_float_equal(w[1], -2.0 + 1e-3, 1e-6);
	mlp_optim_free(&o);
}

static void test_sgd_nesterov_and_invscaling(void **state)
{
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	mlp_optim o;
	fl_err err = FL_ERR_INIT;
	float w[1] = { 0.0f }, g[1] = { 1.0f };

	(void)state;
	p.solver = FL_MLP_SGD;
	p.learning_rate_init = 0.1;
	p.learning_rate = FL_MLP_LR_INVSCALING;
	assert_int_equal(mlp_optim_init(&o, &p, 1, &err), 0);
	mlp_optim_begin(&o, &p);
	mlp_optim_apply(&o, &p, w, g, 0, 1); /* v = -0.1; w += 0.9 v - 0.1 */
	assert_float_equal(w[0], -0.19, 1e-6);
	mlp_optim_begin(&o, &p);
	mlp_optim_apply(&o, &p, w, g, 0, 1); /* v = -0.19; w += -0.171 - 0.1 */
	assert_float_equal(w[0], -0.461, 1e-6);
	mlp_optim_epoch_end(&o, &p, 99);
	assert_float_equal(o.lr, 0.1 / 10.0, 1e-12);
	mlp_optim_free(&o);
}

/* With tol so large that no epoch improves (the first one always does, on
 * an infinite best loss, as in sklearn): the constant rate stops after
 * 1 + n_iter_no_change + 1 epochs; adaptive divides the rate by 5 each
 * time and stops once it is <= 1e-6 (1e-3 -> 3.2e-7: 6 rounds of 3). */
static void test_stopping_rules(void **state)
{
	data s = blobs(300, 5, 3, 3);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_mlp *m;

	(void)state;
	p.hidden_layer_sizes[0] = 8;
	p.tol = 1e9;
	p.n_iter_no_change = 2;
	p.solver = FL_MLP_SGD;
	m = fit_or_fail(&p, FL_MLP_CLASSIFY, &s, 3, 1);
	assert_int_equal(fl_mlp_get_record(m)->n_iter, 4);
	assert_int_equal(fl_mlp_get_record(m)->stop, FL_MLP_STOP_NO_CHANGE);
	fl_mlp_free(m);
	p.learning_rate = FL_MLP_LR_ADAPTIVE;
	m = fit_or_fail(&p, FL_MLP_CLASSIFY, &s, 3, 1);
	assert_int_equal(fl_mlp_get_record(m)->n_iter, 19);
	assert_int_equal(fl_mlp_get_record(m)->stop, FL_MLP_STOP_LR_FLOOR);
	fl_mlp_free(m);
	p.tol = 0;
	p.max_iter = 4;
	m = fit_or_fail(&p, FL_MLP_CLASSIFY, &s, 3, 1);
	assert_int_equal(fl_mlp_get_record(m)->n_iter, 4);
	assert_int_equal(fl_mlp_get_record(m)->stop, FL_MLP_STOP_MAX_ITER);
	fl_mlp_free(m);
	data_free(&s);
}

/* ---- determinism ------------------------------------------------------- */

static void same_bits(fl_mlp_params *p, fl_mlp_task task, const data *s, size_t n_out)
{
	fl_mlp *a = fit_or_fail(p, task, s, n_out, 1);
	fl_mlp *b = fit_or_fail(p, task, s, n_out, 2);
	fl_mlp *c = fit_or_fail(p, task, s, n_out, 3);
	double *pa = malloc(s->n * n_out * sizeof(double));
	double *pb = malloc(s->n * n_out * sizeof(double));
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_mlp_n_weights(a), fl_mlp_n_weights(b));
	assert_memory_equal(fl_mlp_weights(a), fl_mlp_weights(b),
			    fl_mlp_n_weights(a) * sizeof(float));
	assert_memory_equal(fl_mlp_weights(a), fl_mlp_weights(c),
			    fl_mlp_n_weights(a) * sizeof(float));
	assert_int_equal(fl_mlp_get_record(a)->n_iter, fl_mlp_get_record(b)->n_iter);
	assert_int_equal(fl_mlp_predict(a, s->X, s->n, s->d, pa, 1, &err), 0);
	assert_int_equal(fl_mlp_predict(b, s->X, s->n, s->d, pb, 2, &err), 0);
	assert_memory_equal(pa, pb, s->n * n_out * sizeof(double));
	free(pa);
	free(pb);
	fl_mlp_free(a);
	fl_mlp_free(b);
	fl_mlp_free(c);
}

/* The same seed gives bitwise-identical weights and predictions with 1, 2
 * and 3 threads: the default batch (2 blocks), an odd batch size (4
 * uneven blocks and a short last batch), SGD with early stopping, and
 * regression. */
static void test_threads_bitwise(void **state)
{
	data s = blobs(1500, 12, 4, 5);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;

	(void)state;
	p.n_hidden = 2;
	p.hidden_layer_sizes[0] = 32;
	p.hidden_layer_sizes[1] = 16;
	p.max_iter = 5;
	p.seed = 11;
	same_bits(&p, FL_MLP_CLASSIFY, &s, 4);
	p.batch_size = 397;
	p.activation = FL_MLP_TANH;
	same_bits(&p, FL_MLP_CLASSIFY, &s, 4);
	p.solver = FL_MLP_SGD;
	p.early_stopping = 1;
	same_bits(&p, FL_MLP_CLASSIFY, &s, 4);
	for (size_t i = 0; i < s.n; i++)
		s.y[i] = s.X[i * s.d] * 2.0 - s.X[i * s.d + 1];
	p.solver = FL_MLP_ADAM;
	same_bits(&p, FL_MLP_REGRESS, &s, 1);
	data_free(&s);
}

/* A different seed gives different weights (the seed is used). */
static void test_seed_matters(void **state)
{
	data s = blobs(400, 6, 3, 5);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_mlp *a, *b;

	(void)state;
	p.max_iter = 2;
	a = fit_or_fail(&p, FL_MLP_CLASSIFY, &s, 3, 1);
	p.seed = 1;
	b = fit_or_fail(&p, FL_MLP_CLASSIFY, &s, 3, 1);
	assert_true(memcmp(fl_mlp_weights(a), fl_mlp_weights(b),
			   fl_mlp_n_weights(a) * sizeof(float)) != 0);
	fl_mlp_free(a);
	fl_mlp_free(b);
	data_free(&s);
}

/* ---- real data --------------------------------------------------------- */

/* digits, 75/25: sklearn's MLPClassifier (defaults) reaches 0.967. */
static void test_digits(void **state)
{
	data all = load_digits(), tr, te;
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_mlp *m;
	double acc;

	(void)state;
	split(&all, 0, &tr, &te);
	m = fit_or_fail(&p, FL_MLP_CLASSIFY, &tr, 10, 2);
	acc = accuracy(m, &te, 2);
	print_message("# digits: accuracy %.4f after %d epochs\n", acc,
		      fl_mlp_get_record(m)->n_iter);
	assert_true(acc >= 0.96);
	fl_mlp_free(m);
	data_free(&all);
	data_free(&tr);
	data_free(&te);
}

/* penguins without NA rows, island and sex one-hot, measurements
 * standardised with the training part's statistics. */
static void test_penguins(void **state)
{
	data all = load_penguins(), tr, te;
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_mlp *m;
	double acc;

	(void)state;
	split(&all, 0, &tr, &te);
	standardise(&tr, &te, 4);
	m = fit_or_fail(&p, FL_MLP_CLASSIFY, &tr, 3, 2);
	acc = accuracy(m, &te, 1);
	print_message("# penguins: accuracy %.4f after %d epochs\n", acc,
		      fl_mlp_get_record(m)->n_iter);
	assert_true(acc >= 0.97);
	fl_mlp_free(m);
	data_free(&all);
	data_free(&tr);
	data_free(&te);
}

/* Regression learns a smooth function well (R^2 on held-out rows). */
static void test_regression(void **state)
{
	data s = blobs(2000, 3, 2, 9), tr, te;
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	double *pred, ss_res = 0, ss_tot = 0, mean = 0;
	fl_mlp *m;

	(void)state;
	for (size_t i = 0; i < s.n; i++)
		s.y[i] = sin(s.X[i * 3]) + 0.5 * s.X[i * 3 + 1] * s.X[i * 3 + 2];
	split(&s, 1, &tr, &te);
	p.hidden_layer_sizes[0] = 64;
	p.learning_rate_init = 0.01;
	m = fit_or_fail(&p, FL_MLP_REGRESS, &tr, 1, 2);
	pred = malloc(te.n * sizeof(double));
	assert_int_equal(fl_mlp_predict(m, te.X, te.n, te.d, pred, 2, &err), 0);
	for (size_t i = 0; i < te.n; i++)
		mean += te.y[i] / (double)te.n;
	for (size_t i = 0; i < te.n; i++) {
		ss_res += pow(te.y[i] - pred[i], 2);
		ss_tot += pow(te.y[i] - mean, 2);
	}
	print_message("# regression: R^2 %.4f\n", 1 - ss_res / ss_tot);
	assert_true(1 - ss_res / ss_tot > 0.95);
	free(pred);
	fl_mlp_free(m);
	data_free(&s);
	data_free(&tr);
	data_free(&te);
}

/* ---- bad input --------------------------------------------------------- */

static void expect_fit_error(const fl_mlp_params *p, fl_mlp_task task, const data *s,
			     size_t n_out, const char *needle)
{
	fl_err err = FL_ERR_INIT;
	fl_mlp *m = NULL;

	assert_int_equal(fl_mlp_fit(&m, p, task, s->X, s->n, s->d, s->y, n_out, NULL, &err),
			 FL_EINVAL);
	assert_null(m);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void test_divergence(void **state)
{
	data s = blobs(200, 4, 2, 1);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;

	(void)state;
	for (size_t i = 0; i < s.n; i++)
		s.y[i] = 1e6 * s.X[i * 4];
	p.solver = FL_MLP_SGD;
	p.learning_rate_init = 10;
	expect_fit_error(&p, FL_MLP_REGRESS, &s, 1, "mlp: training diverged in epoch ");
	data_free(&s);
}

static void test_empty_validation_split(void **state)
{
	data s = blobs(6, 3, 2, 1);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;

	(void)state;
	p.early_stopping = 1;
	expect_fit_error(&p, FL_MLP_CLASSIFY, &s, 2, "leaves 0 for validation");
	p.validation_fraction = 0;
	expect_fit_error(&p, FL_MLP_CLASSIFY, &s, 2, "validation split");
	data_free(&s);
}

static void test_bad_data(void **state)
{
	data s = blobs(20, 3, 2, 1);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_mlp *m;
	double out[2 * 2], row[3] = { 1, NAN, 0 };

	(void)state;
	s.y[4] = 2;
	expect_fit_error(&p, FL_MLP_CLASSIFY, &s, 2, "row 5 is 2");
	s.y[4] = 0.5;
	expect_fit_error(&p, FL_MLP_CLASSIFY, &s, 2, "not a class index");
	s.y[4] = 0;
	expect_fit_error(&p, FL_MLP_CLASSIFY, &s, 1, "at least 2 classes");
	s.X[7] = INFINITY;
	expect_fit_error(&p, FL_MLP_CLASSIFY, &s, 2, "row 3, column 2");
	s.X[7] = 0;
	p.max_iter = 1;
	m = fit_or_fail(&p, FL_MLP_CLASSIFY, &s, 2, 1);
	assert_int_equal(fl_mlp_predict(m, row, 1, 3, out, 1, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "row 1, column 2"));
	assert_int_equal(fl_mlp_predict(m, row, 1, 2, out, 1, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "takes 3 features"));
	fl_mlp_free(m);
	data_free(&s);
}

/* ---- progress ---------------------------------------------------------- */

typedef struct seen {
	int calls;          /* reports */
	uint64_t last;      /* last `done` */
	char what[160];     /* last text */
} seen;

static void on_progress(void *ud, const char *what, uint64_t done, uint64_t total)
{
	seen *s = ud;

	s->calls++;
	assert_int_equal(done, s->last + 1);
	assert_int_equal(total, 7);
	s->last = done;
	snprintf(s->what, sizeof(s->what), "%s", what);
}

static void test_progress(void **state)
{
	data s = blobs(300, 4, 2, 1);
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	seen got = { 0 };
	fl_progress sink = { on_progress, &got };
	fl_mlp_options o = { 2, &sink };
	fl_err err = FL_ERR_INIT;
	fl_mlp *m = NULL;

	(void)state;
	p.max_iter = 7;
	p.tol = 0;
	p.early_stopping = 1;
	assert_int_equal(fl_mlp_fit(&m, &p, FL_MLP_CLASSIFY, s.X, s.n, s.d, s.y, 2, &o, &err), 0);
	assert_int_equal(got.calls, fl_mlp_get_record(m)->n_iter);
	assert_non_null(strstr(got.what, "/7 loss "));
	assert_non_null(strstr(got.what, "validation accuracy"));
	assert_int_equal(fl_mlp_get_record(m)->n_validation, 30);
	fl_mlp_free(m);
	data_free(&s);
}

/* ---- the model kind and model files ------------------------------------ */

extern const fl_model_kind fl_kind_mlp;
extern const fl_model_kind fl_kind_mlp_regressor;

static void test_kind_save_load(void **state)
{
	const char *args[] = { "hidden_layer_sizes=16,8", "max_iter=4", "activation=tanh" };
	data s = blobs(500, 5, 3, 2);
	fl_fit_opts fo = FL_FIT_OPTS_INIT;
	const char *names[] = { "a", "b", "c" };
	fl_dataset *ds = NULL;
	fl_modelfile *mf = NULL, *back = NULL;
	json_t *params = NULL, *info = json_object();
	fl_err err = FL_ERR_INIT;
	void *st = NULL, *st2 = NULL;
	double *p1 = malloc(s.n * 3 * sizeof(double)), *p2 = malloc(s.n * 3 * sizeof(double));
	uint8_t *bytes = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(fl_hparams_from_args(fl_kind_mlp.params, args, 3, &params, &err), 0);
	assert_int_equal(fl_dataset_new(&ds, s.n, s.d, &err), 0);
	memcpy(ds->X, s.X, s.n * s.d * sizeof(double));
	assert_int_equal(fl_dataset_set_classes(ds, 3, names, &err), 0);
	for (size_t i = 0; i < s.n; i++)
		ds->y_class[i] = (int32_t)s.y[i];
	fo.seed = 3;
	assert_int_equal(fl_kind_mlp.fit(&st, ds, params, &fo, &err), 0);
	assert_int_equal(fl_kind_mlp.describe(st, info, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(info, "n_iter")), 4);
	assert_string_equal(json_string_value(json_object_get(info, "stopped_by")), "max_iter");
	assert_int_equal(fl_modelfile_new(&mf, "mlp", &err), 0);
	json_object_set_new(params, "seed", json_integer(3));
	mf->params = json_incref(params);
	assert_int_equal(fl_kind_mlp.save(st, mf, &err), 0);
	assert_non_null(fl_modelfile_find(mf, "loss_curve"));
	assert_int_equal(fl_modelfile_find(mf, "loss_curve")->dims[0], 4);
	assert_int_equal(fl_modelfile_to_bytes(mf, &bytes, &len, &err), 0);
	assert_int_equal(fl_modelfile_from_bytes(&back, bytes, len, "m", &err), 0);
	if (fl_kind_mlp.load(&st2, back, &err) < 0)
		fail_msg("load: %s", err.msg);
	assert_int_equal(fl_kind_mlp.predict_proba(st, s.X, s.n, s.d, 1, p1, &err), 0);
	assert_int_equal(fl_kind_mlp.predict_proba(st2, s.X, s.n, s.d, 2, p2, &err), 0);
	assert_memory_equal(p1, p2, s.n * 3 * sizeof(double));
	assert_int_equal(fl_kind_mlp.predict(st2, s.X, 3, s.d, 1, p2, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_true(p2[i] >= 0 && p2[i] < 3 && p2[i] == floor(p2[i]));
	/* the same data and seed give the same bytes */
	fl_kind_mlp.free_state(st2);
	st2 = NULL;
	assert_int_equal(fl_kind_mlp.fit(&st2, ds, params, &fo, &err), 0);
	assert_memory_equal(fl_mlp_weights_const(st), fl_mlp_weights_const(st2),
			    fl_mlp_n_weights(st) * sizeof(float));
	fl_kind_mlp.free_state(st);
	fl_kind_mlp.free_state(st2);
	fl_modelfile_free(mf);
	fl_modelfile_free(back);
	free(bytes);
	free(p1);
	free(p2);
	json_decref(params);
	json_decref(info);
	fl_dataset_free(ds);
	data_free(&s);
}

static fl_dataset *to_dataset(const data *s, const char *const *names)
{
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_dataset_new(&ds, s->n, s->d, &err), 0);
	memcpy(ds->X, s->X, s->n * s->d * sizeof(double));
	assert_int_equal(fl_dataset_set_classes(ds, s->k, names, &err), 0);
	for (size_t i = 0; i < s->n; i++)
		ds->y_class[i] = (int32_t)s->y[i];
	return ds;
}

/* Through the generic model API: fit, score, save to a file, load, the
 * same predictions; a label not seen in training is refused when scoring. */
static void test_model_api(void **state)
{
	const char *train_names[] = { "krill", "salp", "copepod" };
	const char *test_names[] = { "krill", "salp", "jellyfish" };
	const char *args[] = { "hidden_layer_sizes=12", "max_iter=30", "learning_rate_init=0.01" };
	data s = blobs(600, 4, 3, 4);
	fl_dataset *ds = to_dataset(&s, train_names), *other = NULL;
	fl_fit_opts fo = FL_FIT_OPTS_INIT;
	fl_model *m = NULL, *back = NULL;
	json_t *params = NULL, *metrics = NULL;
	fl_err err = FL_ERR_INIT;
	double *p1 = malloc(s.n * sizeof(double)), *p2 = malloc(s.n * sizeof(double));
	char *dir = tu_tmpdir(), path[512];

	(void)state;
	assert_int_equal(fl_hparams_from_args(fl_kind_mlp.params, args, 3, &params, &err), 0);
	fo.n_threads = 2;
	if (fl_model_fit(&m, &fl_kind_mlp, ds, params, &fo, &err) < 0)
		fail_msg("fit: %s", err.msg);
	assert_int_equal(fl_model_score(m, ds, 2, 0, &metrics, &err), 0);
	print_message("# model api: training accuracy %.3f\n",
		      json_real_value(json_object_get(metrics, "accuracy")));
	assert_true(json_real_value(json_object_get(metrics, "accuracy")) > 0.8);
	json_decref(metrics);
	snprintf(path, sizeof(path), "%s/m.floe", dir);
	assert_int_equal(fl_model_save(m, path, &err), 0);
	if (fl_model_load(&back, path, &err) < 0)
		fail_msg("load: %s", err.msg);
	assert_int_equal(fl_model_predict(m, ds, 1, p1, &err), 0);
	assert_int_equal(fl_model_predict(back, ds, 2, p2, &err), 0);
	assert_memory_equal(p1, p2, s.n * sizeof(double));
	s.y[5] = 2; /* a row labelled "jellyfish" */
	other = to_dataset(&s, test_names);
	assert_int_equal(fl_model_score(back, other, 1, 0, &metrics, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "'jellyfish' was not seen in training"));
	fl_model_free(m);
	fl_model_free(back);
	fl_dataset_free(ds);
	fl_dataset_free(other);
	json_decref(params);
	free(p1);
	free(p2);
	tu_rmrf(dir);
	free(dir);
	data_free(&s);
}

static void test_params(void **state)
{
	const char *bad[] = { "hidden_layer_sizes=0", "activation=softplus", "solver=lbfgs",
			      "momentum=2", "nope=1" };
	const char *good[] = { "hidden_layer_sizes=128,64", "batch_size=50", "solver=sgd",
			       "learning_rate=adaptive", "early_stopping=true" };
	json_t *r = NULL;
	fl_err err = FL_ERR_INIT;
	fl_mlp_params p = FL_MLP_PARAMS_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fl_hparams_from_args(fl_mlp_param_specs, &bad[i], 1, &r, &err),
				 FL_EINVAL);
		assert_null(r);
	}
	assert_int_equal(fl_hparams_from_args(fl_mlp_param_specs, good, 5, &r, &err), 0);
	assert_int_equal(fl_mlp_params_from_json(&p, r, 9, &err), 0);
	assert_int_equal(p.n_hidden, 2);
	assert_int_equal(p.hidden_layer_sizes[1], 64);
	assert_int_equal(p.batch_size, 50);
	assert_int_equal(p.solver, FL_MLP_SGD);
	assert_int_equal(p.learning_rate, FL_MLP_LR_ADAPTIVE);
	assert_int_equal(p.early_stopping, 1);
	assert_int_equal(p.seed, 9);
	json_decref(r);
	/* defaults are sklearn's */
	assert_int_equal(fl_hparams_resolve(fl_mlp_param_specs, NULL, &r, &err), 0);
	assert_int_equal(fl_mlp_params_from_json(&p, r, 0, &err), 0);
	assert_int_equal(p.n_hidden, 1);
	assert_int_equal(p.hidden_layer_sizes[0], 100);
	assert_int_equal(p.batch_size, 0);
	assert_int_equal(p.max_iter, 200);
	assert_float_equal(p.alpha, 1e-4, 0);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gradient_check),
		cmocka_unit_test(test_gradient_check_detects_errors),
		cmocka_unit_test(test_adam_step),
		cmocka_unit_test(test_sgd_nesterov_and_invscaling),
		cmocka_unit_test(test_stopping_rules),
		cmocka_unit_test(test_threads_bitwise),
		cmocka_unit_test(test_seed_matters),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_penguins),
		cmocka_unit_test(test_regression),
		cmocka_unit_test(test_divergence),
		cmocka_unit_test(test_empty_validation_split),
		cmocka_unit_test(test_bad_data),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_kind_save_load),
		cmocka_unit_test(test_model_api),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
