/* value.h - a YAML document as a tree of scalars, sequences and mappings,
 * each node carrying its file:line:column, so every later check (schema,
 * references, parameters inside a step) can point at the exact spot.
 *
 *   fl_value *doc = NULL;
 *   if (fl_value_parse_file(&doc, "recipe.yaml", &err) < 0) ...
 *   const fl_value *seed = fl_value_get(doc, "seed");
 *   int64_t s;
 *   if (seed && fl_value_int(seed, &s, &err) < 0) ... // "recipe.yaml:3:7: ..."
 *   fl_value_free(doc);
 *
 * Strict by design: duplicate keys, aliases/anchors, explicit tags and
 * multi-document streams are errors (with their position). */
#ifndef FL_VALUE_H
#define FL_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum fl_value_type {
	FL_VALUE_SCALAR = 0, /* text, maybe quoted */
	FL_VALUE_SEQ = 1,    /* items[0..n) */
	FL_VALUE_MAP = 2,    /* keys[i] -> items[i], in document order */
} fl_value_type;

/* Where a node starts. `file` is shared by every node of a document and
 * owned by its root. line and column are 1-based. */
typedef struct fl_pos {
	const char *file; /* path as given to the parser */
	int line;         /* 1-based */
	int col;          /* 1-based */
} fl_pos;

typedef struct fl_value fl_value;
struct fl_value {
	fl_value_type type; /* which of the three */
	char *text;         /* scalars: the text (NUL-terminated); else NULL */
	int quoted;         /* scalars: written in quotes ('' or "") or block style */
	fl_value **items;   /* seq: the items; map: the values */
	fl_value **keys;    /* map: the keys (scalars); else NULL */
	size_t n;           /* number of items (and keys) */
	fl_pos pos;         /* where the node starts */
	char *file_owned;   /* root only: the storage behind pos.file */
};

/* Parse a YAML file (or a buffer, named `name` in messages) into *out
 * (owned by the caller, free with fl_value_free). An empty document gives
 * an empty mapping. */
int fl_value_parse_file(fl_value **out, const char *path, fl_err *err);
int fl_value_parse_buf(fl_value **out, const char *buf, size_t len,
		       const char *name, fl_err *err);

/* Free a tree (NULL allowed). */
void fl_value_free(fl_value *v);

/* A new scalar with `text` copied, at `pos` (whose file must outlive it).
 * Used to fill in defaults. NULL when out of memory. */
fl_value *fl_value_new_scalar(const char *text, fl_pos pos);

/* A new empty mapping at `pos`; NULL when out of memory. */
fl_value *fl_value_new_map(fl_pos pos);

/* A deep copy of `v` (positions still point at the original document's
 * file name, which must outlive the copy). NULL when out of memory. */
fl_value *fl_value_copy(const fl_value *v);

/* Append key -> val to a mapping (or val to a sequence, key NULL); takes
 * ownership of both on success. -1 when out of memory. */
int fl_value_append(fl_value *parent, fl_value *key, fl_value *val);

/* Map lookup: the value for `key`, or NULL (also when v is not a map).
 * Borrowed. fl_value_key() gives the key node (for its position). */
const fl_value *fl_value_get(const fl_value *v, const char *key);
const fl_value *fl_value_key(const fl_value *v, const char *key);

/* "file:line:col: " + message, with `code`. Returns `code`. */
int fl_value_error(fl_err *err, const fl_value *at, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Type checks with positioned messages ("recipe.yaml:4:3: 'seed' must be
 * a whole number, not 'abc'"). `what` names the value in the message. */
int fl_value_expect(const fl_value *v, fl_value_type type, const char *what,
		    fl_err *err);

/* Typed reads of a scalar. Plain and quoted scalars both convert, except
 * that fl_value_str refuses nothing (any scalar is a string). */
int fl_value_str(const fl_value *v, const char *what, const char **out, fl_err *err);
int fl_value_int(const fl_value *v, const char *what, int64_t *out, fl_err *err);
int fl_value_float(const fl_value *v, const char *what, double *out, fl_err *err);
int fl_value_bool(const fl_value *v, const char *what, int *out, fl_err *err);

/* 1 if a plain (unquoted) scalar would read as null (~, null, empty). */
int fl_value_is_null(const fl_value *v);

#endif
