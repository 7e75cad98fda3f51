/*
 * The command table, dispatch, and the option parser every command uses.
 * Help is printed by cmd-help.c and completion scripts by
 * cmd-completion.c, both from this table.
 */
#include "cmd.h"

#include <getopt.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "strbuf.h"
#include "term.h"
#include "xalloc.h"

/* The command table in use, given by cmd_use_table(). */
static const struct cmd *cmd_table;
static size_t ncmds;

#define NCMDS ncmds

void cmd_use_table(const struct cmd *table, size_t n)
{
	cmd_table = table;
	ncmds = n;
}

#define CMD_MAX_OPTS 64	/* did-you-mean candidates per command */
#define CMD_KEY_HELP (-1000)
#define CMD_KEY_QUIET (-1001)

static const struct cmd_opt common_opts[] = {
	{ "quiet", 'q', false, CMD_KEY_QUIET, NULL,
	  "print only errors, warnings and results" },
	{ "help", 'h', false, CMD_KEY_HELP, NULL, "show this help" },
	CMD_OPT_END
};

const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

const struct cmd *cmd_list(size_t *n)
{
	*n = NCMDS;
	return cmd_table;
}

const struct cmd_opt *cmd_opt_next(const struct cmd *c,
				   const struct cmd_opt *prev)
{
	const struct cmd_opt *o = prev ? prev + 1 : c->opts;
	bool in_common = o >= common_opts && o < common_opts +
		sizeof(common_opts) / sizeof(common_opts[0]);

	if (o->name)
		return o;
	return in_common ? NULL : common_opts;
}

/*
 * Report the unknown what (a command or an option) prefix+word on
 * stderr, with the closest of the n candidates as a hint, or the hint
 * fallback when none is close.  Returns exit status 2.
 */
static int report_unknown(const char *what, const char *prefix,
			  const char *word, const char *const *cands,
			  size_t n, const char *fallback)
{
	const char *best = diag_closest(word, cands, n);

	fprintf(stderr, "genship: error: unknown %s '%s%s'\n", what, prefix,
		word);
	if (best)
		fprintf(stderr, "hint: did you mean '%s%s'?\n", prefix, best);
	else
		fprintf(stderr, "hint: %s\n", fallback);
	return 2;
}

int cmd_unknown(const char *name)
{
	const char **names = xcalloc(NCMDS + 1, sizeof(*names));
	size_t i;
	int ret;

	for (i = 0; i < NCMDS; i++)
		names[i] = cmd_table[i].name;
	ret = report_unknown("command", "", name, names, NCMDS,
			     "'genship --help' lists the commands");
	free(names);
	return ret;
}

/* The top-level options: -h, --help, -V, --version; exit status. */
/* True when arg is "--NAME" or "-X" of one of the common options. */
static bool is_common_opt(const char *arg)
{
	const struct cmd_opt *o;

	for (o = common_opts; o->name; o++)
		if ((!strncmp(arg, "--", 2) && !strcmp(arg + 2, o->name)) ||
		    (arg[0] == '-' && arg[1] == o->short_name && !arg[2]))
			return true;
	return false;
}

/* True when arg is -X or --NAME, NAME abbreviated to a prefix or not. */
static bool is_main_opt(const char *arg, char x, const char *name)
{
	return (arg[0] == '-' && arg[1] == x && !arg[2]) ||
		(!strncmp(arg, "--", 2) && arg[2] &&
		 !strncmp(name, arg + 2, strlen(arg + 2)));
}

static int main_option(const char *arg)
{
	static const char *const longs[] = { "version", "help" };
	static const char *const hint = "'genship --help' lists the options";

	if (is_main_opt(arg, 'h', "help")) {
		cmd_print_help(stdout);
		return 0;
	}
	if (is_main_opt(arg, 'V', "version"))
		return cmd_find("version")->fn(1, (char *[]){
			(char *)"version", NULL });
	if (is_common_opt(arg)) {
		fprintf(stderr, "genship: error: '%s' goes after the command\n"
			"hint: genship COMMAND %s ...\n", arg, arg);
		return 2;
	}
	if (!strncmp(arg, "--", 2))
		return report_unknown("option", "--", arg + 2, longs, 2, hint);
	return report_unknown("option", "", arg, NULL, 0, hint);
}

int cmd_run(int argc, char **argv)
{
	const struct cmd *c;
	int ret;

	if (argc < 2) {
		cmd_print_help(stderr);
		return 2;
	}
	if (argv[1][0] == '-')
		return main_option(argv[1]);
	c = cmd_find(argv[1]);
	if (!c)
		return cmd_unknown(argv[1]);
	if (c->flags & CMD_NEEDS_GIT)
		git_libgit2_init();
	ret = c->fn(argc - 1, argv + 1);
	if (c->flags & CMD_NEEDS_GIT)
		git_libgit2_shutdown();
	return ret;
}

