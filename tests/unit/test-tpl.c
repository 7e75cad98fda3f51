/*
 * Unit tests for the template engine: lexer, parser, evaluator, filters,
 * values, error messages (pinned with file:line:col) and limits.
 * Expected outputs come from Jinja2 3.1 as cookiecutter configures it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"
#include "tap.h"
#include "tpl-fn.h"
#include "tpl-int.h"
#include "tpl.h"
#include "xalloc.h"

static struct arena A;
static struct value *CTX;
static char *last;

/*
 * A fixed world for renders: the clock stands at 2023-11-14 22:13:20 UTC,
 * the local zone is "XST", two hours east of UTC, and random bytes count
 * up from `next` in steps of 37.  Nothing here reads the real world, so
 * outputs that depend on it are exact.
 */
struct world {
	long long now;
	unsigned char next;
	bool broken;		/* random bytes cannot be read */
};

static struct world WORLD = { 1700000000, 0, false };

static int world_random(void *ud, unsigned char *buf, size_t n)
{
	struct world *w = ud;

	if (w->broken)
		return -1;
	while (n--) {
		*buf++ = w->next;
		w->next = (unsigned char)(w->next + 37);
	}
	return 0;
}

static long long world_now(void *ud)
{
	return ((const struct world *)ud)->now;
}

static int world_to_local(void *ud, long long t, struct tm *tm)
{
	time_t local = (time_t)(t + 7200);

	(void)ud;
	if (!gmtime_r(&local, tm))
		return -1;
	tm->tm_gmtoff = 7200;
	tm->tm_zone = "XST";
	return 0;
}

static int world_from_local(void *ud, struct tm *tm, long long *t)
{
	*t = (long long)timegm(tm) - 7200;
	return world_to_local(ud, *t, tm);
}

static const struct tpl_env FIXED = {
	world_random, world_now, world_to_local, world_from_local, &WORLD
};
static const struct tpl_env *ENV = &FIXED;

/* The test context: a few values of every kind. */
static struct value *make_ctx(void)
{
	struct value *c = value_dict(&A, 8), *d = value_dict(&A, 2);
	struct value *xs = value_list(&A, 3), *user = value_dict(&A, 2);
	struct value *cc = value_dict(&A, 4);
	int i;

	for (i = 1; i <= 3; i++)
		value_list_push(&A, xs, value_int(&A, i));
	value_dict_set(&A, d, "a", value_int(&A, 1));
	value_dict_set(&A, d, "b", value_str(&A, "two"));
	value_dict_set(&A, user, "name", value_str(&A, "Ann"));
	value_dict_set(&A, user, "email", VALUE_NONE_P);
	value_dict_set(&A, cc, "project_name", value_str(&A, "My Project"));
	value_dict_set(&A, cc, "use_docker", value_str(&A, "y"));
	value_dict_set(&A, c, "name", value_str(&A, "World"));
	value_dict_set(&A, c, "n", value_int(&A, 3));
	value_dict_set(&A, c, "f", value_float(&A, 1.5));
	value_dict_set(&A, c, "t", value_bool(true));
	value_dict_set(&A, c, "none", VALUE_NONE_P);
	value_dict_set(&A, c, "empty", value_str(&A, ""));
	value_dict_set(&A, c, "xs", xs);
	value_dict_set(&A, c, "d", d);
	value_dict_set(&A, c, "user", user);
	value_dict_set(&A, c, "cookiecutter", cc);
	value_dict_set(&A, c, "gone", VALUE_UNDEFINED_P);
	return c;
}

/* "file:line:col: msg" (and " [hint: ...]") for a failed diag. */
static char *describe(const struct diag *err)
{
	char *s = xasprintf("%s:%u:%u: %s%s%s%s", err->file ? err->file : "",
			    err->line, err->col, err->msg ? err->msg : "",
			    err->hint ? " [hint: " : "",
			    err->hint ? err->hint : "", err->hint ? "]" : "");

	return s;
}

/* Render src (named t.j2) with syntax; output, or the error described. */
static const char *render_with(const char *src,
			       const struct tpl_syntax *syntax)
{
	struct diag err = DIAG_INIT;
	struct strbuf out = STRBUF_INIT;
	struct tpl *t = NULL;

	free(last);
	if (tpl_compile("t.j2", src, strlen(src), syntax, &t, &err) ||
	    tpl_render(t, CTX, ENV, &out, &err))
		last = describe(&err);
	else
		last = strbuf_detach(&out, NULL);
	strbuf_release(&out);
	tpl_free(t);
	diag_release(&err);
	return last;
}

static const char *render(const char *src)
{
	return render_with(src, NULL);
}

#define R(src, want) is_str(render(src), want, src)

