/* csv.c - the CSV reader: raw chunks cut at record boundaries, parsed in
 * parallel into tables, handed out in file order. */
#define _GNU_SOURCE
#include "data/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/parallel.h"
#include "data/csvparse.h"

#define DEFAULT_CHUNK (8u << 20)

/* One raw chunk and what parsing it produced. */
typedef struct chunk {
	char *buf;          /* raw bytes, a '\n' and a NUL after len */
	size_t len;         /* bytes of whole records */
	size_t cap;         /* allocated */
	size_t start;       /* where parsing starts (after BOM/header) */
	fl_table *tab;      /* parsed rows, owned until handed out */
	fl_csv_perr perr;   /* parse error, if any */
	uint64_t n_lines;   /* lines consumed */
	char *scratch;      /* unquoting buffer */
	size_t scratch_cap; /* its size */
} chunk;

struct fl_csv_reader {
	char *path;          /* for messages */
	gzFile gz;           /* transparent for plain files */
	fl_csv_cfg cfg;      /* delimiter, tokens, policies */
	fl_table *schema;    /* names and types */
	size_t chunk_bytes;  /* raw bytes per chunk */
	int n_threads;       /* resolved */
	const fl_progress *progress;
	uint64_t file_size;  /* for progress; 0 when compressed */
	char *carry;         /* bytes after the last record boundary */
	size_t carry_len, carry_cap;
	int eof;             /* the file is exhausted */
	uint64_t line;       /* line number where the next chunk starts */
	uint64_t bytes;      /* raw bytes consumed so far */
	uint64_t rows;       /* rows handed out so far */
	chunk *slots;        /* n_threads chunk slots */
	size_t n_filled;     /* slots filled in the current batch */
	size_t next_out;     /* next slot to hand out */
	int first_pending;   /* slot 0 holds the first chunk, not yet parsed */
};

/* Read up to `want` bytes; returns bytes read or -1. */
static long read_some(fl_csv_reader *r, char *dst, size_t want, fl_err *err)
{
	size_t got = 0;

	while (got < want && !r->eof) {
		unsigned ask = want - got > (1u << 30) ? (1u << 30) : (unsigned)(want - got);
		int n = gzread(r->gz, dst + got, ask);
		if (n < 0) {
			int zerr;
			const char *m = gzerror(r->gz, &zerr);
			fl_err_set(err, FL_EIO, "%s: read error: %s", r->path,
				   zerr == Z_ERRNO ? strerror(errno) : m);
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		got += (size_t)n;
	}
	return (long)got;
}

/* End of the last complete record in buf[0..len), or 0 when none. A record
 * ends at a '\n' outside quotes; chunks start outside quotes. */
static size_t last_boundary(const char *buf, size_t len)
{
	if (!memchr(buf, '"', len)) {
		const char *nl = memrchr(buf, '\n', len);
		return nl ? (size_t)(nl - buf) + 1 : 0;
	}
	size_t end = 0;
	int inq = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '"')
			inq = !inq;
		else if (buf[i] == '\n' && !inq)
			end = i + 1;
	}
	return end;
}

static int ensure_cap(char **buf, size_t *cap, size_t need, fl_err *err)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 4096;
	while (c < need)
		c *= 2;
	char *p = realloc(*buf, c);
	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory (%zu bytes)", c);
	*buf = p;
	*cap = c;
	return 0;
}

/* Fill `c` with the carry-over and fresh bytes, cut at the last record
 * boundary (the rest becomes the next carry). Sets c->len = 0 at the end. */
static int fill_chunk(fl_csv_reader *r, chunk *c, fl_err *err)
{
	size_t want = r->chunk_bytes, len = r->carry_len, cut;
	long n;
	int rc;

	if ((rc = ensure_cap(&c->buf, &c->cap, want + len + 2, err)) < 0)
		return rc;
	if (len)
		memcpy(c->buf, r->carry, len);
	for (;;) {
		if ((n = read_some(r, c->buf + len, want, err)) < 0)
			return FL_EIO;
		len += (size_t)n;
		cut = r->eof ? len : last_boundary(c->buf, len);
		if (cut > 0 || r->eof)
			break;
		/* A record longer than the chunk: read on. */
		if ((rc = ensure_cap(&c->buf, &c->cap, len + want + 2, err)) < 0)
			return rc;
	}
	r->carry_len = len - cut;
	if ((rc = ensure_cap(&r->carry, &r->carry_cap, r->carry_len + 1, err)) < 0)
		return rc;
	memcpy(r->carry, c->buf + cut, r->carry_len);
	c->len = cut;
	c->start = 0;
	if (cut && c->buf[cut - 1] != '\n')
		c->buf[c->len++] = '\n'; /* last record without a newline */
	c->buf[c->len] = '\0';
	r->bytes += cut;
	fl_progress_report(r->progress, "reading CSV", r->bytes, r->file_size);
	return 0;
}

