/* genship update: in progress. */
#include "cmd.h"

int cmd_update(int argc, char **argv)
{
	return cmd_usage_error(cmd_find("update"), "not available yet");
}
