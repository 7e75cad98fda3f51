/* Unit tests for interview.c: questions, replies, summary, kept answers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interview.h"
#include "fsutil.h"
#include "tap.h"
#include "xalloc.h"

static const char manifest_text[] =
	"name: t\n"
	"version: 1.0.0\n"
	"options:\n"
	"  - name: project_name\n"
	"    type: string\n"
	"    default: my-service\n"
	"    pattern: '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'\n"
	"    pattern_help: 3 to 40 lowercase letters, digits and dashes\n"
	"    help: >-\n"
	"      DNS-safe name used for the image, the Kubernetes objects and\n"
	"      the project directory.\n"
	"  - name: language\n"
	"    type: choice\n"
	"    prompt: Application language\n"
	"    choices: [python, node, go]\n"
	"  - name: extras\n"
	"    type: multi\n"
	"    choices: [metrics, tracing, profiling]\n"
	"    default: [metrics]\n"
	"  - name: pg\n"
	"    type: choice\n"
	"    choices: ['16', '17']\n"
	"    default: '17'\n"
	"  - name: kubernetes\n"
	"    type: bool\n"
	"    default: true\n";

static struct manifest *man;

/* One question and what the interview showed and answered. */
struct asked {
	struct answers_question q;
	const char *input;
	struct strbuf shown;
	char *reply;		/* "EOF" when there was none */
	bool aborted;
};

/* Put a->q to an interview 50 columns wide, reading a->input. */
static void ask(struct asked *a)
{
	struct interview iv;
	char *obuf = NULL;
	size_t olen = 0;
	FILE *in = *a->input ? fmemopen((void *)a->input, strlen(a->input),
					"r") : fopen("/dev/null", "r");
	FILE *out = open_memstream(&obuf, &olen);

	interview_init(&iv, in, out);
	iv.width = 50;
	if (interview_ask(&iv, &a->q, &a->reply))
		a->reply = strdup("EOF");
	a->aborted = iv.aborted;
	fclose(in);
	fclose(out);
	strbuf_init(&a->shown, 0);
	strbuf_adds(&a->shown, obuf);
	free(obuf);
}

/* Ask option opt (default its own) with input: check reply and screen. */
static void is_asked(const char *opt, const char *input, const char *reply,
		     const char *shown, const char *name)
{
	struct asked a = { { manifest_option(man, opt), NULL, NULL, 3, 20,
			     false, NULL }, input, STRBUF_INIT, NULL, false };

	a.q.def = a.q.opt->def;
	ask(&a);
	is_str(a.reply, reply, name);
	is_str(a.shown.buf, shown, name);
	free(a.reply);
	strbuf_release(&a.shown);
}

