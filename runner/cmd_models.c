/* cmd_models.c - `floe models add|list|show|diff|tag|untag|get|rm|fsck`:
 * the model repository (lib/repo, docs/models-repo.md). Parses arguments
 * and prints; each subcommand has its own help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mlcli.h"
#include "models_print.h"
#include "repo/add.h"
#include "repo/diff.h"
#include "repo/fetch.h"
#include "repo/fsck.h"
#include "repo/query.h"
#include "repo/remove.h"
#include "repo/repo.h"
#include "repo/tag.h"

#define REPO_HELP "  --repo DIR   the repository (default: $FLOE_MODELS, else\n" \
		  "               $XDG_DATA_HOME/floe/models or ~/.local/share/floe/models)\n"
#define JSON_HELP "  --json       print JSON\n"

/* Options of every subcommand; each accepts only its own (see `ok`). */
typedef struct margs {
	const char *repo, *name, *model, *out;
	int json, force, all, threads;
	int argc;      /* positional arguments */
	char **argv;
} margs;

enum { O_REPO = 256, O_JSON, O_NAME, O_MODEL, O_FORCE, O_ALL, O_THREADS };

static int parse(const fl_cmd *sub, int argc, char **argv, const char *ok, int nargs,
		 margs *a, int *code)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, O_REPO },
		{ "json", no_argument, NULL, O_JSON },
		{ "name", required_argument, NULL, O_NAME },
		{ "model", required_argument, NULL, O_MODEL },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, O_FORCE },
		{ "all", no_argument, NULL, O_ALL },
		{ "threads", required_argument, NULL, O_THREADS },
		{ 0, 0, 0, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	cli_reset();
	while ((c = cli_getopt(sub, argc, argv, strchr(ok, 'o') ? "o:" : "", opts, code)) != -1) {
		if (c == '?')
			return -1;
		const char *flag = c == O_REPO ? "r" : c == O_JSON ? "j" : c == O_NAME ? "n"
				 : c == O_MODEL ? "m" : c == 'o' ? "o" : c == O_FORCE ? "f"
				 : c == O_ALL ? "a" : "t";
		if (!strchr(ok, flag[0])) {
			*code = cli_usage_error(sub, "option '%s' does not apply here", argv[optind - 1]);
			return -1;
		}
		if (c == O_REPO)
			a->repo = optarg;
		else if (c == O_JSON)
			a->json = 1;
		else if (c == O_NAME)
			a->name = optarg;
		else if (c == O_MODEL)
			a->model = optarg;
		else if (c == 'o')
			a->out = optarg;
		else if (c == O_FORCE)
			a->force = 1;
		else if (c == O_ALL)
			a->all = 1;
		else if (!(a->threads = cli_parse_threads(optarg))) {
			*code = cli_usage_error(sub, "--threads needs a whole number >= 1, not '%s'", optarg);
			return -1;
		}
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (nargs >= 0 && a->argc != nargs) {
		*code = cli_usage_error(sub, "expected %d argument%s, got %d", nargs,
					nargs == 1 ? "" : "s", a->argc);
		return -1;
	}
	return 0;
}

static int open_repo(const margs *a, int write, fl_repo **r, fl_err *err)
{
	return fl_repo_open(r, a->repo, write, err);
}

/* Run `body` on an opened repository, map errors to exit codes. */
#define WITH_REPO(write, body)                                         \
	do {                                                           \
		fl_repo *r = NULL;                                     \
		fl_err err = FL_ERR_INIT;                              \
		int rc_ = open_repo(&a, (write), &r, &err);            \
		if (rc_ == 0)                                          \
			rc_ = (body);                                  \
		fl_repo_free(r);                                       \
		return rc_ < 0 ? cli_fail(&err) : rc_;                 \
	} while (0)

/* --- add ------------------------------------------------------------------ */

static const fl_cmd add_cmd = {
	"models add", "store a bundle's model as a new version",
	"floe models add BUNDLE --name NAME [--model ENTRY] [--threads N] [--repo DIR] [--json]",
	"Stores the bundle and the model file in it (an output that is a floe model\n"
	"file) as NAME@N, the next version of NAME, with its lineage: the bundle\n"
	"digest, the recipe, the input digests, the metrics, the environment and\n"
	"the input schema. Every entry of the bundle is checked against its manifest.\n"
	"Versions never change; a killed add leaves no partial version.\n"
	"NAME: 1-64 characters a-z 0-9 . _ -, starting with a letter or digit.\n"
	"\noptions:\n"
	"  --name NAME   the model's name (required)\n"
	"  --model ENTRY which model, when the bundle holds several: its path in the\n"
	"                bundle, its file name or the name of the step that made it\n"
	"  --threads N   threads (default: all cores; hashing the bundle and checking\n"
	"                its entries run side by side)\n"
	REPO_HELP JSON_HELP,
	NULL,
};

static int do_add(fl_repo *r, const margs *a, fl_err *err)
{
	fl_repo_add_opts o = FL_REPO_ADD_OPTS_INIT;
	json_t *rec = NULL;
	long v;
	int rc;

	o.model = a->model;
	o.n_threads = a->threads;
	o.progress = cli_progress(0);
	rc = fl_repo_add(r, a->argv[0], a->name, &o, &v, &rec, err);
	cli_progress_done();
	if (rc < 0)
		return rc;
	if (a->json)
		mlcli_print_json(stdout, rec);
	else
		printf("added %s@%ld: %s (%s) from %s, bundle digest %.16s\n", a->name, v,
		       json_string_value(json_object_get(json_object_get(rec, "model"), "entry")),
		       json_string_value(json_object_get(json_object_get(rec, "model"), "kind")),
		       a->argv[0],
		       json_string_value(json_object_get(json_object_get(rec, "bundle"), "digest")));
	json_decref(rec);
	return 0;
}

static int run_add(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&add_cmd, argc, argv, "rjnmt", 1, &a, &code) < 0)
		return code;
	if (!a.name)
		return cli_usage_error(&add_cmd, "--name NAME is required");
	WITH_REPO(1, do_add(r, &a, &err));
}

