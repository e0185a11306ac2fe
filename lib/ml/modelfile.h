/* modelfile.h - the one model file format every model kind uses: a header
 * (magic, format version, length), the kind name, the input schema, the
 * parameters and training metrics as JSON, named typed arrays as payload,
 * and a SHA-256 over everything. Little-endian throughout; written
 * atomically. The byte layout is documented in docs/models.md.
 *
 *   fl_modelfile *mf = NULL;
 *   fl_modelfile_new(&mf, "ridge", &err);
 *   fl_schema_from_dataset(&mf->schema, train, &err);
 *   mf->params = json_pack(...);               // owned by mf
 *   fl_modelfile_add_array(mf, "coef", FL_DTYPE_F64, 2, dims, coef, &err);
 *   fl_modelfile_write(mf, "m.floe", &err);
 *   fl_modelfile_free(mf);
 *
 *   fl_modelfile_read(&mf, "m.floe", &err);    // checks magic, version, sum
 *   const double *coef;
 *   fl_modelfile_get_f64(mf, "coef", 2, dims, &coef, &err);
 */
#ifndef FL_MODELFILE_H
#define FL_MODELFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ml/dataset.h"

#define FL_MODELFILE_MAGIC "FLOEMODL" /* 8 bytes, no NUL in the file */
#define FL_MODELFILE_VERSION 1u       /* the format version this floe writes */
#define FL_MODELFILE_MAX_DIMS 4

/* Element types of payload arrays (the numbers are the on-disk codes). */
typedef enum fl_dtype {
	FL_DTYPE_F64 = 1,
	FL_DTYPE_F32 = 2,
	FL_DTYPE_I64 = 3,
	FL_DTYPE_I32 = 4,
	FL_DTYPE_U32 = 5,
	FL_DTYPE_U8 = 6,
} fl_dtype;

/* Size of one element (0 for an unknown type), and its name ("f64"). */
size_t fl_dtype_size(fl_dtype t);
const char *fl_dtype_name(fl_dtype t);

/* What a model expects as input. Owns every string. */
typedef struct fl_schema {
	size_t n_features;       /* number of input features */
	char **feature_names;    /* in the order the model reads them */
	uint8_t *feature_types;  /* fl_feature_type per feature */
	char *label_name;        /* target column at training, or NULL */
	fl_target_type target;   /* target type at training */
	size_t n_classes;        /* FL_TARGET_CLASS: number of classes */
	char **class_names;      /* FL_TARGET_CLASS: the labels, by index */
	char *prep_json;         /* fitted preparation transforms, opaque JSON
				  * text written by the prepare step, or NULL */
} fl_schema;

/* Fill `s` (previously zeroed or freed) from a data set's names, types,
 * label name and classes. */
int fl_schema_from_dataset(fl_schema *s, const fl_dataset *ds, fl_err *err);

/* Deep copy `src` into `dst` (zeroed or freed before). */
int fl_schema_copy(fl_schema *dst, const fl_schema *src, fl_err *err);

/* Free what the schema owns and zero it. */
void fl_schema_clear(fl_schema *s);

/* Check that `ds` has exactly the schema's features, in the same order and
 * of the same types. On a mismatch, FL_EINVAL with a message naming the
 * difference: "missing features: a, b", "extra features: c", "features in
 * another order: ... at position k the model expects 'x', the data has
 * 'y'", "feature 'x' is category in the data but f64 in the model". */
int fl_schema_check(const fl_schema *s, const fl_dataset *ds, fl_err *err);

/* The schema as JSON (new reference): {features:[{name,type}], label,
 * target:"class"|"real"|"none", classes:[...], preparation: <JSON>|null}. */
json_t *fl_schema_to_json(const fl_schema *s);

/* One named payload array. Data is held in host order; conversion to and
 * from little-endian happens in write/read. */
typedef struct fl_mf_array {
	char *name;                              /* unique within the file */
	fl_dtype dtype;                          /* element type */
	uint32_t ndim;                           /* 0..FL_MODELFILE_MAX_DIMS */
	uint64_t dims[FL_MODELFILE_MAX_DIMS];    /* extent of each dimension */
	void *data;                              /* prod(dims) elements, owned */
} fl_mf_array;

/* A model file in memory. Every pointer is owned by the struct. */
typedef struct fl_modelfile {
	uint32_t version;       /* format version read (FL_MODELFILE_VERSION
				 * for a new one) */
	char *kind;             /* model kind name, e.g. "logistic_regression" */
	fl_schema schema;       /* input schema */
	json_t *params;         /* parameters (object), or NULL = {} */
	json_t *metrics;        /* training metrics (object), or NULL = {} */
	size_t n_arrays;        /* payload arrays, in insertion order */
	fl_mf_array *arrays;
} fl_modelfile;

/* An empty model file of `kind`. *out owned by the caller. */
int fl_modelfile_new(fl_modelfile **out, const char *kind, fl_err *err);

/* Free everything. NULL is allowed. */
void fl_modelfile_free(fl_modelfile *mf);

/* Add a copy of `data` (prod(dims) elements of `dtype`, host order) as the
 * array `name`. A duplicate name is FL_EINVAL. */
int fl_modelfile_add_array(fl_modelfile *mf, const char *name, fl_dtype dtype,
			   uint32_t ndim, const uint64_t *dims, const void *data,
			   fl_err *err);

/* The array `name` (borrowed), or NULL when there is none. */
const fl_mf_array *fl_modelfile_find(const fl_modelfile *mf, const char *name);

/* The array `name`, checked to exist, to be of `dtype` and to have `ndim`
 * dimensions; its dims are copied to `dims_out` (may be NULL) and *data
 * points into the model file (borrowed). Otherwise FL_EINVAL ("model file
 * is damaged: array 'coef' ..."). */
int fl_modelfile_get(const fl_modelfile *mf, const char *name, fl_dtype dtype,
		     uint32_t ndim, uint64_t *dims_out, const void **data,
		     fl_err *err);

/* Serialise to a new buffer (*out owned by the caller, free()). Byte-for-
 * byte deterministic: JSON is written compact with sorted keys. */
int fl_modelfile_to_bytes(const fl_modelfile *mf, uint8_t **out, size_t *len,
			  fl_err *err);

/* Parse `len` bytes. Checks, in this order: the magic ("not a floe model
 * file"), the format version (a newer one is FL_EINVAL: "written by a newer
 * floe"), the recorded length (truncated), the SHA-256 (FL_EMISMATCH:
 * "checksum mismatch, the file is damaged"), then the structure. `name`
 * is used in messages. *out owned by the caller. */
int fl_modelfile_from_bytes(fl_modelfile **out, const uint8_t *buf, size_t len,
			    const char *name, fl_err *err);

/* Write atomically to `path` / read and verify `path`. */
int fl_modelfile_write(const fl_modelfile *mf, const char *path, fl_err *err);
int fl_modelfile_read(fl_modelfile **out, const char *path, fl_err *err);

#endif
