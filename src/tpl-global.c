/*
 * The global functions of templates: Jinja2's range(), dict() and
 * namespace(), and cookiecutter's random_ascii_string(), uuid4() and
 * {% now %} tag (jinja2_time's).  These are the engine's only functions
 * that need the world: randomness, the clock and the local time zone
 * come from the caller's struct tpl_env, and fail without it.
 */
#include "tpl-fn.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- Jinja2's globals ---------------------------------------------------- */

/* How many items range(start, stop, step) has; step is non-zero. */
static unsigned long long range_count(long long start, long long stop,
				      long long step)
{
	unsigned long long span, stride;

	if (step > 0 ? stop <= start : start <= stop)
		return 0;
	/* Differences and magnitudes in unsigned: no overflow at LLONG_MIN. */
	span = step > 0 ? (unsigned long long)stop - (unsigned long long)start :
	       (unsigned long long)start - (unsigned long long)stop;
	stride = step > 0 ? (unsigned long long)step :
		 0 - (unsigned long long)step;
	return (span - 1) / stride + 1;
}

TPL_FN(g_range)
{
	long long start = 0, stop, step = 1;
	unsigned long long n, i;
	struct value *list;
	int rc;

	if ((rc = arg_int(r, argv[0], off, &stop)))
		return rc;
	if (argv[1]) {
		start = stop;
		if ((rc = arg_int(r, argv[1], off, &stop)) ||
		    (rc = arg_opt_int(r, argv[2], off, 1, &step)))
			return rc;
	}
	if (!step)
		return ev_fail(r, off, "range() arg 3 must not be zero");
	n = range_count(start, stop, step);
	if (n > TPL_MAX_LOOP)
		return ev_fail(r, off, "range() of %llu items exceeds the "
			       "limit of %d", n, TPL_MAX_LOOP);
	list = value_list(r->a, (size_t)n);
	/* Every item lies between start and stop: the wrap-around sum is
	 * exact once converted back. */
	for (i = 0; i < n; i++)
		value_list_push(r->a, list, value_int(r->a, (long long)
				((unsigned long long)start +
				 i * (unsigned long long)step)));
	*out = list;
	return 0;
}

/* dict(mapping_or_pairs, **kwargs) into a new dict. */
static int build_dict(struct evaluator *r, size_t off,
		      const struct tpl_args *args, struct value **out)
{
	struct value *d = value_dict(r->a, args->nkw + 4), *src, *p;
	size_t i;

	if (args->npos > 1)
		return ev_fail(r, off, "dict expected at most 1 argument, "
			       "got %zu", args->npos);
	src = args->npos ? args->pos[0] : NULL;
	for (i = 0; src && src->kind == VALUE_DICT && i < src->u.dict.len;
	     i++)
		value_dict_setn(r->a, d, src->u.dict.items[i].key.ptr,
				src->u.dict.items[i].key.len,
				src->u.dict.items[i].val);
	for (i = 0; src && src->kind == VALUE_LIST && i < src->u.list.len;
	     i++) {
		p = src->u.list.items[i];
		if (p->kind != VALUE_LIST || p->u.list.len != 2 ||
		    p->u.list.items[0]->kind != VALUE_STRING)
			return ev_fail(r, off, "dict() needs pairs of a "
				       "string key and a value");
		value_dict_setn(r->a, d, p->u.list.items[0]->u.s.ptr,
				p->u.list.items[0]->u.s.len,
				p->u.list.items[1]);
	}
	if (src && src->kind != VALUE_DICT && src->kind != VALUE_LIST)
		return ev_fail(r, off, "'%s' object is not iterable",
			       value_type_name(src));
	for (i = 0; i < args->nkw; i++)
		value_dict_set(r->a, d, args->kwnames[i], args->kw[i]);
	*out = d;
	return 0;
}

TPL_FN(g_dict)
{
	return build_dict(r, off, args, out);
}

TPL_FN(g_namespace)
{
	static const struct tpl_callable ns = { CALLABLE_NAMESPACE, NULL,
						"namespace" };
	struct value *d;
	int rc;

	if ((rc = build_dict(r, off, args, &d)))
		return rc;
	*out = ev_callable(r, &ns, d, "Namespace");
	return 0;
}

/* ---- cookiecutter's globals ---------------------------------------------- */

