/* tarw.c - deterministic tar+zstd writer on libarchive. */
#define _GNU_SOURCE
#include "bundle/tarw.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/entryname.h"
#include "core/atomic.h"

#define COPY_BUF (1u << 20)

/* State of one write: the archive, the copy buffer, progress counters. */
typedef struct tarw {
	struct archive *a;          /* libarchive writer */
	struct archive_entry *e;    /* reused header */
	unsigned char *buf;         /* COPY_BUF bytes */
	fl_sha256_ctx *h;           /* content hash, reset per entry */
	const fl_tarw_opts *opts;   /* borrowed */
	uint64_t done, total;       /* bytes written / to write */
} tarw;

int fl_tarw_check_zstd(fl_err *err)
{
	struct archive *a = archive_write_new();
	struct archive *r = archive_read_new();
	int wrc, rrc;

	if (!a || !r) {
		archive_write_free(a);
		archive_read_free(r);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	wrc = archive_write_add_filter_zstd(a);
	rrc = archive_read_support_filter_zstd(r);
	archive_write_free(a);
	archive_read_free(r);
	if (wrc != ARCHIVE_OK || rrc != ARCHIVE_OK)
		return fl_err_set(err, FL_EFAIL,
				  "this libarchive (%s) was built without zstd support; "
				  "bundles need libarchive >= 3.3 linked with libzstd "
				  "(Debian: libarchive13, libzstd1)",
				  archive_version_string());
	return 0;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const fl_tar_entry *a = *(const fl_tar_entry *const *)pa;
	const fl_tar_entry *b = *(const fl_tar_entry *const *)pb;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int is_dir_entry(const fl_tar_entry *x)
{
	size_t n = strlen(x->name);

	return !x->src && !x->buf && n > 0 && x->name[n - 1] == '/';
}

/* Sort, validate names, refuse duplicates, sum the sizes. */
static int plan(const fl_tar_entry **order, size_t n, uint64_t *total, fl_err *err)
{
	struct stat st;

	qsort(order, n, sizeof(*order), cmp_entry);
	*total = 0;
	for (size_t i = 0; i < n; i++) {
		const fl_tar_entry *x = order[i];
		if (fl_entryname_check(x->name, err) < 0)
			return err ? err->code : FL_EINVAL;
		for (size_t j = 0; j < i; j++) {
			size_t la = fl_entryname_len(x->name), lb = fl_entryname_len(order[j]->name);
			if (la == lb && !memcmp(x->name, order[j]->name, la))
				return fl_err_set(err, FL_EINVAL, "duplicate entry '%s'", x->name);
		}
		if (x->src) {
			if (stat(x->src, &st) < 0)
				return fl_err_sys(err, errno, "%s", x->src);
			if (!S_ISREG(st.st_mode))
				return fl_err_set(err, FL_EINVAL, "%s: not a regular file", x->src);
			*total += (uint64_t)st.st_size;
		} else if (!is_dir_entry(x) && !x->buf && x->len) {
			return fl_err_set(err, FL_EINVAL, "entry '%s' has no content", x->name);
		} else {
			*total += x->len;
		}
	}
	return 0;
}

static int ar_fail(tarw *w, fl_err *err, const char *what)
{
	return fl_err_set(err, errno == ENOSPC ? FL_ENOSPC : FL_EIO, "%s: %s", what,
			  archive_error_string(w->a) ? archive_error_string(w->a) : "failed");
}

static int open_archive(tarw *w, int fd, fl_err *err)
{
	char level[16];

	if (!(w->a = archive_write_new()) || !(w->e = archive_entry_new()))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	snprintf(level, sizeof(level), "%d", w->opts->zstd_level);
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(w->a) != ARCHIVE_OK)
		return fl_tarw_check_zstd(err) < 0 ? err->code
						    : ar_fail(w, err, "setting up the archive");
	if (archive_write_set_filter_option(w->a, "zstd", "compression-level", level) !=
	    ARCHIVE_OK)
		return ar_fail(w, err, "zstd level");
	/* threads=0: compress on the calling thread (deterministic framing). */
	archive_write_set_filter_option(w->a, "zstd", "threads", "0");
	archive_write_set_bytes_per_block(w->a, (int)COPY_BUF);
	archive_write_set_bytes_in_last_block(w->a, 1);
	if (archive_write_open_fd(w->a, fd) != ARCHIVE_OK)
		return ar_fail(w, err, "opening the archive");
	return 0;
}

static int write_header(tarw *w, const fl_tar_entry *x, uint64_t size, fl_err *err)
{
	struct archive_entry *e = w->e;

	archive_entry_clear(e);
	archive_entry_set_pathname(e, x->name);
	archive_entry_set_filetype(e, is_dir_entry(x) ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, (is_dir_entry(x) || x->exec) ? 0755 : 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, w->opts->mtime, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK)
		return ar_fail(w, err, x->name);
	return 0;
}

static int put_data(tarw *w, const fl_tar_entry *x, const void *p, size_t len,
		    fl_err *err)
{
	int rc;

	if ((rc = fl_sha256_update(w->h, p, len, err)) < 0)
		return rc;
	if (archive_write_data(w->a, p, len) != (la_ssize_t)len)
		return ar_fail(w, err, x->name);
	w->done += len;
	fl_progress_report(w->opts->progress, "bundling", w->done, w->total);
	return 0;
}

/* Copy a source file; its size is fixed in the header before the copy,
 * so a file that changes size meanwhile is a mismatch. */
static int copy_file(tarw *w, const fl_tar_entry *x, fl_err *err)
{
	struct stat st;
	uint64_t left;
	int fd = open(x->src, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return fl_err_sys(err, errno, "%s", x->src);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = fl_err_sys(err, errno ? errno : EINVAL, "%s", x->src);
		goto cleanup;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = write_header(w, x, (uint64_t)st.st_size, err)) < 0)
		goto cleanup;
	for (left = (uint64_t)st.st_size; left > 0;) {
		ssize_t got = read(fd, w->buf, left < COPY_BUF ? left : COPY_BUF);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = fl_err_sys(err, errno, "reading %s", x->src);
			goto cleanup;
		}
		if (got == 0) {
			rc = fl_err_set(err, FL_EMISMATCH, "%s: shrank while being bundled", x->src);
			goto cleanup;
		}
		if ((rc = put_data(w, x, w->buf, (size_t)got, err)) < 0)
			goto cleanup;
		left -= (uint64_t)got;
	}
