/* mlp_params.c - parsing, checking and printing MLP hyper-parameters,
 * driven by one table of (name, type, field offset). */
#include "ml/mlp_params.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum ptype { T_SIZES, T_INT, T_SIZE, T_U64, T_DOUBLE, T_BOOL, T_ENUM } ptype;

static const char *const activation_names[] = { "relu", "tanh", "logistic", "identity", NULL };
static const char *const solver_names[] = { "adam", "sgd", NULL };
static const char *const schedule_names[] = { "constant", "invscaling", "adaptive", NULL };
static const char *const init_names[] = { "glorot", "he", NULL };

typedef struct pdef {
	const char *name;            /* sklearn's name */
	ptype type;                  /* how to parse */
	size_t off;                  /* offsetof in fl_mlp_params */
	const char *const *enums;    /* T_ENUM: value names */
} pdef;

#define F(f) offsetof(fl_mlp_params, f)
static const pdef defs[] = {
	{ "hidden_layer_sizes", T_SIZES, F(hidden_layer_sizes), NULL },
	{ "activation", T_ENUM, F(activation), activation_names },
	{ "solver", T_ENUM, F(solver), solver_names },
	{ "alpha", T_DOUBLE, F(alpha), NULL },
	{ "batch_size", T_SIZE, F(batch_size), NULL },
	{ "learning_rate", T_ENUM, F(learning_rate), schedule_names },
	{ "learning_rate_init", T_DOUBLE, F(learning_rate_init), NULL },
	{ "power_t", T_DOUBLE, F(power_t), NULL },
	{ "max_iter", T_INT, F(max_iter), NULL },
	{ "shuffle", T_BOOL, F(shuffle), NULL },
	{ "tol", T_DOUBLE, F(tol), NULL },
	{ "momentum", T_DOUBLE, F(momentum), NULL },
	{ "nesterovs_momentum", T_BOOL, F(nesterovs_momentum), NULL },
	{ "early_stopping", T_BOOL, F(early_stopping), NULL },
	{ "validation_fraction", T_DOUBLE, F(validation_fraction), NULL },
	{ "beta_1", T_DOUBLE, F(beta_1), NULL },
	{ "beta_2", T_DOUBLE, F(beta_2), NULL },
	{ "epsilon", T_DOUBLE, F(epsilon), NULL },
	{ "n_iter_no_change", T_INT, F(n_iter_no_change), NULL },
	{ "seed", T_U64, F(seed), NULL },
	{ "init", T_ENUM, F(init), init_names },
};
#undef F
#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

const char *const fl_mlp_param_names[] = {
	"hidden_layer_sizes", "activation", "solver", "alpha", "batch_size",
	"learning_rate", "learning_rate_init", "power_t", "max_iter", "shuffle",
	"tol", "momentum", "nesterovs_momentum", "early_stopping",
	"validation_fraction", "beta_1", "beta_2", "epsilon", "n_iter_no_change",
	"seed", "init", NULL,
};

static const pdef *find_def(const char *name)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno || *end) ? -1 : 0;
}

static int parse_sizes(fl_mlp_params *p, const char *s)
{
	char buf[512], *save = NULL, *tok;
	size_t v[FL_MLP_MAX_HIDDEN];
	int n = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	/* accept "128,64", "(128, 64)" and "[128,64]" */
	for (char *c = buf; *c; c++)
		if (*c == '(' || *c == ')' || *c == '[' || *c == ']' || *c == ' ')
			*c = ',';
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long x;
		if (n == FL_MLP_MAX_HIDDEN || parse_u64(tok, &x) < 0 || x == 0 || x > 1000000)
			return -1;
		v[n++] = (size_t)x;
	}
	p->n_hidden = n;
	memcpy(p->hidden_layer_sizes, v, sizeof(v[0]) * (size_t)n);
	return 0;
}

static int parse_enum(const char *const *names, const char *s, int *v)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return *v = i, 0;
	return -1;
}

static int parse_value(fl_mlp_params *p, const pdef *d, const char *s)
{
	char *field = (char *)p + d->off, *end;
	unsigned long long u;
	double x;
	int e;

	switch (d->type) {
	case T_SIZES:
		return parse_sizes(p, s);
	case T_INT:
		if (parse_u64(s, &u) < 0 || u > 1000000000)
			return -1;
		return *(int *)field = (int)u, 0;
	case T_SIZE:
		if (strcmp(s, "auto") == 0)
			return *(size_t *)field = 0, 0;
		if (parse_u64(s, &u) < 0 || u == 0)
			return -1;
		return *(size_t *)field = (size_t)u, 0;
	case T_U64:
		if (parse_u64(s, &u) < 0)
			return -1;
		return *(uint64_t *)field = u, 0;
	case T_DOUBLE:
		errno = 0;
		x = strtod(s, &end);
		if (!*s || *end || errno || !isfinite(x))
			return -1;
		return *(double *)field = x, 0;
	case T_BOOL:
		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "1"))
			return *(int *)field = 1, 0;
		if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "0"))
			return *(int *)field = 0, 0;
		return -1;
	case T_ENUM:
		if (parse_enum(d->enums, s, &e) < 0)
			return -1;
		/* every enum field is an int-sized C enum */
		return memcpy(field, &e, sizeof(int)), 0;
	}
	return -1;
}

