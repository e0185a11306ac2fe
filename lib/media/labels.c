/* labels.c - labelling an unlabelled file set from a `file,label` CSV file
 * (the layout of sound collections such as data/sounds/labels.csv). */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/log.h"
#include "media/fileset.h"

/* Split one CSV line in place into at most `max` fields (RFC 4180 quotes,
 * no newlines inside fields). Returns the number of fields, or -1 on an
 * unterminated quote. */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *r = line, *w;

	while (n < max) {
		f[n++] = w = r;
		if (*r == '"') {
			for (r++;; r++) {
				if (!*r)
					return -1;
				if (*r == '"' && r[1] == '"')
					*w++ = *r++;
				else if (*r == '"')
					break;
				else
					*w++ = *r;
			}
			r++;
		}
		while (*r && *r != ',')
			*w++ = *r++;
		if (!*r) {
			*w = '\0';
			return n;
		}
		r++;
		*w = '\0';
	}
	return n;
}

typedef struct row {
	char *real;  /* realpath of the file */
	char *label; /* its label */
} row;

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const row *)a)->real, ((const row *)b)->real);
}

static int col_index(char **f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i], name))
			return i;
	return -1;
}

/* Parse the CSV text into rows keyed by real path (files that do not
 * exist are left out: they cannot match a scanned file). */
static int parse_rows(const char *csv_path, char *text, row **out, size_t *n_out, fl_err *err)
{
	char *dir_copy = strdup(csv_path), *dir, *line, *save = NULL;
	char *f[64];
	int ci = -1, li = -1, nf, lineno = 0, rc = 0;
	row *rows = NULL;
	size_t n = 0;

	size_t n_lines = 1;

	if (!dir_copy)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (const char *c = text; *c; c++)
		n_lines += *c == '\n';
	dir = dirname(dir_copy);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = NULL, real[PATH_MAX];
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if ((nf = split_csv(line, f, 64)) < 0) {
			rc = fl_err_set(err, FL_EINVAL, "%s:%d: unterminated quote", csv_path, lineno);
			break;
		}
		if (lineno == 1) {
			ci = col_index(f, nf, "file");
			li = col_index(f, nf, "label");
			if (ci < 0 || li < 0) {
				rc = fl_err_set(err, FL_EINVAL, "%s:1: the header needs 'file' and 'label' columns",
						csv_path);
				break;
			}
			if (!(rows = calloc(n_lines, sizeof(row))))
				rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			if (rc)
				break;
			continue;
		}
		if (nf <= ci || nf <= li) {
			rc = fl_err_set(err, FL_EINVAL, "%s:%d: too few fields", csv_path, lineno);
			break;
		}
		if (asprintf(&p, "%s/%s", f[ci][0] == '/' ? "" : dir, f[ci]) < 0) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			break;
		}
		if (realpath(p, real)) {
			rows[n].real = strdup(real);
			rows[n].label = strdup(f[li]);
			if (!rows[n].real || !rows[n].label)
				rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			n++;
		}
		free(p);
		if (rc)
			break;
	}
	free(dir_copy);
	*out = rows;
	*n_out = n;
	return rc;
}

static void free_rows(row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++) {
		free(rows[i].real);
		free(rows[i].label);
	}
	free(rows);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted distinct labels of the matched rows into set->classes, and the
 * label index of each file. */
static int assign(fl_fileset *set, const char **lab, fl_err *err)
{
	char **cls = calloc(set->n ? set->n : 1, sizeof(char *));
	size_t nc = 0;

	if (!cls)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < set->n; i++)
		cls[nc++] = (char *)lab[i];
	qsort(cls, nc, sizeof(char *), cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < nc; i++)
		if (w == 0 || strcmp(cls[w - 1], cls[i]))
			cls[w++] = cls[i];
	for (size_t i = 0; i < w; i++)
		if (!(cls[i] = strdup(cls[i]))) {
			for (size_t j = 0; j < i; j++)
				free(cls[j]);
			free(cls);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
	for (size_t i = 0; i < set->n; i++) {
		char **hit = bsearch(&lab[i], cls, w, sizeof(char *), cmp_str);
		set->labels[i] = (int)(hit - cls);
	}
	set->classes = cls;
	set->n_classes = w;
	return 0;
}

int fl_fileset_label_csv(fl_fileset *set, const char *csv_path, fl_on_bad on_bad, fl_err *err)
{
	char *text = NULL;
	row *rows = NULL;
	const char **lab = NULL;
	size_t n_rows = 0, w = 0;
	int rc;

	if (set->n_classes)
		return fl_err_set(err, FL_EINVAL, "%s: the files already have class folders", csv_path);
	if ((rc = fl_read_file(csv_path, &text, NULL, err)) < 0)
		return rc;
	if ((rc = parse_rows(csv_path, text, &rows, &n_rows, err)) < 0)
		goto cleanup;
	qsort(rows, n_rows, sizeof(row), cmp_row);
	if (!(lab = calloc(set->n ? set->n : 1, sizeof(char *)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < set->n; i++) {
		char real[PATH_MAX];
		row key = { real, NULL }, *hit = NULL;

		if (realpath(set->paths[i], real))
			hit = bsearch(&key, rows, n_rows, sizeof(row), cmp_row);
		if (!hit && on_bad == FL_BAD_FAIL) {
			rc = fl_err_set(err, FL_EINVAL, "%s: no label in %s", set->paths[i], csv_path);
			goto cleanup;
		}
		if (!hit) {
			fl_log(FL_LOG_WARN, "%s: no label in %s; skipped", set->paths[i], csv_path);
			free(set->paths[i]);
			continue;
		}
		set->paths[w] = set->paths[i];
		lab[w++] = hit->label;
	}
	set->n = w;
	if (w == 0)
		rc = fl_err_set(err, FL_EINVAL, "%s: no file of the set has a label", csv_path);
	else
		rc = assign(set, lab, err);
cleanup:
	free(lab);
	free_rows(rows, n_rows);
	free(text);
	return rc;
}