/* The kinds of the tokens of src, e.g. "TEXT VAR_BEGIN NAME VAR_END". */
static const char *lex_kinds(const char *src, const struct tpl_syntax *syn)
{
	static const char *const names[] = {
		"EOF", "TEXT", "VB", "VE", "BB", "BE", "NAME", "STR", "INT",
		"FLOAT",
	};
	struct diag_src ds = { "t", src, strlen(src), 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	struct tpl_delims d;
	struct lexer lx;
	struct token tok;

	free(last);
	lex_delims_init(&d, syn);
	lex_init(&lx, &ds, &d, &A, &err, false);
	do {
		if (lex_next(&lx, &tok)) {
			strbuf_addf(&sb, "ERR %s", err.msg);
			break;
		}
		if (sb.len)
			strbuf_addch(&sb, ' ');
		if (tok.kind <= TOK_FLOAT)
			strbuf_adds(&sb, names[tok.kind]);
		else
			strbuf_addf(&sb, "'%s'", lex_describe(&d, tok.kind));
		if (tok.kind == TOK_TEXT || tok.kind == TOK_STRING ||
		    tok.kind == TOK_NAME)
			strbuf_addf(&sb, "(%.*s)", (int)tok.v.s.len,
				    tok.v.s.ptr);
		if (tok.kind == TOK_INT)
			strbuf_addf(&sb, "(%lld)", tok.v.i);
	} while (tok.kind != TOK_EOF);
	diag_release(&err);
	last = strbuf_detach(&sb, NULL);
	return last;
}

static void test_lexer(void)
{
	struct tpl_syntax brackets = { "[[", "]]", NULL, NULL, NULL, NULL };

	is_str(lex_kinds("a {{ b }} c", NULL),
	       "TEXT(a ) VB NAME(b) VE TEXT( c) EOF", "lexer: text and tags");
	is_str(lex_kinds("a {# x #} b", NULL), "TEXT(a ) TEXT( b) EOF",
	       "lexer: comments vanish");
	is_str(lex_kinds("a \n {{- b -}} \n c", NULL),
	       "TEXT(a) VB NAME(b) VE TEXT(c) EOF",
	       "lexer: '-' strips whitespace and newlines on its side");
	is_str(lex_kinds("{% raw %}{{ x }}{% endraw %}", NULL),
	       "TEXT({{ x }}) EOF", "lexer: raw blocks are text");
	is_str(lex_kinds("{{ 1 + 2.5 * 1e3 // 0x1F }}", NULL),
	       "VB INT(1) '+' FLOAT '*' FLOAT '//' INT(31) VE EOF",
	       "lexer: numbers and operators");
	is_str(lex_kinds("{{ 1_000 }}{{ 0b101 }}{{ 0o17 }}", NULL),
	       "VB INT(1000) VE VB INT(5) VE VB INT(15) VE EOF",
	       "lexer: underscores and base prefixes");
	is_str(lex_kinds("{{ 'a\\tb\\x41\\u00e9' }}", NULL),
	       "VB STR(a\tbA\xc3\xa9) VE EOF", "lexer: string escapes");
	is_str(lex_kinds("{{ '\\q' \"it's\" }}", NULL),
	       "VB STR(\\q) STR(it's) VE EOF",
	       "lexer: unknown escapes stay, both quotes work");
	is_str(lex_kinds("{{ {'a': {}} }}", NULL),
	       "VB '{' STR(a) ':' '{' '}' '}' VE EOF",
	       "lexer: '}}' inside braces closes the dict");
	is_str(lex_kinds("[[ a[b[0]] ]] {{ x }}", &brackets),
	       "VB NAME(a) '[' NAME(b) '[' INT(0) ']' ']' VE TEXT( {{ x }}) "
	       "EOF", "lexer: custom delimiters, nested subscripts");
	is_str(lex_kinds("a\r\nb {{ x }}", NULL),
	       "TEXT(a\nb ) VB NAME(x) VE EOF",
	       "lexer: CRLF in text becomes LF");
	is_str(lex_kinds("{{ a != b }}{{ c ! d }}", NULL),
	       "VB NAME(a) '!=' NAME(b) VE VB NAME(c)ERR unexpected "
	       "character '!'", "lexer: a lone '!' is an error");
	is_str(lex_kinds("{%- if x -%}  y", NULL),
	       "BB NAME(if) NAME(x) BE TEXT(y) EOF", "lexer: block tags");
	is_str(lex_kinds("{%+ raw %}a{% endraw +%} b", NULL),
	       "TEXT(a) TEXT( b) EOF", "lexer: '+' is accepted and ignored");
	is_str(lex_kinds("{% raw +%}", NULL), "BB NAME(raw) BE EOF",
	       "lexer: '+%}' does not open a raw block");
	is_str(lex_kinds("{{ 1 }}{# {{ #}{{ 2 }}", NULL),
	       "VB INT(1) VE VB INT(2) VE EOF",
	       "lexer: a comment may hold delimiters");
}

static void test_text_and_whitespace(void)
{
	R("", "");
	R("plain\n", "plain\n");
	R("no newline", "no newline");
	R("a\n\n", "a\n\n");
	R("line\r\nnext\r\n", "line\nnext\n");
	R("{{ name }}\n", "World\n");
	R("a  {{- 1 -}}  b", "a1b");
	R("a\n  {%- if true %}\nx{% endif -%}\n\n  y", "a\nxy");
	R("a {#- c -#} b", "ab");
	R("{% if true %}\nyes\n{% endif %}\n", "\nyes\n\n");
	R("  {% for x in xs %}{{ x }}{% endfor %}\n", "  123\n");
	R("{%- raw -%}  {{ y }}  {%- endraw -%}  |", "{{ y }}|");
	R("{{ 5 -}}\n  x {{ 5 - 1 }}", "5x 4");
	R("{#-#}x", "x");
	R("x{# a\nmultiline\ncomment #}y", "xy");
}

static void test_literals_and_printing(void)
{
	R("{{ 'a' \"b\" 'c' }}", "abc");
	R("{{ 42 }} {{ -7 }} {{ 1.5 }} {{ 1.0 }} {{ 100.0 }}",
	  "42 -7 1.5 1.0 100.0");
	R("{{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ -0.0 }}",
	  "1e+16 1000000000000000.0 0.0001 1e-05 -0.0");
	R("{{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 2.0 ** 100 }}",
	  "0.30000000000000004 0.3333333333333333 1.2676506002282294e+30");
	R("{{ true }} {{ False }} {{ none }} {{ None }}",
	  "True False None None");
	R("{{ [1, 'a', none, true, 1.5] }}", "[1, 'a', None, True, 1.5]");
	R("{{ {'a': 'b', 'c': [1]} }}", "{'a': 'b', 'c': [1]}");
	R("{{ (1, 2) }} {{ (1,) }} {{ () }} {{ 1, 2 }}",
	  "(1, 2) (1,) () (1, 2)");
	R("{{ [\"it's\", 'say \"hi\"', 'both\\'\"', '\\n\\t\\\\'] }}",
	  "[\"it's\", 'say \"hi\"', 'both\\'\"', '\\n\\t\\\\']");
	R("{{ ['\\x00\\x7f', '\xc3\xa9\\xa0'] }}",
	  "['\\x00\\x7f', '\xc3\xa9\\xa0']");
	R("{{ xs }} {{ d }} {{ user }}",
	  "[1, 2, 3] {'a': 1, 'b': 'two'} {'name': 'Ann', 'email': None}");
	R("{{ 0x10 }} {{ 1_000_000 }} {{ 2.5e-3 }}", "16 1000000 0.0025");
}

static void test_expressions(void)
{
	R("{{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }}",
	  "64 4 14 20");
	R("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7 / 2 }}",
	  "3 -4 2 -2 3.5");
	R("{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 4 / 2 }} {{ true + 1 }}",
	  "3.0 0.5 2.0 2");
	R("{{ -3 ** n }} {{ (-3) ** n }} {{ -3 ** 2 }} {{ -n ** 2 }}",
	  "-27 -27 9 9");
	R("{{ 'ab' * 3 }} {{ 3 * 'x' }} {{ [1] * 2 }} {{ [1] + [2] }}",
	  "ababab xxx [1, 1] [1, 2]");
	R("{{ 'a' ~ 1 ~ none ~ [2] }} {{ 1 ~ (2 + 3) }} {{ 2 * 3 ~ 4 }}",
	  "a1None[2] 15 64");
	R("{{ 3 > 2 > 1 }} {{ 1 < 2 == 2 }} {{ 1 == 1.0 }} {{ 1 != '1' }}",
	  "True True True True");
	R("{{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ (1, 2) == [1, 2] }}",
	  "True True False");
	R("{{ 'a' in 'cat' }} {{ 2 in xs }} {{ 'a' in d }} {{ 'z' not in d }}",
	  "True True True True");
	R("{{ not none }} {{ none and 1 }} {{ 0 or 'y' }} {{ '' or [] }}",
	  "True None y []");
	R("{{ not 1 == 2 }} {{ not xs|length }} {{ -(xs|length) }}",
	  "True False -3");
	R("{{ 1 if t else 2 }} {{ 1 if none else 2 if none else 3 }}",
	  "1 3");
	R("[{{ 'a' if false }}] {{ ('a' if false) is defined }}",
	  "[] False");
	R("{{ 0 and missing }} {{ 1 or missing }}", "0 1");
	R("{{ d.a }} {{ d['b'] }} {{ xs[0] }} {{ xs[-1] }} {{ user.name }}",
	  "1 two 1 3 Ann");
	R("{{ xs[1:] }} {{ xs[::-1] }} {{ 'hello'[1:3] }} "
	  "{{ 'h\xc3\xa9llo'[1] }}",
	  "[2, 3] [3, 2, 1] el \xc3\xa9");
	R("{{ 'abcdef'[::2] }} {{ 'abc'[10:] }} {{ xs[5:] }} {{ xs.1 }}",
	  "ace  [] 2");
	R("{{ 'a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'[::-1] }} "
	  "{{ 'a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'[-2:] }} "
	  "{{ 'a\xc3\xa9\xe2\x82\xacz'[::-2] }}",
	  "\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9" "a "
	  "\xe2\x82\xac\xf0\x9f\x98\x80 z\xc3\xa9");
	R("{{ cookiecutter.project_name }} {{ cookiecutter['use_docker'] }}",
	  "My Project y");
	R("{{ d.items() | list }}", "[('a', 1), ('b', 'two')]");
}

static void test_statements(void)
{
	R("{% if n > 2 %}big{% elif n > 1 %}mid{% else %}small{% endif %}",
	  "big");
	R("{% if none %}a{% elif empty %}b{% else %}c{% endif %}", "c");
	R("{% for x in xs %}{{ loop.index }}{{ x }}{% if not loop.last %},"
	  "{% endif %}{% endfor %}", "11,22,33");
	R("{% for x in xs %}{{ loop.index0 }}{{ loop.revindex }}"
	  "{{ loop.revindex0 }}{{ loop.first }}{{ loop.length }} "
	  "{% endfor %}", "032True3 121False3 210False3 ");
	R("{% for x in xs %}{{ loop.cycle('a', 'b') }}{% endfor %}", "aba");
	R("{% for x in xs %}{{ loop.previtem|default('-') }}"
	  "{{ loop.nextitem|default('-') }}{% endfor %}", "-2132-");
	R("{% for x in [] %}a{% else %}empty{% endfor %}", "empty");
	R("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
	  "a=1;b=two;");
	R("{% for k in d %}{{ k }}{% endfor %}{% for c in 'ab' %}{{ c }}"
	  "{% endfor %}", "abab");
	R("{% for x in xs if x > 1 %}{{ loop.index }}/{{ loop.length }} "
	  "{% endfor %}", "1/2 2/2 ");
	R("{% for a in [1, 2] %}{% for b in [1] %}{% endfor %}"
	  "{{ loop.index }}{% endfor %}", "12");
	R("{% for (a, b), c in [[[1, 2], 3]] %}{{ a }}{{ b }}{{ c }}"
	  "{% endfor %}", "123");
	R("{% set c = 0 %}{% for i in xs %}{% set c = c + i %}{{ c }}"
	  "{% endfor %}{{ c }}", "1230");
	R("{% set x = 1 %}{% for x in [5] %}{% endfor %}{{ x }}", "1");
	R("{% if true %}{% set z = 4 %}{% endif %}{{ z }}", "4");
	R("{% for i in [1, 2] %}{{ name }}{% set name = i %}{{ name }}"
	  "{% endfor %}{{ name }}", "World1World2World");
	R("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = 1, 2 %}{{ t }}",
	  "12(1, 2)");
	R("{% set ns = namespace(total=0) %}{% for i in xs %}"
	  "{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}", "6");
	R("{% set blk %}A{{ n }}B{% endset %}{{ blk }}|{% set up | upper %}"
	  "low{% endset %}{{ up }}", "A3B|LOW");
	R("{% with a = 1, b = n %}{{ a + b }}{% endwith %}", "4");
	R("{% filter upper %}hello {{ name }}{% endfilter %}", "HELLO WORLD");
	R("{% print 1, 'a' %}", "1a");
	R("{% raw %}{% if %}{{ }}{% endraw %}", "{% if %}{{ }}");
	R("{{ name }}{% set name = 1 %}{{ name }}", "World1");
	R("{% if t %}{% set name = 1 %}{% endif %}{% for i in [1] %}"
	  "{{ name }}{% endfor %}", "1");
	R("{% for i in [1] %}{{ name }}{% endfor %}{% if t %}"
	  "{% set name = 1 %}{% endif %}", "World");
	R("a{#", "a");
	R("a{% raw %}", "a");
	R("{{ d.items() }} {{ d.keys() }}", "dict_items([('a', 1), ('b', "
	  "'two')]) dict_keys(['a', 'b'])");
	R("{% for i in range(3) %}{{ i }}{% endfor %} "
	  "{{ range(1, 10, 4)|list }}",
	  "012 [1, 5, 9]");
}

static void test_filters(void)
{
	R("{{ name|lower }} {{ name|upper }} {{ 'hello wORLD'|title }}",
	  "world WORLD Hello World");
	R("{{ \"they're bill's-1st (x)\"|title }} {{ 'hELLO'|capitalize }}",
	  "They're Bill's-1st (X) Hello");
	R("{{ 'h\xc3\xa9llo w\xc3\xb6rld'|upper }} "
	  "{{ 'stra\xc3\x9f""e'|upper }}",
	  "H\xc3\x89LLO W\xc3\x96RLD STRASSE");
	R("{{ 'aaaa'|replace('a', 'b', 2) }} {{ 'abc'|replace('', '-') }}",
	  "bbaa -a-b-c-");
	R("{{ '  x  '|trim }}|{{ 'xxaxx'|trim('x') }}", "x|a");
	R("{{ missing|default('def') }} {{ d.zz|d('q') }} "
	  "{{ ''|default('e', true) }} {{ none|default('nd') }}",
	  "def q e None");
	R("{{ xs|join(', ') }} {{ [{'a': 1}, {'a': 2}]|join('-', "
	  "attribute='a') }}", "1, 2, 3 1-2");
	R("{{ xs|length }} {{ 'h\xc3\xa9llo'|length }} {{ d|count }}",
	  "3 5 2");
	R("{{ '42.7'|int }} {{ ' 12 '|int }} {{ '0x1A'|int(base=16) }} "
	  "{{ 'zz'|int(7) }} {{ 3.9|int }} {{ '1e3'|int }}",
	  "42 12 26 7 3 1000");
	R("{{ 'a'|float }} {{ '1.5'|float }} {{ 3|float }}", "0.0 1.5 3.0");
	R("{{ 3|string ~ 'x' }} {{ none|string }}", "3x None");
	R("{{ 'a\nb\n'|indent }}|{{ 'a\nb'|indent(2, true) }}|"
	  "{{ 'a\n\nb'|indent(2, blank=true) }}|{{ 'a\nb'|indent('> ') }}",
	  "a\n    b\n|  a\n  b|a\n  \n  b|a\n> b");
	R("{{ {'b': 1, 'a': [1, 2.5, none, true, '<&\\'>']}|tojson }}",
	  "{\"a\": [1, 2.5, null, true, \"\\u003c\\u0026\\u0027\\u003e\"], "
	  "\"b\": 1}");
	R("{{ {'a': [1, {}]}|tojson(indent=2) }}",
	  "{\n  \"a\": [\n    1,\n    {}\n  ]\n}");
	R("{{ '\xc3\xa9\xf0\x9f\x98\x80'|tojson }}",
	  "\"\\u00e9\\ud83d\\ude00\"");
	R("{{ 'Hello World!'|slugify }} {{ \"C'est la vie\"|slugify }} "
	  "{{ '\xc3\x9cn\xc3\xaf""c\xc3\xb6""d\xc3\xa9 "
	  "Stra\xc3\x9f""e'|slugify }}",
	  "hello-world c-est-la-vie unicode-strasse");
	R("{{ 'a & b &amp; c'|slugify }} {{ '1,000 items'|slugify }} "
	  "{{ 'Hello World'|slugify(separator='_') }}",
	  "a-b-c 1000-items hello_world");
	R("{{ 'one two three'|slugify(max_length=9) }} "
	  "{{ 'one two three'|slugify(max_length=9, word_boundary=true) }}",
	  "one-two-t one-two");
	R("{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'a']|sort }} "
	  "{{ [{'n': 2}, {'n': 1}]|sort(attribute='n', reverse=true) }}",
	  "[1, 2, 3] ['A', 'a', 'b'] [{'n': 2}, {'n': 1}]");
	R("{{ 'abc'|first }} {{ xs|last }} {{ xs|reverse|list }} "
	  "{{ 'abc'|reverse }}", "a 3 [3, 2, 1] cba");
	R("{{ [1, 2, 2, 'a', 'A']|unique|list }} {{ xs|sum }} {{ xs|max }}",
	  "[1, 2, 'a'] 6 3");
	R("{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 5|round }} "
	  "{{ 42.55|round(1, 'floor') }}", "2.0 4.0 2.67 5 42.5");
	R("{{ 'abc'|center(9) }}|{{ 'hello big world'|wordcount }}",
	  "   abc   |3");
	R("{{ xs|map('string')|join }} {{ xs|select('odd')|list }} "
	  "{{ xs|reject('eq', 2)|list }}", "123 [1, 3] [1, 3]");
	R("{{ [user]|map(attribute='name')|list }} "
	  "{{ [user]|selectattr('email', 'none')|list|length }}",
	  "['Ann'] 1");
	R("{{ -3|abs }} {{ '<a>'|e }} {{ '%s-%d'|format('a', 1) }}",
	  "3 &lt;a&gt; a-1");
	R("{{ 'a long text here'|truncate(9) }} {{ d|dictsort }}",
	  "a... [('a', 1), ('b', 'two')]");
}

static void test_tests_and_methods(void)
{
	R("{{ name is defined }} {{ missing is defined }} {{ missing is "
	  "undefined }} {{ none is none }} {{ user.email is not none }}",
	  "True False True True False");
	R("{{ n is eq 3 }} {{ n is equalto 3 }} {{ n is ne 3 }} "
	  "{{ n is odd }} {{ n is even }} {{ 9 is divisibleby 3 }}",
	  "True True False True False True");
	R("{{ 'a' is string }} {{ n is number }} {{ n is integer }} "
	  "{{ f is float }} {{ d is mapping }} {{ xs is sequence }} "
	  "{{ t is boolean }} {{ t is true }} {{ 2 is in xs }}",
	  "True True True True True True True True True");
	R("{{ name.upper() }} {{ name.lower() }} {{ name.replace('o', '0') }}",
	  "WORLD world W0rld");
	R("{{ ' a b '.split() }} {{ 'a,b,,c'.split(',') }} "
	  "{{ 'a,b,c'.split(',', 1) }} {{ 'a-b-c'.rsplit('-', 1) }}",
	  "['a', 'b'] ['a', 'b', '', 'c'] ['a', 'b,c'] ['a-b', 'c']");
	R("{{ 'xxaxx'.strip('x') }} {{ '  a '.lstrip() }}| "
	  "{{ 'abc'.startswith(('x', 'a')) }} {{ 'abc'.endswith('bc') }}",
	  "a a | True True");
	R("{{ \"they're\".title() }} {{ 'hELLO'.capitalize() }} "
	  "{{ '42'.zfill(5) }} {{ 'ab'.center(6, '*') }}",
	  "They'Re Hello 00042 **ab**");
	R("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 5) }} "
	  "{{ d.keys()|list }} {{ d.values()|list }}",
	  "1 None 5 ['a', 'b'] [1, 'two']");
	R("{{ '{} and {}'.format(1, 'a') }} {{ '{0}{1}{0}'.format('a', 'b') }}"
	  " {{ '{x:>4}|{:05.1f}'.format(3.14159, x='ab') }}",
	  "1 and a aba   ab|003.1");
	R("{{ '%s=%d' % ('a', 3) }} {{ '%05.1f' % 3.14159 }} "
	  "{{ '%(k)s' % {'k': 'v'} }} {{ '%x %o %e' % (255, 8, 1.5) }}",
	  "a=3 003.1 v ff 10 1.500000e+00");
	R("{{ 'hello'.find('l') }} {{ 'hello'.count('l') }} "
	  "{{ ', '.join(['a', 'b']) }} {{ 'a=b'.partition('=') }}",
	  "2 2 a, b ('a', '=', 'b')");
}

/* Compile or render src and return the error, described. */
#define E(src, want) is_str(render(src), want, "error: " src)

static void test_errors(void)
{
	E("Hello {{ missing }}!", "t.j2:1:10: 'missing' is undefined");
	E("a\nb\n{{ x.y }}", "t.j2:3:4: 'x' is undefined");
	E("{{ d.zz }}", "t.j2:1:6: 'dict object' has no attribute 'zz'");
	E("{{ d['zz'] }}", "t.j2:1:6: 'dict object' has no attribute 'zz'");
	E("{{ xs[5] }}", "t.j2:1:7: 'list object' has no element 5");
	E("{{ none.x }}", "t.j2:1:9: 'None' has no attribute 'x'");
	E("{{ d.zz.y }}", "t.j2:1:6: 'dict object' has no attribute 'zz'");
	E("{{ gone }}", "t.j2:1:4: 'gone' is undefined");
	E("{% set y = d.zz %}ok {{ y }}",
	  "t.j2:1:14: 'dict object' has no attribute 'zz'");
	E("{% for x in missing %}{% endfor %}",
	  "t.j2:1:13: 'missing' is undefined");
	E("{% if missing %}{% endif %}", "t.j2:1:7: 'missing' is undefined");
	E("{{ missing|upper }}", "t.j2:1:4: 'missing' is undefined");
	E("{{ missing == 1 }}", "t.j2:1:4: 'missing' is undefined");
	E("{{ loop.index }}", "t.j2:1:4: 'loop' is undefined");
	E("{% for x in xs %}{% set inner = 1 %}{% endfor %}{{ inner }}",
	  "t.j2:1:52: 'inner' is undefined");
	E("{{ name|uper }}",
	  "t.j2:1:9: unknown filter 'uper' [hint: did you mean 'upper'?]");
	E("{{ name|frobnicate }}", "t.j2:1:9: unknown filter 'frobnicate'");
	E("{{ name is defind }}",
	  "t.j2:1:12: unknown test 'defind' [hint: did you mean 'defined'?]");
	E("{% iff x %}{% endif %}",
	  "t.j2:1:4: unknown tag 'iff' [hint: did you mean 'if'?]");
	E("{{ missing }}{{ x|uper }}",
	  "t.j2:1:19: unknown filter 'uper' [hint: did you mean 'upper'?]");
	E("{% if x %}\n{% for y in x %}\n{% endif %}",
	  "t.j2:3:4: unexpected 'endif', expected 'endfor' to close 'for' "
	  "opened at line 2");
	E("{% if true %}\nyes\n",
	  "t.j2:3:1: unexpected end of template, expected 'endif' to close "
	  "'if' opened at line 1");
	E("{% raw %}{{ x }}", "t.j2:1:17: unexpected end of template, "
	  "expected 'endraw' to close 'raw' opened at line 1");
	E("x\n{% endfor %}", "t.j2:2:4: unexpected 'endfor'");
	E("{% if x %}{% else %}{% else %}{% endif %}",
	  "t.j2:1:24: unexpected 'else', expected 'endif' to close 'if' "
	  "opened at line 1");
	E("Hello {{ name\n", "t.j2:1:7: unclosed '{{'");
	E("a {# note", "t.j2:1:3: unclosed '{#'");
	E("{{ 1 + }}", "t.j2:1:8: expected an expression, got '}}'");
	E("{{ a b }}", "t.j2:1:6: expected '}}', got 'b'");
	E("{% for x xs %}{% endfor %}", "t.j2:1:10: expected 'in', got 'xs'");
	E("{{ (1 + 2 }}", "t.j2:1:11: expected ')', got '}}'");
	E("{{ 'abc }}", "t.j2:1:4: unterminated string");
	E("{{ '\\xZZ' }}", "t.j2:1:5: truncated \\xXX escape");
	E("ok\nab \xc3\xa9 \xe9t\xe9 {{ x }}",
	  "t.j2:2:6: invalid UTF-8: unexpected byte 0xe9 [hint: a template "
	  "is UTF-8 text; copy other files byte for byte (`render: false` in "
	  "genship.yml, `_copy_without_render` in cookiecutter.json)]");
	E("{{ x }}{# \xff #}", "t.j2:1:11: invalid UTF-8: unexpected byte "
	  "0xff [hint: a template is UTF-8 text; copy other files byte for "
	  "byte (`render: false` in genship.yml, `_copy_without_render` in "
	  "cookiecutter.json)]");
	E("{% call m() %}{% endcall %}",
	  "t.j2:1:4: 'call' tags are not supported");
	E("{{ n / 0 }}", "t.j2:1:6: division by zero");
	E("{{ n // 0 }}", "t.j2:1:6: division by zero");
	E("{{ n % 0 }}", "t.j2:1:6: modulo by zero");
	E("{{ 1 + 'a' }}", "t.j2:1:6: unsupported operand types for +: "
	  "'int' and 'str'");
	E("{{ 1 < 'a' }}", "t.j2:1:6: unsupported operand types for <: "
	  "'int' and 'str'");
	E("{{ -name }}", "t.j2:1:4: unsupported operand type for unary -: "
	  "'str'");
	E("{% for x in n %}{% endfor %}",
	  "t.j2:1:13: 'int' object is not iterable");
	E("{{ name() }}", "t.j2:1:8: 'str' object is not callable");
	E("{{ 2 ** 64 }}", "t.j2:1:6: integer overflow (integers are 64-bit)");
	E("{% for a, b in [1] %}{% endfor %}",
	  "t.j2:1:8: cannot unpack non-iterable int object");
	E("{{ name|indent(foo=1) }}",
	  "t.j2:1:9: filter 'indent' got an unexpected keyword argument 'foo'");
	E("{{ name|replace('a') }}", "t.j2:1:9: filter 'replace' is missing "
	  "the required argument 'new'");
	E("{{ 'abc'.strip(chars='a') }}",
	  "t.j2:1:15: method 'str.strip' takes no keyword arguments");
	E("{{ []|first }}", "t.j2:1:7: no first item, sequence was empty");
	E("{{ name\r\n}}{{ oops }}", "t.j2:2:6: 'oops' is undefined");
	E("{{ cookiecutter.projet_name }}", "t.j2:1:17: 'dict object' has no "
	  "attribute 'projet_name' [hint: did you mean 'project_name'?]");
	E("{{ cookiecuter.project_name }}", "t.j2:1:4: 'cookiecuter' is "
	  "undefined [hint: did you mean 'cookiecutter'?]");
	E("{% for i in xs %}{{ name }}{% endfor %}{% set name = 1 %}",
	  "t.j2:1:21: 'name' is undefined");
	E("{% for i in xs %}{% for j in xs %}{{ name }}{% endfor %}"
	  "{% set name = i %}{% endfor %}", "t.j2:1:38: 'name' is undefined");
	is_str(render("{% if false %}{{ x|nosuch }}{% endif %}ok"), "ok",
	       "an unknown filter in an if-body fails only when it runs");
}

/* The templates the test loader knows, compiled on first use. */
static const char *const FILES[][2] = {
	{ "macros.j2", "{% macro greet(n, p='!') %}Hi {{ n }}{{ p }}"
	  "{% endmacro %}{% macro twice(s) %}{{ greet(s) }}"
	  "{{ greet(s, p='?') }}{% endmacro %}{% set ver = 2 %}"
	  "{% set _hid = 1 %}" },
	{ "base.j2", "<{% block title %}T{% endblock %}>"
	  "{% block body %}B{% endblock %}" },
	{ "mid.j2", "{% extends 'base.j2' %}"
	  "{% block body %}M{{ super() }}{% endblock %}" },
	{ "self.j2", "{% extends 'self.j2' %}" },
	{ "imp-self.j2", "{% import 'imp-self.j2' as s %}" },
	{ "bad.j2", "{% if %}" },
	{ "ctx.j2", "{% macro who() %}{{ name }}{% endmacro %}" },
	{ "inc.j2", "{{ x }}" },
	{ "vars.j2", "{% extends 'base.j2' %}{% set x = 5 %}"
	  "{% block body %}{{ x }}{% endblock %}" },
};
#define NFILES (sizeof(FILES) / sizeof(FILES[0]))
static struct tpl *LOADED[NFILES];

/* The tpl_loader callback over FILES. */
static int test_load(void *ud, const char *name, size_t len,
		     const struct tpl **out, struct diag *err)
{
	size_t i;
	int rc;

	(void)ud;
	for (i = 0; i < NFILES; i++) {
		if (strlen(FILES[i][0]) != len ||
		    memcmp(FILES[i][0], name, len))
			continue;
		if (!LOADED[i] && (rc = tpl_compile(FILES[i][0], FILES[i][1],
						    strlen(FILES[i][1]), NULL,
						    &LOADED[i], err)))
			return rc;
		*out = LOADED[i];
		return 0;
	}
	return 1;
}

/* Render src (named t.j2) with the test loader. */
static const char *render_loaded(const char *src)
{
	struct tpl_loader ld = { test_load, NULL };
	struct diag err = DIAG_INIT;
	struct strbuf out = STRBUF_INIT;
	struct tpl *t = NULL;

	free(last);
	if (tpl_compile("t.j2", src, strlen(src), NULL, &t, &err) ||
	    tpl_render_with(t, CTX, &ld, ENV, &out, &err))
		last = describe(&err);
	else
		last = strbuf_detach(&out, NULL);
	strbuf_release(&out);
	tpl_free(t);
	diag_release(&err);
	return last;
}

#define L(src, want) is_str(render_loaded(src), want, src)

static void test_macros(void)
{
	R("{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}"
	  "{{ m(1) }} {{ m(1, 3) }} {{ m(b=5, a=4) }}", "1-2 1-3 4-5");
	R("{% macro m(a, b=a ~ 'x') %}{{ b }}{% endmacro %}{{ m('y') }}",
	  "yx");
	R("{% macro m(a) %}{{ a is defined }}{% endmacro %}{{ m() }}",
	  "False");
	R("{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}",
	  "2");
	R("{% macro m() %}{{ m2() }}{% endmacro %}"
	  "{% macro m2() %}2{% endmacro %}{{ m() }}", "2");
	R("{% for i in xs %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}"
	  "{% endfor %}", "123");
	R("{% macro f(n) %}{% if n %}{{ n }}{{ f(n - 1) }}{% endif %}"
	  "{% endmacro %}{{ f(3) }}", "321");
	R("{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(1) ~ m(2) }}"
	  "{{ m(1)|length }}", "[1][2]3");
	E("{% macro m(a) %}{{ a }}{% endmacro %}{{ m() }}",
	  "t.j2:1:12: parameter 'a' was not provided");
	E("{% macro m() %}{{ i }}{% endmacro %}"
	  "{% for i in xs %}{{ m() }}{% endfor %}",
	  "t.j2:1:19: 'i' is undefined");
	E("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}",
	  "t.j2:1:35: macro 'm' takes not more than 1 argument(s)");
	E("{% macro m(a) %}{% endmacro %}{{ m(c=2) }}",
	  "t.j2:1:35: macro 'm' takes no keyword argument 'c'");
	E("{% macro m(a) %}{% endmacro %}{{ m(1, a=2) }}",
	  "t.j2:1:35: macro 'm' takes no keyword argument 'a'");
	E("{% macro m(a=1, b) %}{% endmacro %}",
	  "t.j2:1:17: non-default argument follows default argument");
	E("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
	  "t.j2:1:20: template nests too deeply");
}

static void test_imports_and_extends(void)
{
	L("{% import 'macros.j2' as m %}{{ m.greet(name) }}"
	  "{{ m.twice('a') }}{{ m.ver }}", "Hi World!Hi a!Hi a?2");
	L("{% from 'macros.j2' import greet as g, ver %}"
	  "{{ g(name, p='.') }}{{ ver }}", "Hi World.2");
	L("{% from 'ctx.j2' import who with context %}{{ who() }}", "World");
	L("{% extends 'mid.j2' %}{% block title %}{{ name }}{% endblock %}"
	  "ignored", "<World>MB");
	L("{% extends 'base.j2' %}{% block title %}{{ super() }}{{ super() }}"
	  "{% endblock %}", "<TT>B");
	L("a{% extends 'base.j2' %}b", "a<T>B");
	L("{% set x = 1 %}{% block a %}{{ x }}{% endblock %}", "1");
	L("{% for x in xs %}{% include 'inc.j2' %}{% endfor %}", "123");
	L("{% set x = 1 %}{% block b %}{% include 'inc.j2' %}{% endblock %}",
	  "1");
	L("{% include 'vars.j2' %}", "<T>5");
	L("{% from 'ctx.j2' import who %}{{ who() }}",
	  "ctx.j2:1:21: 'name' is undefined");
	L("{% from 'macros.j2' import nope %}{{ nope }}",
	  "t.j2:1:4: the template 'macros.j2' (imported on line 1) does not "
	  "export the requested name 'nope'");
	E("{% from 'macros.j2' import _hid %}",
	  "t.j2:1:28: names starting with an underline can not be imported");
	E("{% extends 'x' %}",
	  "t.j2:1:12: cannot extend 'x': this template has no loader");
	E("{% import 'x' as y %}",
	  "t.j2:1:11: cannot import 'x': this template has no loader");
	is_str(render_loaded("{% extends 'nope.j2' %}"),
	       "t.j2:1:12: template 'nope.j2' not found", "extends missing");
	is_str(render_loaded("{% import 'nope.j2' as n %}"),
	       "t.j2:1:11: template 'nope.j2' not found", "import missing");
	is_str(render_loaded("{% extends 'bad.j2' %}"),
	       "bad.j2:1:7: expected an expression, got '%}'",
	       "extends a broken template");
	is_str(render_loaded("{% extends 'self.j2' %}"),
	       "self.j2:1:4: template 'self.j2' extends itself",
	       "extends cycle");
	is_str(render_loaded("{% import 'imp-self.j2' as s %}"),
	       "imp-self.j2:1:4: template 'imp-self.j2' imports itself",
	       "import cycle");
	is_str(render_loaded("{% extends 'base.j2' %}{% extends 'base.j2' %}"),
	       "t.j2:1:27: extended multiple times", "two extends");
	E("{% block a %}{{ super() }}{% endblock %}",
	  "t.j2:1:22: there is no parent block called 'a'");
	E("{% for i in xs %}{% block a %}{{ i }}{% endblock %}{% endfor %}",
	  "t.j2:1:34: 'i' is undefined");
	E("{% block a %}{% endblock %}{% block a %}{% endblock %}",
	  "t.j2:1:31: block 'a' defined twice");
	E("{% block a %}x{% endblock b %}",
	  "t.j2:1:27: expected 'a', got 'b'");
}

static void test_limits(void)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < 10000; i++)
		strbuf_adds(&sb, "{% if true %}");
	is_str(render(sb.buf), "t.j2:1:3322: template nests deeper than 256 "
	       "levels", "10,000 nested if-blocks fail cleanly");
	strbuf_reset(&sb);
	strbuf_adds(&sb, "{{ ");
	for (i = 0; i < 10000; i++)
		strbuf_addch(&sb, '(');
	strbuf_adds(&sb, "1 }}");
	is_str(render(sb.buf), "t.j2:1:132: template nests deeper than 256 "
	       "levels", "10,000 nested parentheses fail cleanly");
	strbuf_reset(&sb);
	strbuf_adds(&sb, "{{ ");
	for (i = 0; i < 10000; i++)
		strbuf_addch(&sb, '[');
	strbuf_adds(&sb, " }}");
	ok(strstr(render(sb.buf), "nests deeper than 256 levels") != NULL,
	   "10,000 open brackets fail cleanly");
	strbuf_reset(&sb);
	strbuf_adds(&sb, "{{ ");
	for (i = 0; i < 10000; i++)
		strbuf_adds(&sb, "not ");
	strbuf_adds(&sb, "1 }}");
	ok(strstr(render(sb.buf), "nests deeper than 256 levels") != NULL,
	   "10,000 nested 'not' fail cleanly");
	strbuf_reset(&sb);
	strbuf_adds(&sb, "{{ 1");
	for (i = 0; i < 10000; i++)
		strbuf_adds(&sb, "|abs");
	strbuf_adds(&sb, " }}");
	ok(strstr(render(sb.buf), "nests deeper than 256 levels") != NULL,
	   "a chain of 10,000 filters fails cleanly");
	strbuf_reset(&sb);
	strbuf_adds(&sb, "{{ 1");
	for (i = 0; i < 10000; i++)
		strbuf_adds(&sb, " + 1");
	strbuf_adds(&sb, " }}");
	ok(strstr(render(sb.buf), "nests deeper than 256 levels") != NULL,
	   "a sum of 10,000 terms fails cleanly");
	strbuf_reset(&sb);
	for (i = 0; i < 200; i++)
		strbuf_adds(&sb, "{% for x in [1] %}");
	for (i = 0; i < 200; i++)
		strbuf_adds(&sb, "{% endfor %}");
	is_str(render(sb.buf), "", "200 nested loops are fine");
	strbuf_release(&sb);
	is_str(render("{% for i in range(1000) %}{{ 'x' * 100000 }}"
		      "{% endfor %}"),
	       "t.j2:1:27: output exceeds 67108864 bytes",
	       "output is capped at TPL_MAX_OUTPUT");
	is_str(render("{{ 'x' * 100000000 }}"),
	       "t.j2:1:8: string exceeds 67108864 bytes",
	       "strings are capped too");
	is_str(render("{% for i in range(1000) %}{% for j in range(1000) %}"
		      "{% for k in range(2) %}{% endfor %}{% endfor %}"
		      "{% endfor %}"),
	       "t.j2:1:30: loops run more than 1000000 iterations",
	       "iterations are capped at TPL_MAX_LOOP");
	is_str(render("{{ range(10000000) }}"),
	       "t.j2:1:9: range() of 10000000 items exceeds the limit of "
	       "1000000", "range() is capped");
	ok(strstr(render("{% set s = 'x' * 60000000 %}{% for i in "
			 "range(100) %}{% if s ~ 'a' %}{% endif %}"
			 "{% endfor %}"), "render needs more than") != NULL,
	   "render memory is capped");
}

