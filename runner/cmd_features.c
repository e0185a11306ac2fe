/* cmd_features.c - `floe features images|audio`: a feature table (CSV)
 * from a folder of images or sounds, until recipes run these as steps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/audiofeat.h"
#include "audio/sound.h"
#include "cli.h"
#include "image/image.h"
#include "image/imgfeat.h"
#include "media/featmat.h"
#include "media/fileset.h"

/* Whole number in [lo, hi] or a usage error. */
static int num_int(const fl_cmd *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return cli_usage_error(cmd, "%s needs a whole number in %ld..%ld, not '%s'", opt, lo, hi, s);
	*out = v;
	return 0;
}

static int num_real(const fl_cmd *cmd, const char *opt, const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || v < 0)
		return cli_usage_error(cmd, "%s needs a number >= 0, not '%s'", opt, s);
	*out = v;
	return 0;
}

static int layout_of(const fl_cmd *cmd, const char *s, fl_layout *out)
{
	if (!strcmp(s, "auto"))
		*out = FL_LAYOUT_AUTO;
	else if (!strcmp(s, "labelled"))
		*out = FL_LAYOUT_LABELLED;
	else if (!strcmp(s, "unlabelled"))
		*out = FL_LAYOUT_UNLABELLED;
	else
		return cli_usage_error(cmd, "--layout must be auto, labelled or unlabelled, not '%s'", s);
	return 0;
}

/* Write the matrix and say what was written. */
static int finish(const fl_featmat *m, const char *path, int threads, int quiet)
{
	fl_err err = FL_ERR_INIT;

	if (fl_featmat_write_csv(m, path, threads, &err) < 0)
		return cli_fail(&err);
	if (!quiet)
		fprintf(stderr, "%zu rows x %zu features -> %s\n", m->n_rows, m->n_cols, path);
	return FL_EXIT_OK;
}

enum { O_OUT = 'o', O_THREADS = 256, O_PIXELS, O_DESC, O_BINS, O_LEVELS, O_OBJECT, O_LAYOUT,
       O_BADFILE, O_MIN, O_MAX, O_SHIFT, O_NOROT, O_NOFLIP, O_SEED, O_RATE, O_NFFT, O_HOP,
       O_MELS, O_MFCC, O_FMIN, O_FMAX, O_WINDOW, O_WHOP, O_LABELS, O_QUIET };

static int image_opt(const fl_cmd *cmd, int c, const char *a, fl_imgfeat_opts *o)
{
	long v = 0;
	int rc = 0;

	switch (c) {
	case O_PIXELS: rc = num_int(cmd, "--pixels", a, 1, 1024, &v); o->kind = FL_IMGFEAT_PIXELS; o->pixels = (int)v; break;
	case O_DESC: o->kind = FL_IMGFEAT_DESCRIPTORS; break;
	case O_BINS: rc = num_int(cmd, "--hist-bins", a, 1, 256, &v); o->desc.hist_bins = (int)v; break;
	case O_LEVELS: rc = num_int(cmd, "--glcm-levels", a, 2, 64, &v); o->desc.glcm_levels = (int)v; break;
	case O_OBJECT:
		if (strcmp(a, "bright") && strcmp(a, "dark"))
			return cli_usage_error(cmd, "--object must be bright or dark, not '%s'", a);
		o->desc.polarity = !strcmp(a, "dark") ? FL_OBJECT_DARK : FL_OBJECT_BRIGHT;
		break;
	case O_MIN: rc = num_int(cmd, "--min-per-class", a, 0, 100000000, &v); o->balance.min_per_class = (size_t)v; o->rebalance = 1; break;
	case O_MAX: rc = num_int(cmd, "--max-per-class", a, 0, 100000000, &v); o->balance.max_per_class = (size_t)v; o->rebalance = 1; break;
	case O_SHIFT: rc = num_int(cmd, "--max-shift", a, 0, 8, &v); o->balance.max_shift = (int)v; break;
	case O_NOROT: o->balance.rotate = 0; break;
	case O_NOFLIP: o->balance.flip = 0; break;
	case O_SEED: rc = num_int(cmd, "--seed", a, 0, 2147483647L, &v); o->balance.seed = (uint64_t)v; break;
	default: return -1;
	}
	return rc;
}

