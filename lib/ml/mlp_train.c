/* mlp_train.c - training an MLP: validation split, epochs of shuffled
 * mini-batches, a fixed block split of every batch for threads, the
 * learning-rate schedule, stopping rules and early stopping as in
 * scikit-learn's _fit_stochastic. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "core/rng.h"
#include "ml/mlp_internal.h"

/* RNG streams beside the per-layer initialisation streams 1..L. */
#define STREAM_SPLIT 1000
#define STREAM_SHUFFLE 1001
/* Weights per update chunk (the reduction and optimiser step). */
#define CHUNK 8192
/* Rows per validation chunk. */
#define VAL_ROWS 256

typedef struct chunk {
	size_t lo, hi;   /* weight range */
	int decay;       /* 1 for weights (L2), 0 for biases */
} chunk;

typedef struct trainer {
	fl_mlp *m;                 /* the model being trained */
	const fl_mlp_params *p;    /* its parameters */
	const double *X, *y;       /* data */
	float *Xf;                 /* X in single precision (owned) */
	uint32_t *order;           /* training rows, reshuffled every epoch */
	uint32_t *val;             /* validation rows */
	size_t n_train, n_val;     /* their counts */
	size_t bs;                 /* batch size */
	size_t b0, bn;             /* current batch: order[b0 .. b0+bn) */
	size_t nb;                 /* blocks per batch (from bs only) */
	mlp_work *blocks;          /* nb block scratch spaces */
	chunk *chunks;             /* update chunks */
	size_t n_chunks;
	double *chunk_sq;          /* per-chunk sum of squared weights */
	mlp_optim opt;             /* solver state */
	fl_pool *pool;             /* threads */
	mlp_work *vwork;           /* one per thread, for validation */
	double *vout;              /* n_val x outputs */
	float *best_w;             /* best weights (early stopping) */
} trainer;

/* Blocks per batch: depends on the batch size only, never on threads, so
 * the sums (and the bits) are the same whatever the thread count. The
 * largest power of two <= bs / 96, at most 8: blocks of about 100 rows or
 * more keep sgemm efficient (measured: 2 blocks of 100 rows cost about 15%
 * less CPU than 4 of 50 for a batch of 200). */
static size_t blocks_for(size_t bs)
{
	size_t nb = 1;

	while (nb < 8 && nb * 2 * 96 <= bs)
		nb *= 2;
	return nb;
}

static int block_item(void *ud, size_t i, int worker, fl_err *err)
{
	trainer *t = ud;
	size_t r0 = t->bn * i / t->nb, r1 = t->bn * (i + 1) / t->nb;
	mlp_work *w = &t->blocks[i];

	(void)worker;
	(void)err;
	w->loss = 0.0;
	if (r1 == r0) {
		memset(w->grad, 0, t->m->n_weights * sizeof(float));
		return 0;
	}
	mlp_gather_f32(t->m, w, t->Xf, t->y, t->order, t->b0 + r0, r1 - r0);
	mlp_forward(t->m, w, r1 - r0);
	mlp_backward(t->m, w, r1 - r0);
	return 0;
}

/* Sum the blocks' gradients in block order into blocks[0].grad, add the
 * L2 term, divide by the batch size, and step the optimiser. */
static int update_item(void *ud, size_t i, int worker, fl_err *err)
{
	trainer *t = ud;
	const chunk *c = &t->chunks[i];
	float *g = t->blocks[0].grad, *w = t->m->w;
	const float inv = 1.0f / (float)t->bn, a = (float)t->p->alpha;
	double sq = 0.0;

	(void)worker;
	(void)err;
	for (size_t b = 1; b < t->nb; b++) {
		const float *gb = t->blocks[b].grad;
		for (size_t j = c->lo; j < c->hi; j++)
			g[j] += gb[j];
	}
	if (c->decay) {
		for (size_t j = c->lo; j < c->hi; j++) {
			sq += (double)w[j] * w[j];
			g[j] = (g[j] + a * w[j]) * inv;
		}
	} else {
		for (size_t j = c->lo; j < c->hi; j++)
			g[j] *= inv;
	}
	t->chunk_sq[i] = sq;
	mlp_optim_apply(&t->opt, t->p, w, g, c->lo, c->hi);
	return 0;
}

