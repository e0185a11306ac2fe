/* test_image.c - image codecs, descriptors against independent formulas and
 * invariances, texture, resize, augmentation, rebalancing, the feature
 * table's thread independence and bad-file handling. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "core/atomic.h"
#include "image/augment.h"
#include "image/descriptors.h"
#include "image/image.h"
#include "image/imgfeat.h"
#include "image/png.h"
#include "image/pnm.h"
#include "image/resize.h"
#include "image/shape.h"
#include "image/texture.h"
#include "image/threshold.h"
#include "media/fileset.h"
#include "testutil.h"

static fl_image *blank(int w, int h, uint8_t v)
{
	fl_image *im = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_image_new(&im, w, h, &err), 0);
	memset(im->px, v, (size_t)w * h);
	return im;
}

static void rect(fl_image *im, int x0, int y0, int x1, int y1, uint8_t v)
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			im->px[y * im->w + x] = v;
}

static void test_png_pgm_roundtrip(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_image *im = blank(7, 5, 10), *back = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	for (int i = 0; i < 35; i++)
		im->px[i] = (uint8_t)(i * 7);
	snprintf(p, sizeof(p), "%s/a.png", dir);
	assert_int_equal(fl_png_write(im, p, &err), 0);
	assert_int_equal(fl_image_read(p, &back, &err), 0);
	assert_int_equal(back->w, 7);
	assert_int_equal(back->h, 5);
	assert_memory_equal(back->px, im->px, 35);
	fl_image_free(back);
	snprintf(p, sizeof(p), "%s/a.pgm", dir);
	assert_int_equal(fl_pgm_write(im, p, &err), 0);
	assert_int_equal(fl_image_read(p, &back, &err), 0);
	assert_memory_equal(back->px, im->px, 35);
	fl_image_free(back);
	fl_image_free(im);
	tu_rmrf(dir);
	free(dir);
}

static void test_pnm_variants_and_colour(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_image *im = NULL;
	fl_err err = FL_ERR_INIT;
	const unsigned char ppm[] = "P6\n2 1\n255\n\xff\x00\x00\x10\x20\x30";

	(void)state;
	snprintf(p, sizeof(p), "%s/a.pgm", dir);
	tu_write(p, "P2\n# comment\n3 1\n15\n0 15 5\n");
	assert_int_equal(fl_image_read(p, &im, &err), 0);
	assert_int_equal(im->px[0], 0);
	assert_int_equal(im->px[1], 255);
	assert_int_equal(im->px[2], 85); /* 5 * 255 / 15 */
	fl_image_free(im);
	snprintf(p, sizeof(p), "%s/c.ppm", dir);
	tu_write_bytes(p, ppm, sizeof(ppm) - 1);
	assert_int_equal(fl_image_read(p, &im, &err), 0);
	assert_int_equal(im->px[0], (299 * 255 + 500) / 1000);
	assert_int_equal(im->px[1], (299 * 0x10 + 587 * 0x20 + 114 * 0x30 + 500) / 1000);
	fl_image_free(im);
	/* 16-bit big-endian samples */
	const unsigned char pgm16[] = "P5\n1 1\n65535\n\x80\x00";
	snprintf(p, sizeof(p), "%s/w.pgm", dir);
	tu_write_bytes(p, pgm16, sizeof(pgm16) - 1);
	assert_int_equal(fl_image_read(p, &im, &err), 0);
	assert_int_equal(im->px[0], 128);
	fl_image_free(im);
	tu_rmrf(dir);
	free(dir);
}

static void test_tiff_read(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_image *im = NULL;
	fl_err err = FL_ERR_INIT;
	uint8_t row[4] = { 0, 50, 100, 250 };

	(void)state;
	snprintf(p, sizeof(p), "%s/a.tif", dir);
	TIFF *t = TIFFOpen(p, "w");
	assert_non_null(t);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 4);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, 2);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	for (int y = 0; y < 2; y++)
		assert_true(TIFFWriteScanline(t, row, (uint32_t)y, 0) >= 0);
	TIFFClose(t);
	assert_int_equal(fl_image_read(p, &im, &err), 0);
	assert_int_equal(im->w, 4);
	assert_memory_equal(im->px + 4, row, 4);
	fl_image_free(im);
	tu_rmrf(dir);
	free(dir);
}