static void test_syntax_and_reuse(void)
{
	struct tpl_syntax brackets = { "[[", "]]", "[%", "%]", "[#", "#]" };
	struct tpl_syntax var_only = { "[[", "]]", NULL, NULL, NULL, NULL };
	struct value *other = value_dict(&A, 1);
	struct strbuf out = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	const char *src = "Hi {{ name }}!";
	struct tpl *t;

	is_str(render_with("${{ secrets.X }} [[ name ]] [% if t %]y[% endif "
			   "%][# c #]", &brackets), "${{ secrets.X }} World y",
	       "custom delimiters leave ${{ }} alone");
	is_str(render_with("[[- name -]] {% raw %}{{ x }}{% endraw %}",
			   &var_only), "World{{ x }}",
	       "NULL members keep the default delimiters");
	is_str(render_with("{% raw %}[[ x ]]{% endraw %}", &var_only),
	       "[[ x ]]", "raw works with custom variable delimiters");
	value_dict_set(&A, other, "name", value_str(&A, "Bob"));
	ok(!tpl_compile("r", src, strlen(src), NULL, &t, &err),
	   "compile once");
	ok(!tpl_render(t, CTX, ENV, &out, &err) &&
	   !tpl_render(t, other, ENV, &out, &err),
	   "render twice with two contexts");
	is_str(out.buf, "Hi World!Hi Bob!", "renders append to the buffer");
	tpl_free(t);
	strbuf_release(&out);
	tpl_free(NULL);
}