static void test_layout(void)
{
	is_asked("project_name", "Bad Name\nok-name\n", "ok-name",
		 "\n(3/20) project_name\n"
		 "  DNS-safe name used for the image, the\n"
		 "  Kubernetes objects and the project directory.\n"
		 "project_name [my-service]: "
		 "  invalid answer for 'project_name': expected 3\n"
		 "  to 40 lowercase letters, digits and dashes\n"
		 "project_name [my-service]: ",
		 "help wrapped once; a bad reply shows only the question again");
	is_asked("language", "2\n", "node",
		 "\n(3/20) language\n"
		 "  1) python\n"
		 "  2) node\n"
		 "  3) go\n"
		 "Application language [python]: ",
		 "choices are numbered; a number answers");
	is_asked("language", "  GO \n", "go", "\n(3/20) language\n"
		 "  1) python\n  2) node\n  3) go\n"
		 "Application language [python]: ",
		 "a name in any letter case answers");
	is_asked("language", "4\nperl\n\n", "python", "\n(3/20) language\n"
		 "  1) python\n  2) node\n  3) go\n"
		 "Application language [python]: "
		 "  invalid answer for 'language': '4' is not one\n"
		 "  of the choices; answer with its number or its\n"
		 "  name\n"
		 "Application language [python]: "
		 "  invalid answer for 'language': 'perl' is not\n"
		 "  one of the choices; answer with its number or\n"
		 "  its name\n"
		 "Application language [python]: ",
		 "an unknown number or name is asked again; enter: default");
	is_asked("extras", "3, TRACING\n", "tracing,profiling",
		 "\n(3/20) extras\n"
		 "  1) metrics\n  2) tracing\n  3) profiling\n"
		 "  Several answers are separated by commas; -\n"
		 "  answers none.\n"
		 "extras [metrics]: ", "multi: numbers and names, in order");
	is_asked("extras", " - \n", "", "\n(3/20) extras\n"
		 "  1) metrics\n  2) tracing\n  3) profiling\n"
		 "  Several answers are separated by commas; -\n"
		 "  answers none.\n"
		 "extras [metrics]: ", "multi: '-' answers none");
	is_asked("pg", "1\n16\n", "16", "\n(3/20) pg\n  16\n  17\n"
		 "pg [17]: "
		 "  invalid answer for 'pg': '1' is not one of the\n"
		 "  choices; answer with its name\n"
		 "pg [17]: ", "numeric choices are not numbered");
	is_asked("kubernetes", "n\r\n", "n", "\n(3/20) kubernetes\n"
		 "kubernetes [Y/n]: ", "bool shows [Y/n]");
	is_asked("language", "g\xffo\ngo\n", "go", "\n(3/20) language\n"
		 "  1) python\n  2) node\n  3) go\n"
		 "Application language [python]: "
		 "  invalid answer for 'language': the answer is\n"
		 "  not valid UTF-8 text\n"
		 "Application language [python]: ",
		 "a reply that is not UTF-8 is asked again");
}

static void test_offered(void)
{
	static const char *const why_not[] = {
		NULL, "tracing needs kubernetes=true", NULL,
	};
	struct asked a = { { manifest_option(man, "extras"), NULL, why_not,
			     0, 0, true, "extras=tracing conflicts with "
			     "kubernetes=false: tracing needs kubernetes=true" },
			   "tracing\n2\n", STRBUF_INIT, NULL, false };

	a.q.def = a.q.opt->def;
	ask(&a);
	is_str(a.reply, "profiling", "a number counts the offered choices");
	is_str(a.shown.buf, "\nextras\n"
	       "  1) metrics\n  2) profiling\n"
	       "  not offered, as earlier answers rule them out:"
	       " tracing\n"
	       "  Several answers are separated by commas; -\n"
	       "  answers none.\n"
	       "  extras=tracing conflicts with kubernetes=false:\n"
	       "  tracing needs kubernetes=true\n"
	       "extras [metrics]: "
	       "  invalid answer for 'extras': 'tracing' is not\n"
	       "  offered: tracing needs kubernetes=true\n"
	       "extras [metrics]: ",
	       "asked again: no help, the problem, ruled-out choices");
	free(a.reply);
	strbuf_release(&a.shown);
}

static void test_eof(void)
{
	struct asked a = { { manifest_option(man, "kubernetes"), NULL, NULL,
			     1, 1, false, NULL }, "", STRBUF_INIT, NULL,
			   false };

	a.q.def = a.q.opt->def;
	ask(&a);
	is_str(a.reply, "EOF", "the end of input gives no answer");
	ok(a.aborted, "and aborts the interview");
	is_str(a.shown.buf, "\n(1/1) kubernetes\nkubernetes [Y/n]: \n",
	       "the cursor goes to a new line");
	free(a.reply);
	strbuf_release(&a.shown);
}

/* Confirm with input; return the result, the screen in shown. */
static int confirm(const char *input, struct strbuf *shown)
{
	struct interview iv;
	char *obuf = NULL;
	size_t olen = 0;
	FILE *in = *input ? fmemopen((void *)input, strlen(input), "r") :
		   fopen("/dev/null", "r");
	FILE *out = open_memstream(&obuf, &olen);
	int ret;

	interview_init(&iv, in, out);
	ret = interview_confirm(&iv, "Write it?");
	fclose(in);
	fclose(out);
	strbuf_reset(shown);
	strbuf_adds(shown, obuf);
	free(obuf);
	return ret;
}

