/* cmd_inspect.c - `floe inspect BUNDLE`: what a bundle holds. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "bundle/bundle.h"
#include "bundle/manifest.h"
#include "cli.h"

static void count_roles(const json_t *part, json_t *counts)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(part, "entries"), i, e) {
		const char *role = json_string_value(json_object_get(e, "role"));
		json_t *c = json_object_get(counts, role);
		json_int_t n = c ? json_integer_value(json_array_get(c, 0)) : 0;
		json_int_t b = c ? json_integer_value(json_array_get(c, 1)) : 0;
		json_object_set_new(counts, role, json_pack("[I, I]", n + 1,
			b + json_integer_value(json_object_get(e, "size"))));
	}
}

static void print_human(const fl_bundle *b, fl_bundle_sig sig, const char *key_id)
{
	json_t *id = json_object_get(b->manifest, "identity");
	json_t *rs = json_object_get(b->manifest, "run");
	json_t *counts = json_object(), *v, *steps = json_object_get(id, "steps");
	const char *k;
	char hex[FL_SHA256_HEX_LEN + 1];

	fl_digest_hex(&b->digest, hex);
	printf("bundle   %s (%llu bytes)\n", b->path, (unsigned long long)b->file_size);
	printf("digest   %s\n", hex);
	printf("recipe   %s (%s)\n",
	       json_string_value(json_object_get(json_object_get(id, "recipe"), "name")),
	       json_string_value(json_object_get(json_object_get(id, "recipe"), "path")));
	printf("steps    %zu:", json_object_size(steps));
	json_object_foreach(steps, k, v)
		printf(" %s", k);
	printf("\n");
	count_roles(id, counts);
	count_roles(rs, counts);
	printf("entries ");
	json_object_foreach(counts, k, v)
		printf(" %s %lld (%lld bytes);", k, (long long)json_integer_value(json_array_get(v, 0)),
		       (long long)json_integer_value(json_array_get(v, 1)));
	printf("\n");
	printf("inputs   %s\n", json_is_false(json_object_get(id, "data_embedded"))
				      ? "digests and origins only (--no-data)" : "embedded");
	size_t i;
	json_array_foreach(json_object_get(id, "images"), i, v)
		printf("image    %s (%s)\n", json_string_value(json_object_get(v, "id")),
		       json_is_true(json_object_get(v, "embedded")) ? "inside: floe verify loads it"
								  : "not inside: --with-image");
	v = json_object_get(json_object_get(id, "environment"), "floe");
	printf("made by  floe %s (%s) on %s\n", json_string_value(json_object_get(v, "version")),
	       json_string_value(json_object_get(v, "commit")),
	       json_string_value(json_object_get(rs, "host")));
	if (sig == FL_BUNDLE_UNSIGNED)
		printf("signed   no\n");
	else
		printf("signed   yes, valid, key id %s\n", key_id);
	json_decref(counts);
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	fl_err err = FL_ERR_INIT;
	fl_bundle *b = NULL;
	fl_bundle_sig sig;
	char key_id[FL_SHA256_HEX_LEN + 1] = "";
	int c, code = 0, json = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'j')
			json = 1;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "needs one bundle");
	if (fl_bundle_open(&b, argv[optind], NULL, &err) < 0 ||
	    fl_bundle_check_signature(b, NULL, &sig, key_id, &err) < 0) {
		fl_bundle_free(b);
		return cli_fail(&err);
	}
	if (json) {
		json_t *out = json_pack("{s:O, s:O*, s:s*}", "manifest", b->manifest, "signature",
					b->signature, "signature_valid_key_id",
					sig == FL_BUNDLE_UNSIGNED ? NULL : key_id);
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(out);
	} else {
		print_human(b, sig, key_id);
	}
	fl_bundle_free(b);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_inspect = {
	"inspect", "show what a bundle holds",
	"floe inspect BUNDLE [--json]",
	"Reads the manifest at the head of the bundle (the rest is not read) and\n"
	"prints the digest, the recipe, the steps, the entries by role, whether the\n"
	"inputs are embedded, who made it and whether it is signed (the signature is\n"
	"checked against the manifest). `floe verify` checks every entry.\n"
	"\noptions:\n"
	"  --json   print the manifest and the signature as JSON\n",
	run,
};
