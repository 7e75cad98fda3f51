/*
 * interview.c: the terminal side of `genship new` (see interview.h).
 *
 * Replies are read a line at a time with stdio, so a line the terminal
 * has already cooked (erased characters, pasted text) arrives whole.  The
 * answer handed back is spelled as option_coerce() takes it: choices by
 * their manifest names, multi choices comma-separated.
 */
#include "config.h"

#include "interview.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fsutil.h"
#include "signals.h"
#include "term.h"
#include "utf8.h"
#include "xalloc.h"

/* Widest a help text is wrapped, however wide the terminal. */
#define INTERVIEW_MAX_WIDTH 100
/* Indent of help, choices and messages under a question's heading. */
#define INDENT 2
/* Most files interview_save() tries: NAME.yml to NAME-100.yml. */
#define SAVE_TRIES 100

void interview_init(struct interview *iv, FILE *in, FILE *out)
{
	unsigned w = term_width(out);

	iv->in = in;
	iv->out = out;
	iv->aborted = false;
	setvbuf(in, NULL, _IONBF, 0);
	iv->width = w > INTERVIEW_MAX_WIDTH ? INTERVIEW_MAX_WIDTH : w;
}

/* ---- layout -------------------------------------------------------------- */

/*
 * Append text as lines narrower than width columns (a line that fills
 * the terminal's last column makes some terminals wrap twice), each
 * indented by indent spaces and ending in a newline.
 */
static void add_wrapped(struct strbuf *sb, const char *text, size_t indent,
			size_t width)
{
	strbuf_addchars(sb, ' ', indent);
	strbuf_add_wrapped(sb, text, indent, indent, width - 1);
	strbuf_addch(sb, '\n');
}

/* Write sb to the interview's output and empty it. */
static void flush_out(struct interview *iv, struct strbuf *sb)
{
	fputs(sb->buf, iv->out);
	fflush(iv->out);
	strbuf_reset(sb);
}

/*
 * Whether the choices of o are numbered: not when a choice is itself a
 * number, which a reply by number would make ambiguous.
 */
static bool numbered(const struct option *o)
{
	size_t c;

	for (c = 0; c < o->nchoices; c++)
		if (strspn(o->choices[c], "0123456789") ==
		    strlen(o->choices[c]))
			return false;
	return true;
}

/* The offered choices of q, one a line, numbered from 1 when numbered(). */
static void add_choices(const struct answers_question *q, struct strbuf *sb)
{
	const struct option *o = q->opt;
	bool num = numbered(o);
	unsigned number = 0;
	size_t c, hidden = 0, mark;

	for (c = 0; c < o->nchoices; c++) {
		if (q->why_not && q->why_not[c]) {
			hidden++;
			continue;
		}
		strbuf_addchars(sb, ' ', INDENT);
		if (num)
			strbuf_addf(sb, "%u) ", ++number);
		strbuf_addf(sb, "%s\n", o->choices[c]);
	}
	if (!hidden)
		return;
	strbuf_addchars(sb, ' ', INDENT);
	strbuf_adds(sb, "not offered, as earlier answers rule them out: ");
	mark = sb->len;
	for (c = 0; c < o->nchoices; c++)
		if (q->why_not[c])
			strbuf_addf(sb, "%s%s", sb->len > mark ? ", " : "",
				    o->choices[c]);
	strbuf_addch(sb, '\n');
}

/* The heading of q: progress, name, help (the first time), choices. */
static void add_heading(struct interview *iv,
			const struct answers_question *q, struct strbuf *sb)
{
	const struct option *o = q->opt;

	strbuf_addch(sb, '\n');
	if (q->number && q->total)
		strbuf_addf(sb, "(%u/%u) ", q->number, q->total);
	strbuf_addf(sb, "%s\n", o->name);
	if (o->help && !q->again)
		add_wrapped(sb, o->help, INDENT, iv->width);
	if (o->nfields)
		add_wrapped(sb, "A list like [{...}, ...] in YAML flow or "
			    "JSON syntax; empty for none.", INDENT,
			    iv->width);
	add_choices(q, sb);
	if (o->type == OPTION_MULTI && !o->nfields)
		add_wrapped(sb, "Several answers are separated by commas; - "
			    "answers none.", INDENT, iv->width);
	if (q->problem)
		add_wrapped(sb, q->problem, INDENT, iv->width);
}

/* The line that asks: the question, how to answer, the default. */
static void add_question(const struct answers_question *q,
			 struct strbuf *sb)
{
	const struct option *o = q->opt;
	size_t mark;

	strbuf_adds(sb, o->prompt ? o->prompt : o->name);
	if (o->type == OPTION_BOOL) {
		strbuf_adds(sb, value_truthy(q->def) ? " [Y/n]" : " [y/N]");
	} else {
		mark = sb->len;
		strbuf_adds(sb, " [");
		option_format_value(sb, q->def);
		if (sb->len == mark + 2)
			strbuf_setlen(sb, mark);	/* no default to show */
		else
			strbuf_addch(sb, ']');
	}
	strbuf_adds(sb, ": ");
}

