/* mlp.c - the MLP model object: creation, accessors, prediction. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "ml/mlp_internal.h"

/* Rows per prediction chunk: fixed, so results do not depend on threads. */
#define PRED_ROWS 256

int fl_mlp_new(fl_mlp **out, const fl_mlp_params *p, fl_mlp_task task,
	       const size_t *sizes, int n_sizes, fl_err *err)
{
	fl_mlp *m = NULL;
	int rc;

	*out = NULL;
	if (!(m = calloc(1, sizeof(*m))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for a network");
	m->params = *p;
	m->task = task;
	m->rec.best_validation_score = NAN;
	if ((rc = mlp_layout(m, sizes, n_sizes, err)) < 0) {
		fl_mlp_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void fl_mlp_free(fl_mlp *m)
{
	if (!m)
		return;
	free(m->w);
	free(m->loss_curve);
	free(m->val_scores);
	free(m);
}

fl_mlp_task fl_mlp_get_task(const fl_mlp *m) { return m->task; }
const fl_mlp_params *fl_mlp_get_params(const fl_mlp *m) { return &m->params; }
int fl_mlp_n_sizes(const fl_mlp *m) { return m->n_sizes; }
size_t fl_mlp_size(const fl_mlp *m, int i) { return m->sizes[i]; }
size_t fl_mlp_n_weights(const fl_mlp *m) { return m->n_weights; }
float *fl_mlp_weights(fl_mlp *m) { return m->w; }
const float *fl_mlp_weights_const(const fl_mlp *m) { return m->w; }
const fl_mlp_record *fl_mlp_get_record(const fl_mlp *m) { return &m->rec; }
const double *fl_mlp_loss_curve(const fl_mlp *m) { return m->loss_curve; }
const double *fl_mlp_validation_scores(const fl_mlp *m) { return m->val_scores; }
void fl_mlp_set_record(fl_mlp *m, const fl_mlp_record *r) { m->rec = *r; }

typedef struct pred_job {
	const fl_mlp *m;    /* the model */
	const double *X;    /* input rows */
	size_t n;           /* rows */
	double *out;        /* n x outputs */
	mlp_work *work;     /* one per worker */
} pred_job;

static int pred_chunk(void *ud, size_t i, int worker, fl_err *err)
{
	pred_job *j = ud;
	size_t r0 = i * PRED_ROWS, rows = j->n - r0 < PRED_ROWS ? j->n - r0 : PRED_ROWS;
	size_t k = j->m->sizes[j->m->n_sizes - 1];
	mlp_work *w = &j->work[worker];
	const float *o;

	(void)err;
	mlp_gather(j->m, w, j->X, NULL, NULL, r0, rows);
	mlp_forward(j->m, w, rows);
	o = w->act[j->m->n_sizes - 1];
	for (size_t r = 0; r < rows * k; r++)
		j->out[r0 * k + r] = o[r];
	return 0;
}

int mlp_check_finite(const double *X, size_t n, size_t d, fl_err *err)
{
	for (size_t i = 0; i < n * d; i++)
		if (!isfinite(X[i]))
			return fl_err_set(err, FL_EINVAL,
					  "mlp: row %zu, column %zu is not a finite number (%g)",
					  i / d + 1, i % d + 1, X[i]);
	return 0;
}

int fl_mlp_predict(const fl_mlp *m, const double *X, size_t n, size_t d,
		   double *out, int n_threads, fl_err *err)
{
	size_t chunks = (n + PRED_ROWS - 1) / PRED_ROWS;
	pred_job j = { m, X, n, out, NULL };
	int rc, nt;

	if (d != m->sizes[0])
		return fl_err_set(err, FL_EINVAL, "mlp: the model takes %zu features, the data has %zu",
				  m->sizes[0], d);
	if ((rc = mlp_check_finite(X, n, d, err)) < 0)
		return rc;
	openblas_set_num_threads(1);
	nt = fl_threads_resolve(n_threads);
	if ((size_t)nt > chunks)
		nt = chunks ? (int)chunks : 1;
	if (!(j.work = calloc((size_t)nt, sizeof(mlp_work))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for prediction");
	for (int t = 0; t < nt; t++)
		if ((rc = mlp_work_init(&j.work[t], m, PRED_ROWS, 0, err)) < 0)
			goto cleanup;
	rc = fl_parallel_for(chunks, nt, pred_chunk, &j, err);
cleanup:
	for (int t = 0; t < nt; t++)
		mlp_work_free(&j.work[t]);
	free(j.work);
	return rc;
}
