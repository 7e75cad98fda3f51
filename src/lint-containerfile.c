/*
 * lint-containerfile.c: the QUALITY-BAR rules for Containerfile and
 * Dockerfile, .dockerignore and .containerignore.  The file is split into
 * instructions (continuation lines joined, comments dropped, heredoc
 * bodies skipped) and stages; global ARG defaults are substituted into
 * FROM lines so `FROM ${PYTHON_IMAGE}` is checked by its real tag.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "strbuf.h"
#include "xalloc.h"

static const struct lint_rule rules[] = {
	{ "DL3000", "WORKDIR is not absolute",
	  "use an absolute WORKDIR such as /app" },
	{ "DL3002", "the final USER is root",
	  "switch to a numeric non-root user, e.g. USER 65532:65532" },
	{ "DL3004", "RUN uses sudo",
	  "drop sudo: RUN already runs as the stage's USER" },
	{ "DL3006", "FROM has no explicit tag",
	  "pin the base image to a concrete tag (or a digest)" },
	{ "DL3007", "FROM uses the latest tag",
	  "pin the base image to a concrete version tag" },
	{ "DL3008", "apt-get install without pinned versions",
	  "pin packages (pkg=version) or document why they are not pinned" },
	{ "DL3009", "apt lists are not removed in the same RUN",
	  "end the RUN with && rm -rf /var/lib/apt/lists/*" },
	{ "DL3012", "more than one HEALTHCHECK in a stage",
	  "keep a single HEALTHCHECK per stage" },
	{ "DL3014", "apt-get install without -y",
	  "use apt-get install -y" },
	{ "DL3015", "apt-get install without --no-install-recommends",
	  "add --no-install-recommends" },
	{ "DL3020", "ADD used for local files",
	  "use COPY; ADD only for remote archives that must be unpacked" },
	{ "DL3022", "COPY --from names no earlier stage",
	  "name a stage defined above with FROM ... AS name" },
	{ "DL3024", "two stages share a name",
	  "give every stage a unique name" },
	{ "DL3025", "CMD or ENTRYPOINT in shell form",
	  "use JSON exec form: CMD [\"prog\", \"arg\"]" },
	{ "DL3042", "pip install without --no-cache-dir",
	  "add --no-cache-dir (or install from a lock file into a venv)" },
	{ "DL4003", "more than one CMD in a stage",
	  "keep a single CMD per stage" },
	{ "DL4004", "more than one ENTRYPOINT in a stage",
	  "keep a single ENTRYPOINT per stage" },
	{ "DL4006", "RUN with a pipe without pipefail",
	  "add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before it" },
	{ "DS002", "the image runs as root: no USER in the final stage",
	  "add USER 65532:65532 to the final stage" },
	{ "GS-101", "single-stage build",
	  "build in a builder stage and copy the result into a minimal "
	  "runtime stage" },
	{ "GS-102", "the final USER is not a numeric UID (and GID) >= 10000",
	  "use a numeric user such as USER 65532:65532" },
	{ "GS-103", "HEALTHCHECK cannot run in the runtime image",
	  "use JSON exec form with a binary the runtime image has "
	  "(distroless has no shell, curl or wget)" },
	{ "GS-104", "OCI image labels missing",
	  "add LABEL org.opencontainers.image.<key>=... to the final stage" },
	{ "GS-105", "npm install in an image build",
	  "use npm ci with the committed package-lock.json" },
	{ "GS-106", "go build without CGO_ENABLED=0 and -trimpath",
	  "build with CGO_ENABLED=0 go build -trimpath" },
	{ "GS-107", "a Containerfile without a .dockerignore",
	  "emit .dockerignore too: docker does not read .containerignore" },
	{ "GS-108", "an ignore file misses a required pattern",
	  "exclude .git, .env* (keep !.env.example), .github/, k8s/, "
	  "node_modules and __pycache__" },
	{ "LegacyKeyValueFormat", "ENV key value (legacy form)",
	  "write ENV key=value" },
	{ "SecretsUsedInArgOrEnv", "a secret in ARG or ENV",
	  "pass secrets with RUN --mount=type=secret, not ARG or ENV" },
	{ "StageNameCasing", "a stage name is not lowercase",
	  "write stage names in lowercase" },
};

const struct lint_rule_table lint_container_rules = {
	rules, sizeof(rules) / sizeof(rules[0])
};

/* ---- parsing ---------------------------------------------------------- */

