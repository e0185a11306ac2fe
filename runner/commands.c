/* commands.c - the table of subcommands, in the order `floe --help` lists
 * them. Each is defined in its own runner/cmd_<name>.c. */
#include <stddef.h>

#include "cli.h"

extern const fl_cmd fl_cmd_version;
extern const fl_cmd fl_cmd_hash;
extern const fl_cmd fl_cmd_data;
extern const fl_cmd fl_cmd_train;
extern const fl_cmd fl_cmd_predict;
extern const fl_cmd fl_cmd_score;
extern const fl_cmd fl_cmd_model;

const fl_cmd *const fl_commands[] = {
	&fl_cmd_version,
	&fl_cmd_hash,
	&fl_cmd_data,
	&fl_cmd_train,
	&fl_cmd_predict,
	&fl_cmd_score,
	&fl_cmd_model,
	NULL,
};
