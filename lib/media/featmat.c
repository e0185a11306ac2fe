/* featmat.c - feature matrices and their CSV form. */
#define _GNU_SOURCE
#include "media/featmat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/parallel.h"
#include "data/csv.h"

int fl_featmat_new(fl_featmat **out, size_t n_rows, size_t n_ids, size_t n_cols,
		   int with_labels, fl_err *err)
{
	fl_featmat *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	m->n_rows = n_rows;
	m->n_ids = n_ids;
	m->n_cols = n_cols;
	m->id_names = calloc(n_ids ? n_ids : 1, sizeof(char *));
	m->col_names = calloc(n_cols ? n_cols : 1, sizeof(char *));
	m->ids = calloc(n_rows * n_ids + 1, sizeof(char *));
	m->x = calloc(n_rows * n_cols + 1, sizeof(double));
	if (with_labels)
		m->labels = calloc(n_rows ? n_rows : 1, sizeof(char *));
	if (!m->id_names || !m->col_names || !m->ids || !m->x ||
	    (with_labels && !m->labels)) {
		fl_featmat_free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory for a %zu x %zu feature matrix",
				  n_rows, n_cols);
	}
	*out = m;
	return 0;
}

static int set_text(char **slot, const char *s, fl_err *err)
{
	char *c = strdup(s ? s : "");

	if (!c)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	free(*slot);
	*slot = c;
	return 0;
}

int fl_featmat_set_id_name(fl_featmat *m, size_t i, const char *name, fl_err *err)
{
	return set_text(&m->id_names[i], name, err);
}

int fl_featmat_set_col_name(fl_featmat *m, size_t j, const char *name, fl_err *err)
{
	return set_text(&m->col_names[j], name, err);
}

int fl_featmat_set_id(fl_featmat *m, size_t r, size_t i, const char *s, fl_err *err)
{
	return set_text(&m->ids[r * m->n_ids + i], s, err);
}

int fl_featmat_set_label(fl_featmat *m, size_t r, const char *s, fl_err *err)
{
	return set_text(&m->labels[r], s, err);
}

double *fl_featmat_row(fl_featmat *m, size_t r)
{
	return m->x + r * m->n_cols;
}

void fl_featmat_filter(fl_featmat *m, const unsigned char *keep)
{
	size_t w = 0;

	for (size_t r = 0; r < m->n_rows; r++) {
		if (!keep[r]) {
			for (size_t i = 0; i < m->n_ids; i++)
				free(m->ids[r * m->n_ids + i]);
			if (m->labels)
				free(m->labels[r]);
			continue;
		}
		if (w != r) {
			memmove(m->ids + w * m->n_ids, m->ids + r * m->n_ids,
				m->n_ids * sizeof(char *));
			memmove(m->x + w * m->n_cols, m->x + r * m->n_cols,
				m->n_cols * sizeof(double));
			if (m->labels)
				m->labels[w] = m->labels[r];
		}
		w++;
	}
	m->n_rows = w;
}

static void put_number(FILE *fp, double v)
{
	if (isnan(v))
		fputs("nan", fp);
	else if (isinf(v))
		fputs(v > 0 ? "inf" : "-inf", fp);
	else
		fprintf(fp, "%.10g", v == 0 ? 0.0 : v); /* no "-0" */
}

static void put_header(FILE *fp, const fl_featmat *m)
{
	const char *sep = "";

	for (size_t i = 0; i < m->n_ids; i++, sep = ",") {
		fputs(sep, fp);
		fl_csv_put_text(fp, m->id_names[i], ',');
	}
	for (size_t j = 0; j < m->n_cols; j++, sep = ",") {
		fputs(sep, fp);
		fl_csv_put_text(fp, m->col_names[j], ',');
	}
	if (m->labels) {
		fputs(sep, fp);
		fputs("label", fp);
	}
	fputc('\n', fp);
}

