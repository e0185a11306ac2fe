/* models_print.c - text output of `floe models list/show/diff/fsck`. */
#include "models_print.h"

#include <stdio.h>
#include <string.h>

#include "mlcli.h"

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void metric_text(const json_t *m, char *buf, size_t cap)
{
	if (!m)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%s %.4g", str(m, "name"),
			 json_number_value(json_object_get(m, "value")));
}

static void aliases_text(const json_t *a, char *buf, size_t cap)
{
	size_t i, len = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach((json_t *)a, i, v)
		if (len + 2 < cap)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "",
						json_string_value(v));
	if (!len)
		snprintf(buf, cap, "-");
}

void models_print_list(const json_t *list, const char *root)
{
	int wn = 5, wa = 7, wk = 4, wm = 6;
	char al[256], met[96], ref[128];
	size_t i;
	json_t *v;

	if (!json_array_size(list)) {
		printf("no models in %s\n", root);
		return;
	}
	json_array_foreach((json_t *)list, i, v) {
		int n = snprintf(ref, sizeof(ref), "%s@%lld", str(v, "name"),
				 (long long)json_integer_value(json_object_get(v, "version")));
		aliases_text(json_object_get(v, "aliases"), al, sizeof(al));
		metric_text(json_object_get(v, "metric"), met, sizeof(met));
		wn = n > wn ? n : wn;
		wa = (int)strlen(al) > wa ? (int)strlen(al) : wa;
		wk = (int)strlen(str(v, "kind")) > wk ? (int)strlen(str(v, "kind")) : wk;
		wm = (int)strlen(met) > wm ? (int)strlen(met) : wm;
	}
	printf("%-*s  %-*s  %-*s  %-*s  %-20s  %s\n", wn, "MODEL", wa, "ALIASES", wk, "KIND", wm,
	       "METRIC", "ADDED", "BY");
	json_array_foreach((json_t *)list, i, v) {
		snprintf(ref, sizeof(ref), "%s@%lld", str(v, "name"),
			 (long long)json_integer_value(json_object_get(v, "version")));
		aliases_text(json_object_get(v, "aliases"), al, sizeof(al));
		metric_text(json_object_get(v, "metric"), met, sizeof(met));
		printf("%-*s  %-*s  %-*s  %-*s  %-20s  %s\n", wn, ref, wa, al, wk, str(v, "kind"), wm,
		       met, str(v, "added"), str(v, "user"));
	}
}

static void print_inputs(const json_t *inputs)
{
	size_t i;
	json_t *e;

	printf("inputs         %zu\n", json_array_size(inputs));
	json_array_foreach((json_t *)inputs, i, e)
		printf("  %-16s %s  %.16s  %lld bytes%s\n", str(e, "name"), str(e, "path"),
		       str(e, "sha256"), (long long)json_integer_value(json_object_get(e, "bytes")),
		       json_is_false(json_object_get(e, "embedded")) ? "  (not embedded)" : "");
}

static void print_schema(const json_t *s)
{
	size_t i;
	json_t *f;

	printf("input schema   %zu features:", json_array_size(json_object_get(s, "features")));
	json_array_foreach(json_object_get(s, "features"), i, f)
		printf("%s %s:%s", i ? "," : "", str(f, "name"), str(f, "type"));
	putchar('\n');
	if (json_is_string(json_object_get(s, "label"))) {
		printf("               label %s (%s)", str(s, "label"), str(s, "target"));
		json_array_foreach(json_object_get(s, "classes"), i, f)
			printf("%s%s", i ? " " : ": ", json_string_value(f));
		putchar('\n');
	}
}

static void print_env(const json_t *env)
{
	const json_t *lib = json_object_get(env, "libraries");
	const json_t *ob = json_object_get(lib, "openblas");

	printf("environment    floe %s (%s); openblas %s, core %s; %s; %s %s\n",
	       str(json_object_get(env, "floe"), "version"),
	       str(json_object_get(env, "floe"), "commit"), str(ob, "config"),
	       str(ob, "corename"), str(json_object_get(env, "cpu"), "model"),
	       str(json_object_get(env, "os"), "name"), str(json_object_get(env, "os"), "kernel"));
}

