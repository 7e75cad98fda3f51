/* genship matrix: in progress. */
#include "cmd.h"

int cmd_matrix(int argc, char **argv)
{
	return cmd_usage_error(cmd_find("matrix"), "not available yet");
}