static void test_confirm(void)
{
	struct strbuf shown = STRBUF_INIT;

	is_int(confirm("\n", &shown), 1, "enter confirms");
	is_str(shown.buf, "Write it? [Y/n]: ", "the question");
	is_int(confirm("No\n", &shown), 0, "no declines");
	is_int(confirm("maybe\ny\n", &shown), 1, "anything else asks again");
	is_str(shown.buf, "Write it? [Y/n]:   answer y or n\n"
	       "Write it? [Y/n]: ", "with a word of help");
	is_int(confirm("", &shown), ERR_FAIL, "the end of input aborts");
	strbuf_release(&shown);
}

static void test_summary(void)
{
	struct arena a = ARENA_INIT;
	struct value *ans = value_dict(&a, 3), *list = value_list(&a, 2);
	struct interview iv;
	char *obuf = NULL;
	size_t olen = 0;
	FILE *out = open_memstream(&obuf, &olen);

	value_list_push(&a, list, value_str(&a, "metrics"));
	value_list_push(&a, list, value_str(&a, "tracing"));
	value_dict_set(&a, ans, "project_name", value_str(&a, "svc"));
	value_dict_set(&a, ans, "extras", list);
	value_dict_set(&a, ans, "components", value_list(&a, 0));
	value_dict_set(&a, ans, "host", value_str(&a, ""));
	value_dict_set(&a, ans, "port", value_int(&a, 8080));
	interview_init(&iv, stdin, out);
	interview_summary(&iv, ans);
	fclose(out);
	is_str(obuf, "\nYour answers:\n"
	       "  project_name  svc\n"
	       "  extras        metrics, tracing\n"
	       "  components    (none)\n"
	       "  host          (empty)\n"
	       "  port          8080\n", "the summary aligns the names");
	free(obuf);
	arena_release(&a);
}

static void test_save(void)
{
	char dir[] = "/tmp/test-interview-XXXXXX", *path = NULL, *text;
	struct arena a = ARENA_INIT;
	struct value *ans = value_dict(&a, 2), *list = value_list(&a, 1);
	struct diag err = DIAG_INIT;
	struct stat st;
	size_t len;

	if (!mkdtemp(dir)) {
		ok(0, "a scratch directory");
		return;
	}
	setenv("XDG_STATE_HOME", dir, 1);
	value_list_push(&a, list, value_str(&a, "metrics"));
	value_dict_set(&a, ans, "project_name", value_str(&a, "yes"));
	value_dict_set(&a, ans, "extras", list);
	value_dict_set(&a, ans, "port", value_int(&a, 8080));
	ok(!interview_save(ans, "svc", "# kept\n", &path, &err),
	   "answers are kept");
	text = xasprintf("%s/genship/answers/svc.yml", dir);
	is_str(path, text, "in the state directory, named after the project");
	free(text);
	ok(!stat(path, &st) && (st.st_mode & 0777) == 0600,
	   "readable by the owner only");
	ok(!fs_read_file(path, &text, &len, &err), "the file reads back");
	is_str(text, "# kept\nproject_name: 'yes'\nextras: [metrics]\n"
	       "port: 8080\n", "as --answers reads it");
	free(text);
	free(path);
	ok(!interview_save(ans, "svc", "", &path, &err),
	   "a second run keeps its answers too");
	text = xasprintf("%s/genship/answers/svc-2.yml", dir);
	is_str(path, text, "in a file of its own");
	free(text);
	free(path);
	arena_release(&a);
	text = xasprintf("%s/genship", dir);
	fs_rm_rf(text);
	free(text);
	rmdir(dir);
}

int main(void)
{
	struct diag err = DIAG_INIT;

	if (manifest_load("t.yml", manifest_text, strlen(manifest_text),
			  &man, &err)) {
		printf("Bail out! test manifest does not load: %s\n",
		       err.msg);
		return 1;
	}
	test_layout();
	test_offered();
	test_eof();
	test_confirm();
	test_summary();
	test_save();
	manifest_free(man);
	return tap_done();
}