static void put_row(FILE *fp, const fl_featmat *m, size_t r)
{
	const char *sep = "";

	for (size_t i = 0; i < m->n_ids; i++, sep = ",") {
		fputs(sep, fp);
		fl_csv_put_text(fp, m->ids[r * m->n_ids + i], ',');
	}
	for (size_t j = 0; j < m->n_cols; j++, sep = ",") {
		fputs(sep, fp);
		put_number(fp, m->x[r * m->n_cols + j]);
	}
	if (m->labels) {
		fputs(sep, fp);
		fl_csv_put_text(fp, m->labels[r], ',');
	}
	fputc('\n', fp);
}

/* Rows are formatted (printf of every number: most of the writing time)
 * in blocks on several threads, each block into its own buffer; the
 * buffers are written in order, so the bytes do not depend on threads. */
#define CSV_BLOCK_ROWS 256
#define CSV_GROUP_BLOCKS 64 /* blocks held in memory at once */

typedef struct csv_job {
	const fl_featmat *m;
	size_t first;  /* first block of the group */
	char **buf;    /* per block of the group: its text (open_memstream) */
	size_t *len;
} csv_job;

static int format_block(void *ud, size_t i, int worker, fl_err *err)
{
	csv_job *j = ud;
	size_t r0 = (j->first + i) * CSV_BLOCK_ROWS, r1 = r0 + CSV_BLOCK_ROWS;
	FILE *fp = open_memstream(&j->buf[i], &j->len[i]);

	(void)worker;
	if (!fp)
		return fl_err_set(err, FL_ENOMEM, "out of memory formatting CSV rows");
	for (size_t r = r0; r < r1 && r < j->m->n_rows; r++)
		put_row(fp, j->m, r);
	if (fclose(fp) != 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory formatting CSV rows");
	return 0;
}

static int write_rows(FILE *fp, const fl_featmat *m, int n_threads, fl_err *err)
{
	size_t n_blocks = (m->n_rows + CSV_BLOCK_ROWS - 1) / CSV_BLOCK_ROWS;
	char *buf[CSV_GROUP_BLOCKS];
	size_t len[CSV_GROUP_BLOCKS];
	csv_job j = { m, 0, buf, len };
	int rc = 0;

	for (; rc == 0 && j.first < n_blocks; j.first += CSV_GROUP_BLOCKS) {
		size_t n = n_blocks - j.first < CSV_GROUP_BLOCKS ? n_blocks - j.first : CSV_GROUP_BLOCKS;
		memset(buf, 0, sizeof(buf));
		rc = fl_parallel_for(n, n_threads, format_block, &j, err);
		for (size_t b = 0; b < n; b++) {
			if (rc == 0 && fwrite(buf[b], 1, len[b], fp) != len[b])
				rc = fl_err_sys(err, errno, "writing CSV rows");
			free(buf[b]);
		}
	}
	return rc;
}

int fl_featmat_write_csv(const fl_featmat *m, const char *path, int n_threads, fl_err *err)
{
	fl_afile *af = NULL;
	int rc;

	if ((rc = fl_afile_open(&af, path, err)) < 0)
		return rc;
	put_header(fl_afile_stream(af), m);
	if ((rc = write_rows(fl_afile_stream(af), m, n_threads, err)) < 0) {
		fl_afile_abort(af);
		return rc;
	}
	return fl_afile_commit(af, err);
}

void fl_featmat_free(fl_featmat *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_ids; i++)
		free(m->id_names[i]);
	for (size_t j = 0; j < m->n_cols; j++)
		free(m->col_names[j]);
	for (size_t r = 0; r < m->n_rows * m->n_ids; r++)
		free(m->ids[r]);
	if (m->labels)
		for (size_t r = 0; r < m->n_rows; r++)
			free(m->labels[r]);
	free(m->id_names);
	free(m->col_names);
	free(m->ids);
	free(m->x);
	free(m->labels);
	free(m);
}
