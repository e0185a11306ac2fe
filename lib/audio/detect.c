/* detect.c - sliding-window detection, event merging and evaluation. */
#define _GNU_SOURCE
#include "audio/detect.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/sound.h"
#include "core/atomic.h"
#include "core/parallel.h"

typedef struct win_job {
	const fl_signal *sig;
	const fl_detect_opts *o;
	fl_detect_score_fn fn;
	void *ud;
	size_t W, H, nw;
	double *scores;
	atomic_size_t done;
} win_job;

static int one_window(void *ud, size_t w, int worker, fl_err *err)
{
	win_job *j = ud;
	size_t s0 = w * j->H, len = s0 + j->W <= j->sig->n ? j->W : j->sig->n - s0, d;
	int rc;

	if (j->o->stop && *j->o->stop)
		return fl_err_set(err, FL_EINTR, "interrupted");
	rc = j->fn(j->ud, worker, j->sig->x + s0, len, j->sig->rate, &j->scores[w], err);
	d = atomic_fetch_add(&j->done, 1) + 1;
	if (j->o->progress && (d % 64 == 0 || d == j->nw))
		fl_progress_report(j->o->progress, "detecting", d, j->nw);
	return rc;
}

int fl_detect_file(const char *path, const fl_detect_opts *o, fl_detect_score_fn fn, void *ud,
		   fl_event **out, size_t *n_out, double **scores_out, size_t *n_windows,
		   fl_err *err)
{
	win_job j = { NULL, o, fn, ud, 0, 0, 0, NULL, 0 };
	fl_signal *sig = NULL;
	int rc;

	*out = NULL;
	*n_out = 0;
	if (o->window_s <= 0 || o->hop_s <= 0)
		return fl_err_set(err, FL_EINVAL, "window and hop must be positive seconds");
	if ((rc = fl_signal_load(path, o->rate, o->n_threads, &sig, err)) < 0)
		return rc;
	j.sig = sig;
	j.W = (size_t)llround(o->window_s * sig->rate);
	j.H = (size_t)llround(o->hop_s * sig->rate);
	j.W = j.W ? j.W : 1;
	j.H = j.H ? j.H : 1;
	j.nw = sig->n <= j.W ? 1 : 1 + (sig->n - j.W) / j.H;
	if (!(j.scores = calloc(j.nw, sizeof(double)))) {
		fl_signal_free(sig);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	rc = fl_parallel_for(j.nw, o->n_threads, one_window, &j, err);
	if (rc == 0)
		rc = fl_detect_merge(j.scores, j.nw, (double)j.W / sig->rate, (double)j.H / sig->rate,
				     o->threshold, out, n_out, err);
	if (rc < 0)
		fl_err_wrap(err, "%s", path);
	if (rc == 0 && scores_out) {
		*scores_out = j.scores;
		*n_windows = j.nw;
		j.scores = NULL;
	}
	free(j.scores);
	fl_signal_free(sig);
	return rc;
}

int fl_detect_merge(const double *scores, size_t n, double window_s, double hop_s,
		    double threshold, fl_event **out, size_t *n_out, fl_err *err)
{
	fl_event *ev = malloc((n ? n : 1) * sizeof(*ev));
	size_t k = 0;

	*out = NULL;
	*n_out = 0;
	if (!ev)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t w = 0; w < n; w++) {
		double s0 = w * hop_s, s1 = s0 + window_s;
		if (!(scores[w] >= threshold))
			continue;
		if (k && s0 <= ev[k - 1].end + 1e-9) {
			ev[k - 1].end = s1;
			ev[k - 1].score = fmax(ev[k - 1].score, scores[w]);
		} else {
			ev[k++] = (fl_event){ s0, s1, scores[w] };
		}
	}
	*out = ev;
	*n_out = k;
	return 0;
}