static int audio_opt(const fl_cmd *cmd, int c, const char *a, fl_audiofeat_opts *o)
{
	long v = 0;
	int rc = 0;

	switch (c) {
	case O_RATE: rc = num_int(cmd, "--rate", a, 0, 384000, &v); o->rate = (int)v; break;
	case O_NFFT: rc = num_int(cmd, "--n-fft", a, 16, 65536, &v); o->n_fft = (int)v; break;
	case O_HOP: rc = num_int(cmd, "--hop", a, 1, 65536, &v); o->hop = (int)v; break;
	case O_MELS: rc = num_int(cmd, "--n-mels", a, 1, 512, &v); o->n_mels = (int)v; break;
	case O_MFCC: rc = num_int(cmd, "--n-mfcc", a, 0, 512, &v); o->n_mfcc = (int)v; break;
	case O_FMIN: rc = num_real(cmd, "--fmin", a, &o->fmin); break;
	case O_FMAX: rc = num_real(cmd, "--fmax", a, &o->fmax); break;
	case O_WINDOW: rc = num_real(cmd, "--window", a, &o->window_s); break;
	case O_WHOP: rc = num_real(cmd, "--window-hop", a, &o->window_hop_s); break;
	default: return -1;
	}
	return rc;
}

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, O_OUT }, { "threads", required_argument, NULL, O_THREADS },
	{ "pixels", required_argument, NULL, O_PIXELS }, { "descriptors", no_argument, NULL, O_DESC },
	{ "hist-bins", required_argument, NULL, O_BINS }, { "glcm-levels", required_argument, NULL, O_LEVELS },
	{ "object", required_argument, NULL, O_OBJECT }, { "layout", required_argument, NULL, O_LAYOUT },
	{ "on-bad-file", required_argument, NULL, O_BADFILE },
	{ "min-per-class", required_argument, NULL, O_MIN }, { "max-per-class", required_argument, NULL, O_MAX },
	{ "max-shift", required_argument, NULL, O_SHIFT }, { "no-rotate", no_argument, NULL, O_NOROT },
	{ "no-flip", no_argument, NULL, O_NOFLIP }, { "seed", required_argument, NULL, O_SEED },
	{ "rate", required_argument, NULL, O_RATE }, { "n-fft", required_argument, NULL, O_NFFT },
	{ "hop", required_argument, NULL, O_HOP }, { "n-mels", required_argument, NULL, O_MELS },
	{ "n-mfcc", required_argument, NULL, O_MFCC }, { "fmin", required_argument, NULL, O_FMIN },
	{ "fmax", required_argument, NULL, O_FMAX }, { "window", required_argument, NULL, O_WINDOW },
	{ "window-hop", required_argument, NULL, O_WHOP }, { "labels", required_argument, NULL, O_LABELS },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ 0, 0, 0, 0 },
};

