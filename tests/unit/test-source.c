/* Unit tests for source specs: forms, abbreviations, @REF, --directory. */
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "diag.h"
#include "source.h"
#include "tap.h"
#include "userconfig.h"

/* Parse spec with opts o; check url, ref and subdir (NULL url: local). */
static void parses(const char *spec, const struct source_opts *o,
		   const char *url, const char *ref, const char *subdir,
		   const char *name)
{
	struct source_spec s = SOURCE_SPEC_INIT;
	struct diag err = DIAG_INIT;

	if (!ok(!source_parse(spec, o, &s, &err), name))
		return;
	is_str(s.typed, spec, "the spec is kept as typed");
	is_str(s.url, url, name);
	is_str(s.ref, ref, name);
	is_str(s.subdir, subdir, name);
	source_spec_release(&s);
	diag_release(&err);
}

/* Parsing spec with o fails with message msg. */
static void refuses(const char *spec, const struct source_opts *o,
		    const char *msg, const char *name)
{
	struct source_spec s = SOURCE_SPEC_INIT;
	struct diag err = DIAG_INIT;

	is_int(source_parse(spec, o, &s, &err), ERR_INPUT, name);
	is_str(err.msg, msg, name);
	ok(!s.typed, "*out is untouched on failure");
	diag_release(&err);
}

static void test_forms(void)
{
	parses("gh:acme/tpl", NULL, "https://github.com/acme/tpl.git", NULL,
	       "", "gh: is GitHub over HTTPS");
	parses("gh:acme/tpl.git@v1.2.0", NULL,
	       "https://github.com/acme/tpl.git", "v1.2.0", "",
	       "gh: with .git and @REF");
	parses("gl:group/sub/tpl@main", NULL,
	       "https://gitlab.com/group/sub/tpl.git", "main", "",
	       "gl: is GitLab, subgroups included");
	parses("https://host/a/b.git@0123abcd", NULL, "https://host/a/b.git",
	       "0123abcd", "", "https:// with a commit id");
	parses("https://user@host/a/b.git", NULL, "https://user@host/a/b.git",
	       NULL, "", "a user name is not a ref");
	parses("ssh://git@host:2222/a/b.git@v2", NULL,
	       "ssh://git@host:2222/a/b.git", "v2", "", "ssh:// with a port");
	parses("git@host:owner/repo", NULL, "git@host:owner/repo", NULL, "",
	       "scp-like ssh");
	parses("git@host:owner/repo@v3", NULL, "git@host:owner/repo", "v3", "",
	       "scp-like ssh with @REF");
	parses("git://host/r.git", NULL, "git://host/r.git", NULL, "",
	       "git://");
	parses("file:///srv/r.git", NULL, NULL, NULL, "",
	       "file:// is read in place, not cached");
	parses("./my-template", NULL, NULL, NULL, "", "a directory");
	parses("service", NULL, NULL, NULL, "", "a built-in name");
	parses("me@example", NULL, NULL, NULL, "",
	       "no ':' after '@': a local name");
	parses("acme:payments", NULL, NULL, NULL, "",
	       "an unknown abbreviation is not a source");
}

static void test_options(void)
{
	struct source_opts o = { "v2.0.0", "/sub//dir/./", false, false,
				 NULL };

	parses("gh:acme/tpl", &o, "https://github.com/acme/tpl.git",
	       "v2.0.0", "sub/dir", "--ref and a normalised --directory");
	refuses("gh:acme/tpl@v1", &o, "the ref is given twice: "
		"'gh:acme/tpl@v1' ends in '@v1' and --ref is 'v2.0.0'",
		"@REF and --ref together");
	o.ref = NULL;
	o.directory = "a/../../b";
	refuses("gh:acme/tpl", &o, "--directory 'a/../../b' must not "
		"contain '..'", "--directory with '..'");
}

static void test_abbrevs(void)
{
	char path[] = "/tmp/genship-test-source-XXXXXX";
	const char text[] = "abbreviations:\n"
		"  acme: https://git.acme.internal/{0}.git\n"
		"  gh: https://mirror.example/gh/{0}\n"
		"trusted: ['acme:*']\n";
	struct source_opts o = { NULL, NULL, false, false, NULL };
	struct config *c = NULL;
	struct diag err = DIAG_INIT;
	int fd = mkstemp(path);

	if (!ok(fd >= 0 && write(fd, text, sizeof(text) - 1) ==
		(ssize_t)(sizeof(text) - 1), "write a config"))
		return;
	close(fd);
	if (!ok(!config_load(path, &c, &err), "load the config"))
		goto out;
	o.config = c;
	parses("acme:payments-template@v1", &o,
	       "https://git.acme.internal/payments-template.git", "v1", "",
	       "an abbreviation of the config, with @REF");
	parses("gh:acme/tpl", &o, "https://mirror.example/gh/acme/tpl", NULL,
	       "", "the config overrides a built-in abbreviation");
	ok(config_trusts(c, "acme:payments-template@v1", NULL),
	   "a trusted glob matches the source as typed");
	ok(!config_trusts(c, "gh:acme/x", "https://github.com/acme/x.git"),
	   "an untrusted source is not trusted");
out:
	config_free(c);
	diag_release(&err);
	unlink(path);
}

int main(void)
{
	test_forms();
	test_options();
	test_abbrevs();
	return tap_done();
}
