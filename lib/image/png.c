/* png.c - reading and writing PNG files with libpng. */
#include "image/png.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"

/* libpng reports errors through a callback that must not return: keep
 * the message and longjmp back to the reader. */
typedef struct png_errbuf {
	char msg[256]; /* libpng's message */
} png_errbuf;

static void on_error(png_structp png, png_const_charp msg)
{
	png_errbuf *e = png_get_error_ptr(png);

	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg; /* the library never prints; warnings are not errors */
}

/* Ask libpng for 8-bit grey, grey+alpha stripped, or RGB. */
static void set_transforms(png_structp png, png_infop info)
{
	int ct = png_get_color_type(png, info);

	if (ct == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (ct == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
}

static void to_grey(const uint8_t *buf, int channels, fl_image *im)
{
	size_t n = (size_t)im->w * im->h;

	if (channels == 1) {
		memcpy(im->px, buf, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		im->px[i] = fl_grey_rgb(buf[3 * i], buf[3 * i + 1], buf[3 * i + 2]);
}

int fl_png_read(const char *path, fl_image **out, fl_err *err)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	*out = NULL;
	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	rc = fl_png_read_fp(fp, 0, path, out, err);
	fclose(fp);
	return rc;
}

int fl_png_read_fp(FILE *fp, int sig_bytes, const char *path, fl_image **out, fl_err *err)
{
	png_structp png = NULL;
	png_infop info = NULL;
	png_errbuf eb = { "" };
	uint8_t *volatile buf = NULL;
	png_bytep *volatile rows = NULL;
	fl_image *volatile im = NULL;
	volatile int rc = 0;

	*out = NULL;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &eb, on_error, on_warning);
	if (!png || !(info = png_create_info_struct(png))) {
		rc = fl_err_set(err, FL_ENOMEM, "%s: out of memory", path);
		goto cleanup;
	}
	if (setjmp(png_jmpbuf(png))) {
		rc = fl_err_set(err, FL_EINVAL, "%s: bad PNG: %s", path, eb.msg);
		goto cleanup;
	}
	png_init_io(png, fp);
	png_set_sig_bytes(png, sig_bytes);
	png_set_user_limits(png, FL_IMAGE_MAX_SIDE, FL_IMAGE_MAX_SIDE);
	png_read_info(png, info);
	set_transforms(png, info);
	{
		int w = (int)png_get_image_width(png, info);
		int h = (int)png_get_image_height(png, info);
		int ch = png_get_channels(png, info);
		size_t rb = png_get_rowbytes(png, info);
		fl_image *tmp = NULL;

		if ((rc = fl_image_new(&tmp, w, h, err)) < 0) {
			fl_err_wrap(err, "%s", path);
			goto cleanup;
		}
		im = tmp;
		buf = malloc(rb * h);
		rows = malloc(sizeof(png_bytep) * h);
		if (!buf || !rows || (ch != 1 && ch != 3)) {
			rc = buf && rows ? fl_err_set(err, FL_EINVAL, "%s: unsupported PNG layout", path)
					 : fl_err_set(err, FL_ENOMEM, "%s: out of memory", path);
			goto cleanup;
		}
		for (int y = 0; y < h; y++)
			rows[y] = buf + rb * y;
		png_read_image(png, rows);
		png_read_end(png, NULL);
		to_grey(buf, ch, im);
	}
cleanup:
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	free(buf);
	free(rows);
	if (rc < 0)
		fl_image_free(im);
	else
		*out = im;
	return rc;
}

int fl_png_write(const fl_image *im, const char *path, fl_err *err)
{
	fl_afile *af = NULL;
	png_structp png = NULL;
	png_infop info = NULL;
	png_errbuf eb = { "" };
	volatile int rc;

	if ((rc = fl_afile_open(&af, path, err)) < 0)
		return rc;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &eb, on_error, on_warning);
	if (!png || !(info = png_create_info_struct(png))) {
		rc = fl_err_set(err, FL_ENOMEM, "%s: out of memory", path);
		goto cleanup;
	}
	if (setjmp(png_jmpbuf(png))) {
		rc = fl_err_set(err, FL_EIO, "%s: writing PNG: %s", path, eb.msg);
		goto cleanup;
	}
	png_init_io(png, fl_afile_stream(af));
	png_set_IHDR(png, info, (png_uint_32)im->w, (png_uint_32)im->h, 8, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < im->h; y++)
		png_write_row(png, im->px + (size_t)y * im->w);
	png_write_end(png, NULL);
cleanup:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	if (rc < 0) {
		fl_afile_abort(af);
		return rc;
	}
	return fl_afile_commit(af, err);
}
