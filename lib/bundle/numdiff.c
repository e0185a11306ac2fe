/* numdiff.c - cell-by-cell numeric comparison of CSV files. */
#define _GNU_SOURCE
#include "bundle/numdiff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"

/* Next cell of *p (split at ',' or '\n'); *end set to the separator. */
static const char *next_cell(const char *p, const char **end)
{
	*end = p + strcspn(p, ",\n");
	return p;
}

static int as_number(const char *s, const char *e, double *v)
{
	char buf[128], *stop;
	size_t n = (size_t)(e - s);

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, &stop);
	return *stop == '\0' || (*stop == '\r' && stop[1] == '\0');
}

static void compare_cells(const char *a, const char *ae, const char *b, const char *be,
			  double rel, double abs, fl_numdiff *o)
{
	double x, y;

	if (as_number(a, ae, &x) && as_number(b, be, &y)) {
		double d = fabs(x - y), m = fmax(fabs(x), fabs(y));
		if (isnan(x) != isnan(y)) {
			o->within = 0;
			return;
		}
		if (isnan(x))
			return;
		o->cells++;
		o->max_abs = fmax(o->max_abs, d);
		if (m > 0)
			o->max_rel = fmax(o->max_rel, d / m);
		if (d > abs + rel * m)
			o->within = 0;
	} else if (ae - a != be - b || memcmp(a, b, (size_t)(ae - a))) {
		o->comparable = 0;
	}
}

int fl_numdiff_csv(const char *pa, const char *pb, double rel, double abs, fl_numdiff *o,
		   fl_err *err)
{
	char *a = NULL, *b = NULL;
	const char *p, *q, *pe, *qe;
	int rc;

	*o = (fl_numdiff){ 1, 1, 0, 0.0, 0.0 };
	if ((rc = fl_read_file(pa, &a, NULL, err)) < 0 || (rc = fl_read_file(pb, &b, NULL, err)) < 0)
		goto cleanup;
	for (p = a, q = b; *p && *q && o->comparable;) {
		next_cell(p, &pe);
		next_cell(q, &qe);
		compare_cells(p, pe, q, qe, rel, abs, o);
		if (*pe != *qe) /* one row ends before the other */
			o->comparable = 0;
		p = *pe ? pe + 1 : pe;
		q = *qe ? qe + 1 : qe;
	}
	if (*p || *q)
		o->comparable = 0;
	if (!o->comparable)
		o->within = 0;
cleanup:
	free(a);
	free(b);
	return rc;
}
