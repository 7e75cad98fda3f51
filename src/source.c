#include "source.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "blob.h"
#include "cookiecutter.h"
#include "fsutil.h"
#include "genship-kind.h"
#include "gitsrc.h"
#include "userconfig.h"
#include "strbuf.h"
#include "term.h"
#include "xalloc.h"

#define FILE_URL "file://"
#define KEY_NAME_MAX 48		/* readable part of a cache key */
#define KEY_HASH_LEN 16
#define NEAR_TAGS 5
#define LOCK_WAIT_MS 10000	/* default wait for another process */
#define LOCK_POLL_MS 50

/* One cached repository, locked while we use it. */
struct cache {
	char *dir;		/* the cache root */
	char *repo;		/* DIR/KEY.git, the bare repository */
	char *lock;		/* DIR/KEY.lock */
	char *key;
	int fd;			/* the lock's descriptor, or -1 */
};

/* State of one fetch, for the libgit2 callbacks. */
struct fetch {
	const char *url;
	bool tty;		/* show a progress line */
	bool shown;
	unsigned auth_tries;
};

/* Abbreviations every user has; the user config may add and override. */
static const char *const builtin_abbrevs[][2] = {
	{ "gh", "https://github.com/{0}.git" },
	{ "gl", "https://gitlab.com/{0}.git" },
};

int source_opts_fill(const struct source_opts *o, struct source_opts *out,
		     struct config **cfg, struct diag *err)
{
	static const struct source_opts none = { NULL, NULL, false, false,
						  NULL };
	int ret = 0;

	*out = o ? *o : none;
	*cfg = NULL;
	if (!out->config && !(ret = config_load(NULL, cfg, err)))
		out->config = *cfg;
	return ret;
}

void source_spec_release(struct source_spec *s)
{
	free(s->typed);
	free(s->url);
	free(s->ref);
	free(s->subdir);
	memset(s, 0, sizeof(*s));
}

/* ---- parsing ---------------------------------------------------------- */

/* True for a URL of a remote git repository (not file://). */
static bool is_remote_url(const char *s)
{
	static const char *const schemes[] = {
		"https://", "http://", "ssh://", "git://", "git+ssh://",
		"ssh+git://",
	};
	const char *at = strchr(s, '@'), *colon = strchr(s, ':');
	const char *slash = strchr(s, '/');
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(*schemes); i++)
		if (!strncmp(s, schemes[i], strlen(schemes[i])))
			return true;
	/* scp-like USER@HOST:PATH: no '/' before the ':' */
	return at && colon && at < colon && (!slash || colon < slash) &&
		!strstr(s, "://");
}

/* The pattern abbreviation name (len bytes) stands for, or NULL. */
static const char *abbrev_find(const struct source_opts *o, const char *name,
			       size_t len)
{
	const char *pat = NULL;
	char *n = xstrndup(name, len);
	size_t i;

	if (o && o->config)
		pat = config_abbrev(o->config, n);
	for (i = 0; !pat && i < sizeof(builtin_abbrevs) /
		     sizeof(*builtin_abbrevs); i++)
		if (!strcmp(builtin_abbrevs[i][0], n))
			pat = builtin_abbrevs[i][1];
	free(n);
	return pat;
}

void source_each_abbrev(const struct source_opts *o,
			void (*fn)(const char *name, const char *url,
				   void *ud), void *ud)
{
	const struct config *c = o ? o->config : NULL;
	size_t i;

	config_each_abbrev(c, fn, ud);
	for (i = 0; i < sizeof(builtin_abbrevs) / sizeof(*builtin_abbrevs);
	     i++)
		if (!config_abbrev(c, builtin_abbrevs[i][0]))
			fn(builtin_abbrevs[i][0], builtin_abbrevs[i][1], ud);
}

