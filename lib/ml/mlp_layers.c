/* mlp_layers.c - the network arithmetic on a block of rows: layout and
 * initialisation of the weights, forward pass, backward pass (single
 * precision, cblas_sgemm with row-major matrices). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "ml/mlp_internal.h"

int mlp_layout(fl_mlp *m, const size_t *sizes, int n_sizes, fl_err *err)
{
	size_t off = 0;

	if (n_sizes < 2 || n_sizes > MLP_MAX_SIZES)
		return fl_err_set(err, FL_EINVAL, "mlp: %d layers is out of range", n_sizes);
	m->n_sizes = n_sizes;
	m->max_width = 0;
	for (int i = 0; i < n_sizes; i++) {
		if (sizes[i] == 0 || sizes[i] > 100000000)
			return fl_err_set(err, FL_EINVAL, "mlp: layer %d has width %zu", i, sizes[i]);
		m->sizes[i] = sizes[i];
		if (sizes[i] > m->max_width)
			m->max_width = sizes[i];
	}
	for (int l = 1; l < n_sizes; l++) {
		m->w_off[l] = off;
		off += sizes[l - 1] * sizes[l];
		m->b_off[l] = off;
		off += sizes[l];
	}
	m->n_weights = off;
	free(m->w);
	if (!(m->w = calloc(off, sizeof(float))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu weights", off);
	return 0;
}

void mlp_init_weights(fl_mlp *m, uint64_t seed)
{
	for (int l = 1; l < m->n_sizes; l++) {
		size_t in = m->sizes[l - 1], out = m->sizes[l];
		double factor = m->params.activation == FL_MLP_LOGISTIC ? 2.0 : 6.0;
		int he = m->params.init == FL_MLP_INIT_HE;
		double bound = he ? sqrt(6.0 / (double)in) : sqrt(factor / (double)(in + out));
		float *w = m->w + m->w_off[l], *b = m->w + m->b_off[l];
		fl_rng r;

		fl_rng_seed(&r, seed, (uint64_t)l); /* one stream per layer */
		for (size_t i = 0; i < in * out; i++)
			w[i] = (float)((2.0 * fl_rng_uniform(&r) - 1.0) * bound);
		for (size_t j = 0; j < out; j++)
			b[j] = he ? 0.0f : (float)((2.0 * fl_rng_uniform(&r) - 1.0) * bound);
	}
}

int mlp_work_init(mlp_work *w, const fl_mlp *m, size_t cap, int with_grad,
		  fl_err *err)
{
	size_t out = m->sizes[m->n_sizes - 1];
	int ok = 1;

	memset(w, 0, sizeof(*w));
	w->cap = cap;
	for (int i = 0; i < m->n_sizes; i++)
		ok &= (w->act[i] = malloc(cap * m->sizes[i] * sizeof(float))) != NULL;
	for (int i = 0; i < 2; i++)
		ok &= (w->delta[i] = malloc(cap * m->max_width * sizeof(float))) != NULL;
	ok &= (w->cls = malloc(cap * sizeof(int32_t))) != NULL;
	ok &= (w->tgt = malloc(cap * out * sizeof(float))) != NULL;
	if (with_grad)
		ok &= (w->grad = malloc(m->n_weights * sizeof(float))) != NULL;
	if (!ok) {
		mlp_work_free(w);
		return fl_err_set(err, FL_ENOMEM, "out of memory for network scratch space");
	}
	return 0;
}

void mlp_work_free(mlp_work *w)
{
	for (int i = 0; i < MLP_MAX_SIZES; i++)
		free(w->act[i]);
	free(w->delta[0]);
	free(w->delta[1]);
	free(w->cls);
	free(w->tgt);
	free(w->grad);
	memset(w, 0, sizeof(*w));
}

static void gather_labels(const fl_mlp *m, mlp_work *w, const double *y, size_t r,
			  size_t src)
{
	size_t k = m->sizes[m->n_sizes - 1];

	if (m->task == FL_MLP_CLASSIFY)
		w->cls[r] = (int32_t)y[src];
	else
		for (size_t j = 0; j < k; j++)
			w->tgt[r * k + j] = (float)y[src * k + j];
}