struct instr {
	char *kw;		/* uppercased keyword */
	char *args;		/* arguments, continuation lines joined */
	unsigned line;
};

struct stage {
	size_t first, end;	/* instructions [first, end) after FROM */
	char *image;		/* with global ARG defaults substituted */
	char *name;		/* NULL when unnamed */
	unsigned line;
};

struct dfile {
	struct instr *ins;
	size_t n, alloc;
	struct stage *st;
	size_t nst, st_alloc;
	size_t first_from;	/* instructions before it are global */
	const char *path;
};

/* Return the heredoc delimiter opened on args ("<<EOF", "<<-'EOF'"). */
static char *heredoc_word(const char *args)
{
	const char *p = strstr(args, "<<");
	size_t n;

	if (!p)
		return NULL;
	p += 2;
	if (*p == '-')
		p++;
	if (*p == '\'' || *p == '"')
		p++;
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789_");
	return n ? xstrndup(p, n) : NULL;
}

/* Skip heredoc lines after *pos until word; advances *pos and *line. */
static void skip_heredoc(const char **pos, unsigned *line, const char *word)
{
	const char *p = *pos;

	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *s = p;

		while (*s == '\t')
			s++;
		p += n + (p[n] == '\n');
		(*line)++;
		if ((size_t)(p - s) >= strlen(word) &&
		    !strncmp(s, word, strlen(word)) &&
		    (s[strlen(word)] == '\n' || !s[strlen(word)]))
			break;
	}
	*pos = p;
}

/* Append the logical line s (keyword and arguments) as an instruction. */
static void add_instr(struct dfile *df, const char *s, unsigned line)
{
	struct instr *in;
	size_t n;
	char *kw, *k;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, " \t");
	if (!n)
		return;
	kw = xstrndup(s, n);
	for (k = kw; *k; k++)
		*k = (char)toupper((unsigned char)*k);
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	XALLOC_GROW(df->ins, df->n + 1, df->alloc);
	in = &df->ins[df->n++];
	in->kw = kw;
	in->args = xstrdup(s);
	in->line = line;
}

/* Split the text into instructions. */
static void df_split(struct dfile *df, const char *text)
{
	struct strbuf logical = STRBUF_INIT;
	const char *p = text;
	unsigned line = 1, start = 0;

	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *s = p;
		bool cont;

		p += n + (p[n] == '\n');
		while (s < p && (*s == ' ' || *s == '\t'))
			s++;
		if (*s == '#' || (!logical.len && (*s == '\n' || !*s))) {
			line++;
			continue;
		}
		if (!logical.len)
			start = line;
		n = (size_t)(p - s) - (p[-1] == '\n');
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			     s[n - 1] == '\r'))
			n--;
		cont = n && s[n - 1] == '\\';
		strbuf_add(&logical, s, cont ? n - 1 : n);
		line++;
		if (cont) {
			strbuf_addch(&logical, ' ');
			continue;
		}
		add_instr(df, logical.buf, start);
		strbuf_reset(&logical);
		if (df->n) {
			char *word = heredoc_word(df->ins[df->n - 1].args);

			if (word)
				skip_heredoc(&p, &line, word);
			free(word);
		}
	}
	if (logical.len)
		add_instr(df, logical.buf, start);
	strbuf_release(&logical);
}

/* The default of global ARG name (n bytes), or NULL. */
static const char *global_arg(const struct dfile *df, const char *name,
			      size_t n)
{
	size_t i;

	for (i = 0; i < df->first_from; i++) {
		const char *a = df->ins[i].args;

		if (strcmp(df->ins[i].kw, "ARG") || strncmp(a, name, n))
			continue;
		if (a[n] == '=')
			return a + n + 1;
	}
	return NULL;
}

