/* csvwrite.c - the CSV writer (declared in csv.h): atomic, streaming,
 * shortest round-trip numbers, RFC 4180 quoting. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "data/csv.h"

struct fl_csv_writer {
	fl_afile *af;       /* the atomic file */
	FILE *fp;           /* its stream */
	char *path;         /* for messages */
	char delim;         /* separator */
	char *na_rep;       /* what a missing value prints as */
	size_t n_cols;      /* columns in the schema */
};

int fl_csv_format_number(char *buf, size_t n, double v)
{
	int len = 0;

	if (isinf(v))
		return snprintf(buf, n, "%s", v < 0 ? "-inf" : "inf");
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return len;
}

static int needs_quotes(const char *s, char delim)
{
	size_t n = strlen(s);

	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		return 1;
	for (; *s; s++)
		if (*s == delim || *s == '"' || *s == '\n' || *s == '\r')
			return 1;
	return 0;
}

void fl_csv_put_text(FILE *fp, const char *s, char delim)
{
	if (!s)
		s = "";
	if (!needs_quotes(s, delim)) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

int fl_csv_writer_open(fl_csv_writer **out, const char *path,
		       const fl_table *schema, const fl_csv_write_opts *opts,
		       fl_err *err)
{
	fl_csv_writer *w = NULL;
	int rc;

	*out = NULL;
	if (!(w = calloc(1, sizeof(*w))) || !(w->path = strdup(path)) ||
	    !(w->na_rep = strdup(opts && opts->na_rep ? opts->na_rep : "NA"))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto fail;
	}
	w->delim = opts && opts->delimiter ? opts->delimiter : ',';
	w->n_cols = schema->n_cols;
	if ((rc = fl_afile_open(&w->af, path, err)) < 0)
		goto fail;
	w->fp = fl_afile_stream(w->af);
	for (size_t c = 0; c < schema->n_cols; c++) {
		if (c)
			putc(w->delim, w->fp);
		fl_csv_put_text(w->fp, schema->cols[c].name, w->delim);
	}
	putc('\n', w->fp);
	*out = w;
	return 0;
fail:
	fl_csv_writer_abort(w);
	return rc;
}

int fl_csv_writer_append(fl_csv_writer *w, const fl_table *t, fl_err *err)
{
	char num[64];

	if (t->n_cols != w->n_cols)
		return fl_err_set(err, FL_EINVAL, "%s: %zu columns to write, expected %zu",
				  w->path, t->n_cols, w->n_cols);
	for (size_t i = 0; i < t->n_rows; i++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			const fl_column *col = &t->cols[c];
			if (c)
				putc(w->delim, w->fp);
			if (fl_table_is_missing(t, c, i)) {
				fputs(w->na_rep, w->fp);
			} else if (col->type == FL_COL_NUMERIC) {
				fl_csv_format_number(num, sizeof(num), col->num[i]);
				fputs(num, w->fp);
			} else {
				fl_csv_put_text(w->fp, col->levels[col->codes[i]], w->delim);
			}
		}
		putc('\n', w->fp);
	}
	if (ferror(w->fp))
		return fl_err_sys(err, errno, "writing %s", w->path);
	return 0;
}

static void writer_free(fl_csv_writer *w)
{
	free(w->path);
	free(w->na_rep);
	free(w);
}

int fl_csv_writer_commit(fl_csv_writer *w, fl_err *err)
{
	int rc = fl_afile_commit(w->af, err);

	writer_free(w);
	return rc;
}

void fl_csv_writer_abort(fl_csv_writer *w)
{
	if (!w)
		return;
	fl_afile_abort(w->af);
	writer_free(w);
}

int fl_csv_write(const fl_table *t, const char *path,
		 const fl_csv_write_opts *opts, fl_err *err)
{
	fl_csv_writer *w = NULL;
	int rc;

	if ((rc = fl_csv_writer_open(&w, path, t, opts, err)) < 0)
		return rc;
	if ((rc = fl_csv_writer_append(w, t, err)) < 0) {
		fl_csv_writer_abort(w);
		return rc;
	}
	return fl_csv_writer_commit(w, err);
}
