/* mediakind.h - what the image and audio step kinds share: a feature
 * matrix as a floe table (a `file` id column relative to the input folder,
 * the features, a categorical `label`), the lineage of a table made from a
 * folder or file, and the `on_bad_file` / `layout` parameters. Internal to
 * the media step kinds (lib/media/kind_*.c). */
#ifndef FL_MEDIAKIND_H
#define FL_MEDIAKIND_H

#include "core/err.h"
#include "data/table.h"
#include "media/featmat.h"
#include "media/fileset.h"
#include "recipe/step.h"

/* The parameters every media kind takes (rows of an fl_param_spec list). */
#define FL_MEDIA_COMMON_PARAMS \
	{ "layout", FL_PARAM_STRING, 0, "auto", \
	  "auto (class folders if there are sub-folders), labelled or unlabelled" }, \
	{ "on_bad_file", FL_PARAM_STRING, 0, "fail", \
	  "unreadable file: skip (warn and leave it out) or fail" }, \
	{ "compress", FL_PARAM_INT, 0, "0", "gzip level 1..9 of the HDF5 output; 0: none" }

/* The spectral parameters of the audio kinds (audio_features, detect: a
 * model must see the features it was trained on). */
#define FL_AUDIO_FEATURE_PARAMS \
	{ "rate", FL_PARAM_INT, 0, "16000", "resample to this rate in Hz first; 0: keep each file's" }, \
	{ "n_fft", FL_PARAM_INT, 0, "512", "STFT frame length in samples" }, \
	{ "hop", FL_PARAM_INT, 0, "256", "STFT hop in samples" }, \
	{ "n_mels", FL_PARAM_INT, 0, "40", "mel bands" }, \
	{ "n_mfcc", FL_PARAM_INT, 0, "13", "MFCCs (0: none)" }, \
	{ "fmin", FL_PARAM_FLOAT, 0, "0", "lowest mel frequency in Hz" }, \
	{ "fmax", FL_PARAM_FLOAT, 0, "0", "highest mel frequency in Hz; 0: rate / 2" }

/* Read the FL_AUDIO_FEATURE_PARAMS into `o` (range checks: fl_audiofeat_check). */
struct fl_audiofeat_opts;
int fl_media_audio_opts(const fl_step_ctx *ctx, struct fl_audiofeat_opts *o, fl_err *err);

/* Read `layout` and `on_bad_file` (positioned errors). */
int fl_media_common(const fl_step_ctx *ctx, fl_layout *layout, fl_on_bad *on_bad, fl_err *err);

/* `m` as a new table (*out owned by the caller): `file` (categorical: the
 * path relative to `root`, or the file name when `root` is the file),
 * the other id columns (start_s, end_s numeric; others categorical), the
 * numeric features, then `label` (categorical) when `m` has labels. */
int fl_media_table(const fl_featmat *m, const char *root, fl_table **out, fl_err *err);

/* Write `t` to the step's output `name` with the lineage of input `root`
 * (its SHA-256 or Merkle digest and name) and this step. */
int fl_media_write(const fl_step_ctx *ctx, const char *kind, const char *name, const char *root,
		   const fl_table *t, fl_err *err);

#endif