static void test_expr_api(void)
{
	struct diag err = DIAG_INIT;
	struct tpl_expr *e;
	struct value *v;
	char *s, *desc;
	size_t len;

	ok(!tpl_expr_compile("genship.yml", "n > 2 and name == 'World'", 25,
			     7, 11, &e, &err), "compile a bare expression");
	ok(!tpl_expr_eval(e, CTX, ENV, &A, &v, &err) &&
	   v->kind == VALUE_BOOL && v->u.b, "evaluate it to True");
	tpl_expr_free(e);
	ok(!tpl_expr_compile("genship.yml", "['a', n]", 8, 1, 1, &e, &err) &&
	   !tpl_expr_eval(e, CTX, ENV, &A, &v, &err), "a list expression");
	tpl_expr_free(e);
	ok(v->kind == VALUE_LIST && v->u.list.len == 2 &&
	   v->u.list.items[0]->kind == VALUE_STRING,
	   "its value outlives the expression");
	ok(tpl_expr_compile("genship.yml", "db == 'pg'", 10, 7, 11, &e,
			    &err) == 0, "compile a condition");
	ok(tpl_expr_eval(e, CTX, ENV, &A, &v, &err) == ERR_INPUT,
	   "an undefined name fails");
	desc = describe(&err);
	is_str(desc, "genship.yml:7:11: 'db' is undefined",
	       "positions point into the enclosing file");
	free(desc);
	diag_release(&err);
	tpl_expr_free(e);
	ok(tpl_expr_compile("genship.yml", "a b", 3, 2, 5, &e, &err) ==
	   ERR_INPUT, "a syntax error in an expression");
	desc = describe(&err);
	is_str(desc, "genship.yml:2:7: expected the end of the expression, "
	       "got 'b'", "expression errors are placed too");
	free(desc);
	diag_release(&err);
	ok(!tpl_expr_compile("x", "missing", 7, 1, 1, &e, &err) &&
	   tpl_expr_eval(e, CTX, ENV, &A, &v, &err) == ERR_INPUT,
	   "an undefined result is an error");
	diag_release(&err);
	tpl_expr_free(e);
	ok(!tpl_render_string("path", "{{ name|lower }}.txt", 20, 1, 1, NULL,
			      CTX, ENV, &A, &s, &len, &err) &&
	   !strcmp(s, "world.txt") && len == 9, "tpl_render_string");
	ok(tpl_render_string("path", "{{ nope }}", 10, 3, 1, NULL, CTX, ENV,
			     &A, &s, &len, &err) == ERR_INPUT && err.line == 3,
	   "tpl_render_string places errors");
	diag_release(&err);
}

