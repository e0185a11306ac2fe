/* cmd_detect.c - `floe detect FILE`: sliding-window detection of calls in
 * a long recording with a built-in scorer, events as a table, optionally
 * scored against a truth table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/detect.h"
#include "audio/sweep.h"
#include "cli.h"
#include "core/parallel.h"

static int real_opt(const fl_cmd *cmd, const char *opt, const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end)
		return cli_usage_error(cmd, "%s needs a number, not '%s'", opt, s);
	*out = v;
	return 0;
}

/* "F0-F1" in Hz. */
static int band_opt(const fl_cmd *cmd, const char *s, fl_sweep_opts *o)
{
	char *end, *end2;

	o->f0 = strtod(s, &end);
	if (end == s || *end != '-' || (o->f1 = strtod(end + 1, &end2), end2 == end + 1) || *end2)
		return cli_usage_error(cmd, "--band needs F0-F1 in Hz (e.g. 50-250), not '%s'", s);
	return 0;
}

typedef struct args {
	const char *out, *truth;
	fl_detect_opts d;
	fl_sweep_opts s;
	int quiet;
} args;

static int parse(const fl_cmd *cmd, int argc, char **argv, args *a, int *code)
{
	enum { O_RATE = 256, O_WIN, O_HOP, O_THR, O_SCORER, O_BAND, O_DUR, O_BW, O_TRUTH, O_THREADS,
	       O_QUIET };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "rate", required_argument, NULL, O_RATE },
		{ "window", required_argument, NULL, O_WIN }, { "hop", required_argument, NULL, O_HOP },
		{ "threshold", required_argument, NULL, O_THR }, { "scorer", required_argument, NULL, O_SCORER },
		{ "band", required_argument, NULL, O_BAND }, { "duration", required_argument, NULL, O_DUR },
		{ "bandwidth", required_argument, NULL, O_BW }, { "truth", required_argument, NULL, O_TRUTH },
		{ "threads", required_argument, NULL, O_THREADS }, { "quiet", no_argument, NULL, O_QUIET },
		{ 0, 0, 0, 0 },
	};
	double rate = 0;
	int c, rc = 0;

	while ((c = cli_getopt(cmd, argc, argv, "o:", opts, code)) != -1 && rc == 0) {
		switch (c) {
		case '?': return -1;
		case 'o': a->out = optarg; break;
		case O_RATE: rc = real_opt(cmd, "--rate", optarg, &rate); a->d.rate = (int)rate; break;
		case O_WIN: rc = real_opt(cmd, "--window", optarg, &a->d.window_s); break;
		case O_HOP: rc = real_opt(cmd, "--hop", optarg, &a->d.hop_s); break;
		case O_THR: rc = real_opt(cmd, "--threshold", optarg, &a->d.threshold); break;
		case O_BAND: rc = band_opt(cmd, optarg, &a->s); break;
		case O_DUR: rc = real_opt(cmd, "--duration", optarg, &a->s.duration); break;
		case O_BW: rc = real_opt(cmd, "--bandwidth", optarg, &a->s.bandwidth); break;
		case O_TRUTH: a->truth = optarg; break;
		case O_QUIET: a->quiet = 1; break;
		case O_THREADS:
			if (!(a->d.n_threads = cli_parse_threads(optarg)))
				rc = cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'", optarg);
			break;
		case O_SCORER:
			if (!strcmp(optarg, "sweep"))
				a->s.kind = FL_SCORER_SWEEP;
			else if (!strcmp(optarg, "band"))
				a->s.kind = FL_SCORER_BAND;
			else
				rc = cli_usage_error(cmd, "--scorer must be sweep or band, not '%s'", optarg);
			break;
		}
	}
	if (rc) {
		*code = rc;
		return -1;
	}
	if (rate < 0 || a->d.window_s <= 0 || a->d.hop_s <= 0) {
		*code = cli_usage_error(cmd, "--rate must be >= 0, --window and --hop > 0");
		return -1;
	}
	if (optind != argc - 1) {
		*code = cli_usage_error(cmd, "give one recording");
		return -1;
	}
	return 0;
}

static int report(const args *a, const char *file, const fl_event *ev, size_t n, fl_err *err)
{
	fl_featmat *m = NULL;
	fl_event *truth = NULL;
	size_t nt = 0;
	int rc;

	if ((rc = fl_detect_table(file, ev, n, &m, err)) < 0)
		return rc;
	if (a->out)
		rc = fl_featmat_write_csv(m, a->out, a->d.n_threads, err);
	else
		for (size_t i = 0; i < n; i++)
			printf("%s,%.3f,%.3f,%.6g\n", file, ev[i].start, ev[i].end, ev[i].score);
	fl_featmat_free(m);
	if (rc == 0 && a->truth && (rc = fl_detect_read_truth(a->truth, &truth, &nt, err)) == 0) {
		fl_detect_eval e;
		fl_detect_evaluate(ev, n, truth, nt, &e);
		fprintf(a->out ? stdout : stderr,
			"events %zu, true positives %zu, truth %zu found %zu: precision %.3f recall %.3f\n",
			e.n_events, e.tp, e.n_truth, e.truth_found, e.precision, e.recall);
	}
	free(truth);
	return rc;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	args a = { NULL, NULL, FL_DETECT_OPTS_INIT, FL_SWEEP_OPTS_INIT, 0 };
	fl_err err = FL_ERR_INIT;
	fl_sweep *sw = NULL;
	fl_event *ev = NULL;
	size_t n = 0;
	int code = 0, rc;

	if (parse(cmd, argc, argv, &a, &code) < 0)
		return code;
	cli_install_log(a.quiet);
	a.d.progress = cli_progress(a.quiet);
	rc = fl_sweep_new(&a.s, fl_threads_resolve(a.d.n_threads), &sw, &err);
	if (rc == 0)
		rc = fl_detect_file(argv[optind], &a.d, fl_sweep_score, sw, &ev, &n, NULL, NULL, &err);
	cli_progress_done();
	if (rc == 0)
		rc = report(&a, argv[optind], ev, n, &err);
	fl_sweep_free(sw);
	free(ev);
	return rc < 0 ? cli_fail(&err) : FL_EXIT_OK;
}

const fl_cmd fl_cmd_detect = {
	"detect", "find calls in a long recording with a sliding window",
	"floe detect RECORDING [-o EVENTS.csv] [--truth TRUTH.csv] [options]",
	"Scores every window of the recording and merges windows scoring at or\n"
	"above the threshold into events (file, start, end, score), in seconds.\n"
	"With --truth (a CSV with start and end columns) prints precision and\n"
	"recall. Scorers and the merging rule: docs/audio.md.\n"
	"\noptions:\n"
	"  -o, --output EVENTS.csv   write the events (default: print them)\n"
	"  --rate R                  resample to R Hz first (default: the file's rate)\n"
	"  --window S, --hop S       window length and step in seconds (default 2, 0.5)\n"
	"  --threshold T             event threshold on the window score (default 0)\n"
	"  --scorer sweep|band       spectrogram correlation with an up-sweep (default)\n"
	"                            or the largest in-band power share in dB\n"
	"  --band F0-F1              sweep start-end or band edges in Hz (default 50-250)\n"
	"  --duration S              sweep duration in seconds (default 1)\n"
	"  --bandwidth B             sweep kernel half-width in Hz (default 20)\n"
	"  --truth TRUTH.csv         score the events against true (start, end) rows\n"
	"  --threads N               threads (default: all cores)\n"
	"  --quiet                   no progress, no information messages\n",
	run,
};