/* Expand ABBR:REST to its URL (malloc'd), or NULL when s is not one. */
static char *abbrev_expand(const struct source_opts *o, const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	const char *pat, *rest = s + n + 1;
	struct strbuf sb = STRBUF_INIT;
	size_t rlen;

	if (!n || s[n] != ':' || !strncmp(rest, "//", 2) ||
	    !(pat = abbrev_find(o, s, n)))
		return NULL;
	rlen = strlen(rest);
	for (; *pat; pat++) {
		if (!strncmp(pat, "{0}", 3)) {
			size_t k = rlen;

			if (!strncmp(pat + 3, ".git", 4) && k > 4 &&
			    !strcmp(rest + k - 4, ".git"))
				k -= 4;
			strbuf_add(&sb, rest, k);
			pat += 2;
		} else {
			strbuf_addch(&sb, *pat);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* Cut "@REF" off the end of s; return REF (malloc'd) or NULL. */
static char *split_ref(char *s)
{
	char *at = strrchr(s, '@'), *slash = strrchr(s, '/');
	char *colon = strchr(s, ':');

	if (!at || !at[1] || (slash && at < slash) || (colon && at < colon))
		return NULL;
	*at = '\0';
	return xstrdup(at + 1);
}

/* Normalise --directory: no leading or trailing '/', no '..'. */
static int parse_subdir(const char *dir, char **out, struct diag *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = dir ? dir : "";

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2)) {
			strbuf_release(&sb);
			diag_input(err, NULL, "--directory '%s' must not "
				   "contain '..'", dir);
			return ERR_INPUT;
		}
		if (n && !(n == 1 && *p == '.'))
			strbuf_addf(&sb, "%s%.*s", sb.len ? "/" : "", (int)n,
				    p);
		p += n + (p[n] == '/');
	}
	*out = sb.len ? strbuf_detach(&sb, NULL) : xstrdup("");
	strbuf_release(&sb);
	return 0;
}

int source_parse(const char *spec, const struct source_opts *o,
		 struct source_spec *out, struct diag *err)
{
	struct source_spec s = SOURCE_SPEC_INIT;
	char *body = xstrdup(spec), *url = NULL;
	int ret;

	s.typed = xstrdup(spec);
	if ((url = abbrev_expand(o, spec)) || is_remote_url(spec)) {
		free(url);
		s.ref = split_ref(body);
		url = abbrev_expand(o, body);
		s.url = url ? url : xstrdup(body);
	}
	if (s.ref && o && o->ref) {
		diag_input(err, NULL, "the ref is given twice: '%s' ends in "
			   "'@%s' and --ref is '%s'", spec, s.ref, o->ref);
		diag_hint(err, "drop one of them");
		ret = ERR_INPUT;
	} else {
		if (!s.ref && o && o->ref)
			s.ref = xstrdup(o->ref);
		ret = parse_subdir(o ? o->directory : NULL, &s.subdir, err);
	}
	free(body);
	if (ret)
		source_spec_release(&s);
	else
		*out = s;
	return ret;
}

/* ---- the cache -------------------------------------------------------- */

char *source_cache_dir(const struct source_opts *o)
{
	const char *dir = o && o->config ? config_cache_dir(o->config) : NULL;
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (dir)
		return xstrdup(dir);
	if (xdg && xdg[0] == '/')
		return fs_join(xdg, "genship");
	if ((!home || !*home) && (pw = getpwuid(getuid())))
		home = pw->pw_dir;
	return xasprintf("%s/.cache/genship", home && *home ? home : ".");
}

/* A file name for url: its host and path, made safe, and a hash. */
static char *cache_key(const char *url)
{
	const char *p = strstr(url, "://"), *at;
	struct strbuf sb = STRBUF_INIT;
	char id[BLOB_HEXSZ + 1];

	p = p ? p + 3 : url;
	at = strchr(p, '@');
	if (at && at < p + strcspn(p, "/"))
		p = at + 1;	/* no user name or token in file names */
	for (; *p && sb.len < KEY_NAME_MAX; p++)
		strbuf_addch(&sb, isalnum((unsigned char)*p) || *p == '.' ||
			     *p == '-' ? *p : '_');
	blob_id(url, strlen(url), id);
	strbuf_addf(&sb, "-%.*s", KEY_HASH_LEN, id);
	return strbuf_detach(&sb, NULL);
}

static void cache_init(struct cache *c, const struct source_opts *o,
		       const char *url)
{
	c->dir = source_cache_dir(o);
	c->key = cache_key(url);
	c->repo = xasprintf("%s/%s.git", c->dir, c->key);
	c->lock = xasprintf("%s/%s.lock", c->dir, c->key);
	c->fd = -1;
}

static void cache_release(struct cache *c)
{
	if (c->fd >= 0)
		close(c->fd);	/* drops the flock */
	free(c->dir);
	free(c->key);
	free(c->repo);
	free(c->lock);
}

/* How long to wait for another process's lock: GENSHIP_LOCK_WAIT ms. */
static long lock_wait_ms(void)
{
	const char *s = getenv("GENSHIP_LOCK_WAIT");
	char *end;
	long ms;

	if (!s || !*s)
		return LOCK_WAIT_MS;
	ms = strtol(s, &end, 10);
	return *end || ms < 0 ? LOCK_WAIT_MS : ms;
}

/* Take the exclusive lock of c, waiting a while for another process. */
static int cache_lock(struct cache *c, struct diag *err)
{
	struct timespec poll = { 0, LOCK_POLL_MS * 1000000L };
	long waited, limit = lock_wait_ms();

	if (fs_mkdir_p(c->dir, 0777) < 0)
		return diag_fail(err, "cannot create the template cache "
				 "'%s': %s", c->dir, strerror(errno));
	c->fd = open(c->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (c->fd < 0)
		return diag_fail(err, "cannot open '%s': %s", c->lock,
				 strerror(errno));
	for (waited = 0; flock(c->fd, LOCK_EX | LOCK_NB) < 0;
	     waited += LOCK_POLL_MS) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return diag_fail(err, "cannot lock '%s': %s", c->lock,
					 strerror(errno));
		if (waited >= limit) {
			diag_fail(err, "the template cache '%s' is locked by "
				  "another process", c->repo);
			diag_hint(err, "another genship is fetching it: run "
				  "this again when it is done");
			return ERR_FAIL;
		}
		nanosleep(&poll, NULL);
	}
	return 0;
}

/* Remove the entries of dir whose name contains mark. */
static void sweep_dir(const char *dir, const char *mark)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strstr(e->d_name, mark)) {
			char *p = fs_join(dir, e->d_name);

			fs_rm_rf(p);
			free(p);
		}
	if (d)
		closedir(d);
}

