/* hparams.h - model hyperparameters: each kind declares a table of specs (name,
 * scikit-learn name, type, default, range); user values (from `--param
 * NAME=VALUE` or a recipe) are checked against it and completed with the
 * defaults into one JSON object, which is what fits read and model files
 * store. */
#ifndef FL_ML_HPARAMS_H
#define FL_ML_HPARAMS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum fl_hparam_type {
	FL_HPARAM_INT = 0,         /* whole number in [min, max] */
	FL_HPARAM_REAL = 1,        /* real number in [min, max], finite */
	FL_HPARAM_BOOL = 2,        /* true/false (also 1/0, yes/no) */
	FL_HPARAM_CHOICE = 3,      /* one of the words in `choices` */
	FL_HPARAM_INT_LIST = 4,    /* comma-separated whole numbers in [min, max],
				   * at least one ("128,64"); JSON array */
	FL_HPARAM_NUM_OR_CHOICE = 5, /* a number in [min, max] or a word of
				     * `choices` (e.g. max_features) */
} fl_hparam_type;

/* One parameter of a kind. Tables end with an entry whose name is NULL. */
typedef struct fl_hparam_spec {
	const char *name;     /* floe's name (scikit-learn's, except seed) */
	const char *sklearn;  /* scikit-learn's name for it (for the docs) */
	fl_hparam_type type;   /* what values are allowed */
	const char *def;      /* default as a user would type it; "none" =
			       * null (only if nullable) */
	double min, max;      /* inclusive range for numbers */
	const char *choices;  /* "|"-separated words, or NULL */
	int nullable;         /* 1: "none"/null is allowed */
	const char *help;     /* one line for the docs and `--help` */
} fl_hparam_spec;

/* Check `given` (a JSON object, may be NULL; values may be JSON numbers,
 * booleans, arrays, null, or strings that are parsed as the user would
 * type them) against `specs` and return in *out a new object holding
 * every parameter, defaults filled in, keys in spec order. An unknown name
 * is FL_EINVAL listing the known ones; a bad value names the parameter,
 * the value and what is allowed. */
int fl_hparams_resolve(const fl_hparam_spec *specs, const json_t *given,
		      json_t **out, fl_err *err);

/* The same from "NAME=VALUE" strings (the command line's --param). */
int fl_hparams_from_args(const fl_hparam_spec *specs, const char *const *assign,
			size_t n, json_t **out, fl_err *err);

/* Accessors for a resolved object (the value must exist and have the type
 * its spec says; they do not fail on a resolved object). */
int64_t fl_hparam_int(const json_t *p, const char *name);
double fl_hparam_real(const json_t *p, const char *name);
int fl_hparam_bool(const json_t *p, const char *name);
/* The word of a CHOICE/NUM_OR_CHOICE value, or NULL if it is a number or
 * null (borrowed). */
const char *fl_hparam_str(const json_t *p, const char *name);
/* 1 if the value is null ("none"). */
int fl_hparam_is_null(const json_t *p, const char *name);
/* An INT_LIST: its length, and element i. */
size_t fl_hparam_list_len(const json_t *p, const char *name);
int64_t fl_hparam_list_at(const json_t *p, const char *name, size_t i);

#endif
