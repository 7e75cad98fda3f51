/* genship check: in progress. */
#include "cmd.h"

int cmd_check(int argc, char **argv)
{
	return cmd_usage_error(cmd_find("check"), "not available yet");
}