/* Substitute $NAME and ${NAME} from global ARG defaults. */
static char *expand_args(const struct dfile *df, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		bool brace = s[0] == '$' && s[1] == '{';
		const char *name = s + 1 + brace, *val;
		size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789_");

		if (*s != '$' || !n || (brace && name[n] != '}')) {
			strbuf_addch(&sb, *s++);
			continue;
		}
		val = global_arg(df, name, n);
		if (val)
			strbuf_add(&sb, val, strcspn(val, " \t"));
		else
			strbuf_add(&sb, s, (size_t)(name + n + brace - s));
		s = name + n + brace;
	}
	return strbuf_detach(&sb, NULL);
}

/* Parse FROM [--flag...] image [AS name] into a new stage. */
static void add_stage(struct dfile *df, size_t i)
{
	const char *a = df->ins[i].args;
	struct stage *st;
	char *raw;
	size_t n;

	while (!strncmp(a, "--", 2)) {
		a += strcspn(a, " \t");
		a += strspn(a, " \t");
	}
	XALLOC_GROW(df->st, df->nst + 1, df->st_alloc);
	st = &df->st[df->nst++];
	memset(st, 0, sizeof(*st));
	n = strcspn(a, " \t");
	raw = xstrndup(a, n);
	st->image = expand_args(df, raw);
	free(raw);
	a += n;
	a += strspn(a, " \t");
	if (!strncasecmp(a, "AS", 2) && (a[2] == ' ' || a[2] == '\t')) {
		a += 3;
		a += strspn(a, " \t");
		st->name = xstrndup(a, strcspn(a, " \t"));
	}
	st->first = i + 1;
	st->line = df->ins[i].line;
}

/* Split the instructions into stages at each FROM. */
static void df_stages(struct dfile *df)
{
	size_t i;

	df->first_from = df->n;
	for (i = 0; i < df->n; i++) {
		if (strcmp(df->ins[i].kw, "FROM"))
			continue;
		if (!df->nst)
			df->first_from = i;
		if (df->nst)
			df->st[df->nst - 1].end = i;
		add_stage(df, i);
	}
	if (df->nst)
		df->st[df->nst - 1].end = df->n;
}

static void df_release(struct dfile *df)
{
	size_t i;

	for (i = 0; i < df->n; i++) {
		free(df->ins[i].kw);
		free(df->ins[i].args);
	}
	for (i = 0; i < df->nst; i++) {
		free(df->st[i].image);
		free(df->st[i].name);
	}
	free(df->ins);
	free(df->st);
}

/* ---- FROM, stage names ------------------------------------------------ */

/* The tag of image ("" when none), ignoring a registry port. */
static const char *image_tag(const char *image, bool *digest)
{
	const char *slash = strrchr(image, '/');
	const char *colon = strrchr(slash ? slash : image, ':');

	*digest = strchr(image, '@') != NULL;
	return colon ? colon + 1 : "";
}

/* FROM of stage s: a concrete tag, a unique lowercase name. */
static void check_from(struct lint_ctx *lc, const struct dfile *df,
		       size_t s)
{
	const struct stage *st = &df->st[s];
	bool digest;
	const char *tag = image_tag(st->image, &digest);
	size_t j;
	const char *c;

	if (strcmp(st->image, "scratch") && !digest && strchr(tag, '$'))
		lint_report(lc, "DL3006", df->path, st->line, 1, "FROM '%s': "
			    "the tag comes from an ARG without a default",
			    st->image);
	else if (strcmp(st->image, "scratch") && !digest && !*tag &&
		 !(st->image[0] == '$'))
		lint_report(lc, "DL3006", df->path, st->line, 1, "FROM '%s' "
			    "has no tag", st->image);
	else if (!digest && !strcmp(tag, "latest"))
		lint_report(lc, "DL3007", df->path, st->line, 1, "FROM '%s' "
			    "uses the latest tag", st->image);
	if (!st->name)
		return;
	for (c = st->name; *c; c++)
		if (isupper((unsigned char)*c))
			break;
	if (*c)
		lint_report(lc, "StageNameCasing", df->path, st->line, 1,
			    "stage name '%s' is not lowercase", st->name);
	for (j = 0; j < s; j++)
		if (df->st[j].name && !strcasecmp(df->st[j].name, st->name))
			lint_report(lc, "DL3024", df->path, st->line, 1,
				    "stage name '%s' is already used on "
				    "line %u", st->name, df->st[j].line);
}