/* Remove temporary directories a crashed fetch of c left behind. */
static void cache_sweep(const struct cache *c)
{
	char *mark = xasprintf("%s.git.tmp-", c->key);
	char *trees = xasprintf("%s/%s.trees", c->dir, c->key);

	sweep_dir(c->dir, mark);
	sweep_dir(trees, ".tmp-");
	free(mark);
	free(trees);
}

/* Show the fetch's progress on a terminal. */
static int on_progress(const git_indexer_progress *st, void *ud)
{
	struct fetch *f = ud;

	if (f->tty) {
		fprintf(stderr, "\rgenship: fetching %s: %u/%u objects",
			f->url, st->received_objects, st->total_objects);
		f->shown = true;
	}
	return 0;
}

/* Credentials: ssh-agent for ssh, GENSHIP_GIT_TOKEN for HTTPS; once. */
static int on_credentials(git_credential **out, const char *url,
			  const char *user, unsigned int allowed, void *ud)
{
	struct fetch *f = ud;
	const char *token = getenv("GENSHIP_GIT_TOKEN");
	const char *name = getenv("GENSHIP_GIT_USER");

	(void)url;
	git_error_set_str(GIT_ERROR_NET, "the server asked for credentials "
			  "and none were accepted");
	if (f->auth_tries++)
		return GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
							 user ? user : "git");
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && token)
		return git_credential_userpass_plaintext_new(out,
			user ? user : name ? name : "git", token);
	return GIT_EAUTH;
}

/* Explain a failed fetch of url: auth or network, both ERR_FAIL. */
static int fetch_fail(const char *url, int code, struct diag *err)
{
	const git_error *e = git_error_last();
	const char *why = gitsrc_last_error();

	if (code == GIT_EAUTH || (e && e->klass == GIT_ERROR_NET &&
				  strstr(why, "credentials"))) {
		diag_fail(err, "cannot fetch '%s': authentication failed (%s)",
			  url, why);
		diag_hint(err, "for ssh URLs, add your key to ssh-agent; for "
			  "HTTPS, set GENSHIP_GIT_TOKEN (and GENSHIP_GIT_USER) "
			  "to a token that can read the repository");
		return ERR_FAIL;
	}
	diag_fail(err, "cannot fetch '%s': %s", url, why);
	diag_hint(err, "check the URL and the network; --offline uses the "
		  "cache alone");
	return ERR_FAIL;
}

