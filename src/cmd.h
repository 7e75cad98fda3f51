#ifndef GENSHIP_CMD_H
#define GENSHIP_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "merge.h"

/*
 * The command table.  Each command parses its own arguments (argv[0] is
 * the command name) and returns the process exit status: 0 success,
 * 1 findings, drift, conflicts or a failed hook, 2 bad usage or input.
 * Only this layer chooses exit statuses and prints diagnostics.
 *
 * Every command carries its option table; help (genship help CMD and
 * CMD --help), the did-you-mean for a mistyped option, shell completion
 * (genship completion) and the man page check all read it, so a new
 * option appears everywhere by being added to one table.
 */

/*
 * One command-line option of a command.  arg names the option's
 * argument in help and tells completion what to offer:
 *   FILE, PATH    a file            DIR, SUBDIR   a directory
 *   TEMPLATE, SRC a template        COMMAND       a genship command
 *   a|b|c         one of the words
 * Any other name (K=V, N, S, REF, LIST...) is free text.
 */
enum cmd_arg {
	CMD_ARG_NONE = 0,	/* a flag (false) */
	CMD_ARG = 1,		/* takes an argument (true) */
	CMD_ARG_REPEAT = 2	/* takes one each time, and may be repeated */
};

struct cmd_opt {
	const char *name;	/* long name, without "--" */
	int short_name;		/* 0 when none */
	enum cmd_arg has_arg;
	int key;		/* passed to the callback: not 0, and not
				 * another option's short name */
	const char *arg;	/* the argument's name; NULL when !has_arg */
	const char *help;	/* what it does, lowercase, no full stop */
};

/*
 * Options several commands take, with one help text each (git's OPT__*):
 * CMD_OPT_LOCK_TIMEOUT(OPT_LOCK_TIMEOUT) in a table.
 */
#define CMD_OPT_LOCK_TIMEOUT(k) { "lock-timeout", 0, true, (k), "S", \
	"wait up to S seconds for a locked project" }
#define CMD_OPT_HOOK_TIMEOUT(k) { "hook-timeout", 0, true, (k), "S", \
	"stop a hook after S seconds (default: 300)" }
#define CMD_OPT_NO_HOOKS(k) { "no-hooks", 0, false, (k), NULL, \
	"do not run the template's hooks" }
#define CMD_OPT_TRUST(k) { "trust", 0, false, (k), NULL, \
	"run hooks of a template not built in" }
#define CMD_OPT_CHECKOUT(k) { "checkout", 0, true, (k), "REF", \
	"cookiecutter's name for --ref" }
#define CMD_OPT_OFFLINE(k) { "offline", 0, false, (k), NULL, \
	"use the template cache alone; never fetch" }
#define CMD_OPT_REFRESH(k) { "refresh", 0, false, (k), NULL, \
	"fetch the template even if it is cached" }
#define CMD_OPT_CONFIG(k) { "config", 0, true, (k), "FILE", \
	"read this user config, not the default" }
#define CMD_OPT_FORMAT_TEXT_JSON(k) { "format", 0, true, (k), "text|json", \
	"the output format (default: text)" }
#define CMD_OPT_CONFLICT_STYLE(k) { "conflict-style", 0, true, (k), \
	"merge|diff3", "conflict markers: merge, or diff3 with base" }
#define CMD_OPT_END { NULL, 0, false, 0, NULL, NULL }

#define CMD_MAX_EXAMPLES 3

struct cmd {
	const char *name;
	/*
	 * The operands after the options, for the usage line: "[TEMPLATE]
	 * [K=V]...".  The first one's name (brackets and dots stripped)
	 * tells completion what to offer, as struct cmd_opt's arg does.
	 */
	const char *usage;
	const char *summary;	/* one line for `genship --help` */
	int (*fn)(int argc, char **argv);
	unsigned flags;		/* CMD_* */
	const struct cmd_opt *opts;	/* ends with a zeroed entry */
	const char *examples[CMD_MAX_EXAMPLES + 1];	/* NULL-terminated */
};

