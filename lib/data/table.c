/* table.c - the table type: columns, interned levels, rows, statistics. */
#define _GNU_SOURCE
#include "data/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing hash from level text to level index. */
struct fl_intern {
	int32_t *slots; /* level index + 1; 0 = empty */
	size_t cap;     /* power of two */
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static int intern_grow(fl_column *c)
{
	size_t cap = c->intern->cap ? c->intern->cap * 2 : 64;
	int32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < c->n_levels; i++) {
		size_t h = hash_bytes(c->levels[i], strlen(c->levels[i])) & (cap - 1);
		while (slots[h])
			h = (h + 1) & (cap - 1);
		slots[h] = (int32_t)i + 1;
	}
	free(c->intern->slots);
	c->intern->slots = slots;
	c->intern->cap = cap;
	return 0;
}

static int add_level(fl_column *c, const char *s, size_t len)
{
	if (c->n_levels == c->cap_levels) {
		size_t cap = c->cap_levels ? c->cap_levels * 2 : 16;
		char **lv = realloc(c->levels, cap * sizeof(*lv));
		if (!lv)
			return -1;
		c->levels = lv;
		c->cap_levels = cap;
	}
	if (!(c->levels[c->n_levels] = strndup(s, len)))
		return -1;
	c->n_levels++;
	return 0;
}