/* --- list, show, diff ------------------------------------------------------- */

static const fl_cmd list_cmd = {
	"models list", "list the versions in the repository",
	"floe models list [NAME] [--repo DIR] [--json]",
	"One line per version: NAME@N, its aliases, the model kind, a headline\n"
	"metric (held-out accuracy, r2, silhouette or explained variance), when and\n"
	"by whom it was added. With NAME, only that model's versions.\n"
	"\noptions:\n" REPO_HELP JSON_HELP,
	NULL,
};

static int do_list(fl_repo *r, const margs *a, fl_err *err)
{
	json_t *l = NULL;
	int rc = fl_repo_list(r, a->argc ? a->argv[0] : NULL, &l, err);

	if (rc < 0)
		return rc;
	if (a->json)
		mlcli_print_json(stdout, l);
	else
		models_print_list(l, fl_repo_root(r));
	json_decref(l);
	return 0;
}

static int run_list(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&list_cmd, argc, argv, "rj", -1, &a, &code) < 0)
		return code;
	if (a.argc > 1)
		return cli_usage_error(&list_cmd, "at most one NAME");
	WITH_REPO(0, do_list(r, &a, &err));
}

static const fl_cmd show_cmd = {
	"models show", "show one version and its lineage",
	"floe models show NAME[@VERSION|@ALIAS] [--repo DIR] [--json]",
	"Prints the version's aliases, kind, who added it and when, the bundle (file,\n"
	"digest, signer), the model file and the step that made it, the recipe, the\n"
	"inputs with their digests, the input schema, the parameters, the metrics and\n"
	"the environment. NAME alone (or NAME@latest) is the highest version.\n"
	"\noptions:\n" REPO_HELP JSON_HELP,
	NULL,
};

static int do_show(fl_repo *r, const margs *a, fl_err *err)
{
	json_t *rec = NULL;
	int rc = fl_repo_show(r, a->argv[0], &rec, err);

	if (rc < 0)
		return rc;
	if (a->json)
		mlcli_print_json(stdout, rec);
	else
		models_print_show(rec);
	json_decref(rec);
	return 0;
}

static int run_show(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&show_cmd, argc, argv, "rj", 1, &a, &code) < 0)
		return code;
	WITH_REPO(0, do_show(r, &a, &err));
}

static const fl_cmd diff_cmd = {
	"models diff", "compare two versions side by side",
	"floe models diff A B [--all] [--repo DIR] [--json]",
	"A and B are references (NAME@VERSION, NAME@ALIAS, NAME). Sections: model\n"
	"(kind, entry, step, bundle, recipe), parameters, metrics, inputs (digest\n"
	"and size per input), schema, environment. Rows that differ are marked '*'.\n"
	"\noptions:\n"
	"  --all        also print the rows that are the same\n" REPO_HELP JSON_HELP,
	NULL,
};

