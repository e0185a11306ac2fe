/* commands.c - the table of subcommands, in the order `floe --help` lists
 * them. Each is defined in its own runner/cmd_<name>.c. */
#include <stddef.h>

#include "cli.h"

extern const fl_cmd fl_cmd_version;
extern const fl_cmd fl_cmd_hash;
extern const fl_cmd fl_cmd_features;
extern const fl_cmd fl_cmd_detect;

const fl_cmd *const fl_commands[] = {
	&fl_cmd_version,
	&fl_cmd_hash,
	&fl_cmd_features,
	&fl_cmd_detect,
	NULL,
};
