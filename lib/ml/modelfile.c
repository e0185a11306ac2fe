/* modelfile.c - the shared model file format: serialise, parse, verify. */
#define _GNU_SOURCE
#include "ml/modelfile.h"

#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/strv.h"
#include "core/sha256.h"
#include "ml/le.h"

#define HEADER_LEN 24 /* magic 8, version 4, flags 4, total length 8 */

size_t fl_dtype_size(fl_dtype t)
{
	switch (t) {
	case FL_DTYPE_F64: case FL_DTYPE_I64: return 8;
	case FL_DTYPE_F32: case FL_DTYPE_I32: case FL_DTYPE_U32: return 4;
	case FL_DTYPE_U8: return 1;
	}
	return 0;
}

const char *fl_dtype_name(fl_dtype t)
{
	static const char *const names[] = { "?", "f64", "f32", "i64", "i32", "u32", "u8" };

	return fl_dtype_size(t) ? names[t] : "unknown";
}

/* ---- schema ---------------------------------------------------------- */

void fl_schema_clear(fl_schema *s)
{
	fl_strv_free(s->feature_names, s->n_features);
	free(s->feature_types);
	free(s->label_name);
	fl_strv_free(s->class_names, s->n_classes);
	free(s->prep_json);
	memset(s, 0, sizeof(*s));
}

static char **dup_strv(char *const *v, size_t n)
{
	char **c = calloc(n ? n : 1, sizeof(char *));

	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(c[i] = strdup(v[i]))) {
			fl_strv_free(c, i);
			return NULL;
		}
	return c;
}

