/* atomic.c - atomic file writes and whole-file reads. */
#define _GNU_SOURCE
#include "core/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fl_afile {
	FILE *fp;     /* stream on the temporary file */
	char *path;   /* final path */
	char *tmp;    /* temporary path in the same folder */
};

static char *dir_of(const char *path)
{
	char *copy = strdup(path);
	char *d;

	if (!copy)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

static int fsync_dir(const char *path, fl_err *err)
{
	char *dir = dir_of(path);
	int fd, rc = 0;

	if (!dir)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = fl_err_sys(err, errno, "syncing folder %s", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

static int make_tmp(fl_afile *f, fl_err *err)
{
	char *dir = dir_of(f->path);
	const char *base = strrchr(f->path, '/');
	int fd;

	base = base ? base + 1 : f->path;
	if (!dir || asprintf(&f->tmp, "%s/.%s.tmp.XXXXXX", dir, base) < 0) {
		free(dir);
		f->tmp = NULL;
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	free(dir);
	fd = mkostemp(f->tmp, O_CLOEXEC);
	if (fd < 0)
		return fl_err_sys(err, errno, "creating a temporary file for %s",
				  f->path);
	/* mkostemp makes 0600; give the final file ordinary permissions. */
	mode_t um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) < 0 || !(f->fp = fdopen(fd, "wb"))) {
		int e = errno;
		close(fd);
		unlink(f->tmp);
		return fl_err_sys(err, e, "opening %s", f->tmp);
	}
	return 0;
}

int fl_afile_open(fl_afile **out, const char *path, fl_err *err)
{
	fl_afile *f = calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = make_tmp(f, err)) < 0) {
		free(f->tmp);
		free(f->path);
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

FILE *fl_afile_stream(fl_afile *f)
{
	return f->fp;
}

const char *fl_afile_tmp_path(const fl_afile *f)
{
	return f->tmp;
}

static void afile_free(fl_afile *f)
{
	free(f->path);
	free(f->tmp);
	free(f);
}

int fl_afile_commit(fl_afile *f, fl_err *err)
{
	int rc = 0;

	if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) < 0)
		rc = fl_err_sys(err, errno, "writing %s", f->path);
	if (fclose(f->fp) != 0 && rc == 0)
		rc = fl_err_sys(err, errno, "writing %s", f->path);
	f->fp = NULL;
	if (rc == 0 && rename(f->tmp, f->path) < 0)
		rc = fl_err_sys(err, errno, "renaming %s to %s", f->tmp, f->path);
	if (rc < 0)
		unlink(f->tmp);
	else
		rc = fsync_dir(f->path, err);
	afile_free(f);
	return rc;
}

void fl_afile_abort(fl_afile *f)
{
	if (!f)
		return;
	if (f->fp)
		fclose(f->fp);
	unlink(f->tmp);
	afile_free(f);
}

int fl_write_file_atomic(const char *path, const void *buf, size_t len,
			 fl_err *err)
{
	fl_afile *f;
	int rc;

	if ((rc = fl_afile_open(&f, path, err)) < 0)
		return rc;
	if (len && fwrite(buf, 1, len, fl_afile_stream(f)) != len) {
		rc = fl_err_sys(err, errno, "writing %s", path);
		fl_afile_abort(f);
		return rc;
	}
	return fl_afile_commit(f, err);
}

int fl_read_file(const char *path, char **out, size_t *len_out, fl_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	for (;;) {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap = cap * 2 + 65536);
			if (!nb) {
				free(buf);
				fclose(fp);
				return fl_err_set(err, FL_ENOMEM, "out of memory");
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		int e = errno;
		free(buf);
		fclose(fp);
		return fl_err_sys(err, e, "%s", path);
	}
	fclose(fp);
	buf[len] = '\0';
	*out = buf;
	if (len_out)
		*len_out = len;
	return 0;
}

int fl_mkdir_p(const char *path, fl_err *err)
{
	char *p = strdup(path);
	int rc = 0;

	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			rc = fl_err_sys(err, errno, "creating folder %s", p);
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}
