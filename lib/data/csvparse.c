/* csvparse.c - the CSV record parser: fields, quoting, a fast number
 * parser (Clinger's exact fast path, strtod for the rest), type inference. */
#define _GNU_SOURCE
#include "data/csvparse.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/csv.h"

static const double P10[23] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

/* The rare slow case: strtod on text already known to be a decimal. */
static double slow_strtod(const char *s, size_t n)
{
	char small[128], *buf = n < sizeof(small) ? small : malloc(n + 1);
	double v;

	if (!buf)
		return NAN;
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return v;
}

/* Parse a decimal number at p: [+-]digits[.digits][(e|E)[+-]digits].
 * Returns the end of the number, or NULL when there is no digit. The value
 * is correctly rounded: exact m * 10^e with one rounding when m < 2^53 and
 * |e| <= 22, strtod otherwise. */
static inline const char *fast_num(const char *p, double *out)
{
	const char *s = p;
	uint64_t m = 0;
	int neg = 0, nd = 0, many = 0, any = 0;
	long e10 = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; is_digit(*p); p++, any = 1) {
		if (nd < 19) {
			m = m * 10 + (unsigned)(*p - '0');
			nd += m != 0;
		} else {
			many = 1;
			e10++;
		}
	}
	if (*p == '.')
		for (p++; is_digit(*p); p++, any = 1) {
			if (nd < 19) {
				m = m * 10 + (unsigned)(*p - '0');
				nd += m != 0;
				e10--;
			} else {
				many = 1;
			}
		}
	if (!any)
		return NULL;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		int eneg = 0;
		long ev = 0;
		if (*q == '-' || *q == '+')
			eneg = *q++ == '-';
		if (is_digit(*q)) {
			for (; is_digit(*q); q++)
				if (ev < 100000)
					ev = ev * 10 + (*q - '0');
			e10 += eneg ? -ev : ev;
			p = q;
		}
	}
	if (m == 0) {
		*out = neg ? -0.0 : 0.0;
	} else if (!many && m <= (1ULL << 53) && e10 >= -22 && e10 <= 22) {
		double v = (double)m;
		v = e10 < 0 ? v / P10[-e10] : v * P10[e10];
		*out = neg ? -v : v;
	} else {
		*out = slow_strtod(s, (size_t)(p - s));
	}
	return p;
}

static int nonfinite_token(const char *s, size_t n, double *out)
{
	int neg = 0;

	if (n && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
		n--;
	}
	if (n == 3 && !strncasecmp(s, "nan", 3)) {
		*out = NAN;
		return 1;
	}
	if ((n == 3 && !strncasecmp(s, "inf", 3)) || (n == 8 && !strncasecmp(s, "infinity", 8))) {
		*out = neg ? -INFINITY : INFINITY;
		return 1;
	}
	return 0;
}

int fl_csv_parse_number(const char *s, size_t len, double *out)
{
	char small[128], *buf;
	const char *end;
	int ok;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len)
		return 0;
	/* fast_num reads up to a non-number byte: give it a terminated copy. */
	buf = len < sizeof(small) ? small : malloc(len + 1);
	if (!buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	end = fast_num(buf, out);
	ok = end && end == buf + len;
	if (!ok)
		ok = nonfinite_token(buf, len, out);
	if (buf != small)
		free(buf);
	return ok;
}

static int is_na(const fl_csv_cfg *cfg, const char *s, size_t n)
{
	for (size_t i = 0; i < cfg->n_na; i++)
		if (cfg->na_len[i] == n && !memcmp(cfg->na[i], s, n))
			return 1;
	return 0;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	char *p = realloc(*buf, c);
	if (!p)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}

enum { F_OK = 0, F_UNTERMINATED = 1, F_AFTER_QUOTE = 2, F_NOMEM = 3 };

/* The field at *pp: its text in (*fs, *fn) (in the buffer, or unquoted into
 * the scratch buffer), *pp left at the terminator (delimiter or '\n').
 * Embedded newlines are added to *nl. */
static int field_text(const fl_csv_cfg *cfg, const char **pp, const char *end,
		      const char **fs, size_t *fn, char **scratch, size_t *cap,
		      uint64_t *nl)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p != '"') {
		const char *s = p;
		while (*p != cfg->delim && *p != '\n')
			p++;
		*fs = s;
		*fn = (size_t)(p - s) - (p > s && *p == '\n' && p[-1] == '\r');
		*pp = p;
		return F_OK;
	}
	for (p++;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return F_UNTERMINATED;
		if (grow(scratch, cap, n + (size_t)(q - p) + 2) < 0)
			return F_NOMEM;
		memcpy(*scratch + n, p, (size_t)(q - p));
		for (const char *c = p; (c = memchr(c, '\n', (size_t)(q - c))); c++)
			(*nl)++;
		n += (size_t)(q - p);
		if (q[1] != '"') {
			p = q + 1;
			break;
		}
		(*scratch)[n++] = '"';
		p = q + 2;
	}
	if (*p == '\r' && p[1] == '\n')
		p++;
	if (*p != cfg->delim && *p != '\n') {
		*pp = p;
		return F_AFTER_QUOTE;
	}
	*fs = *scratch;
	*fn = n;
	*pp = p;
	return F_OK;
}

