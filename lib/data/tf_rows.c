/* tf_rows.c - the stateless transforms: select and drop columns, drop rows
 * with missing values, filter rows by an expression. */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/tfutil.h"

int fl_tf_select(fl_table **out, const fl_table *t, const char *const *names,
		 size_t n, fl_err *err)
{
	fl_table *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_table_new(&r, err)) < 0 || (rc = fl_table_add_rows(r, t->n_rows, err)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		int c = fl_table_find(t, names[i]);
		if (c < 0) {
			rc = fl_tf_no_column(t, names[i], "select", err);
			goto fail;
		}
		if ((rc = fl_table_add_copy(r, t, (size_t)c, NULL, err)) < 0)
			goto fail;
	}
	*out = r;
	return 0;
fail:
	fl_table_free(r);
	return rc;
}

int fl_tf_drop(fl_table **out, const fl_table *t, const char *const *names,
	       size_t n, fl_err *err)
{
	const char **keep = malloc((t->n_cols + 1) * sizeof(*keep));
	size_t k = 0;
	int rc;

	*out = NULL;
	if (!keep)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (fl_table_find(t, names[i]) < 0) {
			free(keep);
			return fl_tf_no_column(t, names[i], "drop", err);
		}
	for (size_t c = 0; c < t->n_cols; c++) {
		size_t i = 0;
		while (i < n && strcmp(names[i], t->cols[c].name))
			i++;
		if (i == n)
			keep[k++] = t->cols[c].name;
	}
	rc = fl_tf_select(out, t, keep, k, err);
	free(keep);
	return rc;
}

int fl_tf_dropna(fl_table **out, const fl_table *t, const fl_cols *cols,
		 fl_err *err)
{
	unsigned char *keep = NULL;
	size_t *idx = NULL, n = 0;
	int rc;

	*out = NULL;
	if ((rc = fl_tf_resolve(t, cols, -1, "dropna", &idx, &n, err)) < 0)
		return rc;
	if (!(keep = malloc(t->n_rows + 1))) {
		free(idx);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		keep[i] = 1;
		for (size_t j = 0; j < n && keep[i]; j++)
			keep[i] = !fl_table_is_missing(t, idx[j], i);
	}
	rc = fl_tf_keep_rows(out, t, keep, err);
	free(keep);
	free(idx);
	return rc;
}

/* ---- filter expressions ---- */

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_MISSING, OP_PRESENT };

typedef struct cond {
	int col;        /* column index */
	int op;         /* OP_* */
	double num;     /* numeric operand */
	int32_t code;   /* categorical operand: level index, or -2 if absent */
} cond;

typedef struct lexer {
	const char *expr; /* the whole expression, for messages */
	const char *p;    /* current position */
	fl_err *err;
} lexer;

static int lex_fail(lexer *lx, const char *what)
{
	return fl_err_set(lx->err, FL_EINVAL, "filter '%s': at character %zu: %s", lx->expr,
			  (size_t)(lx->p - lx->expr) + 1, what);
}

static void skip_ws(lexer *lx)
{
	while (isspace((unsigned char)*lx->p))
		lx->p++;
}

/* A bare word, a `backticked` name or a quoted string into buf. */
static int lex_word(lexer *lx, char *buf, size_t cap, int *quoted)
{
	size_t n = 0;

	skip_ws(lx);
	*quoted = 0;
	if (*lx->p == '`' || *lx->p == '\'' || *lx->p == '"') {
		char q = *lx->p++;
		const char *end = strchr(lx->p, q);
		if (!end)
			return lex_fail(lx, "unterminated quote");
		n = (size_t)(end - lx->p);
		if (n >= cap)
			return lex_fail(lx, "name too long");
		memcpy(buf, lx->p, n);
		lx->p = end + 1;
		*quoted = 1;
	} else {
		while (isalnum((unsigned char)lx->p[n]) || (lx->p[n] && strchr("_.+-", lx->p[n])))
			n++;
		if (!n || n >= cap)
			return lex_fail(lx, "expected a column name or a value");
		memcpy(buf, lx->p, n);
		lx->p += n;
	}
	buf[n] = '\0';
	return 0;
}