void mlp_gather(const fl_mlp *m, mlp_work *w, const double *X, const double *y,
		const uint32_t *idx, size_t r0, size_t rows)
{
	size_t d = m->sizes[0];

	for (size_t r = 0; r < rows; r++) {
		size_t src = idx ? idx[r0 + r] : r0 + r;
		const double *restrict x = X + src * d;
		float *restrict a = w->act[0] + r * d;

		for (size_t j = 0; j < d; j++)
			a[j] = (float)x[j];
		if (y)
			gather_labels(m, w, y, r, src);
	}
}

void mlp_gather_f32(const fl_mlp *m, mlp_work *w, const float *X, const double *y,
		    const uint32_t *idx, size_t r0, size_t rows)
{
	size_t d = m->sizes[0];

	for (size_t r = 0; r < rows; r++) {
		size_t src = idx ? idx[r0 + r] : r0 + r;

		memcpy(w->act[0] + r * d, X + src * d, d * sizeof(float));
		if (y)
			gather_labels(m, w, y, r, src);
	}
}

/* Row-wise kernels over n values, written with GCC/Clang vector
 * extensions so that they are vectorised and branch-free at -O2 (a
 * mispredicted branch per ReLU unit costs more than the matrix products on
 * these layer sizes). Element-wise only: results equal the scalar code. */
#define VW 4 /* 16 bytes: SSE on x86-64, NEON on arm64 */
typedef float vf __attribute__((vector_size(VW * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(VW * sizeof(int32_t))));

static inline vf vload(const float *p)
{
	vf v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void vstore(float *p, vf v)
{
	memcpy(p, &v, sizeof(v));
}

/* `keep` where x > 0, else +0 (NaN in x gives 0, NaN in keep stays). */
static inline vf keep_if_positive(vf x, vf keep)
{
	vi mask = x > (vf){ 0 }, bits;

	memcpy(&bits, &keep, sizeof(bits));
	bits &= mask;
	memcpy(&keep, &bits, sizeof(keep));
	return keep;
}

static void add_relu(float *restrict z, const float *restrict b, size_t n)
{
	size_t j = 0;

	for (; j + VW <= n; j += VW) {
		vf v = vload(z + j) + vload(b + j);
		vstore(z + j, keep_if_positive(v, v));
	}
	for (; j < n; j++) {
		float v = z[j] + b[j];
		z[j] = v > 0.0f ? v : 0.0f;
	}
}

static void add_bias(float *restrict z, const float *restrict b, size_t n)
{
	size_t j = 0;

	for (; j + VW <= n; j += VW)
		vstore(z + j, vload(z + j) + vload(b + j));
	for (; j < n; j++)
		z[j] += b[j];
}

/* d = a > 0 ? d : 0 (the ReLU derivative). */
static void relu_grad(float *restrict d, const float *restrict a, size_t n)
{
	size_t j = 0;

	for (; j + VW <= n; j += VW)
		vstore(d + j, keep_if_positive(vload(a + j), vload(d + j)));
	for (; j < n; j++)
		d[j] = a[j] > 0.0f ? d[j] : 0.0f;
}

/* z += b row-wise, then the activation, in place. */
static void bias_activate(float *z, const float *b, size_t rows, size_t n,
			  fl_mlp_activation act)
{
	for (size_t r = 0; r < rows; r++) {
		float *zr = z + r * n;
		switch (act) {
		case FL_MLP_RELU:
			add_relu(zr, b, n);
			break;
		case FL_MLP_TANH:
			add_bias(zr, b, n);
			for (size_t j = 0; j < n; j++)
				zr[j] = tanhf(zr[j]);
			break;
		case FL_MLP_LOGISTIC:
			add_bias(zr, b, n);
			for (size_t j = 0; j < n; j++)
				zr[j] = 1.0f / (1.0f + expf(-zr[j]));
			break;
		case FL_MLP_IDENTITY:
			add_bias(zr, b, n);
			break;
		}
	}
}

/* z += b, then a softmax over each row. */
static void bias_softmax(float *z, const float *b, size_t rows, size_t n)
{
	for (size_t r = 0; r < rows; r++) {
		float *zr = z + r * n, mx, sum = 0.0f;

		add_bias(zr, b, n);
		mx = zr[0];
		for (size_t j = 1; j < n; j++)
			mx = zr[j] > mx ? zr[j] : mx;
		for (size_t j = 0; j < n; j++) {
			zr[j] = expf(zr[j] - mx);
			sum += zr[j];
		}
		for (size_t j = 0; j < n; j++)
			zr[j] /= sum;
	}
}

void mlp_forward(const fl_mlp *m, mlp_work *w, size_t rows)
{
	int L = m->n_sizes - 1;

	for (int l = 1; l <= L; l++) {
		size_t in = m->sizes[l - 1], out = m->sizes[l];
		const float *W = m->w + m->w_off[l], *b = m->w + m->b_off[l];

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)out,
			    (int)in, 1.0f, w->act[l - 1], (int)in, W, (int)out, 0.0f,
			    w->act[l], (int)out);
		if (l < L)
			bias_activate(w->act[l], b, rows, out, m->params.activation);
		else if (m->task == FL_MLP_CLASSIFY)
			bias_softmax(w->act[l], b, rows, out);
		else
			bias_activate(w->act[l], b, rows, out, FL_MLP_IDENTITY);
	}
}