static int do_diff(fl_repo *r, const margs *a, fl_err *err)
{
	json_t *ra = NULL, *rb = NULL, *d = NULL;
	int rc;

	if ((rc = fl_repo_show(r, a->argv[0], &ra, err)) == 0 &&
	    (rc = fl_repo_show(r, a->argv[1], &rb, err)) == 0 &&
	    (rc = fl_repo_diff(ra, rb, &d, err)) == 0) {
		if (a->json)
			mlcli_print_json(stdout, d);
		else
			models_print_diff(d, a->argv[0], a->argv[1], a->all);
	}
	json_decref(ra);
	json_decref(rb);
	json_decref(d);
	return rc;
}

static int run_diff(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&diff_cmd, argc, argv, "rja", 2, &a, &code) < 0)
		return code;
	WITH_REPO(0, do_diff(r, &a, &err));
}

/* --- tag, untag, rm, get ------------------------------------------------------ */

static const fl_cmd tag_cmd = {
	"models tag", "point an alias at a version",
	"floe models tag NAME@VERSION ALIAS [--repo DIR]",
	"Points ALIAS (e.g. production) at the version, moving it if it pointed at\n"
	"another one. ALIAS: 1-64 characters a-z 0-9 . _ -, starting with a letter;\n"
	"'latest' is reserved. `floe models untag NAME@ALIAS` removes one.\n"
	"\noptions:\n" REPO_HELP,
	NULL,
};

static int do_tag(fl_repo *r, const margs *a, fl_err *err)
{
	long v, prev;
	char name[80];
	int rc = fl_repo_tag(r, a->argv[0], a->argv[1], &v, &prev, err);

	if (rc < 0)
		return rc;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(a->argv[0], "@"), a->argv[0]);
	if (prev && prev != v)
		printf("%s@%s -> %s@%ld (was %s@%ld)\n", name, a->argv[1], name, v, name, prev);
	else
		printf("%s@%s -> %s@%ld\n", name, a->argv[1], name, v);
	return 0;
}

static int run_tag(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&tag_cmd, argc, argv, "r", 2, &a, &code) < 0)
		return code;
	WITH_REPO(1, do_tag(r, &a, &err));
}

static const fl_cmd untag_cmd = {
	"models untag", "remove an alias",
	"floe models untag NAME@ALIAS [--repo DIR]",
	"Removes the alias; the version it pointed at stays.\n"
	"\noptions:\n" REPO_HELP,
	NULL,
};

static int do_untag(fl_repo *r, const margs *a, fl_err *err)
{
	int rc = fl_repo_untag(r, a->argv[0], err);

	if (rc == 0)
		printf("removed alias %s\n", a->argv[0]);
	return rc;
}

static int run_untag(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&untag_cmd, argc, argv, "r", 1, &a, &code) < 0)
		return code;
	WITH_REPO(1, do_untag(r, &a, &err));
}

static const fl_cmd rm_cmd = {
	"models rm", "remove one version",
	"floe models rm NAME@VERSION [--force] [--repo DIR]",
	"Removes the version (named by its number). Its number is never given again.\n"
	"While aliases point at it, rm refuses and names them; --force removes those\n"
	"aliases too. Objects that no remaining version uses are deleted.\n"
	"\noptions:\n"
	"  --force      also remove the aliases pointing at the version\n" REPO_HELP,
	NULL,
};

static int do_rm(fl_repo *r, const margs *a, fl_err *err)
{
	json_t *gone = NULL;
	int freed = 0, rc = fl_repo_rm(r, a->argv[0], a->force, &gone, &freed, err);
	char *s = NULL;

	if (rc < 0)
		return rc;
	if (json_array_size(gone))
		s = json_dumps(gone, JSON_COMPACT);
	printf("removed %s%s%s (%d object%s deleted)\n", a->argv[0], s ? " and its aliases " : "",
	       s ? s : "", freed, freed == 1 ? "" : "s");
	free(s);
	json_decref(gone);
	return 0;
}

static int run_rm(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&rm_cmd, argc, argv, "rf", 1, &a, &code) < 0)
		return code;
	WITH_REPO(1, do_rm(r, &a, &err));
}

