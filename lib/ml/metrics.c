/* metrics.c - model quality measures (scikit-learn's definitions). */
#include "ml/metrics.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"

double fl_metric_accuracy(const int32_t *y, const int32_t *pred, size_t n)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++)
		ok += y[i] == pred[i];
	return n ? (double)ok / (double)n : 0.0;
}

int fl_metric_confusion(const int32_t *y, const int32_t *pred, size_t n,
			size_t k, uint64_t *cm, fl_err *err)
{
	memset(cm, 0, k * k * sizeof(*cm));
	for (size_t i = 0; i < n; i++) {
		if (y[i] < 0 || (size_t)y[i] >= k || pred[i] < 0 || (size_t)pred[i] >= k)
			return fl_err_set(err, FL_EINVAL, "row %zu: label outside 0..%zu",
					  i + 1, k - 1);
		cm[(size_t)y[i] * k + (size_t)pred[i]]++;
	}
	return 0;
}

static uint64_t row_sum(const uint64_t *cm, size_t k, size_t t)
{
	uint64_t s = 0;

	for (size_t p = 0; p < k; p++)
		s += cm[t * k + p];
	return s;
}

static uint64_t col_sum(const uint64_t *cm, size_t k, size_t p)
{
	uint64_t s = 0;

	for (size_t t = 0; t < k; t++)
		s += cm[t * k + p];
	return s;
}

double fl_metric_balanced_accuracy(const uint64_t *cm, size_t k)
{
	double sum = 0;
	size_t present = 0;

	for (size_t c = 0; c < k; c++) {
		uint64_t s = row_sum(cm, k, c);
		if (!s)
			continue;
		sum += (double)cm[c * k + c] / (double)s;
		present++;
	}
	return present ? sum / (double)present : 0.0;
}

void fl_metric_prf(const uint64_t *cm, size_t k, double *precision,
		   double *recall, double *f1, double *p, double *r, double *f)
{
	double sp = 0, sr = 0, sf = 0;
	size_t used = 0;

	for (size_t c = 0; c < k; c++) {
		uint64_t tp = cm[c * k + c], rs = row_sum(cm, k, c), cs = col_sum(cm, k, c);
		double pc = cs ? (double)tp / (double)cs : 0.0;
		double rc = rs ? (double)tp / (double)rs : 0.0;
		double fc = pc + rc > 0 ? 2 * pc * rc / (pc + rc) : 0.0;
		if (precision)
			precision[c] = pc;
		if (recall)
			recall[c] = rc;
		if (f1)
			f1[c] = fc;
		if (rs || cs) {
			sp += pc;
			sr += rc;
			sf += fc;
			used++;
		}
	}
	if (p)
		*p = used ? sp / (double)used : 0.0;
	if (r)
		*r = used ? sr / (double)used : 0.0;
	if (f)
		*f = used ? sf / (double)used : 0.0;
}

double fl_metric_log_loss(const int32_t *y, const double *proba, size_t n,
			  size_t k)
{
	const double eps = DBL_EPSILON;
	double total = 0;

	for (size_t i = 0; i < n; i++) {
		const double *row = proba + i * k;
		double s = 0, pt = 0;
		for (size_t c = 0; c < k; c++) {
			double v = fmin(fmax(row[c], eps), 1 - eps);
			s += v;
			if ((size_t)y[i] == c)
				pt = v;
		}
		total += -log(pt / s);
	}
	return n ? total / (double)n : 0.0;
}

typedef struct scored {
	double s;   /* score */
	int32_t y;  /* label */
} scored;

static int cmp_scored(const void *a, const void *b)
{
	double x = ((const scored *)a)->s, z = ((const scored *)b)->s;

	return (x > z) - (x < z);
}

int fl_metric_roc_auc(const int32_t *y, const double *score, size_t n,
		      double *out, fl_err *err)
{
	scored *v = malloc((n ? n : 1) * sizeof(*v));
	double rank_sum = 0, n_pos = 0, n_neg;

	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		v[i] = (scored){ score[i], y[i] };
		n_pos += y[i] == 1;
	}
	n_neg = (double)n - n_pos;
	if (n_pos == 0 || n_neg == 0) {
		free(v);
		return fl_err_set(err, FL_EINVAL,
				  "ROC AUC is undefined when only one class is present");
	}
	qsort(v, n, sizeof(*v), cmp_scored);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double pos = 0;
		while (j < n && v[j].s == v[i].s)
			pos += v[j++].y == 1;
		rank_sum += pos * ((double)(i + 1) + (double)j) / 2.0; /* average rank */
		i = j;
	}
	free(v);
	*out = (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
	return 0;
}

static double mean(const double *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += x[i];
	return n ? s / (double)n : 0.0;
}

/* 1 - num/den with sklearn's handling of a zero denominator. */
static double one_minus_ratio(double num, double den)
{
	if (den == 0)
		return num == 0 ? 1.0 : 0.0;
	return 1.0 - num / den;
}

double fl_metric_r2(const double *y, const double *pred, size_t n)
{
	double m = mean(y, n), ss_res = 0, ss_tot = 0;

	for (size_t i = 0; i < n; i++) {
		ss_res += (y[i] - pred[i]) * (y[i] - pred[i]);
		ss_tot += (y[i] - m) * (y[i] - m);
	}
	return one_minus_ratio(ss_res, ss_tot);
}

