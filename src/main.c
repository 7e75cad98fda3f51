/*
 * genship: bootstrap the deployment layer of a new service from a template
 * and keep it current.  main() only dispatches; see cmd.c.
 */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

int main(int argc, char **argv)
{
	const struct cmd *c;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		cmd_print_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("genship %s\n", PACKAGE_VERSION);
		return 0;
	}
	c = cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "genship: error: unknown command '%s'\n",
			argv[1]);
		fputs("hint: 'genship --help' lists the commands\n", stderr);
		return 2;
	}
	if (c->flags & CMD_NEEDS_GIT)
		git_libgit2_init();
	ret = c->fn(argc - 1, argv + 1);
	if (c->flags & CMD_NEEDS_GIT)
		git_libgit2_shutdown();
	return ret;
}