void models_print_show(const json_t *rec)
{
	const json_t *m = json_object_get(rec, "model"), *b = json_object_get(rec, "bundle");
	const json_t *r = json_object_get(rec, "recipe"), *by = json_object_get(rec, "added_by");
	const char *key;
	char al[256];
	json_t *v;

	aliases_text(json_object_get(rec, "aliases"), al, sizeof(al));
	printf("model          %s@%lld\n", str(rec, "name"),
	       (long long)json_integer_value(json_object_get(rec, "version")));
	printf("aliases        %s\n", al);
	printf("kind           %s (%s)\n", str(m, "kind"), str(m, "task"));
	printf("added          %s by %s on %s\n", str(rec, "added"), str(by, "user"), str(by, "host"));
	printf("bundle         %s (%lld bytes)\n", str(b, "file"),
	       (long long)json_integer_value(json_object_get(b, "bytes")));
	printf("  digest       %s\n", str(b, "digest"));
	printf("  sha256       %s\n", str(b, "object"));
	printf("  signed       %s\n", json_is_string(json_object_get(b, "signed_by"))
					  ? str(b, "signed_by") : "no");
	printf("model file     %s (%lld bytes)\n", str(m, "entry"),
	       (long long)json_integer_value(json_object_get(m, "bytes")));
	printf("  sha256       %s\n", str(m, "object"));
	printf("  made by step %s (%s), key %.16s\n", str(m, "step"), str(m, "phase"),
	       str(m, "step_key"));
	printf("recipe         %s (%s, sha256 %.16s)\n", str(r, "name"), str(r, "path"),
	       str(r, "sha256"));
	print_inputs(json_object_get(rec, "inputs"));
	print_schema(json_object_get(m, "schema"));
	printf("parameters\n");
	mlcli_print_metrics(stdout, json_object_get(m, "params"), "  ");
	json_object_foreach(json_object_get(m, "metrics"), key, v) {
		printf("metrics: %s\n", key);
		mlcli_print_metrics(stdout, v, "  ");
	}
	print_env(json_object_get(rec, "environment"));
}

static int width(const json_t *rows, const char *field, int all, int min)
{
	size_t i;
	json_t *r;
	int w = min;

	json_array_foreach((json_t *)rows, i, r) {
		const char *s = json_string_value(json_object_get(r, field));
		int n = s ? (int)strlen(s) : 1;
		if ((all || !json_is_true(json_object_get(r, "same"))) && n > w)
			w = n;
	}
	return w > 48 ? 48 : w;
}

void models_print_diff(const json_t *diff, const char *a, const char *b, int all)
{
	size_t i, k;
	json_t *sec, *r;

	json_array_foreach((json_t *)diff, i, sec) {
		const json_t *rows = json_object_get(sec, "rows");
		int wk = width(rows, "key", all, 3), wa = width(rows, "a", all, (int)strlen(a));
		size_t same = 0;
		printf("%s\n", str(sec, "section"));
		printf("  %-*s  %-*s  %s\n", wk, "", wa, a, b);
		json_array_foreach((json_t *)rows, k, r) {
			int eq = json_is_true(json_object_get(r, "same"));
			const char *va = json_string_value(json_object_get(r, "a"));
			const char *vb = json_string_value(json_object_get(r, "b"));
			same += (size_t)eq;
			if (eq && !all)
				continue;
			printf("%c %-*s  %-*s  %s\n", eq ? ' ' : '*', wk, str(r, "key"), wa,
			       va ? va : "-", vb ? vb : "-");
		}
		if (!all && same)
			printf("  (%zu identical)\n", same);
	}
}

size_t models_print_fsck(const json_t *rep, const char *root)
{
	const json_t *p = json_object_get(rep, "problems");
	size_t i, n = json_array_size(p);
	json_t *e;

	json_array_foreach((json_t *)p, i, e)
		printf("PROBLEM %s: %s\n", str(e, "path"), str(e, "problem"));
	printf("checked %lld objects, %lld versions, %lld aliases in %s: %s\n",
	       (long long)json_integer_value(json_object_get(rep, "objects")),
	       (long long)json_integer_value(json_object_get(rep, "versions")),
	       (long long)json_integer_value(json_object_get(rep, "aliases")), root,
	       n ? "PROBLEMS FOUND" : "ok");
	if (json_array_size(json_object_get(rep, "unreferenced")))
		printf("note: %zu objects no version uses (from interrupted adds; the next "
		       "`floe models rm` deletes them)\n",
		       json_array_size(json_object_get(rep, "unreferenced")));
	if (json_array_size(json_object_get(rep, "temporary")))
		printf("note: %zu temporary files in %s/tmp (adds in progress or interrupted; "
		       "safe to delete when no add is running)\n",
		       json_array_size(json_object_get(rep, "temporary")), root);
	return n;
}