static void test_bad_images(void **state)
{
	char *dir = tu_tmpdir(), p[4096], *png = NULL;
	fl_image *im = blank(32, 32, 0), *back = NULL;
	fl_err err = FL_ERR_INIT;
	FILE *fp;
	long len;

	(void)state;
	for (int i = 0; i < 32 * 32; i++)
		im->px[i] = (uint8_t)(i * 37 % 251);
	snprintf(p, sizeof(p), "%s/text.png", dir);
	tu_write(p, "this is not an image\n");
	assert_int_equal(fl_image_read(p, &back, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "text.png: not an image"));
	snprintf(p, sizeof(p), "%s/empty.png", dir);
	tu_write(p, "");
	assert_int_equal(fl_image_read(p, &back, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "empty file"));
	/* a PNG cut in the middle of its data */
	snprintf(p, sizeof(p), "%s/cut.png", dir);
	assert_int_equal(fl_png_write(im, p, &err), 0);
	fp = fopen(p, "rb");
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	png = malloc((size_t)len);
	assert_int_equal(fread(png, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	tu_write_bytes(p, png, (size_t)len / 2);
	assert_int_equal(fl_image_read(p, &back, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "cut.png: bad PNG"));
	assert_null(back);
	/* a PGM with fewer samples than its header promises, and a huge header */
	snprintf(p, sizeof(p), "%s/short.pgm", dir);
	tu_write(p, "P5\n4 4\n255\nabc");
	assert_int_equal(fl_image_read(p, &back, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	tu_write(p, "P5\n99999999 99999999\n255\n");
	assert_int_equal(fl_image_read(p, &back, &err), FL_EINVAL);
	snprintf(p, sizeof(p), "%s/bad.tif", dir);
	tu_write_bytes(p, "II*\0\x08\0\0\0garbage", 15);
	assert_int_equal(fl_image_read(p, &back, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "bad TIFF"));
	free(png);
	fl_image_free(im);
	tu_rmrf(dir);
	free(dir);
}

static void test_otsu_bimodal(void **state)
{
	uint32_t h[256] = { 0 };

	(void)state;
	h[20] = 100;
	h[30] = 50;
	h[200] = 80;
	h[220] = 40;
	int t = fl_otsu_threshold(h);
	assert_true(t >= 30 && t < 200);
	memset(h, 0, sizeof(h));
	h[77] = 10;
	assert_int_equal(fl_otsu_threshold(h), 77); /* flat: nothing above */
}

static double desc(const fl_image *im, const char *name)
{
	fl_imgdesc_opts o = FL_IMGDESC_OPTS_INIT;
	size_t n = fl_imgdesc_count(&o);
	double *v = malloc(n * sizeof(double)), r = NAN;
	fl_err err = FL_ERR_INIT;
	char buf[64];

	assert_int_equal(fl_imgdesc_compute(im, &o, v, &err), 0);
	for (size_t j = 0; j < n; j++) {
		fl_imgdesc_name(&o, j, buf, sizeof(buf));
		if (!strcmp(buf, name))
			r = v[j];
	}
	free(v);
	assert_false(isnan(r));
	return r;
}

static void test_descriptors_rectangle(void **state)
{
	fl_image *im = blank(20, 16, 10);

	(void)state;
	rect(im, 3, 4, 13, 8, 200); /* 10 wide, 4 tall */
	rect(im, 16, 12, 18, 14, 220); /* a smaller second object */
	assert_float_equal(desc(im, "n_objects"), 2, 0);
	assert_float_equal(desc(im, "area"), 40, 0);
	assert_float_equal(desc(im, "equivalent_diameter"), sqrt(4 * 40 / M_PI), 1e-12);
	assert_float_equal(desc(im, "extent"), 1, 1e-12);
	assert_float_equal(desc(im, "solidity"), 1, 1e-12);
	/* a w x h rectangle: variance along the long side (w^2 - 1) / 12 */
	assert_float_equal(desc(im, "major_axis_length"), 4 * sqrt(99.0 / 12), 1e-9);
	assert_float_equal(desc(im, "minor_axis_length"), 4 * sqrt(15.0 / 12), 1e-9);
	assert_float_equal(fabs(desc(im, "orientation")), M_PI / 2, 1e-12);
	assert_float_equal(desc(im, "intensity_mean"), 200 / 255.0, 1e-12);
	assert_float_equal(desc(im, "intensity_std"), 0, 1e-12);
	/* histogram: fractions summing to 1 */
	double s = 0;
	char nm[32];
	for (int b = 1; b <= 16; b++) {
		snprintf(nm, sizeof(nm), "hist_%02d", b);
		s += desc(im, nm);
	}
	assert_float_equal(s, 1, 1e-12);
	fl_image_free(im);
}

static void test_descriptors_invariance(void **state)
{
	fl_image *im = blank(24, 20, 0), *rot = NULL;
	fl_aug a = { 0, 1, 0, 0 };
	fl_err err = FL_ERR_INIT;
	static const char *const inv[] = { "area", "perimeter", "solidity", "eccentricity",
					   "hu1", "hu2", "hu3", "hu4", "hu5", "hu6" };

	(void)state;
	rect(im, 4, 3, 8, 15, 180); /* an L shape */
	rect(im, 4, 12, 16, 15, 180);
	im->px[5 * 24 + 9] = 60;
	assert_int_equal(fl_aug_apply(im, &a, &rot, &err), 0);
	for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++) {
		double x = desc(im, inv[i]), y = desc(rot, inv[i]);
		assert_true(fabs(x - y) <= 1e-9 * (1 + fabs(x)));
	}
	assert_true(desc(im, "solidity") < 1);
	fl_image_free(rot);
	fl_image_free(im);
}

static void test_empty_object(void **state)
{
	fl_image *im = blank(5, 5, 90);

	(void)state;
	assert_float_equal(desc(im, "n_objects"), 0, 0);
	assert_float_equal(desc(im, "area"), 0, 0);
	assert_float_equal(desc(im, "glcm_contrast"), 0, 0);
	assert_float_equal(desc(im, "glcm_energy"), 1, 1e-12);
	fl_image_free(im);
}

static void test_glcm_checkerboard(void **state)
{
	fl_image *im = blank(8, 8, 0);
	double work[64 * 64];
	fl_glcm_props g;

	(void)state;
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++)
			im->px[y * 8 + x] = (x + y) % 2 ? 255 : 0;
	fl_glcm(im->px, 8, 8, 8, work, &g);
	/* 0 and 90 degrees: all pairs differ by 7 levels; diagonals: equal */
	assert_float_equal(g.contrast, (49 + 0 + 49 + 0) / 4.0, 1e-12);
	assert_float_equal(g.homogeneity, (1 / 50.0 + 1 + 1 / 50.0 + 1) / 4, 1e-12);
	assert_float_equal(g.correlation, (-1 + 1 + -1 + 1) / 4.0, 1e-12);
	fl_image_free(im);
}

static void test_resize_area(void **state)
{
	fl_image *im = blank(4, 4, 0);
	double out[4], big[64];

	(void)state;
	for (int i = 0; i < 16; i++)
		im->px[i] = (uint8_t)(i * 10);
	fl_image_resize_area(im, 2, out);
	assert_float_equal(out[0], (0 + 10 + 40 + 50) / 4.0 / 255, 1e-12);
	assert_float_equal(out[3], (100 + 110 + 140 + 150) / 4.0 / 255, 1e-12);
	fl_image_resize_area(im, 8, big); /* enlarging: each pixel repeated */
	assert_float_equal(big[0], 0, 1e-12);
	assert_float_equal(big[8 * 7 + 7], 150 / 255.0, 1e-12);
	fl_image_free(im);
	im = blank(3, 5, 0); /* non-multiple size: the mean is preserved */
	double s = 0, o3[9];
	for (int i = 0; i < 15; i++) {
		im->px[i] = (uint8_t)(i * 13);
		s += i * 13;
	}
	fl_image_resize_area(im, 3, o3);
	double m = 0;
	for (int i = 0; i < 9; i++)
		m += o3[i];
	assert_float_equal(m / 9, s / 15 / 255, 1e-12);
	fl_image_free(im);
}

static void test_augment_transforms(void **state)
{
	fl_image *im = blank(3, 2, 0), *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;
	fl_aug r1 = { 0, 1, 0, 0 }, f = { 1, 0, 0, 0 }, sh = { 0, 0, 1, 0 };
	/* 1 2 3      rotated 90 degrees counter-clockwise:  3 6
	 * 4 5 6                                              2 5
	 *                                                    1 4 */
	const uint8_t want[6] = { 3, 6, 2, 5, 1, 4 };

	(void)state;
	for (int i = 0; i < 6; i++)
		im->px[i] = (uint8_t)(i + 1);
	assert_int_equal(fl_aug_apply(im, &r1, &a, &err), 0);
	assert_int_equal(a->w, 2);
	assert_int_equal(a->h, 3);
	assert_memory_equal(a->px, want, 6);
	for (int k = 0; k < 3; k++) { /* four turns: the original */
		assert_int_equal(fl_aug_apply(a, &r1, &b, &err), 0);
		fl_image_free(a);
		a = b;
	}
	assert_memory_equal(a->px, im->px, 6);
	fl_image_free(a);
	assert_int_equal(fl_aug_apply(im, &f, &a, &err), 0);
	assert_int_equal(a->px[0], 3);
	assert_int_equal(a->px[5], 4);
	fl_image_free(a);
	assert_int_equal(fl_aug_apply(im, &sh, &a, &err), 0);
	assert_int_equal(a->px[1], 1); /* moved right by one */
	fl_image_free(a);
	/* flip then rotate on a non-square image, checked pixel by pixel */
	fl_aug fr = { 1, 3, 0, 0 };
	assert_int_equal(fl_aug_apply(im, &fr, &a, &err), 0);
	/* flip: 3 2 1 / 6 5 4; three turns counter-clockwise = one clockwise:
	 * 6 3 / 5 2 / 4 1 */
	const uint8_t want2[6] = { 6, 3, 5, 2, 4, 1 };
	assert_memory_equal(a->px, want2, 6);
	fl_image_free(a);
	fl_image_free(im);
}

static int same_plan(const fl_plan_item *p, const fl_plan_item *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].src != q[i].src || p[i].aug.flip != q[i].aug.flip ||
		    p[i].aug.rot90 != q[i].aug.rot90 || p[i].aug.dx != q[i].aug.dx ||
		    p[i].aug.dy != q[i].aug.dy)
			return 0;
	return 1;
}