/*
 * Fetch every branch and tag of url into the new bare repository repo.
 * An anonymous remote without url.*.insteadOf: nothing is read from or
 * written to git config (libgit2 1.5 leaks in the insteadOf lookup).
 */
static int fetch_into(git_repository *repo, const char *url,
		      struct diag *err)
{
	char heads[] = "+refs/heads/*:refs/heads/*";
	char tags[] = "+refs/tags/*:refs/tags/*";
	char *specs[] = { heads, tags };
	const git_strarray refspecs = { specs, 2 };
	git_remote_create_options ro;
	struct fetch f = { url, term_progress(stderr), false, 0 };
	git_fetch_options fo;
	git_remote *remote = NULL;
	git_buf head = { NULL, 0, 0 };
	int ret;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.callbacks.transfer_progress = on_progress;
	fo.callbacks.credentials = on_credentials;
	fo.callbacks.payload = &f;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
		GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	ret = git_remote_create_with_opts(&remote, url, &ro);
	if (!ret)
		ret = git_remote_connect(remote, GIT_DIRECTION_FETCH,
					 &fo.callbacks, NULL, NULL);
	if (!ret && git_remote_default_branch(&head, remote) < 0)
		git_error_clear();	/* an empty repository has none */
	if (!ret)
		ret = git_remote_fetch(remote, &refspecs, &fo, NULL);
	if (f.shown)
		fputs("\r\033[K", stderr);
	if (!ret && head.ptr && git_repository_set_head(repo, head.ptr) < 0)
		git_error_clear();
	ret = ret ? fetch_fail(url, ret, err) : 0;
	git_buf_dispose(&head);
	git_remote_free(remote);
	return ret;
}

/* Put the fetched repository tmp in place of c->repo, atomically. */
static int cache_install(struct cache *c, const char *tmp, struct diag *err)
{
	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, c->repo, RENAME_EXCHANGE))
		return fs_rm_rf(tmp), 0;	/* tmp now holds the old one */
	if ((errno == ENOENT || errno == EINVAL) && !rename(tmp, c->repo))
		return 0;
	return diag_fail(err, "cannot move the fetched repository into "
			 "'%s': %s", c->repo, strerror(errno));
}

/* Fetch url afresh into a temporary directory and rename it into place. */
static int cache_fetch(struct cache *c, const char *url, struct diag *err)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", c->repo);
	git_repository *repo = NULL;
	int ret = 0;

	cache_sweep(c);
	if (!mkdtemp(tmp))
		ret = diag_fail(err, "cannot create a directory in the "
				"template cache '%s': %s", c->dir,
				strerror(errno));
	else if (git_repository_init(&repo, tmp, 1) < 0)
		ret = diag_fail(err, "cannot create a repository in '%s': %s",
				c->dir, gitsrc_last_error());
	if (!ret)
		ret = fetch_into(repo, url, err);
	git_repository_free(repo);
	if (!ret)
		ret = cache_install(c, tmp, err);
	if (ret)
		fs_rm_rf(tmp);
	free(tmp);
	return ret;
}

/* ---- refs ------------------------------------------------------------- */

static bool is_hex_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 4 && n <= GIT_OID_HEXSZ && !s[n];
}

/*
 * Find ref (NULL: HEAD) in repo as a tag, a branch or a commit id.
 * Returns 1 and sets hex, or 0 when it is not there.
 */
static int ref_find(git_repository *repo, const char *ref,
		    char hex[GIT_OID_HEXSZ + 1])
{
	static const char *const forms[] = {
		"refs/tags/%s^{commit}", "refs/heads/%s^{commit}",
		"%s^{commit}",
	};
	git_object *obj = NULL;
	size_t i;
	int found = 0;

	for (i = 0; !found && i < sizeof(forms) / sizeof(*forms); i++) {
		char *spec;

		if (!ref && i < 2)
			continue;
		if (ref && i == 2 && !is_hex_id(ref))
			break;
		spec = xasprintf(forms[i], ref ? ref : "HEAD");
		found = git_revparse_single(&obj, repo, spec) == 0;
		if (found)
			git_oid_tostr(hex, GIT_OID_HEXSZ + 1,
				      git_object_id(obj));
		git_object_free(obj);
		obj = NULL;
		free(spec);
	}
	git_error_clear();
	return found;
}

/* Open the cached repository; a broken one is ERR_FAIL, never used. */
static int cache_open(const struct cache *c, git_repository **repo,
		      struct diag *err)
{
	git_reference *head = NULL;

