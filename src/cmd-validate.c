/* genship validate: in progress. */
#include "cmd.h"

int cmd_validate(int argc, char **argv)
{
	return cmd_usage_error(cmd_find("validate"), "not available yet");
}
