/* genship diff: in progress. */
#include "cmd.h"

int cmd_diff(int argc, char **argv)
{
	return cmd_usage_error(cmd_find("diff"), "not available yet");
}
