#ifndef GENSHIP_DIAG_H
#define GENSHIP_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Diagnostics.  Deep code never prints and never exits: it fills a
 * `struct diag` and returns a negative code.  The command layer prints the
 * diagnostic and maps the code to an exit status.
 *
 * Positions travel as byte offsets into a `struct diag_src`; they become
 * file:line:col (1-based, columns in characters) only when a diagnostic is
 * made.  A diag keeps the first error set on it; later ones are ignored, so
 * the root cause is what the user sees.
 */

#define ERR_FAIL  (-1)	/* an operation failed: exit 1 */
#define ERR_INPUT (-2)	/* bad usage or bad input: exit 2 */

struct diag_src {
	const char *name;	/* file name shown to the user */
	const char *text;	/* the text that offsets index */
	size_t len;
	unsigned line_base;	/* line of text[0] in the file; 0 means 1 */
	unsigned col_base;	/* column of text[0] on that line; 0 means 1 */
};

struct diag {
	int code;		/* ERR_INPUT or ERR_FAIL; 0 when empty */
	char *file;		/* NULL when the error has no file */
	unsigned line, col;	/* 0 when unknown */
	char *msg;
	char *excerpt;		/* the source line, no newline, cut
				 * to DIAG_EXCERPT_COLS around the caret */
	unsigned caret;		/* 1-based caret column within excerpt */
	char *hint;
};

#define DIAG_INIT { 0, NULL, 0, 0, NULL, NULL, 0, NULL }

/*
 * A longer source line is shown as a window of this many columns around
 * the caret, with DIAG_CUT_MARK where it was cut, so that a diagnostic
 * never echoes a huge input.
 */
#define DIAG_EXCERPT_COLS 120
#define DIAG_CUT_MARK "..."

/* Set an input error at byte offset off of src. Returns ERR_INPUT. */
int diag_at(struct diag *d, const struct diag_src *src, size_t off,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Set an input error at 1-based line and col of src. Returns ERR_INPUT. */
int diag_at_linecol(struct diag *d, const struct diag_src *src,
		    unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* diag_at_linecol() for wrappers that take their own format arguments. */
int diag_vat_linecol(struct diag *d, const struct diag_src *src,
		     unsigned line, unsigned col, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* Set an input error with no position; file may be NULL. Returns ERR_INPUT. */
int diag_input(struct diag *d, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set an operational failure (I/O, hook, system). Returns ERR_FAIL. */
int diag_fail(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Attach a hint ("did you mean ...") to the error already set. */
void diag_hint(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Print d to fp as
 *   file:line:col: error: msg
 *      12 | source line
 *         |     ^
 *   hint: ...
 */
void diag_print(const struct diag *d, FILE *fp);
/*
 * Replace d's excerpt with the n bytes of line (no newline) and its caret
 * with 1-based column caret of line, both cut to a window when the line
 * is longer than DIAG_EXCERPT_COLS.  Bytes that are not UTF-8 and
 * control characters other than tab are shown as '?'.
 */
void diag_set_excerpt(struct diag *d, const char *line, size_t n,
		      unsigned caret);
/* Free d's strings and reset it to DIAG_INIT. */
void diag_release(struct diag *d);

/*
 * Convert byte offset off of src to a 1-based line and column.  A column
 * is a UTF-8 character, or one byte that starts no valid character.
 */
void diag_linecol(const struct diag_src *src, size_t off, unsigned *line,
		  unsigned *col);
/*
 * Set the input error "invalid UTF-8" at byte offset off of src, which
 * utf8_invalid() returned.  Returns ERR_INPUT.
 */
int diag_bad_utf8(struct diag *d, const struct diag_src *src, size_t off);
/*
 * Return the candidate closest to word by edit distance, or NULL when none
 * is close enough to be a plausible typo.  The result points into cands.
 */
const char *diag_closest(const char *word, const char *const *cands, size_t n);
/*
 * As diag_closest(), with the largest edit distance that counts as a typo
 * given: the first of the candidates closest to word, or NULL when none
 * is within limit edits.  This is the program's one edit distance.
 */
const char *diag_closest_within(const char *word, const char *const *cands,
				size_t n, size_t limit);

#endif