/* ---- reading replies ----------------------------------------------------- */

/*
 * Wait until in has a byte to read; false once a signal is pending.  A
 * signal that comes just before a blocking read would not interrupt it,
 * so the read waits on the signals' descriptor too; in is unbuffered
 * (interview_init()), so no byte hides in its buffer.
 */
static bool wait_input(FILE *in)
{
	struct pollfd p[2] = { { fileno(in), POLLIN, 0 },
			       { signals_fd(), POLLIN, 0 } };
	int n;

	for (;;) {
		if (signals_pending())
			return false;
		if (p[0].fd < 0)
			return true;	/* a memory stream: never waits */
		n = poll(p, p[1].fd >= 0 ? 2 : 1, -1);
		if (n < 0 && errno != EINTR)
			return true;	/* let the read report it */
		if (n > 0 && p[0].revents)
			return true;
	}
}

/*
 * Read one line from in without its line ending; false at the end of
 * the input, on an error, or on an interrupt.
 */
static bool read_line(FILE *in, struct strbuf *line)
{
	int c = EOF;

	strbuf_reset(line);
	while (wait_input(in) && (c = getc(in)) != EOF && c != '\n')
		strbuf_addch(line, c);
	if (signals_pending())
		return false;
	if (c == EOF && (!line->len || ferror(in)))
		return false;
	if (line->len && line->buf[line->len - 1] == '\r')
		strbuf_setlen(line, line->len - 1);
	return true;
}

/* Trim blanks around the n bytes at *s. */
static size_t trim(const char **s, size_t n)
{
	while (n && isspace((unsigned char)**s))
		(*s)++, n--;
	while (n && isspace((unsigned char)(*s)[n - 1]))
		n--;
	return n;
}

/* The index of the choice of o named word (n bytes) in any case, or -1. */
static long choice_named(const struct option *o, const char *word, size_t n)
{
	size_t c;

	for (c = 0; c < o->nchoices; c++)
		if (strlen(o->choices[c]) == n &&
		    !strncasecmp(o->choices[c], word, n))
			return (long)c;
	return -1;
}

/* The index of the offered choice of q numbered by word, or -1. */
static long choice_numbered(const struct answers_question *q,
			    const char *word, size_t n)
{
	unsigned long want = 0, number = 0;
	size_t c, i;

	for (i = 0; i < n && i < 6 && isdigit((unsigned char)word[i]); i++)
		want = want * 10 + (unsigned long)(word[i] - '0');
	if (!n || i < n || !numbered(q->opt))
		return -1;
	for (c = 0; c < q->opt->nchoices; c++)
		if ((!q->why_not || !q->why_not[c]) && ++number == want)
			return (long)c;
	return -1;
}

/*
 * The choice of q that word (n bytes) names: by name in any letter case,
 * else by its number among the offered ones.  Returns the index in
 * q->opt->choices, or -1 with the reason in why.
 */
static long pick_choice(const struct answers_question *q, const char *word,
			size_t n, struct strbuf *why)
{
	long c = choice_named(q->opt, word, n);

	if (c < 0)
		c = choice_numbered(q, word, n);
	if (c >= 0 && q->why_not && q->why_not[c]) {
		strbuf_addf(why, "'%s' is not offered: %s",
			    q->opt->choices[c], q->why_not[c]);
		return -1;
	}
	if (c >= 0)
		return c;
	strbuf_addf(why, "'%.*s' is not one of the choices; answer with ",
		    (int)n, word);
	strbuf_adds(why, numbered(q->opt) ? "its number or its name" :
		    "its name");
	return -1;
}

/* A multi reply as option_coerce() takes it: names, comma-separated. */
static int multi_reply(const struct answers_question *q, const char *text,
		       struct strbuf *out, struct strbuf *why)
{
	bool *picked = xcalloc(q->opt->nchoices + 1, sizeof(*picked));
	const char *p = text, *w;
	size_t n = trim(&p, strlen(text)), c;
	long k;
	int ret = 0;

	if (n == 1 && *p == '-')
		p += 1;		/* none */
	while (!ret && *p) {
		n = strcspn(p, ",");
		w = p;
		p += n + (p[n] == ',');
		if ((n = trim(&w, n)) && (k = pick_choice(q, w, n, why)) < 0)
			ret = ERR_INPUT;
		else if (n)
			picked[k] = true;
	}
	for (c = 0; c < q->opt->nchoices; c++)
		if (picked[c])
			strbuf_addf(out, "%s%s", out->len ? "," : "",
				    q->opt->choices[c]);
	free(picked);
	return ret;
}

/*
 * Turn the reply line (not empty) into the answer text in out, or say in
 * why what is wrong with it.
 */
static int read_reply(const struct answers_question *q, const char *line,
		      struct strbuf *out, struct strbuf *why)
{
	const struct option *o = q->opt;
	struct arena a = ARENA_INIT;
	struct value *v;
	size_t n;
	long k;
	int ret = 0;