cleanup:
	close(fd);
	return rc;
}

static int write_one(tarw *w, const fl_tar_entry *x, fl_err *err)
{
	fl_digest d;
	int rc;

	if ((rc = fl_sha256_reset(w->h, err)) < 0)
		return rc;
	if (x->src) {
		rc = copy_file(w, x, err);
	} else {
		rc = write_header(w, x, is_dir_entry(x) ? 0 : x->len, err);
		if (rc == 0 && x->len)
			rc = put_data(w, x, x->buf, x->len, err);
	}
	if (rc < 0 || (rc = fl_sha256_final(w->h, &d, err)) < 0)
		return rc;
	if (x->expect && memcmp(x->expect->b, d.b, sizeof(d.b)))
		return fl_err_set(err, FL_EMISMATCH,
				  "%s: content changed since it was hashed (entry '%s')",
				  x->src ? x->src : "buffer", x->name);
	if (x->digest_out)
		*x->digest_out = d;
	return 0;
}

static void tarw_free(tarw *w)
{
	archive_write_free(w->a); /* also closes; harmless after archive_write_close */
	archive_entry_free(w->e);
	fl_sha256_free(w->h);
	free(w->buf);
}

int fl_tarw_write(const char *path, const fl_tar_entry *entries, size_t n,
		  const fl_tarw_opts *opts, fl_err *err)
{
	static const fl_tarw_opts defaults = FL_TARW_OPTS_INIT;
	tarw w = { 0 };
	const fl_tar_entry **order = NULL;
	fl_afile *f = NULL;
	int rc;

	w.opts = opts ? opts : &defaults;
	if (w.opts->mtime < 0)
		return fl_err_set(err, FL_EINVAL, "negative archive mtime");
	order = calloc(n ? n : 1, sizeof(*order));
	w.buf = malloc(COPY_BUF);
	if (!order || !w.buf) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = &entries[i];
	if ((rc = plan(order, n, &w.total, err)) < 0 ||
	    (rc = fl_sha256_new(&w.h, err)) < 0 ||
	    (rc = fl_afile_open(&f, path, err)) < 0 ||
	    (rc = open_archive(&w, fileno(fl_afile_stream(f)), err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		if ((rc = write_one(&w, order[i], err)) < 0)
			goto cleanup;
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		rc = ar_fail(&w, err, path);
		goto cleanup;
	}
	rc = fl_afile_commit(f, err);
	f = NULL;
cleanup:
	if (rc < 0 && err && strncmp(err->msg, "writing", 7))
		fl_err_wrap(err, "writing %s", path);
	tarw_free(&w); /* before the abort: libarchive may still write to the fd */
	fl_afile_abort(f);
	free(order);
	return rc;
}
