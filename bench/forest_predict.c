/* forest_predict.c - the random forest benchmark's in-memory predict
 * timing (bench/forest.sh compiles it against build/libfloe.a): load a
 * model and a data file, then time fl_model_predict on all rows, best of 5
 * (wall and process CPU time, each the best of its own), and print
 * {"rows", "threads", "predict_seconds", "predict_cpu_seconds"} as JSON.
 * Usage: forest_predict MODEL DATA THREADS */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ml/mldata.h"
#include "ml/model.h"

static double now(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	fl_err err = FL_ERR_INIT;
	fl_model *m = NULL;
	fl_dataset *ds = NULL;
	double *out = NULL, best = 1e300, best_cpu = 1e300;
	int threads = argc == 4 ? atoi(argv[3]) : 0, rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: forest_predict MODEL DATA THREADS\n");
		return 2;
	}
	if (fl_model_load(&m, argv[1], &err) < 0 ||
	    fl_mldata_load_apply(&ds, argv[2], NULL, m, threads, &err) < 0)
		goto done;
	if (!(out = malloc((ds->n ? ds->n : 1) * sizeof(*out))))
		goto done;
	for (int r = 0; r < 5; r++) {
		double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		if (fl_model_predict(m, ds, threads, out, &err) < 0)
			goto done;
		double t1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
		if (t1 - t0 < best)
			best = t1 - t0;
		if (c1 - c0 < best_cpu)
			best_cpu = c1 - c0;
	}
	printf("{\"rows\": %zu, \"threads\": %d, \"predict_seconds\": %.6f, "
	       "\"predict_cpu_seconds\": %.6f}\n", ds->n, threads, best, best_cpu);
	rc = 0;
done:
	if (rc)
		fprintf(stderr, "forest_predict: %s\n", err.msg[0] ? err.msg : "out of memory");
	free(out);
	fl_dataset_free(ds);
	fl_model_free(m);
	return rc;
}