static int make_chunks(trainer *t, fl_err *err)
{
	const fl_mlp *m = t->m;
	size_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (int l = 1; l < m->n_sizes; l++) {
			size_t seg[2][2] = { { m->w_off[l], m->b_off[l] },
					     { m->b_off[l], m->b_off[l] + m->sizes[l] } };
			for (int s = 0; s < 2; s++)
				for (size_t lo = seg[s][0]; lo < seg[s][1]; lo += CHUNK, n++)
					if (pass)
						t->chunks[n] = (chunk){ lo,
							lo + CHUNK < seg[s][1] ? lo + CHUNK : seg[s][1],
							s == 0 };
		}
		if (!pass && (!(t->chunks = calloc(n, sizeof(chunk))) ||
			      !(t->chunk_sq = calloc(n, sizeof(double)))))
			return fl_err_set(err, FL_ENOMEM, "out of memory for training");
	}
	t->n_chunks = n;
	return 0;
}

/* One mini-batch: returns its loss (data + L2) in *loss. */
static int train_batch(trainer *t, double *loss, fl_err *err)
{
	double data = 0.0, sq = 0.0;
	int rc;

	if ((rc = fl_pool_run(t->pool, t->nb, block_item, t, err)) < 0)
		return rc;
	mlp_optim_begin(&t->opt, t->p);
	if ((rc = fl_pool_run(t->pool, t->n_chunks, update_item, t, err)) < 0)
		return rc;
	for (size_t b = 0; b < t->nb; b++)
		data += t->blocks[b].loss;
	for (size_t c = 0; c < t->n_chunks; c++)
		sq += t->chunk_sq[c];
	*loss = (data + 0.5 * t->p->alpha * sq) / (double)t->bn;
	return 0;
}

static int val_item(void *ud, size_t i, int worker, fl_err *err)
{
	trainer *t = ud;
	size_t r0 = i * VAL_ROWS, rows = t->n_val - r0 < VAL_ROWS ? t->n_val - r0 : VAL_ROWS;
	size_t k = t->m->sizes[t->m->n_sizes - 1];
	mlp_work *w = &t->vwork[worker];
	const float *o;

	(void)err;
	mlp_gather_f32(t->m, w, t->Xf, NULL, t->val, r0, rows);
	mlp_forward(t->m, w, rows);
	o = w->act[t->m->n_sizes - 1];
	for (size_t r = 0; r < rows * k; r++)
		t->vout[r0 * k + r] = o[r];
	return 0;
}

/* Accuracy (classification) or R^2 averaged over outputs (regression). */
static double score_rows(const fl_mlp *m, const double *out, const double *y,
			 const uint32_t *rows, size_t n)
{
	size_t k = m->sizes[m->n_sizes - 1];
	double total = 0.0;

	if (m->task == FL_MLP_CLASSIFY) {
		size_t hit = 0;
		for (size_t r = 0; r < n; r++) {
			size_t best = 0;
			for (size_t j = 1; j < k; j++)
				best = out[r * k + j] > out[r * k + best] ? j : best;
			hit += best == (size_t)y[rows[r]];
		}
		return (double)hit / (double)n;
	}
	for (size_t j = 0; j < k; j++) {
		double mean = 0.0, ss_res = 0.0, ss_tot = 0.0;
		for (size_t r = 0; r < n; r++)
			mean += y[rows[r] * k + j];
		mean /= (double)n;
		for (size_t r = 0; r < n; r++) {
			double v = y[rows[r] * k + j];
			ss_res += (v - out[r * k + j]) * (v - out[r * k + j]);
			ss_tot += (v - mean) * (v - mean);
		}
		/* sklearn: a constant target scores 1 when fitted exactly, else 0 */
		total += ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
	}
	return total / (double)k;
}

static int validation_score(trainer *t, double *score, fl_err *err)
{
	size_t chunks = (t->n_val + VAL_ROWS - 1) / VAL_ROWS;
	int rc;

	if ((rc = fl_pool_run(t->pool, chunks, val_item, t, err)) < 0)
		return rc;
	*score = score_rows(t->m, t->vout, t->y, t->val, t->n_val);
	return 0;
}

