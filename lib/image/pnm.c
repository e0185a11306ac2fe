/* pnm.c - reading PGM/PPM and writing PGM. */
#include "image/pnm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"

typedef struct cursor {
	const unsigned char *p; /* next byte */
	const unsigned char *end;
} cursor;

/* Skip white space and '#' comments. */
static void skip_ws(cursor *c)
{
	while (c->p < c->end) {
		if (*c->p == '#') {
			while (c->p < c->end && *c->p != '\n')
				c->p++;
		} else if (isspace(*c->p)) {
			c->p++;
		} else {
			break;
		}
	}
}

/* A decimal number; -1 when there is none or it is too large. */
static long number(cursor *c)
{
	long v = 0;
	int digits = 0;

	skip_ws(c);
	while (c->p < c->end && isdigit(*c->p) && v < 100000000) {
		v = v * 10 + (*c->p++ - '0');
		digits++;
	}
	return digits ? v : -1;
}

/* Sample i of a raw or plain body, rescaled to 0..255; -1 past the end. */
static int sample(cursor *c, int plain, long maxval)
{
	long v;

	if (plain) {
		v = number(c);
		if (v < 0)
			return -1;
	} else if (maxval < 256) {
		if (c->p >= c->end)
			return -1;
		v = *c->p++;
	} else {
		if (c->end - c->p < 2)
			return -1;
		v = (c->p[0] << 8) | c->p[1];
		c->p += 2;
	}
	if (v > maxval)
		v = maxval;
	return (int)((v * 255 + maxval / 2) / maxval);
}

static int read_body(cursor *c, const char *path, int plain, int colour, long maxval,
		     fl_image *im, fl_err *err)
{
	size_t n = (size_t)im->w * im->h;

	for (size_t i = 0; i < n; i++) {
		int r = sample(c, plain, maxval), g = r, b = r;

		if (colour) {
			g = sample(c, plain, maxval);
			b = sample(c, plain, maxval);
		}
		if (r < 0 || g < 0 || b < 0)
			return fl_err_set(err, FL_EINVAL, "%s: bad PGM/PPM: truncated after %zu of %zu pixels",
					  path, i, n);
		im->px[i] = colour ? fl_grey_rgb((unsigned)r, (unsigned)g, (unsigned)b) : (uint8_t)r;
	}
	return 0;
}

int fl_pnm_read(const char *path, fl_image **out, fl_err *err)
{
	char *text = NULL;
	size_t len = 0;
	fl_image *im = NULL;
	cursor c;
	long w, h, maxval;
	int rc, kind;

	*out = NULL;
	if ((rc = fl_read_file(path, &text, &len, err)) < 0)
		return rc;
	c.p = (const unsigned char *)text + 2;
	c.end = (const unsigned char *)text + len;
	kind = len >= 2 ? text[1] : 0;
	w = number(&c);
	h = number(&c);
	maxval = number(&c);
	if (w < 0 || h < 0 || maxval < 1 || maxval > 65535) {
		rc = fl_err_set(err, FL_EINVAL, "%s: bad PGM/PPM: malformed header", path);
		goto cleanup;
	}
	if ((rc = fl_image_check_size(path, w, h, err)) < 0 ||
	    (rc = fl_image_new(&im, (int)w, (int)h, err)) < 0)
		goto cleanup;
	if (kind == '5' || kind == '6') {
		if (c.p >= c.end || !isspace(*c.p)) {
			rc = fl_err_set(err, FL_EINVAL, "%s: bad PGM/PPM: truncated header", path);
			goto cleanup;
		}
		c.p++; /* exactly one white-space byte before raw samples */
	}
	rc = read_body(&c, path, kind == '2' || kind == '3', kind == '3' || kind == '6', maxval, im,
		       err);
cleanup:
	free(text);
	if (rc < 0) {
		fl_image_free(im);
		return rc;
	}
	*out = im;
	return 0;
}

int fl_pgm_write(const fl_image *im, const char *path, fl_err *err)
{
	fl_afile *af = NULL;
	size_t n = (size_t)im->w * im->h;
	int rc;

	if ((rc = fl_afile_open(&af, path, err)) < 0)
		return rc;
	fprintf(fl_afile_stream(af), "P5\n%d %d\n255\n", im->w, im->h);
	fwrite(im->px, 1, n, fl_afile_stream(af));
	return fl_afile_commit(af, err);
}