void cmd_print_usage(const struct cmd *c, FILE *fp)
{
	fprintf(fp, "usage: genship %s [OPTIONS]%s%s\n", c->name,
		*c->usage ? " " : "", c->usage);
}

int cmd_finish(int ret, struct diag *err)
{
	if (err->code)
		diag_print(err, stderr);
	diag_release(err);
	if (ret == ERR_INPUT)
		return 2;
	return ret ? 1 : 0;
}

int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fputs("genship: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_print_usage(c, stderr);
	return 2;
}

/* Translate c's options into getopt_long's tables. */
static struct option *build_longopts(const struct cmd *c,
				     struct strbuf *shorts)
{
	const struct cmd_opt *o;
	size_t n = 0;
	struct option *lo;

	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o))
		n++;
	lo = xcalloc(n + 1, sizeof(*lo));
	strbuf_addch(shorts, ':');	/* ':' for a missing argument */
	for (n = 0, o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o)) {
		lo[n].name = o->name;
		lo[n].has_arg = o->has_arg ? required_argument : no_argument;
		lo[n++].val = o->key;
		if (o->short_name)
			strbuf_addf(shorts, "%c%s", o->short_name,
				    o->has_arg ? ":" : "");
	}
	return lo;
}

/* The option of c whose short name (when is_short) or key is k. */
static const struct cmd_opt *find_opt(const struct cmd *c, int k,
				      bool is_short)
{
	const struct cmd_opt *o;

	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o))
		if (is_short ? o->short_name == k : o->key == k)
			return o;
	return NULL;
}

/* The long options of c that start with the n bytes of name. */
static size_t prefix_matches(const struct cmd *c, const char *name, size_t n,
			     struct strbuf *list)
{
	const struct cmd_opt *o;
	size_t count = 0;

	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o))
		if (!strncmp(o->name, name, n))
			strbuf_addf(list, "%s'--%s'", count++ ? ", " : "",
				    o->name);
	return count;
}

/* An unknown or ambiguous long option tok ("--name[=value]"); exit 2. */
static int bad_long_option(const struct cmd *c, const char *tok)
{
	const char *name = tok + 2, *names[CMD_MAX_OPTS];
	size_t len = strcspn(name, "="), n = 0;
	struct strbuf list = STRBUF_INIT, word = STRBUF_INIT;
	const struct cmd_opt *o;
	char *hint = xasprintf("'genship help %s' lists the options",
			       c->name);

	if (prefix_matches(c, name, len, &list) > 1) {
		cmd_usage_error(c, "option '--%.*s' is ambiguous: it could be "
				"%s", (int)len, name, list.buf);
	} else {
		for (o = cmd_opt_next(c, NULL); o && n < CMD_MAX_OPTS;
		     o = cmd_opt_next(c, o))
			names[n++] = o->name;
		strbuf_add(&word, name, len);
		report_unknown("option", "--", word.buf, names, n, hint);
		cmd_print_usage(c, stderr);
	}
	free(hint);
	strbuf_release(&word);
	strbuf_release(&list);
	return 2;
}

/*
 * getopt_long returned ch, '?' (a bad option) or ':' (a missing
 * argument), for the option in argv[optind - 1]; report it, exit 2.
 */
static int bad_option(const struct cmd *c, int ch, char **argv)
{
	const char *tok = argv[optind - 1];
	bool is_long = !strncmp(tok, "--", 2);
	const struct cmd_opt *o = find_opt(c, optopt, !is_long);
	char letter[2] = { (char)optopt, 0 };

	if (ch == ':' && o)
		return cmd_usage_error(c, "option '%s%s' needs an argument "
				       "(%s)", is_long ? "--" : "-",
				       is_long ? o->name : letter, o->arg);
	if (!optopt)
		return bad_long_option(c, tok);
	if (o && is_long && strchr(tok, '='))
		return cmd_usage_error(c, "option '--%s' takes no argument",
				       o->name);
	fprintf(stderr, "genship: error: unknown option '-%s'\n", letter);
	fprintf(stderr, "hint: 'genship help %s' lists the options\n",
		c->name);
	cmd_print_usage(c, stderr);
	return 2;
}

int cmd_parse_args(const struct cmd *c, int argc, char **argv,
		   int (*fn)(void *ud, int key, char *arg), void *ud)
{
	struct strbuf shorts = STRBUF_INIT;
	struct option *lo = build_longopts(c, &shorts);
	const struct cmd_opt *o;
	int ch, ret = 0;

	optind = 0;
	opterr = 0;
	while (!ret && (ch = getopt_long(argc, argv, shorts.buf, lo,
					 NULL)) != -1) {
		o = ch == '?' || ch == ':' ? NULL : find_opt(c, ch, false);
		if (!o && ch != '?' && ch != ':')
			o = find_opt(c, ch, true);
		if (!o) {
			ret = bad_option(c, ch, argv);
		} else if (o->key == CMD_KEY_HELP) {
			cmd_print_command_help(c, stdout);
			ret = -1;
		} else if (o->key == CMD_KEY_QUIET) {
			term_set_quiet(true);
		} else {
			ret = fn(ud, o->key, optarg);
		}
	}
	for (; !ret && optind < argc; optind++)
		ret = fn(ud, 0, argv[optind]);
	free(lo);
	strbuf_release(&shorts);
	return ret;
}