static void test_rebalance_plan(void **state)
{
	int labels[23];
	fl_rebalance_opts o = FL_REBALANCE_OPTS_INIT;
	fl_plan_item *p = NULL, *q = NULL;
	size_t n = 0, m = 0, per[3] = { 0 };
	fl_err err = FL_ERR_INIT;

	(void)state;
	for (int i = 0; i < 23; i++)
		labels[i] = i < 15 ? 0 : i < 20 ? 1 : 2; /* 15, 5, 3 */
	o.min_per_class = 6;
	o.max_per_class = 10;
	o.seed = 7;
	assert_int_equal(fl_rebalance_plan(labels, 23, 3, &o, &p, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		per[labels[p[i].src]]++;
		if (i > 0 && fl_aug_is_identity(&p[i].aug) && fl_aug_is_identity(&p[i - 1].aug))
			assert_true(p[i].src > p[i - 1].src); /* originals keep their order */
	}
	assert_int_equal(per[0], 10);
	assert_int_equal(per[1], 6);
	assert_int_equal(per[2], 6);
	assert_int_equal(n, 22);
	assert_int_equal(fl_rebalance_plan(labels, 23, 3, &o, &q, &m, &err), 0);
	assert_int_equal(m, n);
	assert_int_equal(same_plan(p, q, n), 1);
	free(q);
	o.seed = 8;
	assert_int_equal(fl_rebalance_plan(labels, 23, 3, &o, &q, &m, &err), 0);
	assert_int_equal(same_plan(p, q, n), 0);
	free(p);
	free(q);
}

/* A labelled folder of small images with one bad file. */
static char *make_folder(void)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_err err = FL_ERR_INIT;

	for (int c = 0; c < 2; c++) {
		snprintf(p, sizeof(p), "%s/%s", dir, c ? "diatom" : "copepod");
		assert_int_equal(fl_mkdir_p(p, &err), 0);
		for (int i = 0; i < 9; i++) {
			fl_image *im = blank(12 + i, 10, 5);
			rect(im, 2, 2, 6 + i % 5 + c * 3, 7, (uint8_t)(150 + 10 * i));
			snprintf(p, sizeof(p), "%s/%s/%03d.png", dir, c ? "diatom" : "copepod", i);
			assert_int_equal(fl_png_write(im, p, &err), 0);
			fl_image_free(im);
		}
	}
	snprintf(p, sizeof(p), "%s/diatom/zz-broken.png", dir);
	tu_write(p, "\x89PNG\r\n\x1a\nnot really");
	return dir;
}

