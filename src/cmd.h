#ifndef GENSHIP_CMD_H
#define GENSHIP_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "merge.h"

/*
 * The command table.  Each command parses its own arguments (argv[0] is
 * the command name) and returns the process exit status: 0 success,
 * 1 findings, drift, conflicts or a failed hook, 2 bad usage or input.
 * Only this layer chooses exit statuses and prints diagnostics.
 */

struct cmd {
	const char *name;
	const char *usage;	/* arguments after the command name */
	const char *summary;	/* one line for `genship --help` */
	int (*fn)(int argc, char **argv);
	unsigned flags;		/* CMD_* */
};

/*
 * The command opens git repositories or merges, so libgit2 must be
 * initialised first.  Initialisation loads the TLS certificate store,
 * which costs more than rendering a whole template, so commands that only
 * hash blobs (git_odb_hash needs no global state) skip it.
 */
#define CMD_NEEDS_GIT 0x1

/* Return the command called name, or NULL. */
const struct cmd *cmd_find(const char *name);
/* Print the top-level help to fp. */
void cmd_print_help(FILE *fp);
/* Print "usage: genship NAME USAGE" for c to fp. */
void cmd_print_usage(const struct cmd *c, FILE *fp);
/* Print err (if set) to stderr and map ret to an exit status. */
int cmd_finish(int ret, struct diag *err);
/* Report a usage error for c and return exit status 2. */
int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One command-line option of a command. */
struct cmd_opt {
	const char *name;	/* long name, without "--" */
	int short_name;		/* 0 when none */
	bool has_arg;
	int key;		/* passed to the callback; must not be 0 */
};

/*
 * Parse argv (argv[0] is the command name) against opts, which ends with a
 * zeroed entry.  fn(ud, key, arg) is called per option, and with key 0 per
 * positional argument; it returns 0 or an exit status.  --help prints the
 * usage.  Returns 0 to go on, an exit status to stop with, or -1 after
 * --help (exit 0).
 */
int cmd_parse_args(const struct cmd *c, int argc, char **argv,
		   const struct cmd_opt *opts,
		   int (*fn)(void *ud, int key, char *arg), void *ud);

/*
 * Parse a command whose only argument is one optional positional (a
 * template or a directory): *arg is set when it is given.  Returns as
 * cmd_parse_args().
 */
int cmd_parse_one_arg(const struct cmd *c, int argc, char **argv,
		      const char **arg);

/*
 * As cmd_parse_one_arg() for a command on a project directory, which also
 * takes --lock-timeout SECONDS into *lock_timeout (lock.h).
 */
int cmd_parse_project_args(const struct cmd *c, int argc, char **argv,
			   const char **dir, unsigned *lock_timeout);

/* The --set K=V arguments of a command, in order (pointers into argv). */
struct cmd_sets {
	char **items;
	size_t len, alloc;
};

#define CMD_SETS_INIT { NULL, 0, 0 }

/* Append one K=V argument. */
void cmd_sets_add(struct cmd_sets *s, char *kv);
/* Free the list (not the strings) and reinitialise it. */
void cmd_sets_release(struct cmd_sets *s);
/*
 * Parse the value of option opt as whole seconds from 1 to 86400 into
 * *out.  Returns 0, or reports a usage error for c and returns 2.
 */
int cmd_parse_seconds(const struct cmd *c, const char *opt, const char *s,
		      unsigned *out);

/*
 * Parse --format text|json into *json (true for json).  Returns 0, or
 * reports a usage error for c and returns 2.
 */
int cmd_parse_json_format(const struct cmd *c, const char *s, bool *json);

/*
 * Parse --conflict-style merge|diff3 into *out.  Returns 0, or reports a
 * usage error for c and returns 2.
 */
int cmd_parse_conflict_style(const struct cmd *c, const char *s,
			     enum merge_style *out);

int cmd_new(int argc, char **argv);
int cmd_options(int argc, char **argv);
int cmd_templates(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