/* Fail because the caller's tpl_env does not give fn what it needs. */
static int env_missing(struct evaluator *r, size_t off, const char *fn,
		       const char *what)
{
	return ev_fail(r, off, "%s needs %s, which this render is not given",
		       fn, what);
}

/* Fill buf with n random bytes from the caller's tpl_env. */
static int random_bytes(struct evaluator *r, size_t off, const char *fn,
			unsigned char *buf, size_t n)
{
	const struct tpl_env *e = r->env;

	if (!e || !e->random)
		return env_missing(r, off, fn, "randomness");
	if (e->random(e->ud, buf, n))
		return ev_fail(r, off, "cannot read random bytes");
	return 0;
}

/* random_ascii_string(length, punctuation=False), cookiecutter's global. */
TPL_FN(g_random_ascii_string)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
	struct strbuf sb = STRBUF_INIT;
	long long n, i;
	size_t k;
	bool with_punct = argv[1] && value_truthy(argv[1]);
	unsigned char b;
	int rc;

	(void)self;
	(void)args;
	if ((rc = arg_int(r, argv[0], off, &n)))
		return rc;
	if (n > (long long)TPL_MAX_OUTPUT)
		return ev_fail(r, off, "random_ascii_string() of %lld "
			       "characters is too long", n);
	k = sizeof(letters) - 1 + (with_punct ? sizeof(punct) - 1 : 0);
	for (i = 0; i < n && !rc; i++) {
		do {
			rc = random_bytes(r, off, "random_ascii_string()",
					  &b, 1);
		} while (!rc && b >= 256 - 256 % k);
		if (!rc)
			strbuf_addch(&sb, b % k < 52 ? letters[b % k] :
				     punct[b % k - 52]);
	}
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	return ev_take(r, &sb, off, out);
}

/* uuid4(): a random UUID as text, cookiecutter 2.x's global. */
TPL_FN(g_uuid4)
{
	unsigned char u[16];
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc = random_bytes(r, off, "uuid4()", u, sizeof(u));

	(void)self;
	(void)argv;
	(void)args;
	if (rc)
		return rc;
	u[6] = (unsigned char)((u[6] & 0x0F) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3F) | 0x80);
	for (i = 0; i < 16; i++)
		strbuf_addf(&sb, "%s%02x", i == 4 || i == 6 || i == 8 ||
			    i == 10 ? "-" : "", u[i]);
	return ev_take(r, &sb, off, out);
}

/* Set *tm to the time t in UTC, or in the caller's local time zone. */
static int now_to_tm(struct evaluator *r, size_t off, bool utc, long long t,
		     struct tm *tm)
{
	const struct tpl_env *e = r->env;
	time_t tt = (time_t)t;

	if (utc)
		return gmtime_r(&tt, tm) ? 0 : ev_fail(r, off, "the time %lld "
						       "is out of range", t);
	if (!e || !e->to_local || !e->from_local)
		return env_missing(r, off, "tag 'now'", "the local time zone");
	return e->to_local(e->ud, t, tm) ?
	       ev_fail(r, off, "the time %lld is out of range", t) : 0;
}

/* Set *t to the time of *tm (UTC or local), normalising *tm's fields. */
static int now_from_tm(struct evaluator *r, size_t off, bool utc,
		       struct tm *tm, long long *t)
{
	const struct tpl_env *e = r->env;

	if (utc) {
		*t = (long long)timegm(tm);
		return 0;
	}
	if (!e || !e->from_local)
		return env_missing(r, off, "tag 'now'", "the local time zone");
	return e->from_local(e->ud, tm, t) ?
	       ev_fail(r, off, "the offset leaves the local calendar") : 0;
}

/* Days in month mon (0-11) of year (since 1900). */
static int month_days(int year, int mon)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };
	int y = year + 1900;

	if (mon == 1 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		return 29;
	return days[mon];
}