static const fl_cmd get_cmd = {
	"models get", "write a version's bundle back to a folder",
	"floe models get NAME[@VERSION|@ALIAS] -o DIR [--repo DIR]",
	"Copies the bundle the version was added from into DIR (created when\n"
	"missing) under its original file name, checking its digest on the way; a\n"
	"damaged or tampered object is refused and nothing is written. Prints the\n"
	"file's path. `floe verify` and `floe unpack` work on it as on any bundle.\n"
	"\noptions:\n"
	"  -o, --output DIR  the folder to write to (required)\n" REPO_HELP,
	NULL,
};

static int do_get(fl_repo *r, const margs *a, fl_err *err)
{
	char *path = NULL;
	int rc = fl_repo_get(r, a->argv[0], a->out, &path, err);

	if (rc == 0)
		printf("%s\n", path);
	free(path);
	return rc;
}

static int run_get(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&get_cmd, argc, argv, "ro", 1, &a, &code) < 0)
		return code;
	if (!a.out)
		return cli_usage_error(&get_cmd, "-o DIR is required");
	WITH_REPO(0, do_get(r, &a, &err));
}

/* --- fsck ------------------------------------------------------------------ */

static const fl_cmd fsck_cmd = {
	"models fsck", "check every object against its digest",
	"floe models fsck [--threads N] [--repo DIR] [--json]",
	"Hashes every object and compares it with its name, reads every version\n"
	"record and checks that its objects exist, and that every alias points at a\n"
	"version. Each problem is printed with the object or version concerned;\n"
	"exit code 1 when there is any. Objects no version uses and leftover\n"
	"temporary files are reported as notes, not problems.\n"
	"\noptions:\n"
	"  --threads N  hashing threads (default: all cores)\n" REPO_HELP JSON_HELP,
	NULL,
};

static int do_fsck(fl_repo *r, const margs *a, fl_err *err)
{
	json_t *rep = NULL;
	size_t problems;
	int rc = fl_repo_fsck(r, a->threads, cli_progress(a->json), &rep, err);

	cli_progress_done();
	if (rc < 0)
		return rc;
	if (a->json) {
		mlcli_print_json(stdout, rep);
		problems = json_array_size(json_object_get(rep, "problems"));
	} else {
		problems = models_print_fsck(rep, fl_repo_root(r));
	}
	json_decref(rep);
	return problems ? FL_EXIT_FAIL : 0;
}

static int run_fsck(int argc, char **argv)
{
	margs a;
	int code = 0;

	if (parse(&fsck_cmd, argc, argv, "rjt", 0, &a, &code) < 0)
		return code;
	WITH_REPO(0, do_fsck(r, &a, &err));
}

/* --- dispatch ------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{ "add", run_add }, { "list", run_list }, { "show", run_show }, { "diff", run_diff },
	{ "tag", run_tag }, { "untag", run_untag }, { "get", run_get }, { "rm", run_rm },
	{ "fsck", run_fsck },
};

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	cli_install_log(0);
	for (size_t i = 0; argc >= 2 && i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s\n\n%s\n\n%s", cmd->usage, cmd->summary, cmd->help);
		return FL_EXIT_OK;
	}
	if (argc < 2)
		return cli_usage_error(cmd, "no subcommand given (add, list, show, diff, tag, "
				       "untag, get, rm, fsck)");
	return cli_usage_error(cmd, "unknown subcommand '%s' (add, list, show, diff, tag, "
			       "untag, get, rm, fsck)", argv[1]);
}

const fl_cmd fl_cmd_models = {
	"models", "the model repository: keep, find, compare and share models",
	"floe models (add|list|show|diff|tag|untag|get|rm|fsck) [OPTIONS] ...",
	"subcommands:\n"
	"  add BUNDLE --name NAME   store the bundle's model as NAME@N (the next N)\n"
	"  list [NAME]              the versions, their aliases and a headline metric\n"
	"  show NAME[@REF]          one version and its lineage\n"
	"  diff A B                 two versions side by side\n"
	"  tag NAME@V ALIAS         point an alias (e.g. production) at a version\n"
	"  untag NAME@ALIAS         remove an alias\n"
	"  get NAME[@REF] -o DIR    the bundle back\n"
	"  rm NAME@V [--force]      remove a version\n"
	"  fsck                     check every object against its digest\n"
	"\nREF is a version number, an alias or 'latest' (the default). The\n"
	"repository is a folder: --repo DIR, else $FLOE_MODELS, else\n"
	"$XDG_DATA_HOME/floe/models (~/.local/share/floe/models). `floe predict\n"
	"NAME@REF DATA` applies a model from it. 'floe models SUBCOMMAND --help'\n"
	"describes each; docs/models-repo.md has the details.\n",
	run,
};