static const char *opt_name(int c)
{
	for (const struct option *o = long_opts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

typedef struct common {
	const char *out, *labels;
	int threads, quiet;
	fl_layout layout;
	fl_on_bad on_bad;
} common;

static int common_opt(const fl_cmd *cmd, int c, const char *a, common *k)
{
	fl_err err = FL_ERR_INIT;

	switch (c) {
	case O_OUT: k->out = a; return 0;
	case O_LABELS: k->labels = a; return 0;
	case O_QUIET: k->quiet = 1; return 0;
	case O_THREADS:
		if (!(k->threads = cli_parse_threads(a)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'", a);
		return 0;
	case O_LAYOUT: return layout_of(cmd, a, &k->layout);
	case O_BADFILE:
		if (fl_on_bad_parse(a, &k->on_bad, &err) < 0)
			return cli_usage_error(cmd, "--on-bad-file must be skip or fail, not '%s'", a);
		return 0;
	default: return -1;
	}
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	fl_imgfeat_opts io = FL_IMGFEAT_OPTS_INIT;
	fl_audiofeat_opts ao = FL_AUDIOFEAT_OPTS_INIT;
	fl_fileset_opts so = { NULL, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	common k = { NULL, NULL, 0, 0, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_err err = FL_ERR_INIT;
	fl_fileset *set = NULL;
	fl_featmat *m = NULL;
	int c, code = 0, images, status;

	if (argc < 2 || (strcmp(argv[1], "images") && strcmp(argv[1], "audio"))) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			return cli_getopt(cmd, argc, argv, "o:", long_opts, &code) == '?' ? code : 0;
		return cli_usage_error(cmd, "say 'images' or 'audio' first");
	}
	images = !strcmp(argv[1], "images");
	argc--;
	argv++;
	while ((c = cli_getopt(cmd, argc, argv, "o:", long_opts, &code)) != -1) {
		int rc;
		if (c == '?')
			return code;
		rc = common_opt(cmd, c, optarg, &k);
		if (rc == -1)
			rc = images ? image_opt(cmd, c, optarg, &io) : audio_opt(cmd, c, optarg, &ao);
		if (rc == -1)
			return cli_usage_error(cmd, "option '--%s' is not for '%s'", opt_name(c),
					       images ? "images" : "audio");
		if (rc)
			return rc;
	}
	if (optind != argc - 1)
		return cli_usage_error(cmd, "give one folder or file (got %d)", argc - optind);
	if (!k.out)
		return cli_usage_error(cmd, "-o OUT.csv is required");
	cli_install_log(k.quiet);
	so.exts = images ? fl_image_exts : fl_sound_exts;
	so.layout = k.layout;
	so.on_bad = k.on_bad;
	if (fl_fileset_scan(argv[optind], &so, &set, &err) < 0 ||
	    (k.labels && fl_fileset_label_csv(set, k.labels, k.on_bad, &err) < 0))
		goto fail;
	if (images) {
		io.on_bad = k.on_bad;
		io.n_threads = k.threads;
		io.progress = cli_progress(k.quiet);
		if (fl_imgfeat_compute(set, &io, &m, &err) < 0)
			goto fail;
	} else {
		ao.on_bad = k.on_bad;
		ao.n_threads = k.threads;
		ao.progress = cli_progress(k.quiet);
		if (fl_audiofeat_compute(set, &ao, &m, &err) < 0)
			goto fail;
	}
	cli_progress_done();
	status = finish(m, k.out, k.threads, k.quiet);
	fl_featmat_free(m);
	fl_fileset_free(set);
	return status;
fail:
	cli_progress_done();
	fl_fileset_free(set);
	return cli_fail(&err);
}

const fl_cmd fl_cmd_features = {
	"features", "compute a feature table from a folder of images or sounds",
	"floe features images|audio DIR_OR_FILE -o OUT.csv [options]",
	"DIR is a folder of class folders (CLASS/FILE: labelled) or of files\n"
	"(unlabelled), or one file. Rows follow the files sorted by name; the\n"
	"CSV has the path first and the label (class folder name) last.\n"
	"Columns and rules: docs/images.md, docs/audio.md.\n"
	"\ncommon options:\n"
	"  -o, --output OUT.csv      the table to write (required)\n"
	"  --layout L                auto (default), labelled or unlabelled\n"
	"  --labels CSV              labels from a CSV with file and label columns\n"
	"  --on-bad-file skip|fail   unreadable file: warn and leave it out, or stop (default fail)\n"
	"  --threads N               threads (default: all cores)\n"
	"  --quiet                   no progress, no information messages\n"
	"\nimages:\n"
	"  --descriptors             shape, intensity and texture descriptors (default)\n"
	"  --pixels N                N x N raw pixels (area averaging), values 0..1\n"
	"  --hist-bins N             intensity histogram bins (default 16)\n"
	"  --glcm-levels N           grey levels for texture (default 8)\n"
	"  --object bright|dark      which side of the Otsu threshold is the object (default bright)\n"
	"  --min-per-class N         augment smaller classes up to N images\n"
	"  --max-per-class N         subsample larger classes down to N images\n"
	"  --max-shift N             augmentation shifts up to N pixels (default 2)\n"
	"  --no-rotate, --no-flip    leave out 90-degree rotations / mirror images\n"
	"  --seed S                  seed of the sampling and augmentation (default 0)\n"
	"\naudio:\n"
	"  --rate R                  resample to R Hz first (default 16000; 0 keeps each file's)\n"
	"  --n-fft N, --hop N        STFT frame and hop in samples (default 512, 256)\n"
	"  --n-mels N, --n-mfcc N    mel bands and MFCCs (default 40, 13)\n"
	"  --fmin F, --fmax F        mel range in Hz (default 0 .. rate/2)\n"
	"  --window S                one row per S-second window instead of per clip\n"
	"  --window-hop S            window step in seconds (default: the window)\n",
	run,
};
