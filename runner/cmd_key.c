/* cmd_key.c - `floe key generate [-o PREFIX]`: make an Ed25519 key pair for
 * signing bundles. */
#include <stdio.h>
#include <string.h>

#include "bundle/sign.h"
#include "cli.h"

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	fl_err err = FL_ERR_INIT;
	const char *prefix = "floe-signing";
	uint8_t pub[FL_SIGN_PUB_LEN];
	char id[FL_SHA256_HEX_LEN + 1], path[4096];
	int c, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "o:", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'o')
			prefix = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "no action given (the only one is 'generate')");
	if (strcmp(argv[optind], "generate"))
		return cli_usage_error(cmd, "unknown action '%s' (the only one is 'generate')",
				       argv[optind]);
	if (optind + 1 < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	snprintf(path, sizeof(path), "%s.pub", prefix);
	if (fl_sign_keygen(prefix, &err) < 0 || fl_sign_public_raw(path, pub, &err) < 0 ||
	    fl_sign_key_id(pub, id, &err) < 0)
		return cli_fail(&err);
	printf("private key  %s.key (keep it secret; mode 0600)\n", prefix);
	printf("public key   %s.pub (give it to those who verify your bundles)\n", prefix);
	printf("key id       %s\n", id);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_key = {
	"key", "make an Ed25519 key pair for signing bundles",
	"floe key generate [-o PREFIX]",
	"Writes PREFIX.key (the private key, PEM PKCS#8, mode 0600) and PREFIX.pub\n"
	"(the public key, PEM) and prints the key id (SHA-256 of the raw public\n"
	"key). Existing files are never overwritten. Sign with\n"
	"`floe bundle --sign PREFIX.key`, check with `floe verify --key PREFIX.pub`\n"
	"(docs/bundles.md).\n"
	"\noptions:\n"
	"  -o, --output PREFIX   file name prefix (default: floe-signing)\n",
	run,
};