static void perr_set(fl_csv_perr *e, int code, uint64_t line, size_t col,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void perr_set(fl_csv_perr *e, int code, uint64_t line, size_t col,
		     const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static void field_error(fl_csv_perr *e, int kind, uint64_t line, size_t col,
			const char *p, const char *colname)
{
	if (kind == F_NOMEM)
		perr_set(e, FL_ENOMEM, line, col, "out of memory");
	else if (kind == F_UNTERMINATED)
		perr_set(e, FL_EINVAL, line, col,
			 "unterminated quoted field in column '%s' (the file ends inside quotes)",
			 colname);
	else
		perr_set(e, FL_EINVAL, line, col,
			 "unexpected character '%c' after a closing quote in column '%s'",
			 *p, colname);
}

int fl_csv_parse_header(const fl_csv_cfg *cfg, const char *buf, size_t len,
			size_t *pos, int header, char ***names, size_t *nf,
			uint64_t *line, const char *path, fl_err *err)
{
	const char *p = buf, *end = buf + len;
	char *scratch = NULL, **v = NULL;
	size_t cap = 0, n = 0, vcap = 0;
	uint64_t nl = 0;
	int rc = 0;

	*names = NULL;
	*nf = 0;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < end && (*p == '\n' || (*p == '\r' && p[1] == '\n'))) {
		p += *p == '\r' ? 2 : 1;
		(*line)++;
	}
	if (p >= end)
		return fl_err_set(err, FL_EINVAL, "%s: empty file (no header and no rows)", path);
	const char *ls = p;
	for (;;) {
		const char *fs, *fp = p;
		size_t fn;
		int k = field_text(cfg, &p, end, &fs, &fn, &scratch, &cap, &nl);
		if (k != F_OK) {
			fl_csv_perr e;
			field_error(&e, k, 0, (size_t)(fp - ls) + 1, p, "header");
			rc = fl_err_set(err, e.code, "%s:%llu:%zu: %s", path,
					(unsigned long long)*line, e.col, e.msg);
			goto cleanup;
		}
		if (n + 1 >= vcap) {
			vcap = vcap ? vcap * 2 : 16;
			char **nv = realloc(v, vcap * sizeof(*nv));
			if (!nv) {
				rc = fl_err_set(err, FL_ENOMEM, "out of memory");
				goto cleanup;
			}
			v = nv;
		}
		v[n] = (header && fn) ? strndup(fs, fn) : NULL;
		if (!v[n] && asprintf(&v[n], "V%zu", n + 1) < 0) {
			v[n] = NULL;
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			goto cleanup;
		}
		n++;
		if (*p++ == '\n')
			break;
	}
	if (header) {
		*pos = (size_t)(p - buf);
		*line += 1 + nl;
	}
	*names = v;
	*nf = n;
	v = NULL;
cleanup:
	fl_names_free(v, n);
	free(scratch);
	return rc;
}

void fl_csv_infer(const fl_csv_cfg *cfg, const char *buf, size_t len, size_t nf,
		  fl_col_type *types)
{
	const char *p = buf, *end = buf + len;
	char *scratch = NULL;
	size_t cap = 0;
	uint64_t nl = 0;

	while (p < end) {
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;
			continue;
		}
		for (size_t f = 0;; f++) {
			const char *fs;
			size_t fn;
			double v;
			if (field_text(cfg, &p, end, &fs, &fn, &scratch, &cap, &nl) != F_OK)
				goto done; /* the row parser reports it */
			if (f < nf && types[f] == FL_COL_NUMERIC && !is_na(cfg, fs, fn) &&
			    !fl_csv_parse_number(fs, fn, &v))
				types[f] = FL_COL_CATEGORICAL;
			if (*p++ == '\n')
				break;
		}
	}
done:
	free(scratch);
}

/* Count the fields left in a record from p (at a delimiter). */
static size_t count_rest(const fl_csv_cfg *cfg, const char *p, const char *end,
			 char **scratch, size_t *cap)
{
	size_t n = 0;
	uint64_t nl = 0;

	while (*p == cfg->delim) {
		const char *fs;
		size_t fn;
		p++;
		n++;
		if (field_text(cfg, &p, end, &fs, &fn, scratch, cap, &nl) != F_OK)
			break;
	}
	return n;
}

static const char *show(const char *s, size_t n, size_t *shown)
{
	*shown = n > 80 ? 80 : n;
	return s;
}

/* A numeric field the fast path could not take: quoted, a missing token,
 * spaces, NaN/Inf, or not a number at all. */