int32_t fl_table_intern(fl_table *t, size_t col, const char *s, size_t len,
			fl_err *err)
{
	fl_column *c = &t->cols[col];
	size_t h;

	if (!c->intern && !(c->intern = calloc(1, sizeof(*c->intern))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((c->n_levels + 1) * 2 > c->intern->cap && intern_grow(c) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	h = hash_bytes(s, len) & (c->intern->cap - 1);
	for (;;) {
		int32_t v = c->intern->slots[h];
		if (!v)
			break;
		const char *lv = c->levels[v - 1];
		if (strncmp(lv, s, len) == 0 && lv[len] == '\0')
			return v - 1;
		h = (h + 1) & (c->intern->cap - 1);
	}
	if (c->n_levels >= INT32_MAX - 1)
		return fl_err_set(err, FL_EINVAL, "column '%s' has too many distinct values",
				  c->name);
	if (add_level(c, s, len) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	c->intern->slots[h] = (int32_t)c->n_levels;
	return (int32_t)c->n_levels - 1;
}

int fl_table_new(fl_table **out, fl_err *err)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

static void column_free(fl_column *c)
{
	free(c->name);
	free(c->num);
	free(c->codes);
	for (size_t i = 0; i < c->n_levels; i++)
		free(c->levels[i]);
	free(c->levels);
	if (c->intern)
		free(c->intern->slots);
	free(c->intern);
}

void fl_table_free(fl_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_cols; i++)
		column_free(&t->cols[i]);
	free(t->cols);
	free(t);
}

int fl_table_find(const fl_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (!strcmp(t->cols[i].name, name))
			return (int)i;
	return -1;
}

static void fill_missing(fl_column *c, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (c->type == FL_COL_NUMERIC)
			c->num[i] = NAN;
		else
			c->codes[i] = FL_MISSING_CODE;
	}
}

static int column_alloc(fl_column *c, size_t cap)
{
	if (c->type == FL_COL_NUMERIC) {
		double *p = realloc(c->num, (cap ? cap : 1) * sizeof(*p));
		if (!p)
			return -1;
		c->num = p;
	} else {
		int32_t *p = realloc(c->codes, (cap ? cap : 1) * sizeof(*p));
		if (!p)
			return -1;
		c->codes = p;
	}
	return 0;
}

int fl_table_add_column(fl_table *t, const char *name, fl_col_type type,
			fl_err *err)
{
	fl_column *c;

	if (fl_table_find(t, name) >= 0)
		return fl_err_set(err, FL_EINVAL, "duplicate column name '%s'", name);
	if (t->n_cols == t->cap_cols) {
		size_t cap = t->cap_cols ? t->cap_cols * 2 : 8;
		fl_column *cols = realloc(t->cols, cap * sizeof(*cols));
		if (!cols)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		t->cols = cols;
		t->cap_cols = cap;
	}
	c = &t->cols[t->n_cols];
	memset(c, 0, sizeof(*c));
	c->type = type;
	if (!(c->name = strdup(name)) || column_alloc(c, t->cap_rows) < 0) {
		column_free(c);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	fill_missing(c, 0, t->n_rows);
	return (int)t->n_cols++;
}

int fl_table_reserve(fl_table *t, size_t n_rows, fl_err *err)
{
	if (n_rows <= t->cap_rows)
		return 0;
	for (size_t i = 0; i < t->n_cols; i++)
		if (column_alloc(&t->cols[i], n_rows) < 0)
			return fl_err_set(err, FL_ENOMEM, "out of memory (%zu rows)", n_rows);
	t->cap_rows = n_rows;
	return 0;
}

int fl_table_add_rows(fl_table *t, size_t n, fl_err *err)
{
	size_t need = t->n_rows + n;
	int rc;

	if (need > t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows : 64;
		while (cap < need)
			cap *= 2;
		if ((rc = fl_table_reserve(t, cap, err)) < 0)
			return rc;
	}
	for (size_t i = 0; i < t->n_cols; i++)
		fill_missing(&t->cols[i], t->n_rows, need);
	t->n_rows = need;
	return 0;
}

void fl_table_truncate(fl_table *t)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		fl_column *col = &t->cols[c];
		for (size_t l = 0; l < col->n_levels; l++)
			free(col->levels[l]);
		col->n_levels = 0;
		if (col->intern)
			memset(col->intern->slots, 0, col->intern->cap * sizeof(int32_t));
	}
	t->n_rows = 0;
}

int fl_table_is_missing(const fl_table *t, size_t col, size_t row)
{
	const fl_column *c = &t->cols[col];

	return c->type == FL_COL_NUMERIC ? isnan(c->num[row])
					 : c->codes[row] == FL_MISSING_CODE;
}

int fl_table_clone_schema(fl_table **out, const fl_table *t, fl_err *err)
{
	fl_table *n = NULL;
	int rc;

	if ((rc = fl_table_new(&n, err)) < 0)
		return rc;
	for (size_t c = 0; c < t->n_cols; c++) {
		const fl_column *src = &t->cols[c];
		if ((rc = fl_table_add_column(n, src->name, src->type, err)) < 0)
			goto fail;
		for (size_t l = 0; l < src->n_levels; l++)
			if ((rc = fl_table_intern(n, c, src->levels[l],
						  strlen(src->levels[l]), err)) < 0)
				goto fail;
	}
	*out = n;
	return 0;
fail:
	fl_table_free(n);
	return rc;
}

int fl_table_take(fl_table **out, const fl_table *t, const uint32_t *rows,
		  size_t n, fl_err *err)
{
	fl_table *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_table_clone_schema(&r, t, err)) < 0 ||
	    (rc = fl_table_add_rows(r, n, err)) < 0)
		goto fail;
	for (size_t c = 0; c < t->n_cols; c++) {
		const fl_column *s = &t->cols[c];
		fl_column *d = &r->cols[c];
		for (size_t i = 0; i < n; i++) {
			if (s->type == FL_COL_NUMERIC)
				d->num[i] = s->num[rows[i]];
			else
				d->codes[i] = s->codes[rows[i]];
		}
	}
	*out = r;
	return 0;
fail:
	fl_table_free(r);
	return rc;
}

int fl_table_copy(fl_table **out, const fl_table *t, fl_err *err)
{
	fl_table *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_table_new(&r, err)) < 0 || (rc = fl_table_add_rows(r, t->n_rows, err)) < 0)
		goto fail;
	for (size_t c = 0; c < t->n_cols; c++)
		if ((rc = fl_table_add_copy(r, t, c, NULL, err)) < 0)
			goto fail;
	*out = r;
	return 0;
fail:
	fl_table_free(r);
	return rc;
}

