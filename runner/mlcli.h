/* mlcli.h - printing shared by the ML commands (train, predict, score,
 * model info): metrics and model summaries as text or JSON. */
#ifndef FL_MLCLI_H
#define FL_MLCLI_H

#include <jansson.h>
#include <stdio.h>

struct fl_table;

/* Print a metrics object as "  name  value" lines (scalars first, then
 * per-class scores and the confusion matrix), each line prefixed. */
void mlcli_print_metrics(FILE *fp, const json_t *metrics, const char *prefix);

/* Print a JSON value followed by a newline (indented, sorted keys). */
void mlcli_print_json(FILE *fp, const json_t *j);

/* Print a table as CSV to a stream (for predictions without -o). */
int mlcli_print_table(FILE *fp, const struct fl_table *t);

/* Seconds on the monotonic clock, and CPU seconds used by the process. */
double mlcli_now(void);
double mlcli_cpu(void);

#endif
