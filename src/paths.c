#include "paths.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

bool paths_is_inside(const char *s)
{
	size_t n;

	if (!*s || *s == '/')
		return false;
	for (; *s; s += n + (s[n] == '/')) {
		n = strcspn(s, "/");
		if (!n || (n == 1 && *s == '.') ||
		    (n == 2 && !strncmp(s, "..", 2)) ||
		    (s[n] == '/' && !s[n + 1]))
			return false;
	}
	return true;
}

/* True when rel is top or lies under it. */
static bool is_or_under(const char *rel, const char *top)
{
	size_t n = strlen(top);

	return !strncmp(rel, top, n) && (!rel[n] || rel[n] == '/');
}

/* True when some component of rel is ".git", in any letter case. */
static bool has_git_component(const char *s)
{
	size_t n;

	for (; *s; s += n + (s[n] == '/')) {
		n = strcspn(s, "/");
		if (n == 4 && !strncasecmp(s, ".git", 4))
			return true;
	}
	return false;
}

const char *paths_reserved(const char *rel)
{
	if (has_git_component(rel))
		return ".git";
	if (is_or_under(rel, PATHS_ANSWERS_FILE))
		return PATHS_ANSWERS_FILE;
	if (is_or_under(rel, PATHS_TXN_DIR))
		return PATHS_TXN_DIR;
	return NULL;
}

const char *paths_problem(const char *rel)
{
	const char *r;

	if (!paths_is_inside(rel))
		return "paths must stay inside the project";
	r = paths_reserved(rel);
	if (!r)
		return NULL;
	if (!strcmp(r, ".git"))
		return "'.git' belongs to git, and genship never writes there";
	if (!strcmp(r, PATHS_ANSWERS_FILE))
		return "'" PATHS_ANSWERS_FILE "' is genship's answers file";
	return "'" PATHS_TXN_DIR "' is genship's update transaction";
}