static const char *type_hint(const pdef *d, char *buf, size_t len)
{
	static const char *const hints[] = {
		"a comma-separated list of layer widths >= 1, e.g. 128,64",
		"a whole number >= 0", "a whole number >= 1 or auto",
		"a whole number >= 0", "a finite number", "true or false", NULL,
	};
	size_t used;

	if (d->type != T_ENUM)
		return hints[d->type];
	used = (size_t)snprintf(buf, len, "one of");
	for (int i = 0; d->enums[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s",
					 i ? "," : "", d->enums[i]);
	return buf;
}

int fl_mlp_params_set(fl_mlp_params *p, const char *name, const char *value,
		      fl_err *err)
{
	const pdef *d = find_def(name);
	char hint[128];

	if (!d)
		return fl_err_set(err, FL_EINVAL,
				  "mlp has no parameter '%s' (see docs/models.md)", name);
	if (parse_value(p, d, value) < 0)
		return fl_err_set(err, FL_EINVAL, "mlp parameter %s: '%s' is not %s", name,
				  value, type_hint(d, hint, sizeof(hint)));
	return 0;
}

int fl_mlp_params_check(const fl_mlp_params *p, fl_err *err)
{
	if (p->n_hidden < 0 || p->n_hidden > FL_MLP_MAX_HIDDEN)
		return fl_err_set(err, FL_EINVAL, "mlp: at most %d hidden layers",
				  FL_MLP_MAX_HIDDEN);
	for (int i = 0; i < p->n_hidden; i++)
		if (p->hidden_layer_sizes[i] == 0)
			return fl_err_set(err, FL_EINVAL, "mlp: hidden_layer_sizes must be >= 1");
	if (p->max_iter < 1)
		return fl_err_set(err, FL_EINVAL, "mlp: max_iter must be >= 1");
	if (p->alpha < 0 || p->learning_rate_init <= 0 || p->tol < 0 || p->power_t < 0)
		return fl_err_set(err, FL_EINVAL,
				  "mlp: alpha, tol and power_t must be >= 0, learning_rate_init > 0");
	if (p->momentum < 0 || p->momentum > 1)
		return fl_err_set(err, FL_EINVAL, "mlp: momentum must be in [0, 1]");
	if (p->beta_1 < 0 || p->beta_1 >= 1 || p->beta_2 < 0 || p->beta_2 >= 1 ||
	    p->epsilon <= 0)
		return fl_err_set(err, FL_EINVAL,
				  "mlp: beta_1 and beta_2 must be in [0, 1), epsilon > 0");
	if (p->n_iter_no_change < 1)
		return fl_err_set(err, FL_EINVAL, "mlp: n_iter_no_change must be >= 1");
	if (p->early_stopping &&
	    (p->validation_fraction <= 0 || p->validation_fraction >= 1))
		return fl_err_set(err, FL_EINVAL,
				  "mlp: early_stopping needs a validation split: validation_fraction "
				  "must be in (0, 1), not %g", p->validation_fraction);
	return 0;
}

static void format_sizes(const fl_mlp_params *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < p->n_hidden && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? "," : "",
					 p->hidden_layer_sizes[i]);
}

int fl_mlp_params_get(const fl_mlp_params *p, const char *name, char *buf,
		      size_t len, fl_err *err)
{
	const pdef *d = find_def(name);
	const char *field;
	int e;

	if (!d)
		return fl_err_set(err, FL_EINVAL, "mlp has no parameter '%s'", name);
	field = (const char *)p + d->off;
	switch (d->type) {
	case T_SIZES: format_sizes(p, buf, len); break;
	case T_INT: snprintf(buf, len, "%d", *(const int *)field); break;
	case T_SIZE:
		if (*(const size_t *)field == 0)
			snprintf(buf, len, "auto");
		else
			snprintf(buf, len, "%zu", *(const size_t *)field);
		break;
	case T_U64: snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field); break;
	case T_DOUBLE: snprintf(buf, len, "%.17g", *(const double *)field); break;
	case T_BOOL: snprintf(buf, len, "%s", *(const int *)field ? "true" : "false"); break;
	case T_ENUM:
		memcpy(&e, field, sizeof(int));
		snprintf(buf, len, "%s", d->enums[e]);
		break;
	}
	return 0;
}

const char *fl_mlp_activation_name(fl_mlp_activation a) { return activation_names[a]; }
const char *fl_mlp_solver_name(fl_mlp_solver s) { return solver_names[s]; }
const char *fl_mlp_schedule_name(fl_mlp_schedule s) { return schedule_names[s]; }
const char *fl_mlp_init_name(fl_mlp_init i) { return init_names[i]; }
