/*
 * Unit tests for the command table: every option of every command is
 * complete (help, argument name) and unambiguous, so that help, the
 * did-you-mean, completion and the man page check can rely on it.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "tap.h"

/* Test point name for option o of command c. */
static const char *label(const struct cmd *c, const struct cmd_opt *o,
			 const char *what)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s --%s: %s", c->name, o->name, what);
	return buf;
}

/* The options before o in c's list, checked against o. */
static void test_clashes(const struct cmd *c, const struct cmd_opt *o)
{
	const struct cmd_opt *p;

	for (p = cmd_opt_next(c, NULL); p != o; p = cmd_opt_next(c, p)) {
		if (!strcmp(p->name, o->name))
			ok(0, label(c, o, "a second option of that name"));
		if (o->short_name && p->short_name == o->short_name)
			ok(0, label(c, o, "a second option of that letter"));
		if (p->short_name == o->key || o->short_name == p->key)
			ok(p->key == o->key, label(c, o, "key is a letter"));
	}
}

static void test_option(const struct cmd *c, const struct cmd_opt *o)
{
	ok(o->key != 0, label(c, o, "has a key"));
	ok(o->help && *o->help, label(c, o, "has help"));
	ok(o->help && o->help[0] != ' ' && (o->help[0] < 'A' ||
					    o->help[0] > 'Z') &&
	   o->help[strlen(o->help) - 1] != '.',
	   label(c, o, "help is lowercase without a full stop"));
	ok((o->has_arg != CMD_ARG_NONE) == (o->arg != NULL),
	   label(c, o, "names its argument exactly when it takes one"));
	test_clashes(c, o);
}

static void test_table(void)
{
	size_t n, i, k;
	const struct cmd *cmds = cmd_list(&n);
	const struct cmd_opt *o;

	ok(n >= 11, "the table has the commands");
	for (i = 0; i < n; i++) {
		ok(cmd_find(cmds[i].name) == &cmds[i], cmds[i].name);
		ok(cmds[i].summary && cmds[i].usage && cmds[i].opts,
		   "a command has its summary, usage and options");
		for (k = 0; cmds[i].examples[k]; k++)
			ok(strstr(cmds[i].examples[k], "genship ") != NULL,
			   "an example runs genship");
		ok(k >= 1, "a command has an example");
		for (o = cmd_opt_next(&cmds[i], NULL); o;
		     o = cmd_opt_next(&cmds[i], o))
			test_option(&cmds[i], o);
	}
	ok(cmd_find("nonesuch") == NULL, "an unknown command is not found");
}

/* The common options come last, once, for every command. */
static void test_common(void)
{
	const struct cmd *c = cmd_find("version");
	const struct cmd_opt *o = cmd_opt_next(c, NULL);

	is_str(o ? o->name : NULL, "quiet", "version's first option");
	o = o ? cmd_opt_next(c, o) : NULL;
	is_str(o ? o->name : NULL, "help", "then help");
	ok(o && !cmd_opt_next(c, o), "and nothing after");
}

int main(void)
{
	cmd_table_use();
	test_table();
	test_common();
	return tap_done();
}