/* Check COPY --from=X against the stages before stage s. */
static void check_copy_from(struct lint_ctx *lc, const struct dfile *df,
			    size_t s, const struct instr *in)
{
	const char *p = strstr(in->args, "--from=");
	char *from;
	size_t j;

	if (!p)
		return;
	from = xstrndup(p + 7, strcspn(p + 7, " \t"));
	for (j = 0; j < s; j++)
		if (df->st[j].name && !strcasecmp(df->st[j].name, from))
			break;
	if (j == s && !(isdigit((unsigned char)from[0]) &&
			(size_t)atoi(from) < s) &&
	    !strchr(from, ':') && !strchr(from, '/'))
		lint_report(lc, "DL3022", df->path, in->line, 1, "COPY "
			    "--from=%s names no earlier stage", from);
	free(from);
}

/* ---- RUN -------------------------------------------------------------- */

/* True when s holds word as a whole shell word. */
static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(s, word); p; p = strstr(p + 1, word))
		if ((p == s || strchr(" \t;&|(", p[-1])) &&
		    (!p[n] || strchr(" \t;&|)", p[n])))
			return true;
	return false;
}

/* True when s has a single '|' (a pipe, not ||). */
static bool has_pipe(const char *s)
{
	const char *p;

	for (p = strchr(s, '|'); p; p = strchr(p + 1, '|')) {
		if (p[1] == '|') {
			p++;
			continue;
		}
		if (p > s && p[-1] == '|')
			continue;
		return true;
	}
	return false;
}

/* The text of the apt-get install command in s, up to && ; or |. */
static char *apt_install(const char *s)
{
	const char *p = strstr(s, "apt-get install");

	if (!p)
		p = strstr(s, "apt install");
	if (!p)
		return NULL;
	return xstrndup(p, strcspn(p, "&;|"));
}

