/* mlfixture.c - test helpers for the ML core (see mlfixture.h). */
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

#include "mlfixture.h"
#include "testutil.h"

#define MAX_COLS 128

static size_t split(char *line, char **f)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = 0;
	for (char *p = line; n < MAX_COLS;) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	return n;
}

static int wanted(const char *name, const char *label, const char *const *cols)
{
	if (label && strcmp(name, label) == 0)
		return 0;
	if (!cols)
		return 1;
	for (; *cols; cols++)
		if (strcmp(*cols, name) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct raw {
	size_t n, cap;         /* rows read */
	double *X;             /* rows x d */
	char **lab;            /* label text per row */
} raw;

static void add_row(raw *r, char **f, const int *use, size_t nf, size_t d, int li)
{
	size_t j = 0;

	for (size_t c = 0; c < nf; c++)
		if ((use[c] || (int)c == li) && strcmp(f[c], "NA") == 0)
			return;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->X = realloc(r->X, r->cap * d * sizeof(double));
		r->lab = realloc(r->lab, r->cap * sizeof(char *));
	}
	for (size_t c = 0; c < nf; c++)
		if (use[c])
			r->X[r->n * d + j++] = strtod(f[c], NULL);
	r->lab[r->n++] = li >= 0 ? strdup(f[li]) : NULL;
}

static void set_target(fl_dataset *ds, raw *r, fl_target_type t)
{
	fl_err err = FL_ERR_INIT;

	if (t == FL_TARGET_REAL) {
		assert_int_equal(fl_dataset_set_real_target(ds, &err), 0);
		for (size_t i = 0; i < r->n; i++)
			ds->y_real[i] = strtod(r->lab[i], NULL);
	} else if (t == FL_TARGET_CLASS) {
		char **u = malloc(r->n * sizeof(char *));
		size_t k = 0;
		memcpy(u, r->lab, r->n * sizeof(char *));
		qsort(u, r->n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < r->n; i++)
			if (k == 0 || strcmp(u[k - 1], u[i]) != 0)
				u[k++] = u[i];
		assert_int_equal(fl_dataset_set_classes(ds, k, (const char *const *)u, &err), 0);
		for (size_t i = 0; i < r->n; i++)
			ds->y_class[i] = (int32_t)((char **)bsearch(&r->lab[i], u, k, sizeof(char *),
								    cmp_str) - u);
		free(u);
	}
}

fl_dataset *mlf_load_csv(const char *rel, const char *label, fl_target_type target,
			 const char *const *cols)
{
	FILE *fp = fopen(tu_repo_path(rel), "r");
	char *line = NULL, *hdr = NULL, *f[MAX_COLS], *hf[MAX_COLS];
	size_t cap = 0, nf, d = 0;
	int use[MAX_COLS] = { 0 }, li = -1;
	raw r = { 0 };
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;

	if (!fp)
		fail_msg("cannot open %s", rel);
	assert_true(getline(&hdr, &cap, fp) > 0);
	nf = split(hdr, hf);
	for (size_t c = 0; c < nf; c++) {
		use[c] = wanted(hf[c], label, cols);
		d += use[c];
		if (label && strcmp(hf[c], label) == 0)
			li = (int)c;
	}
	cap = 0;
	while (getline(&line, &cap, fp) > 0)
		if (split(line, f) == nf)
			add_row(&r, f, use, nf, d, li);
	fclose(fp);
	free(line);
	assert_int_equal(fl_dataset_new(&ds, r.n, d, &err), 0);
	memcpy(ds->X, r.X, r.n * d * sizeof(double));
	for (size_t c = 0, j = 0; c < nf; c++)
		if (use[c])
			fl_dataset_set_feature_name(ds, j++, hf[c], &err);
	if (label)
		fl_dataset_set_label_name(ds, label, &err);
	set_target(ds, &r, target);
	for (size_t i = 0; i < r.n; i++)
		free(r.lab[i]);
	free(r.lab);
	free(r.X);
	free(hdr);
	return ds;
}

json_t *mlf_fixture(const char *name)
{
	char rel[256];
	json_error_t je;
	json_t *j;

	snprintf(rel, sizeof(rel), "tests/fixtures/%s", name);
	if (!(j = json_load_file(tu_repo_path(rel), 0, &je)))
		fail_msg("fixture %s: %s", name, je.text);
	return j;
}

double *mlf_doubles(const json_t *arr, size_t *n)
{
	size_t i;
	json_t *v;
	double *out = malloc((json_array_size(arr) + 1) * sizeof(double));

	json_array_foreach(arr, i, v)
		out[i] = json_number_value(v);
	*n = json_array_size(arr);
	return out;
}

void mlf_close(double a, double b, double rel, double floor, const char *what)
{
	double scale = fmax(fabs(b), floor);

	if (!(fabs(a - b) <= rel * scale))
		fail_msg("%s: got %.17g, expected %.17g (rel. tol %g)", what, a, b, rel);
}