/* Apply a relativedelta offset "days=1, hours=2" with sign to *tm. */
static int now_offset(struct evaluator *r, size_t off, const char *spec,
		      int sign, bool utc, struct tm *tm)
{
	double secs = 0;
	long long t;
	int rc;

	while (*spec) {
		char key[16], *end;
		size_t n = strcspn(spec, "=,");
		double v;

		while (*spec == ' ')
			spec++, n--;
		if (spec[n] != '=' || n >= sizeof(key))
			return ev_fail(r, off, "invalid offset '%s'", spec);
		memcpy(key, spec, n);
		while (n && key[n - 1] == ' ')
			n--;
		key[n] = '\0';
		v = strtod(spec + strcspn(spec, "=") + 1, &end) * sign;
		if (!strcmp(key, "years"))
			tm->tm_year += (int)v;
		else if (!strcmp(key, "months"))
			tm->tm_mon += (int)v;
		else if (!strcmp(key, "weeks"))
			secs += v * 7 * 86400;
		else if (!strcmp(key, "days"))
			secs += v * 86400;
		else if (!strcmp(key, "hours"))
			secs += v * 3600;
		else if (!strcmp(key, "minutes"))
			secs += v * 60;
		else if (!strcmp(key, "seconds"))
			secs += v;
		else
			return ev_fail(r, off, "unknown offset '%s'", key);
		spec = end + strspn(end, " ,");
	}
	tm->tm_year += tm->tm_mon >= 0 ? tm->tm_mon / 12 :
		(tm->tm_mon - 11) / 12;
	tm->tm_mon = ((tm->tm_mon % 12) + 12) % 12;
	if (tm->tm_mday > month_days(tm->tm_year, tm->tm_mon))
		tm->tm_mday = month_days(tm->tm_year, tm->tm_mon);
	if ((rc = now_from_tm(r, off, utc, tm, &t)))
		return rc;
	return now_to_tm(r, off, utc, t + (long long)secs, tm);
}

/*
 * now(timezone, operator, offset, format): jinja2_time's {% now %} tag,
 * which the parser turns into this call.  Time zones are 'utc' and
 * 'local'; the format defaults to '%Y-%m-%d'.
 */
TPL_FN(g_now)
{
	const struct tpl_env *e = r->env;
	struct value_str tz = { "utc", 3 }, fmt = { "%Y-%m-%d", 8 };
	struct strbuf sb = STRBUF_INIT;
	struct tm tm;
	bool utc;
	size_t n;
	int rc = 0;

	(void)self;
	(void)args;
	if ((rc = ev_str(r, argv[0], off, &tz)) ||
	    (argv[3] && argv[3]->kind != VALUE_NONE &&
	     (rc = ev_str(r, argv[3], off, &fmt))))
		return rc;
	utc = !tz.len || !strcasecmp(tz.ptr, "utc");
	if (!utc && strcasecmp(tz.ptr, "local"))
		return ev_fail(r, off, "unknown time zone '%s': genship "
			       "knows 'utc' and 'local'", tz.ptr);
	if (!e || !e->now)
		return env_missing(r, off, "tag 'now'", "a clock");
	if ((rc = now_to_tm(r, off, utc, e->now(e->ud), &tm)))
		return rc;
	if (argv[1] && argv[1]->kind == VALUE_STRING && argv[2] &&
	    argv[2]->kind == VALUE_STRING)
		rc = now_offset(r, off, argv[2]->u.s.ptr,
				argv[1]->u.s.ptr[0] == '-' ? -1 : 1, utc, &tm);
	if (rc)
		return rc;
	strbuf_grow(&sb, 256 + fmt.len * 8);
	n = fmt.len ? strftime(sb.buf, sb.alloc, fmt.ptr, &tm) : 0;
	strbuf_setlen(&sb, n);
	return ev_take(r, &sb, off, out);
}

static const struct tpl_func now_func = {
	"now", g_now, { "timezone", "operator", "offset", "format", NULL },
	1, TPL_F_NOKW
};

const struct tpl_func *tpl_now_func(void)
{
	return &now_func;
}

/* ---- table --------------------------------------------------------------- */

static const struct tpl_func globals[] = {
	{ "dict", g_dict, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "namespace", g_namespace, P(NULL), 0,
	  TPL_F_VARARGS | TPL_F_KWARGS },
	{ "random_ascii_string", g_random_ascii_string,
	  P("length", "punctuation"), 1, 0 },
	{ "range", g_range, P("start", "stop", "step"), 1, M_POS },
	{ "uuid4", g_uuid4, P(NULL), 0, M_POS },
};

const struct tpl_func_table tpl_global_table = TPL_TABLE(globals);
