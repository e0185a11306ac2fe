/* testutil.c - helpers for the unit tests. */
#define _GNU_SOURCE
#include "testutil.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (asprintf(&tmpl, "%s/floe-test-XXXXXX", base ? base : "/tmp") < 0)
		abort();
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		abort();
	}
	return tmpl;
}

void tu_write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(buf, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		abort();
	}
}

void tu_write(const char *path, const char *content)
{
	tu_write_bytes(path, content, strlen(content));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

void tu_rmrf(const char *path)
{
	nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS);
}

const char *tu_repo_path(const char *rel)
{
	static char out[PATH_MAX + 256];
	const char *src = getenv("FLOE_SRC");
	char dir[PATH_MAX];

	if (src) {
		snprintf(out, sizeof(out), "%s/%s", src, rel);
		return out;
	}
	if (!getcwd(dir, sizeof(dir)))
		abort();
	for (;;) {
		snprintf(out, sizeof(out), "%s/Makefile", dir);
		if (access(out, F_OK) == 0 && snprintf(out, sizeof(out), "%s/lib", dir) &&
		    access(out, F_OK) == 0)
			break;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			abort();
		*slash = '\0';
	}
	snprintf(out, sizeof(out), "%s/%s", dir, rel);
	return out;
}
