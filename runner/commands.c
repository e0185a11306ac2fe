/* commands.c - the table of subcommands, in the order `floe --help` lists
 * them. Each is defined in its own runner/cmd_<name>.c. */
#include <stddef.h>

#include "cli.h"

extern const fl_cmd fl_cmd_version;
extern const fl_cmd fl_cmd_hash;
extern const fl_cmd fl_cmd_check;
extern const fl_cmd fl_cmd_run;
extern const fl_cmd fl_cmd_status;
extern const fl_cmd fl_cmd_why;
extern const fl_cmd fl_cmd_dag;
extern const fl_cmd fl_cmd_report;
extern const fl_cmd fl_cmd_data;
extern const fl_cmd fl_cmd_train;
extern const fl_cmd fl_cmd_predict;
extern const fl_cmd fl_cmd_score;
extern const fl_cmd fl_cmd_model;
extern const fl_cmd fl_cmd_models;
extern const fl_cmd fl_cmd_bundle;
extern const fl_cmd fl_cmd_inspect;
extern const fl_cmd fl_cmd_verify;
extern const fl_cmd fl_cmd_unpack;
extern const fl_cmd fl_cmd_key;
extern const fl_cmd fl_cmd_publish;
extern const fl_cmd fl_cmd_features;
extern const fl_cmd fl_cmd_detect;
extern const fl_cmd fl_cmd_embedded;
extern const fl_cmd fl_cmd_exec_step;

const fl_cmd *const fl_commands[] = {
	&fl_cmd_version,
	&fl_cmd_hash,
	&fl_cmd_check,
	&fl_cmd_run,
	&fl_cmd_status,
	&fl_cmd_why,
	&fl_cmd_dag,
	&fl_cmd_report,
	&fl_cmd_data,
	&fl_cmd_train,
	&fl_cmd_predict,
	&fl_cmd_score,
	&fl_cmd_model,
	&fl_cmd_models,
	&fl_cmd_bundle,
	&fl_cmd_inspect,
	&fl_cmd_verify,
	&fl_cmd_unpack,
	&fl_cmd_key,
	&fl_cmd_publish,
	&fl_cmd_features,
	&fl_cmd_detect,
	&fl_cmd_embedded,
	&fl_cmd_exec_step,
	NULL,
};