static int numeric_slow(const fl_csv_cfg *cfg, const char **pp, const char *end,
			fl_column *c, size_t row, char **scratch, size_t *cap,
			uint64_t *nl, uint64_t line, size_t col, fl_csv_perr *e)
{
	const char *fs;
	size_t fn, sh;
	double v;
	int k = field_text(cfg, pp, end, &fs, &fn, scratch, cap, nl);

	if (k != F_OK) {
		field_error(e, k, line, col, *pp, c->name);
		return -1;
	}
	if (is_na(cfg, fs, fn)) {
		c->num[row] = NAN;
		return 0;
	}
	if (!fl_csv_parse_number(fs, fn, &v)) {
		fs = show(fs, fn, &sh);
		perr_set(e, FL_EINVAL, line, col,
			 "column '%s' is numeric but has the value '%.*s' (give the column the type categorical to read it as text)",
			 c->name, (int)sh, fs);
		return -1;
	}
	if (!isfinite(v) && !cfg->allow_nonfinite) {
		fs = show(fs, fn, &sh);
		perr_set(e, FL_EINVAL, line, col,
			 "column '%s' has the value '%.*s': NaN and Inf are not allowed (allow_nonfinite reads NaN as missing and keeps Inf)",
			 c->name, (int)sh, fs);
		return -1;
	}
	c->num[row] = v;
	return 0;
}

static int categorical_field(fl_table *t, size_t f, const fl_csv_cfg *cfg,
			     const char **pp, const char *end, size_t row,
			     char **scratch, size_t *cap, uint64_t *nl, uint64_t line,
			     size_t col, fl_csv_perr *e)
{
	const char *fs;
	size_t fn;
	int k = field_text(cfg, pp, end, &fs, &fn, scratch, cap, nl);
	int32_t code;

	if (k != F_OK) {
		field_error(e, k, line, col, *pp, t->cols[f].name);
		return -1;
	}
	if (is_na(cfg, fs, fn)) {
		t->cols[f].codes[row] = FL_MISSING_CODE;
		return 0;
	}
	if ((code = fl_table_intern(t, f, fs, fn, NULL)) < 0) {
		perr_set(e, FL_ENOMEM, line, col, "out of memory");
		return -1;
	}
	t->cols[f].codes[row] = code;
	return 0;
}

/* Parse one record starting at *pp into row `row`. */
static int parse_record(const fl_csv_cfg *cfg, const char **pp, const char *end,
			fl_table *t, size_t row, char **scratch, size_t *cap,
			uint64_t line, uint64_t *nl, fl_csv_perr *e)
{
	const char *p = *pp, *ls = p;
	const char delim = cfg->delim;
	size_t nf = t->n_cols;

	for (size_t f = 0; f < nf; f++) {
		fl_column *c = &t->cols[f];
		size_t col = (size_t)(p - ls) + 1;
		uint64_t at = line + *nl;
		int rc = 0;
		if (c->type == FL_COL_NUMERIC) {
			double v;
			const char *q = fast_num(p, &v);
			if (q && (*q == delim || *q == '\n' || (*q == '\r' && q[1] == '\n'))) {
				c->num[row] = v;
				p = q + (*q == '\r');
				if (!isfinite(v) && !cfg->allow_nonfinite) {
					perr_set(e, FL_EINVAL, at, col,
						 "column '%s' has a value out of range: NaN and Inf are not allowed",
						 c->name);
					return -1;
				}
			} else {
				rc = numeric_slow(cfg, &p, end, c, row, scratch, cap, nl, at, col, e);
			}
		} else {
			rc = categorical_field(t, f, cfg, &p, end, row, scratch, cap, nl, at,
					       col, e);
		}
		if (rc < 0)
			return -1;
		if (*p == delim && f + 1 == nf) {
			perr_set(e, FL_EINVAL, line, 1, "ragged row: expected %zu fields, found %zu",
				 nf, nf + count_rest(cfg, p, end, scratch, cap));
			return -1;
		}
		if (*p == '\n' && f + 1 < nf) {
			perr_set(e, FL_EINVAL, line, 1, "ragged row: expected %zu fields, found %zu",
				 nf, f + 1);
			return -1;
		}
		p++;
	}
	*pp = p;
	return 0;
}

void fl_csv_parse_rows(const fl_csv_cfg *cfg, const char *buf, size_t len,
		       fl_table *t, char **scratch, size_t *scratch_cap,
		       uint64_t *n_lines, fl_csv_perr *perr)
{
	const char *p = buf, *end = buf + len;
	uint64_t line = 0;

	while (p < end) {
		uint64_t nl = 0;
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;
			line++;
			continue;
		}
		if (t->n_rows == t->cap_rows &&
		    fl_table_reserve(t, t->cap_rows < 1024 ? 1024 : t->cap_rows * 2, NULL) < 0) {
			perr_set(perr, FL_ENOMEM, line, 1, "out of memory");
			break;
		}
		if (parse_record(cfg, &p, end, t, t->n_rows, scratch, scratch_cap, line, &nl,
				 perr) < 0)
			break;
		t->n_rows++;
		line += 1 + nl;
	}
	*n_lines = line;
}