/* Check an apt-get install: -y, recommends, pins, list cleanup. */
static void check_apt(struct lint_ctx *lc, const struct dfile *df,
		      const struct instr *in)
{
	char *cmd = apt_install(in->args), *save = NULL, *w;
	bool unpinned = false;

	if (!cmd)
		return;
	if (!has_word(cmd, "-y") && !has_word(cmd, "--yes") &&
	    !has_word(cmd, "-qq") && !has_word(cmd, "--assume-yes"))
		lint_report(lc, "DL3014", df->path, in->line, 1,
			    "apt-get install without -y");
	if (!strstr(cmd, "--no-install-recommends"))
		lint_report(lc, "DL3015", df->path, in->line, 1,
			    "apt-get install without "
			    "--no-install-recommends");
	if (!strstr(in->args, "rm -rf /var/lib/apt/lists"))
		lint_report(lc, "DL3009", df->path, in->line, 1,
			    "apt lists are not removed in this RUN");
	for (w = strtok_r(cmd, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		if (*w != '-' && strcmp(w, "apt-get") && strcmp(w, "apt") &&
		    strcmp(w, "install") && !strchr(w, '=') &&
		    !strchr(w, '$'))
			unpinned = true;
	if (unpinned && !strstr(in->args, "# unpinned:"))
		lint_report(lc, "DL3008", df->path, in->line, 1,
			    "apt-get install without pinned versions");
	free(cmd);
}

/* Per-stage counts and the state RUN checks need. */
struct stage_scan {
	unsigned cmd, entrypoint, healthcheck;
	bool pipefail;			/* a SHELL with -o pipefail */
	bool cgo_off;			/* an ENV with CGO_ENABLED=0 */
	const struct instr *user;	/* the last USER */
};

/* One RUN: pipefail, sudo, apt, pip, npm and go build habits. */
static void check_run(struct lint_ctx *lc, const struct dfile *df,
		      const struct instr *in, const struct stage_scan *sc)
{
	const char *a = in->args;
	bool cgo_off = sc->cgo_off || strstr(a, "CGO_ENABLED=0");

	if (has_pipe(a) && !sc->pipefail && a[0] != '[')
		lint_report(lc, "DL4006", df->path, in->line, 1, "RUN with a "
			    "pipe and no SHELL with -o pipefail before it");
	if (has_word(a, "sudo"))
		lint_report(lc, "DL3004", df->path, in->line, 1,
			    "RUN uses sudo");
	check_apt(lc, df, in);
	if ((strstr(a, "pip install") || strstr(a, "pip3 install")) &&
	    !strstr(a, "--no-cache-dir"))
		lint_report(lc, "DL3042", df->path, in->line, 1,
			    "pip install without --no-cache-dir");
	if (strstr(a, "npm install") || strstr(a, "npm i "))
		lint_report(lc, "GS-105", df->path, in->line, 1,
			    "npm install instead of npm ci");
	if (strstr(a, "go build") && (!cgo_off || !strstr(a, "-trimpath")))
		lint_report(lc, "GS-106", df->path, in->line, 1, "go build "
			    "without CGO_ENABLED=0 and -trimpath");
}

/* ---- the other instructions ------------------------------------------- */

/* Secret-looking variable names. */
static bool secret_name(const char *s, size_t n)
{
	static const char *const words[] = {
		"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY",
		"PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL",
	};
	char *up = xstrndup(s, n), *p;
	size_t i;
	bool hit = false;

	for (p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	for (i = 0; !hit && i < sizeof(words) / sizeof(words[0]); i++)
		hit = strstr(up, words[i]) != NULL;
	free(up);
	return hit;
}

/* Skip one value word: quotes and backslash escapes kept together. */
static const char *skip_value(const char *a)
{
	while (*a && *a != ' ' && *a != '\t') {
		if (*a == '"' || *a == '\'') {
			char q = *a++;

			while (*a && *a != q)
				a += (*a == '\\' && a[1]) ? 2 : 1;
			a += *a != '\0';
		} else {
			a += (*a == '\\' && a[1]) ? 2 : 1;
		}
	}
	return a;
}

/* ENV in key=value form, and no secret-looking ARG or ENV names. */
static void check_env_arg(struct lint_ctx *lc, const struct dfile *df,
			  const struct instr *in)
{
	const char *a = in->args;
	size_t n = strcspn(a, "= \t");
	bool env = !strcmp(in->kw, "ENV");

	if (env && n && a[n] != '=')
		lint_report(lc, "LegacyKeyValueFormat", df->path, in->line, 1,
			    "'ENV %.*s ...' uses the legacy form", (int)n,
			    a);
	while (*a) {
		n = strcspn(a, "= \t");
		if (n && secret_name(a, n))
			lint_report(lc, "SecretsUsedInArgOrEnv", df->path,
				    in->line, 1, "%s '%.*s' looks like a "
				    "secret", in->kw, (int)n, a);
		a += n;
		if (*a != '=')
			break;
		a = skip_value(a + 1);
		a += strspn(a, " \t");
	}
}

/* The command of a HEALTHCHECK, after its --options, or NULL for NONE. */
static const char *healthcheck_cmd(const char *a)
{
	while (!strncmp(a, "--", 2)) {
		a += strcspn(a, " \t");
		a += strspn(a, " \t");
	}
	if (!strncasecmp(a, "NONE", 4))
		return NULL;
	if (!strncasecmp(a, "CMD", 3)) {
		a += 3;
		a += strspn(a, " \t");
	}
	return a;
}

/* HEALTHCHECK: exec form with a binary the runtime image has. */
static void check_healthcheck(struct lint_ctx *lc, const struct dfile *df,
			      const struct stage *st, const struct instr *in)
{
	static const char *const absent[] = {
		"\"curl\"", "\"wget\"", "\"sh\"", "\"/bin/sh\"", "\"bash\"",
		"\"/bin/bash\"", "\"CMD-SHELL\"",
	};
	const char *cmd = healthcheck_cmd(in->args);
	bool distroless = strstr(st->image, "distroless") != NULL;
	size_t i;

	if (!cmd)
		return;
	if (*cmd != '[') {
		lint_report(lc, "GS-103", df->path, in->line, 1, "HEALTHCHECK "
			    "in shell form needs /bin/sh in the image");
		return;
	}
	for (i = 0; distroless && i < sizeof(absent) / sizeof(absent[0]);
	     i++)
		if (!strncmp(cmd + 1 + strspn(cmd + 1, " "), absent[i],
			     strlen(absent[i])))
			lint_report(lc, "GS-103", df->path, in->line, 1,
				    "HEALTHCHECK runs %s, which the "
				    "distroless runtime image lacks",
				    absent[i]);
}

/* ---- stages ----------------------------------------------------------- */

/* Dispatch one instruction of stage s to its checks; count repeats. */
static void check_instr(struct lint_ctx *lc, const struct dfile *df,
			size_t s, const struct instr *in,
			struct stage_scan *sc)
{
	const char *kw = in->kw;

	if (!strcmp(kw, "RUN"))
		check_run(lc, df, in, sc);
	else if (!strcmp(kw, "SHELL"))
		sc->pipefail = strstr(in->args, "pipefail") != NULL;
	else if (!strcmp(kw, "COPY"))
		check_copy_from(lc, df, s, in);
	else if (!strcmp(kw, "ADD") && !strstr(in->args, "://"))
		lint_report(lc, "DL3020", df->path, in->line, 1,
			    "ADD copies local files; use COPY");
	else if (!strcmp(kw, "WORKDIR") && in->args[0] != '/' &&
		 in->args[0] != '$')
		lint_report(lc, "DL3000", df->path, in->line, 1,
			    "WORKDIR '%s' is not absolute", in->args);
	else if (!strcmp(kw, "ENV") || !strcmp(kw, "ARG"))
		check_env_arg(lc, df, in);
	if (!strcmp(kw, "ENV") && strstr(in->args, "CGO_ENABLED=0"))
		sc->cgo_off = true;
	else if (!strcmp(kw, "USER"))
		sc->user = in;
	else if (!strcmp(kw, "HEALTHCHECK"))
		check_healthcheck(lc, df, &df->st[s], in);
	if ((!strcmp(kw, "CMD") || !strcmp(kw, "ENTRYPOINT")) &&
	    in->args[0] != '[')
		lint_report(lc, "DL3025", df->path, in->line, 1, "%s in shell "
			    "form", kw);
	sc->cmd += !strcmp(kw, "CMD");
	sc->entrypoint += !strcmp(kw, "ENTRYPOINT");
	sc->healthcheck += !strcmp(kw, "HEALTHCHECK");
	if (!strcmp(kw, "CMD") && sc->cmd == 2)
		lint_report(lc, "DL4003", df->path, in->line, 1,
			    "a second CMD in this stage");
	if (!strcmp(kw, "ENTRYPOINT") && sc->entrypoint == 2)
		lint_report(lc, "DL4004", df->path, in->line, 1,
			    "a second ENTRYPOINT in this stage");
	if (!strcmp(kw, "HEALTHCHECK") && sc->healthcheck == 2)
		lint_report(lc, "DL3012", df->path, in->line, 1,
			    "a second HEALTHCHECK in this stage");
}

/* True when s is a decimal number of at least 10000. */
static bool high_id(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 9)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return strtoul(s, NULL, 10) >= 10000;
}

/* The final stage's USER: present, not root, numeric UID:GID >= 10000. */
static void check_user(struct lint_ctx *lc, const struct dfile *df,
		       const struct stage *st, const struct instr *user)
{
	const char *u;
	size_t n;

	if (!user) {
		lint_report(lc, "DS002", df->path, st->line, 1, "the final "
			    "stage has no USER, so the image runs as root");
		return;
	}
	u = user->args;
	n = strcspn(u, ": \t");
	if ((n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0')) {
		lint_report(lc, "DL3002", df->path, user->line, 1, "the final "
			    "USER is root");
		return;
	}
	if (!high_id(u, n) || (u[n] == ':' &&
			       !high_id(u + n + 1, strcspn(u + n + 1,
							   " \t"))))
		lint_report(lc, "GS-102", df->path, user->line, 1, "USER '%s' "
			    "is not a numeric UID:GID of at least 10000",
			    user->args);
}

/* The final stage's OCI labels. */
static void check_labels(struct lint_ctx *lc, const struct dfile *df,
			 const struct stage *st)
{
	static const char *const keys[] = {
		"source", "revision", "version", "created", "licenses",
		"title", "description",
	};
	struct strbuf missing = STRBUF_INIT;
	size_t i, k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char *want = xasprintf("org.opencontainers.image.%s=",
				       keys[k]);

		for (i = st->first; i < st->end; i++)
			if (!strcmp(df->ins[i].kw, "LABEL") &&
			    strstr(df->ins[i].args, want))
				break;
		if (i == st->end)
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "",
				    keys[k]);
		free(want);
	}
	if (missing.len)
		lint_report(lc, "GS-104", df->path, st->line, 1, "the final "
			    "stage has no org.opencontainers.image label "
			    "for: %s", missing.buf);
	strbuf_release(&missing);
}

void lint_containerfile_file(struct lint_ctx *lc, const struct lint_file *f)
{
	struct dfile df = { 0 };
	struct stage_scan sc;
	size_t s, i;

	df.path = f->path;
	df_split(&df, f->data);
	df_stages(&df);
	for (s = 0; s < df.nst; s++) {
		memset(&sc, 0, sizeof(sc));
		check_from(lc, &df, s);
		for (i = df.st[s].first; i < df.st[s].end; i++)
			check_instr(lc, &df, s, &df.ins[i], &sc);
		if (s + 1 < df.nst)
			continue;
		check_user(lc, &df, &df.st[s], sc.user);
		check_labels(lc, &df, &df.st[s]);
	}
	for (i = 0; i < df.first_from; i++)
		if (!strcmp(df.ins[i].kw, "ARG"))
			check_env_arg(lc, &df, &df.ins[i]);
	if (df.nst == 1)
		lint_report(lc, "GS-101", f->path, df.st[0].line, 1, "a "
			    "single-stage build ships its build tools");
	df_release(&df);
}

/* ---- ignore files ----------------------------------------------------- */

/* True when the ignore file text has pattern p (leading/trailing / off). */
static bool ignores(const char *text, const char *p)
{
	const char *line = text;

	while (*line) {
		size_t n = strcspn(line, "\n");
		const char *s = line;
		size_t m = n;

		while (m && (s[m - 1] == ' ' || s[m - 1] == '\r' ||
			     s[m - 1] == '/'))
			m--;
		if (m && s[0] == '/') {
			s++;
			m--;
		}
		if (m == strlen(p) && !strncmp(s, p, m))
			return true;
		line += n + (line[n] == '\n');
	}
	return false;
}

void lint_ignorefile_file(struct lint_ctx *lc, const struct lint_file *f)
{
	static const char *const need[] = {
		".git", ".github", "k8s", "node_modules", "__pycache__",
	};
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char *any = xasprintf("**/%s", need[i]);

		if (!ignores(f->data, need[i]) && !ignores(f->data, any))
			lint_report(lc, "GS-108", f->path, 0, 0, "'%s' is not "
				    "excluded", need[i]);
		free(any);
	}
	if (!ignores(f->data, ".env*") && !(ignores(f->data, ".env") &&
					    ignores(f->data, ".env.*")))
		lint_report(lc, "GS-108", f->path, 0, 0,
			    "'.env*' is not excluded");
	else if (!ignores(f->data, "!.env.example"))
		lint_report(lc, "GS-108", f->path, 0, 0, "'!.env.example' "
			    "does not keep the example file");
}

/* Every Containerfile or Dockerfile, at the root or in a component's
 * directory. */
void lint_container_tree(struct lint_ctx *lc, const struct lint_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const char *path = t->files[i]->path,
			   *base = strrchr(path, '/');
		char *ignore;

		base = base ? base + 1 : path;
		if (strcmp(base, "Containerfile") && strcmp(base, "Dockerfile"))
			continue;
		ignore = xasprintf("%.*s.dockerignore", (int)(base - path),
				   path);
		if (!lint_tree_find(t, ignore))
			lint_report(lc, "GS-107", path, 0, 0, "%s without "
				    ".dockerignore: docker would send the "
				    "whole directory, .env included", base);
		free(ignore);
	}
}