/* Render src with env and the world reset to `now` and random seed 0. */
static const char *render_in(const struct tpl_env *env, long long now,
			     const char *src)
{
	const struct tpl_env *saved = ENV;
	const char *s;

	WORLD.now = now;
	WORLD.next = 0;
	ENV = env;
	s = render(src);
	ENV = saved;
	WORLD.now = 1700000000;
	return s;
}

#define W(src, want) is_str(render_in(&FIXED, 1700000000, src), want, src)

static void test_env(void)
{
	const struct tpl_env no_local = { world_random, world_now, NULL,
					  NULL, &WORLD };

	W("{% now 'utc' %}", "2023-11-14");
	W("{% now 'UTC', '%Y-%m-%d %H:%M:%S' %}", "2023-11-14 22:13:20");
	W("{% now 'local', '%Y-%m-%d %H:%M %Z %z' %}",
	  "2023-11-15 00:13 XST +0200");
	W("{% now 'utc' + 'days=1, hours=2', '%Y-%m-%d %H:%M' %}",
	  "2023-11-16 00:13");
	W("{% now 'utc' - 'months=11' %}", "2022-12-14");
	W("{% now 'local' - 'years=1, minutes=14', '%Y-%m-%d %H:%M' %}",
	  "2022-11-14 23:59");
	W("{% now 'utc' + 'weeks=1, seconds=40', '%d %H:%M:%S' %}",
	  "21 22:14:00");
	is_str(render_in(&FIXED, 1706702400, "{% now 'utc' + 'months=1' %}"),
	       "2024-02-29", "a month after January 31 is February's last day");
	is_str(render_in(&FIXED, 1706702400,
			 "{% now 'local' - 'months=13', '%F %T' %}"),
	       "2022-12-31 14:00:00", "months past a year carry into years");
	W("{{ uuid4() }}", "00254a6f-94b9-4e03-a84d-7297bce1062b");
	W("{{ random_ascii_string(12) }}", "aLwhSDdOzkVG");
	W("{{ random_ascii_string(12, punctuation=True) }}", "aL[B-r#dO^E:");
	W("{{ random_ascii_string(2) }}{{ random_ascii_string(2) }}", "aLwh");
	W("{{ uuid4() == uuid4() }}", "False");
	W("{% now 'mars' %}", "t.j2:1:4: unknown time zone 'mars': genship "
	  "knows 'utc' and 'local'");
	W("{% now 'utc' + 'fortnights=1' %}",
	  "t.j2:1:4: unknown offset 'fortnights'");
	is_str(render_in(&no_local, 1700000000, "{% now 'local' %}"),
	       "t.j2:1:4: tag 'now' needs the local time zone, which this "
	       "render is not given", "no local zone, no local time");
	is_str(render_in(&no_local, 1700000000, "{% now 'utc' %}"),
	       "2023-11-14", "UTC needs only the clock");
	is_str(render_in(NULL, 0, "{% now 'utc' %}"),
	       "t.j2:1:4: tag 'now' needs a clock, which this render is not "
	       "given", "no environment, no clock");
	is_str(render_in(NULL, 0, "{{ uuid4() }}"),
	       "t.j2:1:9: uuid4() needs randomness, which this render is not "
	       "given", "no environment, no randomness");
	WORLD.broken = true;
	W("{{ random_ascii_string(1) }}",
	  "t.j2:1:23: cannot read random bytes");
	WORLD.broken = false;
}