/* Output delta (dLoss/dz summed over rows) and the summed data loss. */
static double output_delta(const fl_mlp *m, mlp_work *w, size_t rows, float *d)
{
	size_t k = m->sizes[m->n_sizes - 1];
	const float *p = w->act[m->n_sizes - 1];
	double loss = 0.0;

	memcpy(d, p, rows * k * sizeof(float));
	if (m->task == FL_MLP_CLASSIFY) {
		for (size_t r = 0; r < rows; r++) {
			size_t c = (size_t)w->cls[r];
			double pc = p[r * k + c];
			loss -= log(pc > 1e-15 ? pc : 1e-15);
			d[r * k + c] -= 1.0f;
		}
		return loss;
	}
	for (size_t i = 0; i < rows * k; i++) {
		d[i] -= w->tgt[i];
		loss += 0.5 * (double)d[i] * (double)d[i];
	}
	return loss;
}

/* d *= f'(a) where a = f(z) are the layer's activations. */
static void activation_grad(float *restrict d, const float *restrict a, size_t n,
			    fl_mlp_activation act)
{
	switch (act) {
	case FL_MLP_RELU:
		relu_grad(d, a, n);
		break;
	case FL_MLP_TANH:
		for (size_t i = 0; i < n; i++)
			d[i] *= 1.0f - a[i] * a[i];
		break;
	case FL_MLP_LOGISTIC:
		for (size_t i = 0; i < n; i++)
			d[i] *= a[i] * (1.0f - a[i]);
		break;
	case FL_MLP_IDENTITY:
		break;
	}
}

/* out[j] = sum over rows of d[r][j], rows in order. */
static void column_sums(const float *restrict d, size_t rows, size_t n,
			float *restrict out)
{
	memset(out, 0, n * sizeof(float));
	for (size_t r = 0; r < rows; r++)
		add_bias(out, d + r * n, n);
}

void mlp_backward(const fl_mlp *m, mlp_work *w, size_t rows)
{
	int L = m->n_sizes - 1, cur = 0;

	w->loss = output_delta(m, w, rows, w->delta[cur]);
	for (int l = L; l >= 1; l--) {
		size_t in = m->sizes[l - 1], out = m->sizes[l];
		const float *W = m->w + m->w_off[l];
		float *d = w->delta[cur], *nd = w->delta[1 - cur];

		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)out,
			    (int)rows, 1.0f, w->act[l - 1], (int)in, d, (int)out, 0.0f,
			    w->grad + m->w_off[l], (int)out);
		column_sums(d, rows, out, w->grad + m->b_off[l]);
		if (l == 1)
			break;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)in,
			    (int)out, 1.0f, d, (int)out, W, (int)out, 0.0f, nd, (int)in);
		activation_grad(nd, w->act[l - 1], rows * in, m->params.activation);
		cur = 1 - cur;
	}
}
