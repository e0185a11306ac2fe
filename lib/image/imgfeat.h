/* imgfeat.h - features of a folder of images: descriptors or N x N raw
 * pixels per image, optionally class-rebalanced, as a feature matrix
 * (columns path[, augment], features..., label), computed in parallel
 * with the on_bad_file policy for unreadable images. */
#ifndef FL_IMGFEAT_H
#define FL_IMGFEAT_H

#include <stddef.h>

#include "core/err.h"
#include "core/log.h"
#include "image/augment.h"
#include "image/descriptors.h"
#include "media/featmat.h"
#include "media/fileset.h"

typedef enum fl_imgfeat_kind {
	FL_IMGFEAT_DESCRIPTORS = 0, /* descriptors.h */
	FL_IMGFEAT_PIXELS = 1,      /* resize.h: px_0000 .. px_(N*N-1), 0..1 */
} fl_imgfeat_kind;

typedef struct fl_imgfeat_opts {
	fl_imgfeat_kind kind;
	fl_imgdesc_opts desc;        /* for DESCRIPTORS */
	int pixels;                  /* N for PIXELS (1..1024) */
	int rebalance;               /* 1: apply `balance` (labelled sets only) */
	fl_rebalance_opts balance;
	fl_on_bad on_bad;            /* unreadable image: skip with a warning, or fail */
	int n_threads;               /* 0: all cores */
	const fl_progress *progress; /* may be NULL */
	const volatile int *stop;    /* nonzero: stop early with FL_EINTR; may be NULL */
} fl_imgfeat_opts;

#define FL_IMGFEAT_OPTS_INIT \
	{ FL_IMGFEAT_DESCRIPTORS, FL_IMGDESC_OPTS_INIT, 28, 0, FL_REBALANCE_OPTS_INIT, \
	  FL_BAD_FAIL, 0, NULL, NULL }

/* Compute the features of every file of `set` (in the set's order, then
 * augmented copies). The `path` column is the file's path as scanned;
 * `augment` (only when rebalancing) the transform (augment.h); `label`
 * (only for labelled sets) the class name. Rows are identical whatever
 * the thread count. *out owned by the caller (fl_featmat_free). */
int fl_imgfeat_compute(const fl_fileset *set, const fl_imgfeat_opts *o, fl_featmat **out,
		       fl_err *err);

#endif