static int copy_tokens(fl_csv_cfg *cfg, const fl_csv_opts *o, fl_err *err)
{
	static const char *const defaults[] = { "", "NA" };
	const char *const *na = o->na ? o->na : defaults;
	size_t n = o->na ? o->n_na : 2;

	cfg->na = calloc(n + 1, sizeof(char *));
	cfg->na_len = calloc(n + 1, sizeof(size_t));
	if (!cfg->na || !cfg->na_len)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!(cfg->na[i] = strdup(na[i])))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		cfg->na_len[i] = strlen(na[i]);
		cfg->n_na++;
	}
	return 0;
}

static void free_tokens(fl_csv_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n_na; i++)
		free(cfg->na[i]);
	free(cfg->na);
	free(cfg->na_len);
}

static int apply_overrides(fl_csv_reader *r, const fl_csv_opts *o, fl_col_type *types,
			   fl_err *err)
{
	for (size_t i = 0; i < o->n_types; i++) {
		int c = fl_table_find(r->schema, o->types[i].column);
		if (c < 0)
			return fl_err_set(err, FL_EINVAL,
					  "%s: a type is given for column '%s', which the file does not have",
					  r->path, o->types[i].column);
		types[c] = o->types[i].type;
	}
	return 0;
}

/* Header (or V1..Vn), inferred types, overrides: the schema. */
static int build_schema(fl_csv_reader *r, const fl_csv_opts *o, fl_err *err)
{
	chunk *c = &r->slots[0];
	char **names = NULL;
	fl_col_type *types = NULL;
	size_t nf = 0;
	int rc;

	if ((rc = fl_csv_parse_header(&r->cfg, c->buf, c->len, &c->start, o->header,
				      &names, &nf, &r->line, r->path, err)) < 0)
		return rc;
	if (!(types = calloc(nf, sizeof(*types)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	fl_csv_infer(&r->cfg, c->buf + c->start, c->len - c->start, nf, types);
	if ((rc = fl_table_new(&r->schema, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < nf; i++)
		if ((rc = fl_table_add_column(r->schema, names[i], FL_COL_NUMERIC, err)) < 0) {
			fl_err_wrap(err, "%s:1", r->path);
			goto cleanup;
		}
	if ((rc = apply_overrides(r, o, types, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < nf; i++)
		r->schema->cols[i].type = types[i];
cleanup:
	fl_names_free(names, nf);
	free(types);
	return rc;
}

static int open_file(fl_csv_reader *r, const char *path, fl_err *err)
{
	struct stat st;
	unsigned char magic[2] = { 0, 0 };
	FILE *fp;

	if (!(fp = fopen(path, "rb")))
		return fl_err_sys(err, errno, "%s", path);
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return fl_err_set(err, FL_EINVAL, "%s: is a folder, not a CSV file", path);
	}
	size_t got = fread(magic, 1, 2, fp);
	fclose(fp);
	r->file_size = (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) ? 0 : (uint64_t)st.st_size;
	if (!(r->gz = gzopen(path, "rb")))
		return fl_err_sys(err, errno ? errno : ENOMEM, "%s", path);
	gzbuffer(r->gz, 1u << 20);
	return 0;
}

int fl_csv_open(fl_csv_reader **out, const char *path, const fl_csv_opts *opts,
		fl_err *err)
{
	fl_csv_opts def = FL_CSV_OPTS_INIT;
	const fl_csv_opts *o = opts ? opts : &def;
	fl_csv_reader *r = NULL;
	int rc;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))) || !(r->path = strdup(path))) {
		free(r);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	r->cfg.delim = o->delimiter ? o->delimiter : ',';
	r->cfg.allow_nonfinite = o->allow_nonfinite;
	r->cfg.path = r->path;
	r->chunk_bytes = o->chunk_bytes ? o->chunk_bytes : DEFAULT_CHUNK;
	r->n_threads = fl_threads_resolve(o->n_threads);
	r->progress = o->progress;
	r->line = 1;
	if (r->cfg.delim == '"' || r->cfg.delim == '\n' || r->cfg.delim == '\r') {
		rc = fl_err_set(err, FL_EINVAL, "the delimiter cannot be a quote or a line break");
		goto fail;
	}
	if ((rc = copy_tokens(&r->cfg, o, err)) < 0 || (rc = open_file(r, path, err)) < 0)
		goto fail;
	if (!(r->slots = calloc((size_t)r->n_threads, sizeof(chunk)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = fill_chunk(r, &r->slots[0], err)) < 0 || (rc = build_schema(r, o, err)) < 0)
		goto fail;
	r->first_pending = 1;
	*out = r;
	return 0;
fail:
	fl_csv_close(r);
	return rc;
}

const fl_table *fl_csv_schema(const fl_csv_reader *r)
{
	return r->schema;
}

uint64_t fl_csv_rows(const fl_csv_reader *r)
{
	return r->rows;
}

static int parse_one(void *ud, size_t i, int worker, fl_err *err)
{
	fl_csv_reader *r = ud;
	chunk *c = &r->slots[i];
	int rc;

	(void)worker;
	memset(&c->perr, 0, sizeof(c->perr));
	if (c->tab)
		fl_table_truncate(c->tab);
	else if ((rc = fl_table_clone_schema(&c->tab, r->schema, err)) < 0)
		return rc;
	fl_csv_parse_rows(&r->cfg, c->buf + c->start, c->len - c->start, c->tab,
			  &c->scratch, &c->scratch_cap, &c->n_lines, &c->perr);
	return c->perr.code == FL_ENOMEM ? fl_err_set(err, FL_ENOMEM, "out of memory") : 0;
}

/* Read and parse the next batch of chunks; report the first error in file
 * order with its absolute line number. */
static int next_batch(fl_csv_reader *r, fl_err *err)
{
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < (size_t)r->n_threads; i++) {
		chunk *c = &r->slots[i];
		if (!(i == 0 && r->first_pending)) {
			if (r->eof && r->carry_len == 0)
				break;
			if ((rc = fill_chunk(r, c, err)) < 0)
				return rc;
		}
		n = i + 1;
	}
	r->first_pending = 0;
	r->n_filled = n;
	r->next_out = 0;
	if (n && (rc = fl_parallel_for(n, r->n_threads, parse_one, r, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		chunk *c = &r->slots[i];
		if (c->perr.code)
			return fl_err_set(err, c->perr.code, "%s:%llu:%zu: %s", r->path,
					  (unsigned long long)(r->line + c->perr.line),
					  c->perr.col, c->perr.msg);
		r->line += c->n_lines;
	}
	return 0;
}

int fl_csv_next(fl_csv_reader *r, fl_table **out, fl_err *err)
{
	int rc;

	*out = NULL;
	for (;;) {
		while (r->next_out < r->n_filled) {
			fl_table *t = r->slots[r->next_out++].tab;
			if (t && t->n_rows) {
				r->rows += t->n_rows;
				*out = t;
				return 0;
			}
		}
		if (!r->first_pending && r->eof && r->carry_len == 0)
			break;
		if ((rc = next_batch(r, err)) < 0)
			return rc;
		if (r->n_filled == 0)
			break;
	}
	if (r->rows == 0)
		return fl_err_set(err, FL_EINVAL, "%s: no data rows%s", r->path,
				  r->schema->n_cols ? " after the header" : "");
	return 0;
}

void fl_csv_close(fl_csv_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	for (size_t i = 0; r->slots && i < (size_t)r->n_threads; i++) {
		free(r->slots[i].buf);
		free(r->slots[i].scratch);
		fl_table_free(r->slots[i].tab);
	}
	free(r->slots);
	free(r->carry);
	fl_table_free(r->schema);
	free_tokens(&r->cfg);
	free(r->path);
	free(r);
}

int fl_csv_read(fl_table **out, const char *path, const fl_csv_opts *opts,
		fl_err *err)
{
	fl_csv_reader *r = NULL;
	fl_table *all = NULL, *chunk_t = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_csv_open(&r, path, opts, err)) < 0 ||
	    (rc = fl_table_clone_schema(&all, fl_csv_schema(r), err)) < 0)
		goto cleanup;
	for (;;) {
		if ((rc = fl_csv_next(r, &chunk_t, err)) < 0 || !chunk_t)
			break;
		if ((rc = fl_table_append(all, chunk_t, err)) < 0)
			break;
	}
	if (rc == 0) {
		*out = all;
		all = NULL;
	}
cleanup:
	fl_table_free(all);
	fl_csv_close(r);
	return rc;
}