	if (!git_repository_open_bare(repo, c->repo) &&
	    !git_reference_lookup(&head, *repo, "HEAD")) {
		git_reference_free(head);
		return 0;
	}
	git_repository_free(*repo);
	*repo = NULL;
	diag_fail(err, "the cached repository '%s' is corrupted: %s", c->repo,
		  gitsrc_last_error());
	diag_hint(err, "run again with --refresh to fetch it anew");
	return ERR_FAIL;
}

/* Look ref up in the cache: 1 found (hex set), 0 missing, or an error. */
static int cache_find(const struct cache *c, const char *ref,
		      char hex[GIT_OID_HEXSZ + 1], struct diag *err)
{
	git_repository *repo = NULL;
	int ret = cache_open(c, &repo, err);

	if (!ret)
		ret = ref_find(repo, ref, hex);
	git_repository_free(repo);
	return ret;
}

/* One parsed semantic version: vMAJOR.MINOR.PATCH[-PRE]. */
struct semver {
	unsigned long v[3];
	bool pre;
};

static bool semver_parse(const char *s, struct semver *out)
{
	char *end;
	int i;

	if (*s == 'v' || *s == 'V')
		s++;
	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return false;
		out->v[i] = strtoul(s, &end, 10);
		s = end;
		if (i < 2 && *s++ != '.')
			return false;
	}
	out->pre = *s == '-';
	return !*s || *s == '-' || *s == '+';
}