	strbuf_reset(out);
	if (utf8_invalid(line, strlen(line)) < strlen(line)) {
		strbuf_adds(why, "the answer is not valid UTF-8 text");
		return ERR_INPUT;
	}
	if (o->type == OPTION_CHOICE) {
		n = trim(&line, strlen(line));
		k = pick_choice(q, line, n, why);
		if (k < 0)
			return ERR_INPUT;
		strbuf_adds(out, o->choices[k]);
	} else if (o->type == OPTION_MULTI && !o->nfields) {
		ret = multi_reply(q, line, out, why);
	} else {
		strbuf_adds(out, line);
	}
	if (!ret && option_coerce(o, value_str(&a, out->buf), &a, &v, why))
		ret = ERR_INPUT;
	arena_release(&a);
	return ret;
}

int interview_ask(void *ud, const struct answers_question *q, char **reply)
{
	struct interview *iv = ud;
	struct strbuf sb = STRBUF_INIT, line = STRBUF_INIT,
		      out = STRBUF_INIT, why = STRBUF_INIT;
	int ret = ERR_FAIL;

	add_heading(iv, q, &sb);
	for (;;) {
		add_question(q, &sb);
		flush_out(iv, &sb);
		if (!read_line(iv->in, &line)) {
			fputc('\n', iv->out);
			iv->aborted = true;
			break;
		}
		if (!line.len)
			option_format_arg(&line, q->def);
		strbuf_reset(&why);
		if (!read_reply(q, line.buf, &out, &why)) {
			*reply = strbuf_detach(&out, NULL);
			ret = 0;
			break;
		}
		strbuf_reset(&out);
		strbuf_addf(&out, "invalid answer for '%s': %s", q->opt->name,
			    why.buf);
		add_wrapped(&sb, out.buf, INDENT, iv->width);
	}
	strbuf_release(&sb);
	strbuf_release(&line);
	strbuf_release(&out);
	strbuf_release(&why);
	return ret;
}

/* ---- summary and confirmation -------------------------------------------- */

void interview_summary(struct interview *iv, const struct value *answers)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, w = 0;

	for (i = 0; i < answers->u.dict.len; i++)
		if (answers->u.dict.items[i].key.len > w)
			w = answers->u.dict.items[i].key.len;
	strbuf_adds(&sb, "\nYour answers:\n");
	for (i = 0; i < answers->u.dict.len; i++) {
		const struct value_pair *p = &answers->u.dict.items[i];
		size_t mark;

		strbuf_addchars(&sb, ' ', INDENT);
		strbuf_add(&sb, p->key.ptr, p->key.len);
		strbuf_addchars(&sb, ' ', w - p->key.len + 2);
		mark = sb.len;
		option_format_value(&sb, p->val);
		if (sb.len == mark)
			strbuf_adds(&sb, p->val->kind == VALUE_LIST ?
				    "(none)" : "(empty)");
		strbuf_addch(&sb, '\n');
	}
	flush_out(iv, &sb);
	strbuf_release(&sb);
}

int interview_confirm(struct interview *iv, const char *question)
{
	struct strbuf line = STRBUF_INIT;
	const char *s;
	size_t n;
	int ret = ERR_FAIL;

	for (;;) {
		fprintf(iv->out, "%s [Y/n]: ", question);
		fflush(iv->out);
		if (!read_line(iv->in, &line)) {
			fputc('\n', iv->out);
			iv->aborted = true;
			break;
		}
		s = line.buf;
		n = trim(&s, line.len);
		if (!n || (n <= 3 && !strncasecmp(s, "yes", n))) {
			ret = 1;
			break;
		}
		if (n <= 2 && !strncasecmp(s, "no", n)) {
			ret = 0;
			break;
		}
		fprintf(iv->out, "%*sanswer y or n\n", INDENT, "");
	}
	strbuf_release(&line);
	return ret;
}

/* ---- keeping the answers ------------------------------------------------- */

char *interview_state_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (xdg && xdg[0] == '/')
		return fs_join(xdg, "genship/answers");
	if ((!home || !*home) && (pw = getpwuid(getuid())))
		home = pw->pw_dir;
	return xasprintf("%s/.local/state/genship/answers",
			 home && *home ? home : ".");
}

int interview_save(const struct value *answers, const char *name,
		   const char *header, char **path, struct diag *err)
{
	char *dir = interview_state_dir(), *file = NULL;
	struct strbuf text = STRBUF_INIT;
	int rc = fs_mkdir_p(dir, 0700), i, ret = ERR_FAIL;

	answers_format_mapping(answers, header, &text);
	for (i = 1; !rc && i <= SAVE_TRIES; i++) {
		free(file);
		file = i == 1 ? xasprintf("%s/%s.yml", dir, name) :
			xasprintf("%s/%s-%d.yml", dir, name, i);
		rc = fs_write_new(file, text.buf, text.len, 0600);
		if (!rc) {
			*path = file;
			file = NULL;
			ret = 0;
			break;
		}
		if (rc == -EEXIST)
			rc = 0;
	}
	if (ret)
		diag_fail(err, "cannot keep your answers in '%s': %s",
			  file ? file : dir, strerror(rc ? -rc : EEXIST));
	free(file);
	free(dir);
	strbuf_release(&text);
	return ret;
}
