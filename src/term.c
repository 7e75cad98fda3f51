/*
 * Output conventions: quiet mode, progress, colour and terminal width.
 */
#include "term.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool quiet;

void term_set_quiet(bool q)
{
	quiet = q;
}

bool term_quiet(void)
{
	return quiet;
}

bool term_progress(FILE *fp)
{
	return !quiet && isatty(fileno(fp));
}

bool term_color(FILE *fp)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(fp));
}

unsigned term_width(FILE *fp)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	unsigned long w = 80;
	char *end;

	if (isatty(fileno(fp)) && !ioctl(fileno(fp), TIOCGWINSZ, &ws) &&
	    ws.ws_col)
		w = ws.ws_col;
	else if (env && *env && (w = strtoul(env, &end, 10), *end))
		w = 80;
	if (w < 40)
		w = 40;
	return w > 1000 ? 1000 : (unsigned)w;
}

/*
 * The colour of one diff line: an SGR sequence, or NULL for none.  Header
 * lines are told from removed and added lines by *in_hunk, which a hunk
 * line ("@@") sets and a "diff " line clears.
 */
static const char *diff_color(const char *line, size_t n, bool *in_hunk)
{
	if (n >= 5 && !strncmp(line, "diff ", 5))
		*in_hunk = false;
	if (n >= 2 && !strncmp(line, "@@", 2)) {
		*in_hunk = true;
		return "\033[36m";
	}
	if (!*in_hunk)
		return "\033[1m";
	if (n && line[0] == '-')
		return "\033[31m";
	if (n && line[0] == '+')
		return "\033[32m";
	return NULL;
}

void term_put_diff(FILE *fp, const char *diff, size_t n)
{
	const char *end = diff + n, *nl, *color;
	bool in_hunk = false;

	if (!term_color(fp)) {
		fwrite(diff, 1, n, fp);
		return;
	}
	for (; diff < end; diff = nl) {
		nl = memchr(diff, '\n', (size_t)(end - diff));
		nl = nl ? nl + 1 : end;
		color = diff_color(diff, (size_t)(nl - diff), &in_hunk);
		if (color)
			fputs(color, fp);
		fwrite(diff, 1, (size_t)(nl - diff - (nl[-1] == '\n')), fp);
		if (color)
			fputs("\033[m", fp);
		if (nl[-1] == '\n')
			fputc('\n', fp);
	}
}

void term_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fputs("genship: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
