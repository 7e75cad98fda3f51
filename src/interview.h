#ifndef GENSHIP_INTERVIEW_H
#define GENSHIP_INTERVIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "answers.h"
#include "diag.h"
#include "strbuf.h"
#include "tpl-value.h"

/*
 * The interview of `genship new` on a terminal: the prompter that puts
 * the resolver's questions (answers.h) to a person, the summary and
 * confirmation before anything is written, and the file that keeps the
 * answers when a later step fails, so that no interview is ever lost.
 *
 * A question shows, the first time only, a progress count, the option's
 * name, its help wrapped to the terminal's width and its numbered
 * choices; a choice is answered by number or by name in any letter case,
 * a multi option by a comma-separated list of either.  An invalid reply
 * is explained and only the question line is shown again.  End of input
 * (Ctrl-D) and an interrupt (Ctrl-C, with signals_catch() in force)
 * abandon the interview.
 */

struct interview {
	FILE *in, *out;
	unsigned width;		/* columns to wrap at */
	bool aborted;		/* the input ended or was interrupted */
};

/*
 * Set up iv to read replies from in (made unbuffered) and write to out;
 * the width is term_width(out), at most 100.
 */
void interview_init(struct interview *iv, FILE *in, FILE *out);

/* The prompter (answers_prompt_fn); ud is a struct interview. */
int interview_ask(void *ud, const struct answers_question *q, char **reply);

/*
 * Show answers (a dict of option name -> value) one a line, names
 * aligned, under a heading.
 */
void interview_summary(struct interview *iv, const struct value *answers);

/*
 * Ask the yes/no question (without its " [Y/n]: "), whose default is yes.
 * Returns 1 for yes, 0 for no, ERR_FAIL when the input ends or is
 * interrupted (iv->aborted is then set).
 */
int interview_confirm(struct interview *iv, const char *question);

/*
 * The directory kept answers go to: $XDG_STATE_HOME/genship/answers when
 * that is an absolute path, else ~/.local/state/genship/answers.
 * Caller-owned.
 */
char *interview_state_dir(void);

/*
 * Keep answers (a dict) in a new file of interview_state_dir(), readable
 * by its owner only (0600): NAME.yml, or NAME-2.yml and so on when that
 * exists, holding header (comment lines) and then the answers as --answers
 * reads them.  *path is caller-owned, untouched on failure.  Returns 0,
 * or ERR_FAIL naming the file that could not be written.
 */
int interview_save(const struct value *answers, const char *name,
		   const char *header, char **path, struct diag *err);

#endif