static int lex_op(lexer *lx, int *op)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">" };
	static const int codes[] = { OP_EQ, OP_NE, OP_LE, OP_GE, OP_LT, OP_GT };

	skip_ws(lx);
	for (int i = 0; i < 6; i++)
		if (!strncmp(lx->p, ops[i], strlen(ops[i]))) {
			*op = codes[i];
			lx->p += strlen(ops[i]);
			return 0;
		}
	if (!strncmp(lx->p, "is", 2) && !isalnum((unsigned char)lx->p[2])) {
		lx->p += 2;
		skip_ws(lx);
		int neg = !strncmp(lx->p, "not", 3) && isspace((unsigned char)lx->p[3]);
		if (neg) {
			lx->p += 3;
			skip_ws(lx);
		}
		if (strncmp(lx->p, "missing", 7) || isalnum((unsigned char)lx->p[7]))
			return lex_fail(lx, "expected 'missing' after 'is' / 'is not'");
		lx->p += 7;
		*op = neg ? OP_PRESENT : OP_MISSING;
		return 0;
	}
	return lex_fail(lx, "expected an operator (== != < <= > >= or 'is missing')");
}

static int parse_cond(lexer *lx, const fl_table *t, cond *c)
{
	char name[1024], val[1024];
	int q, rc;

	if ((rc = lex_word(lx, name, sizeof(name), &q)) < 0)
		return rc;
	if ((c->col = fl_table_find(t, name)) < 0)
		return fl_tf_no_column(t, name, "filter", lx->err);
	if ((rc = lex_op(lx, &c->op)) < 0)
		return rc;
	if (c->op == OP_MISSING || c->op == OP_PRESENT)
		return 0;
	if ((rc = lex_word(lx, val, sizeof(val), &q)) < 0)
		return rc;
	const fl_column *col = &t->cols[c->col];
	if (col->type == FL_COL_NUMERIC) {
		if (!fl_csv_parse_number(val, strlen(val), &c->num) || isnan(c->num))
			return lex_fail(lx, "a numeric column is compared with a number");
		return 0;
	}
	if (c->op != OP_EQ && c->op != OP_NE)
		return lex_fail(lx, "a categorical column takes only == and !=");
	c->code = -2;
	for (size_t l = 0; l < col->n_levels; l++)
		if (!strcmp(col->levels[l], val))
			c->code = (int32_t)l;
	return 0;
}

static int holds(const fl_table *t, const cond *c, size_t i)
{
	const fl_column *col = &t->cols[c->col];
	int miss = fl_table_is_missing(t, (size_t)c->col, i);

	if (c->op == OP_MISSING || c->op == OP_PRESENT)
		return miss == (c->op == OP_MISSING);
	if (miss)
		return 0;
	if (col->type == FL_COL_CATEGORICAL)
		return (col->codes[i] == c->code) == (c->op == OP_EQ);
	double v = col->num[i];
	switch (c->op) {
	case OP_EQ: return v == c->num;
	case OP_NE: return v != c->num;
	case OP_LT: return v < c->num;
	case OP_LE: return v <= c->num;
	case OP_GT: return v > c->num;
	default: return v >= c->num;
	}
}

static int parse_expr(const char *expr, const fl_table *t, cond **out, size_t *n, fl_err *err)
{
	lexer lx = { expr, expr, err };
	size_t cap = 4;
	cond *v = malloc(cap * sizeof(*v));
	int rc;

	*n = 0;
	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (;;) {
		if (*n == cap) {
			cond *nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv) {
				free(v);
				return fl_err_set(err, FL_ENOMEM, "out of memory");
			}
			v = nv;
		}
		if ((rc = parse_cond(&lx, t, &v[(*n)++])) < 0) {
			free(v);
			return rc;
		}
		skip_ws(&lx);
		if (!*lx.p)
			break;
		if (strncmp(lx.p, "and", 3) || !isspace((unsigned char)lx.p[3])) {
			free(v);
			return lex_fail(&lx, "expected 'and' or the end");
		}
		lx.p += 3;
	}
	*out = v;
	return 0;
}

int fl_tf_filter(fl_table **out, const fl_table *t, const char *expr,
		 fl_err *err)
{
	cond *cs = NULL;
	size_t n = 0;
	unsigned char *keep;
	int rc;

	*out = NULL;
	if ((rc = parse_expr(expr, t, &cs, &n, err)) < 0)
		return rc;
	if (!(keep = malloc(t->n_rows + 1))) {
		free(cs);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		keep[i] = 1;
		for (size_t j = 0; j < n && keep[i]; j++)
			keep[i] = (unsigned char)holds(t, &cs[j], i);
	}
	rc = fl_tf_keep_rows(out, t, keep, err);
	free(keep);
	free(cs);
	return rc;
}
