#ifndef GENSHIP_GENSHIP_KIND_H
#define GENSHIP_GENSHIP_KIND_H

#include "template.h"

/*
 * genship's own kind of template (template.h): a genship.yml manifest of
 * typed options resolved by answers_resolve(), files rendered by
 * render_plan() under the manifest's file rules, and the pre and post
 * hooks the manifest lists, run on new and on update.
 */
extern const struct template_kind genship_kind;

#endif
