/* image.c - grey images and reading them by format (sniffed magic bytes). */
#include "image/image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/png.h"
#include "image/pnm.h"
#include "image/tiff.h"

const char *const fl_image_exts[] = { "png", "pgm", "ppm", "pnm", "tif", "tiff", NULL };

int fl_image_new(fl_image **out, int w, int h, fl_err *err)
{
	fl_image *im = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_image_check_size("image", w, h, err)) < 0)
		return rc;
	if (!(im = malloc(sizeof(*im))) || !(im->px = calloc((size_t)w * h, 1))) {
		free(im);
		return fl_err_set(err, FL_ENOMEM, "out of memory for a %dx%d image", w, h);
	}
	im->w = w;
	im->h = h;
	*out = im;
	return 0;
}

int fl_image_check_size(const char *path, long w, long h, fl_err *err)
{
	if (w < 1 || h < 1 || w > FL_IMAGE_MAX_SIDE || h > FL_IMAGE_MAX_SIDE ||
	    (unsigned long)w * (unsigned long)h > FL_IMAGE_MAX_PIXELS)
		return fl_err_set(err, FL_EINVAL, "%s: bad image size %ldx%ld", path, w, h);
	return 0;
}

int fl_image_read(const char *path, fl_image **out, fl_err *err)
{
	unsigned char m[8] = { 0 };
	FILE *fp = fopen(path, "rb");
	size_t got;

	*out = NULL;
	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	got = fread(m, 1, sizeof(m), fp);
	if (ferror(fp)) {
		int e = errno;
		fclose(fp);
		return fl_err_sys(err, e, "reading %s", path);
	}
	if (got == 8 && !memcmp(m, "\x89PNG\r\n\x1a\n", 8)) { /* the common case: one open */
		int rc = fl_png_read_fp(fp, 8, path, out, err);
		fclose(fp);
		return rc;
	}
	fclose(fp);
	if (got >= 2 && m[0] == 'P' && (m[1] == '2' || m[1] == '5' || m[1] == '3' || m[1] == '6'))
		return fl_pnm_read(path, out, err);
	if (got >= 4 && (!memcmp(m, "II*\0", 4) || !memcmp(m, "MM\0*", 4)))
		return fl_tiff_read(path, out, err);
	if (got == 0)
		return fl_err_set(err, FL_EINVAL, "%s: not an image (empty file)", path);
	return fl_err_set(err, FL_EINVAL, "%s: not an image (unknown format; PNG, PGM/PPM or TIFF expected)",
			  path);
}

void fl_image_free(fl_image *im)
{
	if (!im)
		return;
	free(im->px);
	free(im);
}
