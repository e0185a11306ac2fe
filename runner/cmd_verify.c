/* cmd_verify.c - `floe verify BUNDLE`: re-run and compare. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/verify.h"
#include "cli.h"

/* "rel=1e-9,abs=1e-12" (either part may be left out). */
static int parse_tolerance(const char *s, double *rel, double *abs)
{
	char *copy = strdup(s), *save = NULL, *end;
	int ok = copy != NULL;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && ok;
	     t = strtok_r(NULL, ",", &save)) {
		double *dst = !strncmp(t, "rel=", 4) ? rel : !strncmp(t, "abs=", 4) ? abs : NULL;
		if (!dst) {
			ok = 0;
			break;
		}
		*dst = strtod(t + 4, &end);
		ok = *end == '\0' && t[4] != '\0' && *dst >= 0;
	}
	free(copy);
	return ok;
}

static void report(const fl_verify_result *r)
{
	size_t i;
	json_t *o;

	json_array_foreach(r->outputs, i, o) {
		const char *res = json_string_value(json_object_get(o, "result"));
		printf("%-10s %s", !strcmp(res, "bitwise") ? "bitwise" : res,
		       json_string_value(json_object_get(o, "path")));
		if (json_object_get(o, "max_abs"))
			printf("  (largest difference abs %.3g, rel %.3g)",
			       json_real_value(json_object_get(o, "max_abs")),
			       json_real_value(json_object_get(o, "max_rel")));
		printf("\n");
	}
	json_array_foreach(r->images_loaded, i, o)
		printf("image      %s loaded from the bundle\n", json_string_value(o));
	json_array_foreach(r->env_diffs, i, o)
		printf("environment differs: %s\n", json_string_value(o));
	if (r->sig != FL_BUNDLE_UNSIGNED)
		printf("signature  valid, key id %s%s\n", r->key_id,
		       r->sig == FL_BUNDLE_SIGNED_BY ? " (the key given)" : " (no --key given: not "
		       "checked against a trusted key)");
	printf("%s\n", r->verdict == FL_VERIFY_BITWISE ? "reproduced bitwise"
		       : r->verdict == FL_VERIFY_TOLERANCE ? "reproduced within tolerance"
							   : "NOT reproduced");
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "tolerance", required_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 't' },
		{ "executor", required_argument, NULL, 'x' },
		{ 0, 0, 0, 0 },
	};
	fl_verify_opts o = FL_VERIFY_OPTS_INIT;
	fl_verify_result r;
	fl_err err = FL_ERR_INIT;
	int c, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'k')
			o.pubkey = optarg;
		if (c == 'T' && !parse_tolerance(optarg, &o.rel, &o.abs))
			return cli_usage_error(cmd, "--tolerance wants rel=X,abs=Y, not '%s'", optarg);
		if (c == 'x' && !strcmp(optarg, "local"))
			o.executor = FL_EXEC_LOCAL;
		else if (c == 'x' && strcmp(optarg, "auto"))
			return cli_usage_error(cmd, "--executor is auto or local, not '%s'", optarg);
		if (c == 't' && !(o.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "needs one bundle");
	cli_install_log(1);
	if (fl_verify_bundle(argv[optind], &o, &r, &err) < 0) {
		fl_verify_result_clear(&r);
		return cli_fail(&err);
	}
	report(&r);
	code = r.verdict == FL_VERIFY_BITWISE ? FL_EXIT_OK
	       : r.verdict == FL_VERIFY_TOLERANCE ? FL_EXIT_DRIFT : FL_EXIT_MISMATCH;
	fl_verify_result_clear(&r);
	return code;
}

const fl_cmd fl_cmd_verify = {
	"verify", "re-run a bundle and check every output against it",
	"floe verify BUNDLE [--key PUB] [--tolerance rel=X,abs=Y] [--executor auto|local] "
	"[--threads N]",
	"Checks the signature (against PUB when given) and every entry against the\n"
	"manifest, unpacks the bundle into a fresh temporary workspace, re-runs\n"
	"every step from the bundle's own inputs and compares each output with the\n"
	"recorded digest: bitwise, within tolerance (CSV outputs: every number\n"
	"within abs + rel * max(|a|,|b|); the largest differences are shown), or\n"
	"different. Says where the environment differs from the recorded one.\n"
	"A step that ran in a container image runs in it again; an image the\n"
	"bundle holds (floe bundle --with-image) is loaded into Docker first when\n"
	"it is not on this machine.\n"
	"\nexit codes: 0 reproduced bitwise, 3 reproduced within tolerance,\n"
	"4 an output differs, 1 the bundle is damaged, tampered with, badly signed,\n"
	"or a step failed (docs/exit-codes.md).\n"
	"\noptions:\n"
	"  --key PUB            the bundle must be signed by this public key\n"
	"  --tolerance SPEC     rel=1e-9,abs=1e-12 by default\n"
	"  --executor auto|local  auto (default): each step where it ran (its\n"
	"                       image); local: every step in this process, no\n"
	"                       Docker (inside a published image)\n"
	"  --threads N          threads for the re-run (default: all cores)\n",
	run,
};