/*
 * The command opens git repositories or merges, so libgit2 must be
 * initialised first.  Initialisation loads the TLS certificate store,
 * which costs more than rendering a whole template, so commands that only
 * hash blobs (git_odb_hash needs no global state) skip it.
 */
#define CMD_NEEDS_GIT 0x1

/* The option tables of the commands (in their cmd-*.c files). */
extern const struct cmd_opt cmd_new_opts[], cmd_update_opts[],
	cmd_diff_opts[], cmd_check_opts[], cmd_validate_opts[],
	cmd_matrix_opts[], cmd_options_opts[], cmd_templates_opts[],
	cmd_help_opts[], cmd_version_opts[], cmd_completion_opts[];

/*
 * Run genship with main()'s arguments: the top-level options (-h, --help,
 * -V, --version) or a command.  Returns the exit status.  cmd-table.c:
 * it gives cmd.c the command table first (cmd_table_use()).
 */
int cmd_main(int argc, char **argv);

/* Make the built-in command table the one in use (cmd-table.c). */
void cmd_table_use(void);

/*
 * Use the n commands of table from now on: cmd_find(), cmd_list(),
 * cmd_run() and the help see only these.  table must outlive its use.
 */
void cmd_use_table(const struct cmd *table, size_t n);

/* cmd_main() with the table already in use. */
int cmd_run(int argc, char **argv);
/* Return the command called name, or NULL. */
const struct cmd *cmd_find(const char *name);
/* Return the command table; *n is set to its length. */
const struct cmd *cmd_list(size_t *n);
/*
 * Iterate over c's options, then the options every command takes (-h,
 * --help; -q, --quiet): pass NULL for the first, the last result for
 * the next.  Returns NULL after the last.
 */
const struct cmd_opt *cmd_opt_next(const struct cmd *c,
				   const struct cmd_opt *prev);
/*
 * Report the unknown command name on stderr, with the closest command as
 * a did-you-mean hint; returns exit status 2.
 */
int cmd_unknown(const char *name);
/* Print the top-level help to fp. */
void cmd_print_help(FILE *fp);
/*
 * Print c's help to fp: usage, summary, one line per option (wrapped to
 * fp's width), then the examples.
 */
void cmd_print_command_help(const struct cmd *c, FILE *fp);
/* Print "usage: genship NAME [OPTIONS] USAGE" for c to fp. */
void cmd_print_usage(const struct cmd *c, FILE *fp);
/* Print err (if set) to stderr and map ret to an exit status. */
int cmd_finish(int ret, struct diag *err);
/* Report a usage error for c and return exit status 2. */
int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Parse argv (argv[0] is the command name) against c->opts and the
 * common options.  fn(ud, key, arg) is called per option, and with key 0
 * per positional argument; it returns 0 or an exit status.  -h/--help
 * prints c's help; -q/--quiet sets term_set_quiet().  An unknown option
 * is reported with the closest one as a hint.  Returns 0 to go on, an
 * exit status to stop with, or -1 after --help (exit 0).
 */
int cmd_parse_args(const struct cmd *c, int argc, char **argv,
		   int (*fn)(void *ud, int key, char *arg), void *ud);

/*
 * Parse the arguments of c when it has no options of its own (only the
 * common ones) and at most one operand, which *operand is set to; with
 * operand NULL, no operand is allowed.  Returns as cmd_parse_args().
 */
int cmd_parse_operand(const struct cmd *c, int argc, char **argv,
		      const char **operand);

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

/*
 * Print the completion script for shell ("bash", "zsh" or "fish") to fp,
 * generated from the command table.  Returns 0, or -1 for another shell.
 */
int cmd_completion_print(const char *shell, FILE *fp);

int cmd_new(int argc, char **argv);
int cmd_options(int argc, char **argv);
int cmd_templates(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_completion(int argc, char **argv);

#endif
