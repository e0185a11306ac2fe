/* mlcli.c - printing shared by the ML commands. */
#define _POSIX_C_SOURCE 200809L
#include "mlcli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/csv.h"
#include "data/table.h"

static void print_scalar(FILE *fp, const char *prefix, const char *key, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(fp, "%s%-20s %lld\n", prefix, key, (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(fp, "%s%-20s %.6g\n", prefix, key, json_real_value(v));
	else if (json_is_string(v))
		fprintf(fp, "%s%-20s %s\n", prefix, key, json_string_value(v));
	else if (json_is_boolean(v))
		fprintf(fp, "%s%-20s %s\n", prefix, key, json_is_true(v) ? "true" : "false");
}

static void print_per_class(FILE *fp, const json_t *pc, const char *prefix)
{
	const char *name;
	json_t *v;

	fprintf(fp, "%s%-20s %9s %9s %9s %8s\n", prefix, "class", "precision", "recall", "f1",
		"support");
	json_object_foreach((json_t *)pc, name, v)
		fprintf(fp, "%s%-20s %9.4f %9.4f %9.4f %8lld\n", prefix, name,
			json_real_value(json_object_get(v, "precision")),
			json_real_value(json_object_get(v, "recall")),
			json_real_value(json_object_get(v, "f1")),
			(long long)json_integer_value(json_object_get(v, "support")));
}

/* [{feature, importance}] (random forests), most important first; the
 * first 20 (--json has them all). */
static void print_importances(FILE *fp, const json_t *imp, const char *prefix)
{
	size_t i, n = json_array_size(imp);
	json_t *v;

	fprintf(fp, "%sfeature importances (mean impurity decrease)\n", prefix);
	json_array_foreach((json_t *)imp, i, v) {
		if (i == 20) {
			fprintf(fp, "%s  ... %zu more (--json lists all)\n", prefix, n - i);
			break;
		}
		fprintf(fp, "%s  %-20s %.6f\n", prefix,
			json_string_value(json_object_get(v, "feature")),
			json_real_value(json_object_get(v, "importance")));
	}
}

static void print_confusion(FILE *fp, const json_t *cm, const char *prefix)
{
	size_t i, j;
	json_t *row, *v;

	fprintf(fp, "%sconfusion matrix (rows: true class, columns: predicted)\n", prefix);
	json_array_foreach((json_t *)cm, i, row) {
		fprintf(fp, "%s ", prefix);
		json_array_foreach(row, j, v)
			fprintf(fp, " %7lld", (long long)json_integer_value(v));
		fputc('\n', fp);
	}
}

void mlcli_print_metrics(FILE *fp, const json_t *metrics, const char *prefix)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)metrics, key, v)
		print_scalar(fp, prefix, key, v);
	json_object_foreach((json_t *)metrics, key, v)
		if (json_is_array(v) && strcmp(key, "confusion_matrix") != 0 &&
		    strcmp(key, "feature_importances") != 0) {
			fprintf(fp, "%s%-20s", prefix, key);
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e)
				fprintf(fp, " %.6g", json_number_value(e));
			fputc('\n', fp);
		}
	if ((v = json_object_get(metrics, "per_class")))
		print_per_class(fp, v, prefix);
	if ((v = json_object_get(metrics, "confusion_matrix")))
		print_confusion(fp, v, prefix);
	if ((v = json_object_get(metrics, "feature_importances")))
		print_importances(fp, v, prefix);
}

void mlcli_print_json(FILE *fp, const json_t *j)
{
	json_dumpf(j, fp, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	fputc('\n', fp);
}

int mlcli_print_table(FILE *fp, const fl_table *t)
{
	char num[64];

	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			fputc(',', fp);
		fl_csv_put_text(fp, t->cols[c].name, ',');
	}
	fputc('\n', fp);
	for (size_t i = 0; i < t->n_rows; i++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			const fl_column *col = &t->cols[c];
			if (c)
				fputc(',', fp);
			if (col->type == FL_COL_NUMERIC) {
				fl_csv_format_number(num, sizeof(num), col->num[i]);
				fputs(num, fp);
			} else {
				fl_csv_put_text(fp, col->levels[col->codes[i]], ',');
			}
		}
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

double mlcli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double mlcli_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