static int semver_cmp(const struct semver *a, const struct semver *b)
{
	int i;

	for (i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return (int)b->pre - (int)a->pre;
}

/* The newest release tag of repo above ref (malloc'd), or NULL. */
static char *tag_newest_above(git_repository *repo, const char *ref)
{
	git_strarray tags = { NULL, 0 };
	struct semver cur, best, v;
	const char *pick = NULL;
	size_t i;

	if (!ref || !semver_parse(ref, &cur) || git_tag_list(&tags, repo) < 0)
		return NULL;
	best = cur;
	for (i = 0; i < tags.count; i++)
		if (semver_parse(tags.strings[i], &v) && !v.pre &&
		    semver_cmp(&v, &best) > 0) {
			best = v;
			pick = tags.strings[i];
		}
	pick = pick ? xstrdup(pick) : NULL;
	git_strarray_dispose(&tags);
	return (char *)pick;
}

/* Report that ref is not in url, naming the tags closest to it. */
static int unknown_ref(const struct cache *c, const char *url,
		       const char *ref, bool offline, struct diag *err)
{
	git_strarray tags = { NULL, 0 };
	struct strbuf sb = STRBUF_INIT;
	git_repository *repo = NULL;
	const char **cands;
	size_t i, n;

	if (!ref)
		return diag_input(err, NULL, "'%s' has no default branch", url);
	diag_input(err, NULL, "unknown ref '%s' in '%s'%s", ref, url,
		   offline ? " (in the cache)" : "");
	if (git_repository_open_bare(&repo, c->repo) ||
	    git_tag_list(&tags, repo) < 0 || !tags.count) {
		diag_hint(err, "the repository has no tags; pass a branch or "
			  "a commit id");
		goto out;
	}
	cands = xcalloc(tags.count, sizeof(*cands));
	for (n = 0; n < tags.count; n++)
		cands[n] = tags.strings[n];
	for (i = 0; i < NEAR_TAGS && n; i++) {
		const char *near = diag_closest(ref, cands, n);
		size_t k;

		if (!near)
			near = cands[0];
		strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", near);
		for (k = 0; cands[k] != near; k++)
			;
		cands[k] = cands[--n];
	}
	diag_hint(err, "nearest tags: %s", sb.buf);
	free(cands);
out:
	git_error_clear();
	git_strarray_dispose(&tags);
	git_repository_free(repo);
	strbuf_release(&sb);
	return ERR_INPUT;
}

/* url is not cached and --offline forbids fetching it. */
static int offline_miss(const char *url, struct diag *err)
{
	diag_fail(err, "'%s' is not in the template cache, and --offline "
		  "forbids fetching it", url);
	diag_hint(err, "run once without --offline");
	return ERR_FAIL;
}

/*
 * Make sure the cache holds ref of url, fetching when it is missing (or
 * always with o->refresh); set hex to its commit.  c is locked.
 */
static int cache_ensure(struct cache *c, const char *url, const char *ref,
			const struct source_opts *o,
			char hex[GIT_OID_HEXSZ + 1], struct diag *err)
{
	bool cached = fs_exists(c->repo), refresh = o && o->refresh;
	bool offline = o && o->offline;
	int found = 0;

	if (cached && !refresh && (found = cache_find(c, ref, hex, err)))
		return found < 0 ? found : 0;
	if (offline && !cached)
		return offline_miss(url, err);
	if (!offline && (found = cache_fetch(c, url, err)))
		return found;
	found = cache_find(c, ref, hex, err);
	if (found < 0)
		return found;
	return found ? 0 : unknown_ref(c, url, ref, offline, err);
}

/* ---- local templates: built in, a directory, file:// --------------- */

#define BUILTIN_SOURCE "builtin:"

static void collect_name(const char *name, void *ud)
{
	struct { const char **names; size_t n, alloc; } *c = ud;

	XALLOC_GROW(c->names, c->n + 1, c->alloc);
	c->names[c->n++] = xstrdup(name);
}

static int unknown_template(const char *spec, struct diag *err)
{
	struct { const char **names; size_t n, alloc; } c = { 0 };
	const char *near;
	size_t i;

	template_list_builtin(collect_name, &c);
	diag_input(err, NULL, "unknown template '%s': not a built-in name "
		   "and not a directory with genship.yml or cookiecutter.json",
		   spec);
	near = diag_closest(spec, c.names, c.n);
	if (near)
		diag_hint(err, "did you mean '%s'?", near);
	else
		diag_hint(err, "'genship templates' lists the built-in names");
	for (i = 0; i < c.n; i++)
		free((char *)c.names[i]);
	free(c.names);
	return ERR_INPUT;
}

static bool is_template_dir(const char *spec)
{
	char *m = fs_join(spec, "genship.yml");
	bool yes = fs_exists(m);

	free(m);
	return yes;
}

/* True when spec is written as a path, not as a bare name. */
static bool is_path(const char *spec)
{
	return strchr(spec, '/') || !strcmp(spec, ".") || !strcmp(spec, "..");
}

/* True when dir holds a template of either kind. */
static bool is_any_template(const char *dir)
{
	return is_template_dir(dir) || cookiecutter_is_template(dir);
}

/* A bare name that is a built-in template and a directory here too. */
static int bare_ambiguous(const char *name, struct diag *err)
{
	diag_input(err, NULL, "template '%s' is ambiguous: it names the "
		   "built-in template '%s' and the directory './%s'", name,
		   name, name);
	diag_hint(err, "write '" BUILTIN_SOURCE "%s' for the built-in "
		  "template, or './%s' for the directory", name, name);
	return ERR_INPUT;
}

/* Open the template directory dir, of either kind. */
static int open_any_dir(struct template *t, const char *dir,
			struct diag *err)
{
	int ret;

	if (!is_template_dir(dir) && cookiecutter_is_template(dir)) {
		ret = template_check_links(dir, err);
		return ret ? ret : cookiecutter_open(t, dir, err);
	}
	if (!is_template_dir(dir))
		return unknown_template(dir, err);
	ret = template_check_links(dir, err);
	return ret ? ret : template_load_dir(t, dir, err);
}

/*
 * Open the template a bare name means: the built-in one (BUILTIN_SOURCE
 * may prefix it), else a template directory of that name here.  A name
 * that means both is an error, so that neither silently wins.
 */
static int open_named(struct template *t, const char *spec,
		      struct diag *err)
{
	bool prefixed = !strncmp(spec, BUILTIN_SOURCE,
				 strlen(BUILTIN_SOURCE));
	const char *name = prefixed ? spec + strlen(BUILTIN_SOURCE) : spec;
	int ret = *name ? template_load_builtin(t, name, err) : 1;

	if (ret > 0 && !prefixed)
		return open_any_dir(t, name, err);
	if (ret > 0)
		return unknown_template(spec, err);
	if (!ret && !prefixed && is_any_template(name))
		return bare_ambiguous(name, err);
	return ret;
}

/* A directory, a built-in name, or a file:// repository. */
static int open_local(const char *spec, struct template **out,
		      struct diag *err)
{
	struct template *t;
	int ret;

	if (gitsrc_is_url(spec))
		return gitsrc_open(spec, NULL, out, err);
	t = xcalloc(1, sizeof(*t));
	t->kind = &genship_kind;	/* until cookiecutter_open() says */
	if (is_path(spec))
		ret = open_any_dir(t, spec, err);
	else
		ret = open_named(t, spec, err);
	if (ret) {
		template_free(t);
		return ret;
	}
	if (t->kind == &genship_kind)
		template_finish(t);
	if (t->dir && t->kind == &genship_kind)
		gitsrc_match_commit(t);
	*out = t;
	return 0;
}

/* A local spec with --ref or --directory: a file:// repository's REV, or
 * a subdirectory of a directory. */
static int open_local_opts(const struct source_spec *s,
			   struct template **out, struct diag *err)
{
	char *dir;
	int ret;

	if (gitsrc_is_url(s->typed) && !*s->subdir)
		return gitsrc_open(s->typed, s->ref, out, err);
	if (gitsrc_is_url(s->typed)) {
		diag_input(err, NULL, "--directory does not apply to '%s'",
			   s->typed);
		diag_hint(err, "name the template's directory in the work "
			  "tree instead: /path/to/repo/SUBDIR");
		return ERR_INPUT;
	}
	if (s->ref)
		return diag_input(err, NULL, "--ref needs a git URL, and '%s' "
				  "is not one", s->typed);
	dir = fs_join(s->typed, s->subdir);
	ret = open_local(dir, out, err);
	free(dir);
	return ret;
}

int source_open(const char *spec, const struct source_opts *o,
		struct template **out, struct diag *err)
{
	struct source_spec s = SOURCE_SPEC_INIT;
	struct config *cfg = NULL;
	struct source_opts so;
	int ret = 0;

	if (!spec)
		spec = BUILTIN_SOURCE TEMPLATE_DEFAULT;
	if (strchr(spec, ':') && strncmp(spec, BUILTIN_SOURCE,
					  strlen(BUILTIN_SOURCE)))
		/* maybe an abbreviation of the config */
		ret = source_opts_fill(o, &so, &cfg, err);
	if (!ret)
		ret = source_parse(spec, cfg ? &so : o, &s, err);
	if (ret)
		goto out;
	if (s.url)
		ret = source_open_remote(&s, cfg ? &so : o, out, err);
	else if (s.ref || *s.subdir)
		ret = open_local_opts(&s, out, err);
	else
		ret = open_local(s.typed, out, err);
out:
	source_spec_release(&s);
	config_free(cfg);
	return ret;
}


/* ---- opening ---------------------------------------------------------- */

/* The name cookiecutter gives a template: its directory or repository. */
static char *repo_name(const char *url, const char *subdir)
{
	const char *p = *subdir ? subdir : url, *slash = strrchr(p, '/');
	const char *colon = strrchr(p, ':');
	size_t n;

	if (colon && (!slash || colon > slash))
		slash = colon;
	p = slash ? slash + 1 : p;
	n = strlen(p);
	if (n > 4 && !strcmp(p + n - 4, ".git"))
		n -= 4;
	return n && strncmp(p, "..", n) ? xstrndup(p, n) : xstrdup("template");
}

/*
 * A cookiecutter template's loader reads a directory: write the tree at
 * hex out once, into KEY.trees/HEX[-SUBDIR]/NAME, renamed into place like
 * a fetch.  *dir is malloc'd.
 */
static int cache_snapshot(const struct cache *c, const char *url,
			  const char *hex, const char *subdir, char **dir,
			  struct diag *err)
{
	char *trees = xasprintf("%s/%s.trees", c->dir, c->key);
	char *sub = cache_key(subdir), *name = repo_name(url, subdir);
	char *final = *subdir ? xasprintf("%s/%s-%s", trees, hex, sub) :
		xasprintf("%s/%s", trees, hex);
	char *tmp = xasprintf("%s.tmp-XXXXXX", final), *in = NULL;
	int ret = 0;

	*dir = fs_join(final, name);
	if (fs_exists(*dir))
		goto out;
	fs_rm_rf(final);	/* a snapshot without its template */
	if (fs_mkdir_p(trees, 0777) < 0 || !mkdtemp(tmp)) {
		ret = diag_fail(err, "cannot create a directory in '%s': %s",
				trees, strerror(errno));
		goto out;
	}
	in = fs_join(tmp, name);
	ret = gitsrc_export(c->repo, hex, subdir, url, in, err);
	if (!ret && rename(tmp, final) < 0)
		ret = diag_fail(err, "cannot move '%s' into place: %s", tmp,
				strerror(errno));
	if (ret)
		fs_rm_rf(tmp);
out:
	free(in);
	free(tmp);
	free(final);
	free(name);
	free(sub);
	free(trees);
	return ret;
}

/* Open the cookiecutter template at hex through its snapshot. */
static int cache_load_cc(const struct cache *c, const char *url,
			 const char *hex, const char *subdir,
			 struct template **out, struct diag *err)
{
	char *dir = NULL;
	int ret = cache_snapshot(c, url, hex, subdir, &dir, err);

	if (!ret)
		ret = open_local(dir, out, err);
	if (!ret) {
		free((*out)->commit);
		(*out)->commit = xstrdup(hex);
	}
	free(dir);
	return ret;
}

/* Read the template at commit hex from the locked cache c. */
static int cache_load(const struct cache *c, const char *url,
		      const char *hex, const char *subdir,
		      struct template **out, struct diag *err)
{
	int ret;

	if (!gitsrc_tree_has(c->repo, hex, subdir, "genship.yml") &&
	    gitsrc_tree_has(c->repo, hex, subdir, "cookiecutter.json"))
		return cache_load_cc(c, url, hex, subdir, out, err);
	ret = gitsrc_open_repo(c->repo, hex, subdir, url, out, err);
	if (ret == ERR_FAIL)
		diag_hint(err, "the cached repository '%s' may be corrupted: "
			  "run again with --refresh", c->repo);
	return ret;
}

/* Lock the cache of url, make sure it has ref, and read the template. */
static int open_cached(const char *url, const char *ref, const char *subdir,
		       const struct source_opts *o, struct template **out,
		       struct diag *err)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct cache c;
	int ret;

	git_libgit2_init();
	cache_init(&c, o, url);
	ret = cache_lock(&c, err);
	if (!ret)
		ret = cache_ensure(&c, url, ref, o, hex, err);
	if (!ret)
		ret = cache_load(&c, url, hex, subdir, out, err);
	cache_release(&c);
	git_libgit2_shutdown();
	return ret;
}