static void test_imgfeat_threads_and_bad_files(void **state)
{
	char *dir = make_folder();
	fl_fileset_opts so = { fl_image_exts, FL_LAYOUT_AUTO, FL_BAD_SKIP };
	fl_imgfeat_opts o = FL_IMGFEAT_OPTS_INIT;
	fl_fileset *set = NULL;
	fl_featmat *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_fileset_scan(dir, &so, &set, &err), 0);
	assert_int_equal(set->n, 19);
	o.on_bad = FL_BAD_FAIL;
	assert_int_equal(fl_imgfeat_compute(set, &o, &a, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "zz-broken.png"));
	o.on_bad = FL_BAD_SKIP;
	o.rebalance = 1;
	o.balance.min_per_class = 12;
	o.balance.seed = 3;
	o.n_threads = 1;
	assert_int_equal(fl_imgfeat_compute(set, &o, &a, &err), 0);
	o.n_threads = 3;
	assert_int_equal(fl_imgfeat_compute(set, &o, &b, &err), 0);
	/* 9 + 3 copies, 10 + 2 copies (of the first two), less the broken file */
	assert_int_equal(a->n_rows, 9 + 3 + 10 + 2 - 1);
	assert_int_equal(a->n_rows, b->n_rows);
	assert_memory_equal(a->x, b->x, a->n_rows * a->n_cols * sizeof(double));
	for (size_t r = 0; r < a->n_rows; r++)
		assert_string_equal(a->ids[r * 2 + 1], b->ids[r * 2 + 1]);
	fl_featmat_free(a);
	fl_featmat_free(b);
	o.kind = FL_IMGFEAT_PIXELS;
	o.pixels = 4;
	o.rebalance = 0;
	assert_int_equal(fl_imgfeat_compute(set, &o, &a, &err), 0);
	assert_int_equal(a->n_cols, 16);
	assert_string_equal(a->col_names[15], "px_0015");
	assert_string_equal(a->labels[0], "copepod");
	fl_featmat_free(a);
	fl_fileset_free(set);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_pgm_roundtrip),
		cmocka_unit_test(test_pnm_variants_and_colour),
		cmocka_unit_test(test_tiff_read),
		cmocka_unit_test(test_bad_images),
		cmocka_unit_test(test_otsu_bimodal),
		cmocka_unit_test(test_descriptors_rectangle),
		cmocka_unit_test(test_descriptors_invariance),
		cmocka_unit_test(test_empty_object),
		cmocka_unit_test(test_glcm_checkerboard),
		cmocka_unit_test(test_resize_area),
		cmocka_unit_test(test_augment_transforms),
		cmocka_unit_test(test_rebalance_plan),
		cmocka_unit_test(test_imgfeat_threads_and_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