static int check_labels(fl_mlp_task task, const double *y, size_t n, size_t n_out,
			fl_err *err)
{
	if (task == FL_MLP_REGRESS) {
		for (size_t i = 0; i < n * n_out; i++)
			if (!isfinite(y[i]))
				return fl_err_set(err, FL_EINVAL,
						  "mlp: target of row %zu is not a finite number",
						  i / n_out + 1);
		return 0;
	}
	if (n_out < 2)
		return fl_err_set(err, FL_EINVAL,
				  "mlp: classification needs at least 2 classes, got %zu", n_out);
	for (size_t i = 0; i < n; i++)
		if (!(y[i] >= 0 && y[i] < (double)n_out) || y[i] != floor(y[i]))
			return fl_err_set(err, FL_EINVAL,
					  "mlp: label of row %zu is %g, not a class index 0..%zu",
					  i + 1, y[i], n_out - 1);
	return 0;
}

/* Split rows into training and validation (early stopping) by a seeded
 * shuffle: the validation split is floor(validation_fraction * n) rows. */
static int split_rows(trainer *t, size_t n, fl_err *err)
{
	const fl_mlp_params *p = t->p;
	fl_rng r;

	if (!(t->order = malloc(n * sizeof(uint32_t))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu row indices", n);
	for (size_t i = 0; i < n; i++)
		t->order[i] = (uint32_t)i;
	t->n_train = n;
	t->n_val = 0;
	if (!p->early_stopping)
		return 0;
	t->n_val = (size_t)floor(p->validation_fraction * (double)n);
	if (t->n_val == 0 || t->n_val >= n)
		return fl_err_set(err, FL_EINVAL,
				  "mlp: early_stopping needs a validation split, but "
				  "validation_fraction=%g of %zu rows leaves %zu for validation "
				  "and %zu for training (use more rows, a larger "
				  "validation_fraction, or early_stopping=false)",
				  p->validation_fraction, n, t->n_val, n - t->n_val);
	fl_rng_seed(&r, p->seed, STREAM_SPLIT);
	fl_rng_shuffle(&r, t->order, (uint32_t)n);
	t->n_train = n - t->n_val;
	t->val = t->order + t->n_train;
	return 0;
}

static int trainer_alloc(trainer *t, int n_threads, fl_err *err)
{
	const fl_mlp *m = t->m;
	size_t cap, k = m->sizes[m->n_sizes - 1];
	int rc;

	size_t nx = t->n_train + t->n_val;

	if (!(t->Xf = malloc(nx * m->sizes[0] * sizeof(float))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for a copy of the data");
	for (size_t i = 0; i < nx * m->sizes[0]; i++)
		t->Xf[i] = (float)t->X[i];
	t->bs = t->p->batch_size ? t->p->batch_size : 200;
	if (t->bs > t->n_train)
		t->bs = t->n_train;
	t->nb = blocks_for(t->bs);
	cap = (t->bs + t->nb - 1) / t->nb;
	if ((rc = fl_pool_new(&t->pool, n_threads, err)) < 0 ||
	    (rc = make_chunks(t, err)) < 0 ||
	    (rc = mlp_optim_init(&t->opt, t->p, m->n_weights, err)) < 0)
		return rc;
	if (!(t->blocks = calloc(t->nb, sizeof(mlp_work))) ||
	    !(t->vwork = calloc((size_t)fl_pool_threads(t->pool), sizeof(mlp_work))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for training");
	for (size_t b = 0; b < t->nb; b++)
		if ((rc = mlp_work_init(&t->blocks[b], m, cap, 1, err)) < 0)
			return rc;
	if (!t->n_val)
		return 0;
	for (int w = 0; w < fl_pool_threads(t->pool); w++)
		if ((rc = mlp_work_init(&t->vwork[w], m, VAL_ROWS, 0, err)) < 0)
			return rc;
	if (!(t->vout = malloc(t->n_val * k * sizeof(double))) ||
	    !(t->best_w = malloc(m->n_weights * sizeof(float))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for validation");
	memcpy(t->best_w, m->w, m->n_weights * sizeof(float));
	return 0;
}

static void trainer_free(trainer *t)
{
	if (t->blocks)
		for (size_t b = 0; b < t->nb; b++)
			mlp_work_free(&t->blocks[b]);
	if (t->vwork && t->pool)
		for (int w = 0; w < fl_pool_threads(t->pool); w++)
			mlp_work_free(&t->vwork[w]);
	free(t->blocks);
	free(t->vwork);
	free(t->order);
	free(t->Xf);
	free(t->chunks);
	free(t->chunk_sq);
	free(t->vout);
	free(t->best_w);
	mlp_optim_free(&t->opt);
	fl_pool_free(t->pool);
}

/* One epoch over the shuffled training rows; *loss = mean batch loss. */
static int train_epoch(trainer *t, int epoch, fl_rng *shuf, double *loss, fl_err *err)
{
	double acc = 0.0, bl;
	int rc;

	if (t->p->shuffle)
		fl_rng_shuffle(shuf, t->order, (uint32_t)t->n_train);
	for (t->b0 = 0; t->b0 < t->n_train; t->b0 += t->bn) {
		t->bn = t->n_train - t->b0 < t->bs ? t->n_train - t->b0 : t->bs;
		if ((rc = train_batch(t, &bl, err)) < 0)
			return rc;
		if (!isfinite(bl))
			return fl_err_set(err, FL_EINVAL,
					  "mlp: training diverged in epoch %d: the loss became %s "
					  "(try a smaller learning_rate_init, or standardise the "
					  "features)", epoch, isnan(bl) ? "NaN" : "infinite");
		acc += bl * (double)t->bn;
	}
	*loss = acc / (double)t->n_train;
	return 0;
}

/* sklearn's _update_no_improvement_count; returns the new count. */
static int no_improvement(trainer *t, int count, double loss, double score)
{
	fl_mlp_record *r = &t->m->rec;
	const double tol = t->p->tol;

	if (t->p->early_stopping) {
		count = score < r->best_validation_score + tol ? count + 1 : 0;
		if (score > r->best_validation_score) {
			r->best_validation_score = score;
			memcpy(t->best_w, t->m->w, t->m->n_weights * sizeof(float));
		}
	} else {
		count = loss > r->best_loss - tol ? count + 1 : 0;
	}
	if (loss < r->best_loss)
		r->best_loss = loss;
	return count;
}

static void report(const trainer *t, const fl_mlp_options *o, int epoch,
		   double loss, double score)
{
	char what[160];

	if (t->p->early_stopping)
		snprintf(what, sizeof(what), "epoch %d/%d loss %.6f validation %s %.4f",
			 epoch, t->p->max_iter, loss,
			 t->m->task == FL_MLP_CLASSIFY ? "accuracy" : "R2", score);
	else
		snprintf(what, sizeof(what), "epoch %d/%d loss %.6f", epoch,
			 t->p->max_iter, loss);
	fl_progress_report(o->progress, what, (uint64_t)epoch, (uint64_t)t->p->max_iter);
}

static int run_epochs(trainer *t, const fl_mlp_options *o, fl_err *err)
{
	fl_mlp_record *r = &t->m->rec;
	int count = 0, rc;
	fl_rng shuf;

	fl_rng_seed(&shuf, t->p->seed, STREAM_SHUFFLE);
	r->best_loss = INFINITY;
	r->best_validation_score = t->p->early_stopping ? -INFINITY : NAN;
	r->stop = FL_MLP_STOP_MAX_ITER;
	for (int epoch = 1; epoch <= t->p->max_iter; epoch++) {
		double loss = 0.0, score = NAN;

		if ((rc = train_epoch(t, epoch, &shuf, &loss, err)) < 0)
			return rc;
		if (t->n_val && (rc = validation_score(t, &score, err)) < 0)
			return rc;
		r->n_iter = epoch;
		r->loss = loss;
		r->t += t->n_train;
		t->m->loss_curve[epoch - 1] = loss;
		t->m->val_scores[epoch - 1] = score;
		count = no_improvement(t, count, loss, score);
		mlp_optim_epoch_end(&t->opt, t->p, r->t);
		report(t, o, epoch, loss, score);
		if (count > t->p->n_iter_no_change) {
			int lr_floor = t->opt.lr <= 1e-6;
			if (mlp_optim_trigger_stopping(&t->opt, t->p)) {
				r->stop = lr_floor && t->p->solver == FL_MLP_SGD &&
					  t->p->learning_rate == FL_MLP_LR_ADAPTIVE
					  ? FL_MLP_STOP_LR_FLOOR : FL_MLP_STOP_NO_CHANGE;
				break;
			}
			count = 0;
		}
	}
	if (t->p->early_stopping) /* keep the best validated weights */
		memcpy(t->m->w, t->best_w, t->m->n_weights * sizeof(float));
	return 0;
}

static int check_inputs(const fl_mlp_params *p, fl_mlp_task task, const double *X,
			size_t n, size_t d, const double *y, size_t n_out, fl_err *err)
{
	int rc;

	if ((rc = fl_mlp_params_check(p, err)) < 0)
		return rc;
	if (n == 0 || d == 0 || n_out == 0)
		return fl_err_set(err, FL_EINVAL, "mlp: no data to train on (%zu rows, %zu features)",
				  n, d);
	if (n > UINT32_MAX)
		return fl_err_set(err, FL_EINVAL, "mlp: at most %u rows", UINT32_MAX);
	if ((rc = mlp_check_finite(X, n, d, err)) < 0)
		return rc;
	return check_labels(task, y, n, n_out, err);
}

static int new_model(fl_mlp **out, const fl_mlp_params *p, fl_mlp_task task,
		     size_t d, size_t n_out, fl_err *err)
{
	size_t sizes[MLP_MAX_SIZES];
	int ns = 0, rc;

	sizes[ns++] = d;
	for (int i = 0; i < p->n_hidden; i++)
		sizes[ns++] = p->hidden_layer_sizes[i];
	sizes[ns++] = n_out;
	if ((rc = fl_mlp_new(out, p, task, sizes, ns, err)) < 0)
		return rc;
	mlp_init_weights(*out, p->seed);
	if (!((*out)->loss_curve = calloc((size_t)p->max_iter, sizeof(double))) ||
	    !((*out)->val_scores = calloc((size_t)p->max_iter, sizeof(double))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for the training record");
	return 0;
}

int fl_mlp_fit(fl_mlp **out, const fl_mlp_params *p, fl_mlp_task task,
	       const double *X, size_t n, size_t d, const double *y, size_t n_out,
	       const fl_mlp_options *opt, fl_err *err)
{
	fl_mlp_options defaults = FL_MLP_OPTIONS_INIT;
	trainer t = { 0 };
	int rc;

	*out = NULL;
	if (!opt)
		opt = &defaults;
	if ((rc = check_inputs(p, task, X, n, d, y, n_out, err)) < 0)
		return rc;
	openblas_set_num_threads(1); /* threads are ours, in a fixed order */
	t.p = p;
	t.X = X;
	t.y = y;
	if ((rc = new_model(&t.m, p, task, d, n_out, err)) < 0 ||
	    (rc = split_rows(&t, n, err)) < 0 ||
	    (rc = trainer_alloc(&t, opt->n_threads, err)) < 0 ||
	    (rc = run_epochs(&t, opt, err)) < 0)
		goto cleanup;
	t.m->rec.n_train = t.n_train;
	t.m->rec.n_validation = t.n_val;
	*out = t.m;
	t.m = NULL;
cleanup:
	trainer_free(&t);
	fl_mlp_free(t.m);
	return rc;
}

int fl_mlp_loss_grad(const fl_mlp *m, const double *X, size_t n,
		     const double *y, double *loss, float *grad, fl_err *err)
{
	mlp_work w;
	double sq = 0.0;
	const float a = (float)m->params.alpha, inv = 1.0f / (float)n;
	int rc;

	openblas_set_num_threads(1);
	if ((rc = mlp_work_init(&w, m, n, 1, err)) < 0)
		return rc;
	mlp_gather(m, &w, X, y, NULL, 0, n);
	mlp_forward(m, &w, n);
	mlp_backward(m, &w, n);
	for (int l = 1; l < m->n_sizes; l++) {
		for (size_t j = m->w_off[l]; j < m->b_off[l]; j++) {
			sq += (double)m->w[j] * m->w[j];
			w.grad[j] = (w.grad[j] + a * m->w[j]) * inv;
		}
		for (size_t j = m->b_off[l]; j < m->b_off[l] + m->sizes[l]; j++)
			w.grad[j] *= inv;
	}
	*loss = (w.loss + 0.5 * m->params.alpha * sq) / (double)n;
	if (grad)
		memcpy(grad, w.grad, m->n_weights * sizeof(float));
	mlp_work_free(&w);
	return 0;
}