int fl_table_add_copy(fl_table *dst, const fl_table *src, size_t col,
		      const char *name, fl_err *err)
{
	const fl_column *s = &src->cols[col];
	int c;

	if (dst->n_rows != src->n_rows)
		return fl_err_set(err, FL_EINVAL, "copying column '%s': %zu rows, expected %zu",
				  s->name, src->n_rows, dst->n_rows);
	if ((c = fl_table_add_column(dst, name ? name : s->name, s->type, err)) < 0)
		return c;
	if (s->type == FL_COL_NUMERIC) {
		memcpy(dst->cols[c].num, s->num, src->n_rows * sizeof(double));
		return c;
	}
	for (size_t l = 0; l < s->n_levels; l++) {
		int32_t v = fl_table_intern(dst, (size_t)c, s->levels[l], strlen(s->levels[l]), err);
		if (v < 0)
			return v;
	}
	memcpy(dst->cols[c].codes, s->codes, src->n_rows * sizeof(int32_t));
	return c;
}

static int append_column(fl_table *dst, size_t c, const fl_table *src, size_t at,
			 fl_err *err)
{
	const fl_column *s = &src->cols[c];
	fl_column *d = &dst->cols[c];
	int32_t *map = NULL;

	if (s->type == FL_COL_NUMERIC) {
		memcpy(d->num + at, s->num, src->n_rows * sizeof(double));
		return 0;
	}
	if (s->n_levels && !(map = malloc(s->n_levels * sizeof(*map))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t l = 0; l < s->n_levels; l++) {
		int32_t v = fl_table_intern(dst, c, s->levels[l], strlen(s->levels[l]), err);
		if (v < 0) {
			free(map);
			return v;
		}
		map[l] = v;
	}
	for (size_t i = 0; i < src->n_rows; i++)
		d->codes[at + i] = s->codes[i] < 0 ? FL_MISSING_CODE : map[s->codes[i]];
	free(map);
	return 0;
}

int fl_table_append(fl_table *dst, const fl_table *src, fl_err *err)
{
	size_t at = dst->n_rows;
	int rc;

	if (dst->n_cols != src->n_cols)
		return fl_err_set(err, FL_EINVAL, "appending rows: %zu columns, expected %zu",
				  src->n_cols, dst->n_cols);
	for (size_t c = 0; c < src->n_cols; c++)
		if (strcmp(dst->cols[c].name, src->cols[c].name) ||
		    dst->cols[c].type != src->cols[c].type)
			return fl_err_set(err, FL_EINVAL,
					  "appending rows: column %zu is '%s', expected '%s' of the same type",
					  c + 1, src->cols[c].name, dst->cols[c].name);
	if ((rc = fl_table_add_rows(dst, src->n_rows, err)) < 0)
		return rc;
	for (size_t c = 0; c < src->n_cols; c++)
		if ((rc = append_column(dst, c, src, at, err)) < 0)
			return rc;
	return 0;
}

void fl_col_stats_compute(const fl_table *t, size_t col, fl_col_stats *out)
{
	const fl_column *c = &t->cols[col];
	double sum = 0, m2 = 0, lo = INFINITY, hi = -INFINITY;
	uint64_t n = 0;

	memset(out, 0, sizeof(*out));
	out->mean = out->min = out->max = NAN;
	if (c->type == FL_COL_CATEGORICAL) {
		for (size_t i = 0; i < t->n_rows; i++)
			out->n_missing += c->codes[i] < 0;
		out->n = t->n_rows - out->n_missing;
		out->n_levels = c->n_levels;
		return;
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		double v = c->num[i];
		if (isnan(v))
			continue;
		n++;
		sum += v;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	out->n = n;
	out->n_missing = t->n_rows - n;
	if (!n)
		return;
	out->mean = sum / (double)n;
	for (size_t i = 0; i < t->n_rows; i++) {
		double v = c->num[i];
		if (!isnan(v))
			m2 += (v - out->mean) * (v - out->mean);
	}
	out->m2 = m2;
	out->min = lo;
	out->max = hi;
}

void fl_col_stats_merge(fl_col_stats *a, const fl_col_stats *b)
{
	uint64_t n = a->n + b->n;

	a->n_missing += b->n_missing;
	if (b->n_levels > a->n_levels)
		a->n_levels = b->n_levels;
	if (!b->n || isnan(b->mean)) {
		a->n = n;
		return;
	}
	if (!a->n || isnan(a->mean)) {
		uint64_t miss = a->n_missing;
		size_t lv = a->n_levels;
		*a = *b;
		a->n_missing = miss;
		a->n_levels = lv;
		return;
	}
	double delta = b->mean - a->mean;
	a->mean += delta * (double)b->n / (double)n;
	a->m2 += b->m2 + delta * delta * (double)a->n * (double)b->n / (double)n;
	a->min = b->min < a->min ? b->min : a->min;
	a->max = b->max > a->max ? b->max : a->max;
	a->n = n;
}

double fl_col_stats_std(const fl_col_stats *s)
{
	return s->n < 2 ? NAN : sqrt(s->m2 / (double)(s->n - 1));
}

void fl_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Check the feature columns and collect their indices and names. */
static int feature_columns(const fl_table *t, const char *exclude, size_t **idx_out,
			   char ***names_out, size_t *d_out, fl_err *err)
{
	size_t *idx = malloc((t->n_cols + 1) * sizeof(*idx));
	char **names = calloc(t->n_cols + 1, sizeof(*names));
	size_t d = 0;

	if (!idx || !names)
		goto nomem;
	for (size_t c = 0; c < t->n_cols; c++) {
		const fl_column *col = &t->cols[c];
		fl_col_stats st;
		if (exclude && !strcmp(col->name, exclude))
			continue;
		if (col->type != FL_COL_NUMERIC) {
			fl_err_set(err, FL_EINVAL,
				   "column '%s' is categorical: encode it (one_hot or ordinal) before using it as a feature",
				   col->name);
			goto fail;
		}
		fl_col_stats_compute(t, c, &st);
		if (st.n_missing) {
			fl_err_set(err, FL_EINVAL,
				   "column '%s' has %llu missing values: drop or impute them first",
				   col->name, (unsigned long long)st.n_missing);
			goto fail;
		}
		if (!(names[d] = strdup(col->name)))
			goto nomem;
		idx[d++] = c;
	}
	*idx_out = idx;
	*names_out = names;
	*d_out = d;
	return 0;
nomem:
	fl_err_set(err, FL_ENOMEM, "out of memory");
fail:
	free(idx);
	fl_names_free(names, t->n_cols);
	return err ? err->code : FL_EFAIL;
}

int fl_table_matrix(const fl_table *t, const char *exclude, double **out,
		    char ***names_out, size_t *d_out, fl_err *err)
{
	size_t *idx = NULL, d = 0;
	double *x;
	int rc;

	*out = NULL;
	if ((rc = feature_columns(t, exclude, &idx, names_out, &d, err)) < 0)
		return rc;
	if (!(x = malloc(((t->n_rows * d) > 0 ? t->n_rows * d : 1) * sizeof(*x)))) {
		free(idx);
		fl_names_free(*names_out, t->n_cols);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < d; j++) {
		const double *col = t->cols[idx[j]].num;
		for (size_t i = 0; i < t->n_rows; i++)
			x[i * d + j] = col[i];
	}
	free(idx);
	*out = x;
	*d_out = d;
	return 0;
}

int fl_table_matrix_f32(const fl_table *t, const char *exclude, float **out,
			char ***names_out, size_t *d_out, fl_err *err)
{
	size_t *idx = NULL, d = 0;
	float *x;
	int rc;

	*out = NULL;
	if ((rc = feature_columns(t, exclude, &idx, names_out, &d, err)) < 0)
		return rc;
	if (!(x = malloc(((t->n_rows * d) > 0 ? t->n_rows * d : 1) * sizeof(*x)))) {
		free(idx);
		fl_names_free(*names_out, t->n_cols);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < d; j++) {
		const double *col = t->cols[idx[j]].num;
		for (size_t i = 0; i < t->n_rows; i++)
			x[i * d + j] = (float)col[i];
	}
	free(idx);
	*out = x;
	*d_out = d;
	return 0;
}