/* Every table is sorted, so that bsearch finds each of its entries. */
static void test_tables(void)
{
	static const struct {
		const struct tpl_func_table *t;
		enum tpl_table which;
		const char *name;
	} tables[] = {
		{ &tpl_filter_table, TPL_FILTERS, "filters" },
		{ &tpl_test_table, TPL_TESTS, "tests" },
		{ &tpl_str_method_table, TPL_STR_METHODS, "str methods" },
		{ &tpl_dict_method_table, TPL_DICT_METHODS, "dict methods" },
		{ &tpl_list_method_table, TPL_LIST_METHODS, "list methods" },
		{ &tpl_global_table, TPL_GLOBALS, "globals" },
	};
	size_t i, j;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const struct tpl_func_table *t = tables[i].t;
		bool sorted = t->n > 0, found = true;

		for (j = 0; j < t->n; j++) {
			const char *name = t->v[j].name;

			sorted = sorted && (!j || strcmp(t->v[j - 1].name,
							  name) < 0);
			found = found && tpl_func_find(tables[i].which, name,
						       strlen(name)) ==
				&t->v[j];
		}
		ok(sorted && found, tables[i].name);
	}
	ok(tpl_func_find(TPL_FILTERS, "upperx", 5) ==
	   tpl_func_find(TPL_FILTERS, "upper", 5) &&
	   !tpl_func_find(TPL_FILTERS, "upperx", 6) &&
	   !tpl_func_find(TPL_FILTERS, "upper\0", 6),
	   "lookups take a length and refuse NUL bytes");
}

