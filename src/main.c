/*
 * genship: bootstrap the deployment layer of a new service from a template
 * and keep it current.  main() only dispatches; see cmd.c.
 */
#include "cmd.h"

int main(int argc, char **argv)
{
	return cmd_main(argc, argv);
}