static int schema_fill(fl_schema *s, size_t d, char *const *names,
		       const uint8_t *types, const char *label, fl_target_type t,
		       size_t k, char *const *classes, const char *prep, fl_err *err)
{
	memset(s, 0, sizeof(*s));
	s->feature_names = dup_strv(names, d);
	s->n_features = s->feature_names ? d : 0;
	s->feature_types = malloc(d ? d : 1);
	s->class_names = dup_strv(classes, k);
	s->n_classes = s->class_names ? k : 0;
	s->target = t;
	s->label_name = label ? strdup(label) : NULL;
	s->prep_json = prep ? strdup(prep) : NULL;
	if (!s->feature_names || !s->feature_types || !s->class_names ||
	    (label && !s->label_name) || (prep && !s->prep_json)) {
		fl_schema_clear(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	memcpy(s->feature_types, types, d);
	return 0;
}

int fl_schema_from_dataset(fl_schema *s, const fl_dataset *ds, fl_err *err)
{
	int cls = ds->target == FL_TARGET_CLASS;

	return schema_fill(s, ds->d, ds->feature_names, ds->feature_types,
			   ds->label_name, ds->target, cls ? ds->n_classes : 0,
			   cls ? ds->class_names : NULL, NULL, err);
}

int fl_schema_copy(fl_schema *dst, const fl_schema *src, fl_err *err)
{
	return schema_fill(dst, src->n_features, src->feature_names,
			   src->feature_types, src->label_name, src->target,
			   src->n_classes, src->class_names, src->prep_json, err);
}

static int index_of(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return (int)i;
	return -1;
}

/* Append "name, " for every entry of a that is not in b. */
static size_t list_absent(char *buf, size_t cap, char *const *a, size_t na,
			  char *const *b, size_t nb)
{
	size_t len = 0, count = 0;

	for (size_t i = 0; i < na; i++) {
		if (index_of(b, nb, a[i]) >= 0)
			continue;
		if (count++ < 20 && len < cap)
			len += (size_t)snprintf(buf + len, cap - len, "%s'%s'",
						count > 1 ? ", " : "", a[i]);
	}
	if (count > 20 && len < cap)
		snprintf(buf + len, cap - len, " and %zu more", count - 20);
	return count;
}

static int check_order_and_types(const fl_schema *s, const fl_dataset *ds,
				 fl_err *err)
{
	for (size_t j = 0; j < s->n_features; j++) {
		if (strcmp(s->feature_names[j], ds->feature_names[j]) != 0)
			return fl_err_set(err, FL_EINVAL,
					  "the data has the model's features in another order: "
					  "at position %zu the model expects '%s', the data has '%s'",
					  j + 1, s->feature_names[j], ds->feature_names[j]);
		if (s->feature_types[j] != ds->feature_types[j])
			return fl_err_set(err, FL_EINVAL,
					  "feature '%s' is %s in the data but %s in the model",
					  s->feature_names[j],
					  fl_feature_type_name(ds->feature_types[j]),
					  fl_feature_type_name(s->feature_types[j]));
	}
	return 0;
}

int fl_schema_check(const fl_schema *s, const fl_dataset *ds, fl_err *err)
{
	char miss[600] = "", extra[600] = "";
	size_t n_miss, n_extra;

	n_miss = list_absent(miss, sizeof(miss), s->feature_names, s->n_features,
			     ds->feature_names, ds->d);
	n_extra = list_absent(extra, sizeof(extra), ds->feature_names, ds->d,
			      s->feature_names, s->n_features);
	if (n_miss || n_extra)
		return fl_err_set(err, FL_EINVAL,
				  "the data does not match the model's %zu features:%s%s%s%s",
				  s->n_features, n_miss ? " missing features " : "", miss,
				  n_extra ? (n_miss ? "; extra features " : " extra features ") : "",
				  extra);
	if (ds->d != s->n_features) /* duplicates in one of the lists */
		return fl_err_set(err, FL_EINVAL,
				  "the data has %zu features, the model %zu (a repeated name)",
				  ds->d, s->n_features);
	return check_order_and_types(s, ds, err);
}

static const char *target_name(fl_target_type t)
{
	return t == FL_TARGET_CLASS ? "class" : t == FL_TARGET_REAL ? "real" : "none";
}

json_t *fl_schema_to_json(const fl_schema *s)
{
	json_t *o = json_object(), *f = json_array(), *c = json_array(), *prep = NULL;

	for (size_t j = 0; j < s->n_features; j++)
		json_array_append_new(f, json_pack("{s:s, s:s}", "name", s->feature_names[j],
						   "type", fl_feature_type_name(s->feature_types[j])));
	for (size_t k = 0; k < s->n_classes; k++)
		json_array_append_new(c, json_string(s->class_names[k]));
	if (s->prep_json)
		prep = json_loads(s->prep_json, JSON_DECODE_ANY, NULL);
	json_object_set_new(o, "features", f);
	json_object_set_new(o, "label", s->label_name ? json_string(s->label_name) : json_null());
	json_object_set_new(o, "target", json_string(target_name(s->target)));
	json_object_set_new(o, "classes", c);
	json_object_set_new(o, "preparation", prep ? prep : json_null());
	return o;
}

/* ---- the model file in memory ----------------------------------------- */

int fl_modelfile_new(fl_modelfile **out, const char *kind, fl_err *err)
{
	fl_modelfile *mf = calloc(1, sizeof(*mf));

	*out = NULL;
	if (!mf || !(mf->kind = strdup(kind))) {
		free(mf);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	mf->version = FL_MODELFILE_VERSION;
	*out = mf;
	return 0;
}

void fl_modelfile_free(fl_modelfile *mf)
{
	if (!mf)
		return;
	free(mf->kind);
	fl_schema_clear(&mf->schema);
	json_decref(mf->params);
	json_decref(mf->metrics);
	for (size_t i = 0; i < mf->n_arrays; i++) {
		free(mf->arrays[i].name);
		free(mf->arrays[i].data);
	}
	free(mf->arrays);
	free(mf);
}

/* Element count, or 0 with *overflow set when it does not fit. */
static uint64_t elem_count(uint32_t ndim, const uint64_t *dims, int *overflow)
{
	uint64_t n = 1;

	*overflow = 0;
	for (uint32_t i = 0; i < ndim; i++) {
		if (dims[i] && n > UINT64_MAX / dims[i]) {
			*overflow = 1;
			return 0;
		}
		n *= dims[i];
	}
	return n;
}

const fl_mf_array *fl_modelfile_find(const fl_modelfile *mf, const char *name)
{
	for (size_t i = 0; i < mf->n_arrays; i++)
		if (strcmp(mf->arrays[i].name, name) == 0)
			return &mf->arrays[i];
	return NULL;
}

int fl_modelfile_add_array(fl_modelfile *mf, const char *name, fl_dtype dtype,
			   uint32_t ndim, const uint64_t *dims, const void *data,
			   fl_err *err)
{
	fl_mf_array *a, *grown;
	uint64_t count;
	int over;

	if (fl_modelfile_find(mf, name))
		return fl_err_set(err, FL_EINVAL, "model file already has an array '%s'", name);
	if (!fl_dtype_size(dtype) || ndim > FL_MODELFILE_MAX_DIMS)
		return fl_err_set(err, FL_EINVAL, "array '%s': bad type or rank", name);
	count = elem_count(ndim, dims, &over);
	if (over || count > SIZE_MAX / 8)
		return fl_err_set(err, FL_EINVAL, "array '%s' is too large", name);
	grown = realloc(mf->arrays, (mf->n_arrays + 1) * sizeof(*grown));
	if (!grown)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	mf->arrays = grown;
	a = &mf->arrays[mf->n_arrays];
	memset(a, 0, sizeof(*a));
	a->name = strdup(name);
	a->data = malloc(count * fl_dtype_size(dtype) + 1);
	if (!a->name || !a->data) {
		free(a->name);
		free(a->data);
		return fl_err_set(err, FL_ENOMEM, "out of memory for array '%s'", name);
	}
	a->dtype = dtype;
	a->ndim = ndim;
	for (uint32_t i = 0; i < ndim; i++)
		a->dims[i] = dims[i];
	if (count)
		memcpy(a->data, data, count * fl_dtype_size(dtype));
	mf->n_arrays++;
	return 0;
}

int fl_modelfile_get(const fl_modelfile *mf, const char *name, fl_dtype dtype,
		     uint32_t ndim, uint64_t *dims_out, const void **data,
		     fl_err *err)
{
	const fl_mf_array *a = fl_modelfile_find(mf, name);

	*data = NULL;
	if (!a)
		return fl_err_set(err, FL_EINVAL,
				  "model file is damaged: the %s model has no array '%s'",
				  mf->kind, name);
	if (a->dtype != dtype || a->ndim != ndim)
		return fl_err_set(err, FL_EINVAL,
				  "model file is damaged: array '%s' is %s with %u dimensions, "
				  "expected %s with %u", name, fl_dtype_name(a->dtype), a->ndim,
				  fl_dtype_name(dtype), ndim);
	if (dims_out)
		for (uint32_t i = 0; i < ndim; i++)
			dims_out[i] = a->dims[i];
	*data = a->data;
	return 0;
}

/* ---- serialising ------------------------------------------------------- */

typedef struct wbuf {
	uint8_t *p;  /* bytes written so far */
	size_t len;  /* used */
	size_t cap;  /* allocated */
	int oom;     /* set once an allocation failed; later writes are dropped */
} wbuf;

static uint8_t *wb_room(wbuf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

static void wb_u8(wbuf *b, uint8_t v)
{
	uint8_t *p = wb_room(b, 1);
	if (p)
		*p = v;
}

static void wb_u32(wbuf *b, uint32_t v)
{
	uint8_t *p = wb_room(b, 4);
	if (p)
		fl_le_store_u32(p, v);
}

static void wb_u64(wbuf *b, uint64_t v)
{
	uint8_t *p = wb_room(b, 8);
	if (p)
		fl_le_store_u64(p, v);
}

static void wb_str(wbuf *b, const char *s)
{
	size_t n = strlen(s);
	uint8_t *p;

	wb_u32(b, (uint32_t)n);
	if ((p = wb_room(b, n)))
		memcpy(p, s, n);
}

/* An optional string: a presence byte, then the string if present. */
static void wb_optstr(wbuf *b, const char *s)
{
	wb_u8(b, s != NULL);
	if (s)
		wb_str(b, s);
}

static int wb_json(wbuf *b, const json_t *j, fl_err *err)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
		    : strdup("{}");

	if (!s)
		return fl_err_set(err, FL_ENOMEM, "out of memory writing JSON");
	wb_str(b, s);
	free(s);
	return 0;
}

static void wb_array_data(wbuf *b, const fl_mf_array *a)
{
	int over;
	uint64_t count = elem_count(a->ndim, a->dims, &over);
	size_t es = fl_dtype_size(a->dtype);
	uint8_t *p = wb_room(b, count * es);

	if (!p)
		return;
	for (uint64_t i = 0; i < count; i++, p += es) {
		const uint8_t *src = (const uint8_t *)a->data + i * es;
		if (es == 8) {
			uint64_t v;
			memcpy(&v, src, 8);
			fl_le_store_u64(p, v);
		} else if (es == 4) {
			uint32_t v;
			memcpy(&v, src, 4);
			fl_le_store_u32(p, v);
		} else {
			*p = *src;
		}
	}
}

static void wb_schema(wbuf *b, const fl_schema *s)
{
	wb_u32(b, (uint32_t)s->n_features);
	for (size_t j = 0; j < s->n_features; j++) {
		wb_str(b, s->feature_names[j]);
		wb_u8(b, s->feature_types[j]);
	}
	wb_optstr(b, s->label_name);
	wb_u8(b, (uint8_t)s->target);
	wb_u32(b, (uint32_t)s->n_classes);
	for (size_t k = 0; k < s->n_classes; k++)
		wb_str(b, s->class_names[k]);
	wb_optstr(b, s->prep_json);
}

int fl_modelfile_to_bytes(const fl_modelfile *mf, uint8_t **out, size_t *len,
			  fl_err *err)
{
	wbuf b = { 0 };
	fl_digest d;
	uint8_t *p;

	*out = NULL;
	*len = 0;
	if ((p = wb_room(&b, HEADER_LEN))) {
		memcpy(p, FL_MODELFILE_MAGIC, 8);
		fl_le_store_u32(p + 8, FL_MODELFILE_VERSION);
		fl_le_store_u32(p + 12, 0);
	}
	wb_str(&b, mf->kind);
	wb_schema(&b, &mf->schema);
	if (wb_json(&b, mf->params, err) < 0 || wb_json(&b, mf->metrics, err) < 0)
		goto fail;
	wb_u32(&b, (uint32_t)mf->n_arrays);
	for (size_t i = 0; i < mf->n_arrays; i++) {
		const fl_mf_array *a = &mf->arrays[i];
		wb_str(&b, a->name);
		wb_u8(&b, (uint8_t)a->dtype);
		wb_u8(&b, (uint8_t)a->ndim);
		wb_u8(&b, 0);
		wb_u8(&b, 0);
		for (uint32_t k = 0; k < a->ndim; k++)
			wb_u64(&b, a->dims[k]);
		wb_array_data(&b, a);
	}
	wb_room(&b, FL_SHA256_LEN);
	if (b.oom) {
		fl_err_set(err, FL_ENOMEM, "out of memory serialising the model");
		goto fail;
	}
	fl_le_store_u64(b.p + 16, b.len);
	if (fl_sha256_buf(b.p, b.len - FL_SHA256_LEN, &d, err) < 0)
		goto fail;
	memcpy(b.p + b.len - FL_SHA256_LEN, d.b, FL_SHA256_LEN);
	*out = b.p;
	*len = b.len;
	return 0;
fail:
	free(b.p);
	return err && err->code ? err->code : FL_ENOMEM;
}

int fl_modelfile_write(const fl_modelfile *mf, const char *path, fl_err *err)
{
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	if ((rc = fl_modelfile_to_bytes(mf, &buf, &len, err)) < 0)
		return rc;
	rc = fl_write_file_atomic(path, buf, len, err);
	free(buf);
	return rc;
}

/* ---- parsing ----------------------------------------------------------- */

typedef struct rbuf {
	const uint8_t *p;  /* the body */
	size_t len;        /* its length (checksum excluded) */
	size_t pos;        /* read position */
	int bad;           /* set once a read ran past the end or was invalid */
} rbuf;

static const uint8_t *rb_take(rbuf *b, size_t n)
{
	if (b->bad || n > b->len - b->pos) {
		b->bad = 1;
		return NULL;
	}
	b->pos += n;
	return b->p + b->pos - n;
}

static uint8_t rb_u8(rbuf *b)
{
	const uint8_t *p = rb_take(b, 1);
	return p ? *p : 0;
}

static uint32_t rb_u32(rbuf *b)
{
	const uint8_t *p = rb_take(b, 4);
	return p ? fl_le_load_u32(p) : 0;
}

static uint64_t rb_u64(rbuf *b)
{
	const uint8_t *p = rb_take(b, 8);
	return p ? fl_le_load_u64(p) : 0;
}

/* A new NUL-terminated copy; NULL (and b->bad) on a bad string. */
static char *rb_str(rbuf *b)
{
	uint32_t n = rb_u32(b);
	const uint8_t *p = rb_take(b, n);
	char *s;

	if (!p || memchr(p, 0, n) || !(s = malloc((size_t)n + 1))) {
		b->bad = 1;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static char *rb_optstr(rbuf *b)
{
	uint8_t present = rb_u8(b);

	if (present > 1)
		b->bad = 1;
	return present == 1 ? rb_str(b) : NULL;
}

static json_t *rb_json(rbuf *b)
{
	char *s = rb_str(b);
	json_t *j = s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;

	free(s);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		b->bad = 1;
		return NULL;
	}
	return j;
}

/* Read a count of items each taking at least `min_bytes`, refusing counts
 * the remaining bytes cannot hold (so a damaged count cannot make us
 * allocate gigabytes). */
static size_t rb_count(rbuf *b, size_t min_bytes)
{
	uint32_t n = rb_u32(b);

	if (b->bad || (uint64_t)n * min_bytes > b->len - b->pos) {
		b->bad = 1;
		return 0;
	}
	return n;
}

static void rb_schema(rbuf *b, fl_schema *s)
{
	s->n_features = 0;
	size_t d = rb_count(b, 5);
	s->feature_names = calloc(d ? d : 1, sizeof(char *));
	s->feature_types = calloc(d ? d : 1, 1);
	if (!s->feature_names || !s->feature_types) {
		b->bad = 1;
		return;
	}
	for (size_t j = 0; j < d && !b->bad; j++) {
		s->feature_names[j] = rb_str(b);
		s->n_features = j + 1;
		s->feature_types[j] = rb_u8(b);
		if (s->feature_types[j] > FL_FEATURE_CATEGORY)
			b->bad = 1;
	}
	s->label_name = rb_optstr(b);
	s->target = rb_u8(b);
	if (s->target > FL_TARGET_REAL)
		b->bad = 1;
	size_t k = rb_count(b, 4);
	if (!(s->class_names = calloc(k ? k : 1, sizeof(char *)))) {
		b->bad = 1;
		return;
	}
	for (size_t c = 0; c < k && !b->bad; c++) {
		s->class_names[c] = rb_str(b);
		s->n_classes = c + 1;
	}
	s->prep_json = rb_optstr(b);
}

static void rb_array(rbuf *b, fl_mf_array *a)
{
	a->name = rb_str(b);
	a->dtype = rb_u8(b);
	a->ndim = rb_u8(b);
	if (rb_u8(b) != 0 || rb_u8(b) != 0 || !fl_dtype_size(a->dtype) ||
	    a->ndim > FL_MODELFILE_MAX_DIMS) {
		b->bad = 1;
		return;
	}
	for (uint32_t k = 0; k < a->ndim; k++)
		a->dims[k] = rb_u64(b);
	int over;
	uint64_t count = elem_count(a->ndim, a->dims, &over);
	size_t es = fl_dtype_size(a->dtype);
	if (b->bad || over || count > (b->len - b->pos) / es) {
		b->bad = 1;
		return;
	}
	const uint8_t *src = rb_take(b, count * es);
	if (!src || !(a->data = malloc(count * es + 1))) {
		b->bad = 1;
		return;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint8_t *dst = (uint8_t *)a->data + i * es;
		if (es == 8) {
			uint64_t v = fl_le_load_u64(src + i * 8);
			memcpy(dst, &v, 8);
		} else if (es == 4) {
			uint32_t v = fl_le_load_u32(src + i * 4);
			memcpy(dst, &v, 4);
		} else {
			*dst = src[i];
		}
	}
}

static int check_header(const uint8_t *buf, size_t len, const char *name,
			fl_err *err)
{
	uint32_t version;
	uint64_t total;
	fl_digest d;

	if (len < 8 || memcmp(buf, FL_MODELFILE_MAGIC, 8) != 0)
		return fl_err_set(err, FL_EINVAL, "%s: not a floe model file (bad magic)", name);
	if (len < HEADER_LEN + FL_SHA256_LEN)
		return fl_err_set(err, FL_EINVAL, "%s: model file is truncated (%zu bytes)",
				  name, len);
	version = fl_le_load_u32(buf + 8);
	if (version > FL_MODELFILE_VERSION)
		return fl_err_set(err, FL_EINVAL,
				  "%s: model file format version %u was written by a newer "
				  "floe; this floe reads versions up to %u", name, version,
				  FL_MODELFILE_VERSION);
	if (version == 0)
		return fl_err_set(err, FL_EINVAL, "%s: bad model file format version 0", name);
	total = fl_le_load_u64(buf + 16);
	if (total != len)
		return fl_err_set(err, FL_EINVAL,
				  "%s: model file is %s (%zu bytes, its header says %llu)",
				  name, total > len ? "truncated" : "damaged", len,
				  (unsigned long long)total);
	if (fl_sha256_buf(buf, len - FL_SHA256_LEN, &d, err) < 0)
		return err->code;
	if (memcmp(d.b, buf + len - FL_SHA256_LEN, FL_SHA256_LEN) != 0)
		return fl_err_set(err, FL_EMISMATCH,
				  "%s: model file checksum mismatch, the file is damaged", name);
	return 0;
}

static void rb_body(rbuf *b, fl_modelfile *mf)
{
	mf->kind = rb_str(b);
	rb_schema(b, &mf->schema);
	mf->params = rb_json(b);
	mf->metrics = rb_json(b);
	size_t n = rb_count(b, 16);
	if (b->bad || !(mf->arrays = calloc(n ? n : 1, sizeof(fl_mf_array)))) {
		b->bad = 1;
		return;
	}
	for (size_t i = 0; i < n && !b->bad; i++) {
		mf->n_arrays = i + 1;
		rb_array(b, &mf->arrays[i]);
		for (size_t k = 0; k < i && !b->bad; k++)
			if (strcmp(mf->arrays[k].name, mf->arrays[i].name) == 0)
				b->bad = 1;
	}
	if (b->pos != b->len)
		b->bad = 1;
}

int fl_modelfile_from_bytes(fl_modelfile **out, const uint8_t *buf, size_t len,
			    const char *name, fl_err *err)
{
	rbuf b = { buf, 0, HEADER_LEN, 0 };
	fl_modelfile *mf;
	int rc;

	*out = NULL;
	if ((rc = check_header(buf, len, name, err)) < 0)
		return rc;
	if (!(mf = calloc(1, sizeof(*mf))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	mf->version = fl_le_load_u32(buf + 8);
	b.len = len - FL_SHA256_LEN;
	rb_body(&b, mf);
	if (b.bad) {
		fl_modelfile_free(mf);
		return fl_err_set(err, FL_EINVAL,
				  "%s: model file is damaged (bad structure near byte %zu)",
				  name, b.pos);
	}
	*out = mf;
	return 0;
}

int fl_modelfile_read(fl_modelfile **out, const char *path, fl_err *err)
{
	char *buf = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = fl_read_file(path, &buf, &len, err)) < 0)
		return rc;
	rc = fl_modelfile_from_bytes(out, (const uint8_t *)buf, len, path, err);
	free(buf);
	return rc;
}