static void test_values(void)
{
	struct value *l = value_list(&A, 2), *t = value_tuple(&A, 1);
	struct strbuf sb = STRBUF_INIT;

	value_format_float(&sb, 1e22);
	strbuf_addch(&sb, ' ');
	value_format_float(&sb, 1.0 / 0.0);
	strbuf_addch(&sb, ' ');
	value_format_float(&sb, 5e-324);
	strbuf_addch(&sb, ' ');
	value_format_float(&sb, 123456789.125);
	is_str(sb.buf, "1e+22 inf 5e-324 123456789.125",
	       "floats print as Python's repr");
	strbuf_reset(&sb);
	value_list_push(&A, l, value_str(&A, "it's"));
	value_list_push(&A, l, value_float(&A, 2.0));
	value_list_push(&A, t, VALUE_NONE_P);
	value_list_push(&A, l, t);
	value_repr(&sb, l);
	is_str(sb.buf, "[\"it's\", 2.0, (None,)]", "value_repr");
	strbuf_reset(&sb);
	value_to_string(&sb, value_str(&A, "raw 'x'"));
	is_str(sb.buf, "raw 'x'", "str() of a string is the string");
	strbuf_release(&sb);
	ok(value_equal(value_int(&A, 1), value_float(&A, 1.0)) &&
	   value_equal(value_bool(true), value_int(&A, 1)) &&
	   !value_equal(value_str(&A, "1"), value_int(&A, 1)),
	   "value_equal follows Python");
	ok(!value_truthy(value_str(&A, "")) && value_truthy(l) &&
	   !value_truthy(value_float(&A, 0.0)) &&
	   !value_truthy(VALUE_UNDEFINED_P), "value_truthy");
	is_str(value_type_name(t), "tuple", "type name of a tuple");
	is_str(value_type_name(VALUE_NONE_P), "NoneType", "type of None");
	ok(value_order(value_int(&A, 1), value_str(&A, "a")) ==
	   VALUE_UNORDERABLE, "ints and strings do not order");
	ok(value_order(value_str(&A, "a"), value_str(&A, "b")) == VALUE_LESS,
	   "strings order by code point");
}

int main(void)
{
	size_t i;

	arena_init(&A);
	CTX = make_ctx();
	test_lexer();
	test_text_and_whitespace();
	test_literals_and_printing();
	test_expressions();
	test_statements();
	test_filters();
	test_tests_and_methods();
	test_errors();
	test_macros();
	test_imports_and_extends();
	test_limits();
	test_syntax_and_reuse();
	test_expr_api();
	test_env();
	test_tables();
	test_values();
	free(last);
	for (i = 0; i < NFILES; i++)
		tpl_free(LOADED[i]);
	arena_release(&A);
	return tap_done();
}