void fl_detect_evaluate(const fl_event *ev, size_t n, const fl_event *truth, size_t n_truth,
			fl_detect_eval *r)
{
	unsigned char *used = calloc(n_truth ? n_truth : 1, 1);

	memset(r, 0, sizeof(*r));
	r->n_events = n;
	r->n_truth = n_truth;
	for (size_t i = 0; i < n; i++) {
		int hit = 0;
		for (size_t t = 0; t < n_truth; t++) {
			if (truth[t].end <= ev[i].start || truth[t].start >= ev[i].end)
				continue;
			hit = 1;
			if (used && !used[t]) {
				used[t] = 1;
				r->truth_found++;
			}
		}
		r->tp += (size_t)hit;
	}
	free(used);
	r->precision = n ? (double)r->tp / n : 1;
	r->recall = n_truth ? (double)r->truth_found / n_truth : 1;
}

static int cmp_event(const void *a, const void *b)
{
	const fl_event *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int find_col(char *header, const char *name)
{
	int i = 0;

	for (char *save = NULL, *f = strtok_r(header, ",\r", &save); f;
	     f = strtok_r(NULL, ",\r", &save), i++)
		if (!strcmp(f, name) || (f[0] == '"' && !strncmp(f + 1, name, strlen(name))))
			return i;
	return -1;
}

/* Field i of a comma-separated line as a number; -1 if missing or bad. */
static int field(const char *line, int i, double *v)
{
	char *end;

	for (int k = 0; k < i; k++) {
		line = strchr(line, ',');
		if (!line)
			return -1;
		line++;
	}
	*v = strtod(line, &end);
	return end == line || (*end && *end != ',' && *end != '\r') ? -1 : 0;
}

int fl_detect_read_truth(const char *path, fl_event **out, size_t *n_out, fl_err *err)
{
	char *text = NULL, *save = NULL, *line, *hdr = NULL;
	fl_event *ev = NULL;
	size_t n = 0, lines = 1;
	int rc, cs, ce, lineno = 1;

	*out = NULL;
	*n_out = 0;
	if ((rc = fl_read_file(path, &text, NULL, err)) < 0)
		return rc;
	for (char *c = text; *c; c++)
		lines += *c == '\n';
	line = strtok_r(text, "\n", &save);
	if (!line || !(hdr = strdup(line)) || !(ev = malloc(lines * sizeof(*ev)))) {
		rc = line ? fl_err_set(err, FL_ENOMEM, "out of memory")
			  : fl_err_set(err, FL_EINVAL, "%s: empty truth table", path);
		goto cleanup;
	}
	cs = find_col(hdr, "start");
	strcpy(hdr, line);
	ce = find_col(hdr, "end");
	if (cs < 0 || ce < 0) {
		rc = fl_err_set(err, FL_EINVAL, "%s:1: the header needs 'start' and 'end' columns", path);
		goto cleanup;
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		lineno++;
		if (field(line, cs, &ev[n].start) < 0 || field(line, ce, &ev[n].end) < 0) {
			rc = fl_err_set(err, FL_EINVAL, "%s:%d: start and end must be numbers", path, lineno);
			goto cleanup;
		}
		ev[n++].score = 1;
	}
	qsort(ev, n, sizeof(*ev), cmp_event);
	*out = ev;
	*n_out = n;
	ev = NULL;
cleanup:
	free(hdr);
	free(ev);
	free(text);
	return rc;
}

int fl_detect_table(const char *file, const fl_event *ev, size_t n, fl_featmat **out, fl_err *err)
{
	static const char *const cols[] = { "start", "end", "score" };
	fl_featmat *m = NULL;
	int rc;

	if ((rc = fl_featmat_new(&m, n, 1, 3, 0, err)) < 0)
		return rc;
	rc = fl_featmat_set_id_name(m, 0, "file", err);
	for (int c = 0; rc == 0 && c < 3; c++)
		rc = fl_featmat_set_col_name(m, (size_t)c, cols[c], err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		double *row = fl_featmat_row(m, i);
		row[0] = ev[i].start;
		row[1] = ev[i].end;
		row[2] = ev[i].score;
		rc = fl_featmat_set_id(m, i, 0, file, err);
	}
	if (rc < 0) {
		fl_featmat_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
