#ifndef GENSHIP_RENDER_H
#define GENSHIP_RENDER_H

#include <stddef.h>

#include "diag.h"
#include "template.h"
#include "plan.h"
#include "tpl-value.h"

/*
 * The renderer: template tree + context -> plan.  It is pure: it reads
 * only the in-memory template and never touches the output directory or
 * spawns a process.  The writer, the merger, the linters and the differ
 * all consume its plans (plan.h).
 */

/*
 * Render every file of t with ctx into out (which must be empty).  File
 * rules decide inclusion (`when`), verbatim copies (`render: false`, or
 * content holding a NUL byte) and delimiters.  A path whose component
 * renders empty is skipped; one that renders to '..', '.', an absolute
 * path or a name with '/', a newline or a NUL is ERR_INPUT, and so are two
 * files rendering to one path, and a path or a rendered text that is not
 * UTF-8.  t's compiled-template cache is filled, so
 * rendering many contexts compiles each file once.  On failure out is
 * released.  This is genship_kind's renderer; template_render() picks
 * the renderer of a template's kind.
 */
int render_plan(struct template *t, const struct value *ctx,
		struct plan *out, struct diag *err);

#endif
