/* tiff.c - reading TIFF files with libtiff. */
#define _GNU_SOURCE
#include "image/tiff.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <tiffio.h>

/* libtiff prints errors and warnings unless handlers are installed; they
 * are process-wide, so they are set once and write the message into a
 * per-thread buffer that the reader turns into an fl_err. */
static _Thread_local char tiff_msg[256];
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static void on_error(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	vsnprintf(tiff_msg, sizeof(tiff_msg), fmt, ap);
}

static void on_warning(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	(void)fmt;
	(void)ap;
}

static void install_handlers(void)
{
	TIFFSetErrorHandler(on_error);
	TIFFSetWarningHandler(on_warning);
}

int fl_tiff_read(const char *path, fl_image **out, fl_err *err)
{
	TIFF *t = NULL;
	uint32_t w = 0, h = 0, *rgba = NULL;
	fl_image *im = NULL;
	int rc = 0;

	*out = NULL;
	pthread_once(&handlers_once, install_handlers);
	tiff_msg[0] = '\0';
	if (!(t = TIFFOpen(path, "r")))
		return fl_err_set(err, FL_EINVAL, "%s: bad TIFF: %s", path,
				  tiff_msg[0] ? tiff_msg : "cannot open");
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	if ((rc = fl_image_check_size(path, w, h, err)) < 0 ||
	    (rc = fl_image_new(&im, (int)w, (int)h, err)) < 0)
		goto cleanup;
	if (!(rgba = malloc((size_t)w * h * sizeof(uint32_t)))) {
		rc = fl_err_set(err, FL_ENOMEM, "%s: out of memory", path);
		goto cleanup;
	}
	if (!TIFFReadRGBAImageOriented(t, w, h, rgba, ORIENTATION_TOPLEFT, 1)) {
		rc = fl_err_set(err, FL_EINVAL, "%s: bad TIFF: %s", path,
				tiff_msg[0] ? tiff_msg : "cannot decode");
		goto cleanup;
	}
	for (size_t i = 0; i < (size_t)w * h; i++)
		im->px[i] = fl_grey_rgb(TIFFGetR(rgba[i]), TIFFGetG(rgba[i]), TIFFGetB(rgba[i]));
cleanup:
	TIFFClose(t);
	free(rgba);
	if (rc < 0) {
		fl_image_free(im);
		return rc;
	}
	*out = im;
	return 0;
}