struct operand {
	const struct cmd *c;
	const char **slot;	/* NULL: no operand allowed */
};

/* Take the one operand; a second one (or any, without a slot) is an error. */
static int take_operand(void *ud, int key, char *arg)
{
	struct operand *o = ud;

	(void)key;
	if (!o->slot || *o->slot)
		return cmd_usage_error(o->c, "unexpected argument '%s'", arg);
	*o->slot = arg;
	return 0;
}

int cmd_parse_operand(const struct cmd *c, int argc, char **argv,
		      const char **operand)
{
	struct operand o = { c, operand };

	return cmd_parse_args(c, argc, argv, take_operand, &o);
}

void cmd_sets_add(struct cmd_sets *s, char *kv)
{
	XALLOC_GROW(s->items, s->len + 1, s->alloc);
	s->items[s->len++] = kv;
}

void cmd_sets_release(struct cmd_sets *s)
{
	free(s->items);
	*s = (struct cmd_sets)CMD_SETS_INIT;
}

int cmd_parse_seconds(const struct cmd *c, const char *opt, const char *s,
		      unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > 86400)
		return cmd_usage_error(c, "invalid %s '%s': expected seconds "
				       "from 1 to 86400", opt, s);
	*out = (unsigned)v;
	return 0;
}

int cmd_parse_json_format(const struct cmd *c, const char *s, bool *json)
{
	if (strcmp(s, "text") && strcmp(s, "json"))
		return cmd_usage_error(c, "invalid --format '%s': expected "
				       "text or json", s);
	*json = !strcmp(s, "json");
	return 0;
}

int cmd_parse_conflict_style(const struct cmd *c, const char *s,
			     enum merge_style *out)
{
	if (!merge_style_parse(s, out))
		return cmd_usage_error(c, "invalid --conflict-style '%s': "
				       "expected merge or diff3", s);
	return 0;
}

/* ---- help --------------------------------------------------------- */

void cmd_print_help(FILE *fp)
{
	const struct cmd *cmds;
	size_t n, i;

	cmds = cmd_list(&n);
	fputs("usage: genship COMMAND [OPTIONS] [ARGS]\n"
	      "       genship -h | --help | -V | --version\n\n"
	      "genship bootstraps the deployment layer of a new service "
	      "from a template.\n\ncommands:\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "  %-11s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\n'genship help COMMAND' shows a command's options and "
	      "examples;\n'man genship' has the rest.\n", fp);
}

/* Append o's flags column: "  -o, --output DIR" or "      --set K=V". */
static void add_flags(struct strbuf *sb, const struct cmd_opt *o)
{
	if (o->short_name)
		strbuf_addf(sb, "  -%c, ", o->short_name);
	else
		strbuf_adds(sb, "      ");
	strbuf_addf(sb, "--%s", o->name);
	if (o->has_arg)
		strbuf_addf(sb, " %s", o->arg ? o->arg : "VALUE");
}

/* The width of c's flags column: its widest entry, at most 34. */
static size_t flags_width(const struct cmd *c)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cmd_opt *o;
	size_t w = 0;

	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o)) {
		strbuf_reset(&sb);
		add_flags(&sb, o);
		if (sb.len > w)
			w = sb.len;
	}
	strbuf_release(&sb);
	return w > 34 ? 34 : w;
}

/* Append one line per option of c, help wrapped to width columns. */
static void add_options(struct strbuf *sb, const struct cmd *c,
			size_t width)
{
	size_t col = flags_width(c) + 2, start;
	const struct cmd_opt *o;

	strbuf_adds(sb, "options:\n");
	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o)) {
		start = sb->len;
		add_flags(sb, o);
		if (sb->len - start + 2 > col) {
			strbuf_addch(sb, '\n');
			strbuf_addchars(sb, ' ', col);
		} else {
			strbuf_addchars(sb, ' ', col - (sb->len - start));
		}
		strbuf_add_wrapped(sb, o->help ? o->help : "", col, col,
				   width);
		strbuf_addch(sb, '\n');
	}
}

void cmd_print_command_help(const struct cmd *c, FILE *fp)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addf(&sb, "usage: genship %s [OPTIONS]%s%s\n\n%s\n\n", c->name,
		    *c->usage ? " " : "", c->usage, c->summary);
	add_options(&sb, c, term_width(fp) - 1);
	if (c->examples[0])
		strbuf_adds(&sb, "\nexamples:\n");
	for (i = 0; c->examples[i]; i++)
		strbuf_addf(&sb, "  %s\n", c->examples[i]);
	fputs(sb.buf, fp);
	strbuf_release(&sb);
}