/* Record where a template came from on t. */
static void record_source(struct template *t, const char *typed,
			  const char *url, const char *ref, const char *subdir)
{
	free(t->source);
	t->source = xstrdup(typed);
	t->url = xstrdup(url);
	t->ref = ref ? xstrdup(ref) : NULL;
	t->subdir = subdir && *subdir ? xstrdup(subdir) : NULL;
}

int source_open_remote(const struct source_spec *s,
		       const struct source_opts *o, struct template **out,
		       struct diag *err)
{
	struct source_opts so;
	struct config *cfg;
	int ret = source_opts_fill(o, &so, &cfg, err);

	if (!ret)
		ret = open_cached(s->url, s->ref, s->subdir, &so, out, err);
	if (!ret)
		record_source(*out, s->typed, s->url, s->ref, s->subdir);
	config_free(cfg);
	return ret;
}

int source_open_commit(const char *url, const char *commit,
		       const char *subdir, const struct source_opts *o,
		       struct template **out, struct diag *err)
{
	struct source_opts so;
	struct config *cfg;
	int ret = source_opts_fill(o, &so, &cfg, err);

	if (!ret)
		ret = open_cached(url, commit, subdir, &so, out, err);
	config_free(cfg);
	return ret;
}

int source_next_ref(const char *url, const char *ref,
		    const struct source_opts *o, char **out,
		    struct diag *err)
{
	git_repository *repo = NULL;
	struct cache c;
	int ret;

	git_libgit2_init();
	cache_init(&c, o, url);
	ret = cache_lock(&c, err);
	if (!ret && !(o && o->offline))
		ret = cache_fetch(&c, url, err);
	else if (!ret && !fs_exists(c.repo))
		ret = offline_miss(url, err);
	if (!ret)
		ret = cache_open(&c, &repo, err);
	if (!ret) {
		char *next = tag_newest_above(repo, ref);

		*out = next ? next : ref ? xstrdup(ref) : NULL;
	}
	git_repository_free(repo);
	cache_release(&c);
	git_libgit2_shutdown();
	return ret;
}
