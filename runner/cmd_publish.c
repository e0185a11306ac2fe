/* cmd_publish.c - `floe publish BUNDLE -t NAME:TAG`: an image holding floe
 * and the bundle, whose entry point predicts with its model and verifies it. */
#include <stdio.h>

#include "bundle/publish.h"
#include "bundle/tarw.h"
#include "cli.h"

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "model", required_argument, NULL, 'm' },
		{ 0, 0, 0, 0 },
	};
	fl_publish_opts o = { 0 };
	fl_publish_result r;
	fl_err err = FL_ERR_INIT;
	int c, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "t:", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 't')
			o.tag = optarg;
		if (c == 'f')
			o.from = optarg;
		if (c == 'm')
			o.model = optarg;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "needs one bundle");
	if (!o.tag || !*o.tag)
		return cli_usage_error(cmd, "needs -t NAME[:TAG] for the image");
	if (fl_tarw_check_zstd(&err) < 0)
		return cli_fail(&err);
	o.bundle = argv[optind];
	o.progress = cli_progress(0);
	cli_install_log(0);
	if (fl_publish(&o, &r, &err) < 0) {
		cli_progress_done();
		fl_publish_result_clear(&r);
		return cli_fail(&err);
	}
	cli_progress_done();
	printf("image  %s %s\n", o.tag, r.id);
	printf("from   %s\n", r.from);
	printf("model  %s\n", r.model ? r.model : "none (predict refuses)");
	printf("size   %.1f MB\n", (double)r.size / 1e6);
	printf("use    docker run --rm -i %s predict < new.csv > predictions.csv\n"
	       "       docker run --rm %s verify\n", o.tag, o.tag);
	fl_publish_result_clear(&r);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_publish = {
	"publish", "build a Docker image holding floe and a bundle",
	"floe publish BUNDLE -t NAME[:TAG] [--from IMAGE] [--model ENTRY]",
	"Checks the bundle, then builds an image FROM floe's runtime image (pinned\n"
	"by its ID) with the bundle inside, with no network. Its entry point is\n"
	"`floe embedded`:\n"
	"  docker run --rm -i NAME:TAG predict < new.csv > predictions.csv\n"
	"  docker run --rm NAME:TAG verify\n"
	"(docs/containers.md). Prints the image's ID and size.\n"
	"\noptions:\n"
	"  -t, --tag NAME[:TAG]  the new image's name\n"
	"  --from IMAGE          floe's image to build on (default: the image the\n"
	"                        bundle's steps ran in, else floe:local); it must\n"
	"                        hold a floe with `floe embedded`\n"
	"  --model ENTRY         the model predict applies, when the bundle holds\n"
	"                        several (its path in the bundle, or its end,\n"
	"                        e.g. fit/model.floe)\n",
	run,
};
