/* kind_image_features.c - the `image_features` step kind: a folder of
 * images (class folders or unlabelled) -> a floe table of descriptors or
 * N x N pixels per image, with a `file` id column and a `label` column
 * from the class folder names (docs/images.md). */
#include <string.h>

#include "image/image.h"
#include "image/imgfeat.h"
#include "media/mediakind.h"
#include "recipe/kinds.h"
#include "recipe/kparam.h"

static const fl_param_spec params[] = {
	{ "features", FL_PARAM_STRING, 0, "descriptors",
	  "descriptors (shape, intensity, texture) or pixels (N x N raw pixels)" },
	{ "pixels", FL_PARAM_INT, 0, "28", "N of the pixels features (1..1024)" },
	{ "hist_bins", FL_PARAM_INT, 0, "16", "intensity histogram bins (1..256)" },
	{ "glcm_levels", FL_PARAM_INT, 0, "8", "grey levels of the texture matrix (2..64)" },
	{ "object", FL_PARAM_STRING, 0, "bright",
	  "bright or dark: which side of the Otsu threshold is the object" },
	{ "min_per_class", FL_PARAM_INT, 0, "0",
	  "augment smaller classes up to this many images (seeded); 0: no" },
	{ "max_per_class", FL_PARAM_INT, 0, "0",
	  "subsample larger classes down to this many images (seeded); 0: no" },
	{ "max_shift", FL_PARAM_INT, 0, "2", "augmentation shifts up to this many pixels (0..8)" },
	{ "rotate", FL_PARAM_BOOL, 0, "true", "augmentation may rotate by 90 degrees" },
	{ "flip", FL_PARAM_BOOL, 0, "true", "augmentation may mirror" },
	FL_MEDIA_COMMON_PARAMS,
	{ NULL, 0, 0, NULL, NULL },
};
static const fl_slot inputs[] = { { "images", 0 }, { NULL, 0 } };
static const char *const outputs[] = { "table.h5", NULL };
static const char *const libs[] = { "hdf5", "libpng", "libtiff", NULL };

/* An integer parameter in [lo, hi] (positioned error). */
static int int_in(const fl_step_ctx *ctx, const char *key, int64_t lo, int64_t hi, int64_t *v,
		  fl_err *err)
{
	int rc = fl_kparam_int(ctx, key, v, err);

	if (rc == 0 && (*v < lo || *v > hi))
		return fl_value_error(err, fl_kparam(ctx, key), FL_EINVAL,
				      "'%s' must be in %lld..%lld", key, (long long)lo, (long long)hi);
	return rc;
}

static int parse(const fl_step_ctx *ctx, fl_imgfeat_opts *o, fl_layout *layout, fl_err *err)
{
	const fl_value *f = fl_kparam(ctx, "features"), *ob = fl_kparam(ctx, "object");
	int64_t px, bins, lev, mn, mx, sh;
	int rc;

	if ((rc = int_in(ctx, "pixels", 1, 1024, &px, err)) < 0 ||
	    (rc = int_in(ctx, "hist_bins", 1, 256, &bins, err)) < 0 ||
	    (rc = int_in(ctx, "glcm_levels", 2, 64, &lev, err)) < 0 ||
	    (rc = int_in(ctx, "min_per_class", 0, 100000000, &mn, err)) < 0 ||
	    (rc = int_in(ctx, "max_per_class", 0, 100000000, &mx, err)) < 0 ||
	    (rc = int_in(ctx, "max_shift", 0, 8, &sh, err)) < 0 ||
	    (rc = fl_kparam_bool(ctx, "rotate", &o->balance.rotate, err)) < 0 ||
	    (rc = fl_kparam_bool(ctx, "flip", &o->balance.flip, err)) < 0 ||
	    (rc = fl_media_common(ctx, layout, &o->on_bad, err)) < 0)
		return rc;
	if (!strcmp(f->text, "pixels"))
		o->kind = FL_IMGFEAT_PIXELS;
	else if (strcmp(f->text, "descriptors"))
		return fl_value_error(err, f, FL_EINVAL,
				      "'features' must be descriptors or pixels, not '%s'", f->text);
	if (strcmp(ob->text, "bright") && strcmp(ob->text, "dark"))
		return fl_value_error(err, ob, FL_EINVAL, "'object' must be bright or dark, not '%s'",
				      ob->text);
	if (mx > 0 && mn > mx)
		return fl_value_error(err, fl_kparam(ctx, "min_per_class"), FL_EINVAL,
				      "'min_per_class' (%lld) is above 'max_per_class' (%lld)",
				      (long long)mn, (long long)mx);
	o->desc.polarity = !strcmp(ob->text, "dark") ? FL_OBJECT_DARK : FL_OBJECT_BRIGHT;
	o->pixels = (int)px;
	o->desc.hist_bins = (int)bins;
	o->desc.glcm_levels = (int)lev;
	o->balance.min_per_class = (size_t)mn;
	o->balance.max_per_class = (size_t)mx;
	o->balance.max_shift = (int)sh;
	o->balance.seed = ctx->seed;
	o->rebalance = mn > 0 || mx > 0;
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	fl_imgfeat_opts o = FL_IMGFEAT_OPTS_INIT;
	fl_layout layout;

	return parse(ctx, &o, &layout, err);
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	const char *root = fl_step_input(ctx, "images");
	fl_imgfeat_opts o = FL_IMGFEAT_OPTS_INIT;
	fl_fileset_opts so = { fl_image_exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_fileset *set = NULL;
	fl_featmat *m = NULL;
	fl_table *t = NULL;
	int rc;

	_Static_assert(sizeof(sig_atomic_t) == sizeof(int), "stop flag is an int");
	if ((rc = parse(ctx, &o, &so.layout, err)) < 0)
		return rc;
	so.on_bad = o.on_bad;
	o.n_threads = ctx->n_threads;
	o.progress = ctx->progress;
	o.stop = (const volatile int *)ctx->stop;
	if ((rc = fl_fileset_scan(root, &so, &set, err)) < 0 ||
	    (rc = fl_imgfeat_compute(set, &o, &m, err)) < 0 ||
	    (rc = fl_media_table(m, root, &t, err)) < 0 ||
	    (rc = fl_media_write(ctx, "image_features", "table.h5", root, t, err)) < 0)
		fl_err_wrap(err, "step '%s'", ctx->step);
	fl_table_free(t);
	fl_featmat_free(m);
	fl_fileset_free(set);
	return rc;
}

const fl_step_kind fl_kind_image_features = {
	"image_features",
	"a folder of images -> a table of descriptors or N x N pixels per image",
	params, inputs, outputs, libs, check, run,
};
