#ifndef GENSHIP_TERM_H
#define GENSHIP_TERM_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The process's output conventions, decided once by the command layer and
 * read wherever something optional is printed:
 * - --quiet drops progress and informational messages; errors, warnings
 *   and the output a command was asked for (stdout) stay;
 * - progress is drawn only on a terminal, and never when quiet;
 * - colour is used only on a terminal, never when NO_COLOR is set to a
 *   non-empty value (https://no-color.org) or TERM is "dumb".
 */

/* Set (true) or clear quiet mode for the rest of the process. */
void term_set_quiet(bool quiet);
/* True after term_set_quiet(true). */
bool term_quiet(void);
/* True when progress may be drawn on fp: a terminal, and not quiet. */
bool term_progress(FILE *fp);
/* True when fp may be coloured: a terminal, NO_COLOR unset or empty,
 * TERM not "dumb". */
bool term_color(FILE *fp);
/*
 * The columns available on fp: its terminal's width, else $COLUMNS, else
 * 80; never less than 40.
 */
unsigned term_width(FILE *fp);
/*
 * Write the n bytes of unified diff text to fp, coloured as git colours
 * it when term_color(fp): headers bold, hunk lines cyan, removed lines
 * red, added lines green.
 */
void term_put_diff(FILE *fp, const char *diff, size_t n);
/* Print "genship: MSG" and a newline on stderr, unless quiet. */
void term_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
