/* fileset.h - the files of a data folder: a folder of class folders
 * (`copepod/0001.png`: label "copepod"), or an unlabelled folder of files,
 * or a single file; filtered by extension, sorted bytewise, and the
 * `on_bad_file: skip | fail` policy shared by the image and audio readers.
 *
 * Rules (docs/images.md, "Image folders"):
 *  - entries whose names start with '.' are ignored;
 *  - a folder with sub-folders is labelled: each sub-folder is a class and
 *    its files (not recursive) are the class's items; files beside the
 *    class folders are ignored with a warning;
 *  - a folder without sub-folders is unlabelled (label -1);
 *  - only files whose extension is in the list count (case-insensitive);
 *  - classes and files are sorted bytewise by name (strcmp), so the order
 *    does not depend on the locale or the file system;
 *  - an empty class folder or a single class: a warning under skip, an
 *    error under fail; no files at all is always an error. */
#ifndef FL_FILESET_H
#define FL_FILESET_H

#include <stddef.h>

#include "core/err.h"

/* What to do with a bad input file (recipe key `on_bad_file`). */
typedef enum fl_on_bad {
	FL_BAD_FAIL = 0, /* stop with an error naming the file */
	FL_BAD_SKIP = 1, /* log a warning naming the file and leave it out */
} fl_on_bad;

/* Parse "skip" or "fail". */
int fl_on_bad_parse(const char *s, fl_on_bad *out, fl_err *err);

/* How to read the folder's layout. */
typedef enum fl_layout {
	FL_LAYOUT_AUTO = 0,       /* labelled if there are sub-folders */
	FL_LAYOUT_LABELLED = 1,   /* must have class folders */
	FL_LAYOUT_UNLABELLED = 2, /* files directly in the folder */
} fl_layout;

typedef struct fl_fileset_opts {
	const char *const *exts; /* accepted extensions without dot, NULL-ended */
	fl_layout layout;
	fl_on_bad on_bad;
} fl_fileset_opts;

typedef struct fl_fileset {
	size_t n;         /* files */
	char **paths;     /* n paths (folder + "/" + class + "/" + name), owned */
	int *labels;      /* n class indices, -1 when unlabelled, owned */
	size_t n_classes; /* 0 when unlabelled */
	char **classes;   /* class names, sorted, owned */
} fl_fileset;

/* Scan `path` (a folder, or one file, which makes an unlabelled set of
 * one). *out owned by the caller: fl_fileset_free(). */
int fl_fileset_scan(const char *path, const fl_fileset_opts *opts, fl_fileset **out,
		    fl_err *err);

/* Label an unlabelled set from a CSV file with a header holding `file`
 * and `label` columns; `file` is relative to the CSV file's folder (or
 * absolute). Files without a row are dropped with a warning (skip) or an
 * error (fail). Classes are the sorted distinct labels. */
int fl_fileset_label_csv(fl_fileset *set, const char *csv_path, fl_on_bad on_bad,
			 fl_err *err);

/* Does `name` end in one of `exts` (case-insensitive, after a dot)? */
int fl_has_ext(const char *name, const char *const *exts);

void fl_fileset_free(fl_fileset *set);

#endif