double fl_metric_rmse(const double *y, const double *pred, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (y[i] - pred[i]) * (y[i] - pred[i]);
	return n ? sqrt(s / (double)n) : 0.0;
}

double fl_metric_mae(const double *y, const double *pred, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += fabs(y[i] - pred[i]);
	return n ? s / (double)n : 0.0;
}

double fl_metric_explained_variance(const double *y, const double *pred, size_t n)
{
	double my = mean(y, n), me = 0, vy = 0, ve = 0;

	for (size_t i = 0; i < n; i++)
		me += y[i] - pred[i];
	me = n ? me / (double)n : 0.0;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - pred[i] - me;
		ve += e * e;
		vy += (y[i] - my) * (y[i] - my);
	}
	return one_minus_ratio(ve, vy);
}

typedef struct sil_job {
	const double *X;        /* rows */
	size_t n, d, k;         /* shape, labels */
	const int32_t *labels;  /* cluster of each row */
	const size_t *size;     /* rows per cluster */
	double *s;              /* per-row silhouette (output slots) */
	size_t block;           /* rows per work item */
	double *scratch;        /* k sums per worker */
} sil_job;

static double row_silhouette(const sil_job *j, size_t i, double *sum)
{
	const double *xi = j->X + i * j->d;
	size_t own = (size_t)j->labels[i];
	double a, b = INFINITY;

	if (j->size[own] <= 1)
		return 0.0;
	memset(sum, 0, j->k * sizeof(double));
	for (size_t r = 0; r < j->n; r++) {
		const double *xr = j->X + r * j->d;
		double dd = 0;
		for (size_t c = 0; c < j->d; c++)
			dd += (xi[c] - xr[c]) * (xi[c] - xr[c]);
		sum[j->labels[r]] += sqrt(dd);
	}
	a = sum[own] / (double)(j->size[own] - 1);
	for (size_t c = 0; c < j->k; c++)
		if (c != own && j->size[c])
			b = fmin(b, sum[c] / (double)j->size[c]);
	return fmax(a, b) > 0 ? (b - a) / fmax(a, b) : 0.0;
}

static int sil_item(void *ud, size_t item, int worker, fl_err *err)
{
	sil_job *j = ud;
	size_t end = (item + 1) * j->block < j->n ? (item + 1) * j->block : j->n;

	(void)err;
	for (size_t i = item * j->block; i < end; i++)
		j->s[i] = row_silhouette(j, i, j->scratch + (size_t)worker * j->k);
	return 0;
}

int fl_metric_silhouette(const double *X, size_t n, size_t d,
			 const int32_t *labels, size_t k, int n_threads,
			 double *out, fl_err *err)
{
	sil_job j = { X, n, d, k, labels, NULL, NULL, 64, NULL };
	size_t *size = calloc(k ? k : 1, sizeof(size_t)), used = 0;
	int rc = 0, nt = fl_threads_resolve(n_threads);

	if (!size)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (labels[i] < 0 || (size_t)labels[i] >= k) {
			free(size);
			return fl_err_set(err, FL_EINVAL, "row %zu: cluster label out of range", i + 1);
		}
		used += size[labels[i]]++ == 0;
	}
	if (used < 2 || used > n - 1) {
		free(size);
		return fl_err_set(err, FL_EINVAL,
				  "silhouette needs 2 to n-1 clusters; got %zu clusters for %zu rows",
				  used, n);
	}
	j.size = size;
	j.s = malloc(n * sizeof(double));
	j.scratch = malloc((size_t)nt * k * sizeof(double));
	if (!j.s || !j.scratch)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = fl_parallel_for((n + j.block - 1) / j.block, nt, sil_item, &j, err);
	if (rc == 0)
		*out = mean(j.s, n);
	free(j.s);
	free(j.scratch);
	free(size);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sum of C(count, 2) over the runs of equal values in a sorted array. */
static double sum_pairs_sorted(const int64_t *v, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j] == v[i])
			j++;
		s += (double)(j - i) * (double)(j - i - 1) / 2.0;
		i = j;
	}
	return s;
}

int fl_metric_adjusted_rand(const int32_t *a, const int32_t *b, size_t n,
			    double *out, fl_err *err)
{
	int64_t *v = malloc((n ? n : 1) * sizeof(int64_t));
	double sij, sa, sb, total, expected, maxi;

	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)a[i] * 4294967296LL + (int64_t)(uint32_t)b[i];
	qsort(v, n, sizeof(*v), cmp_i64);
	sij = sum_pairs_sorted(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = a[i];
	qsort(v, n, sizeof(*v), cmp_i64);
	sa = sum_pairs_sorted(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = b[i];
	qsort(v, n, sizeof(*v), cmp_i64);
	sb = sum_pairs_sorted(v, n);
	free(v);
	total = (double)n * ((double)n - 1) / 2.0;
	expected = total > 0 ? sa * sb / total : 0;
	maxi = (sa + sb) / 2.0;
	/* identical trivial partitions (all one cluster, all singletons) */
	*out = maxi - expected == 0 ? 1.0 : (sij - expected) / (maxi - expected);
	return 0;
}
