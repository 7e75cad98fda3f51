/*
 * The clock, randomness and local time zone of the process, handed to the
 * template engine as its struct tpl_env (see hostenv.h).
 */
#include "hostenv.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Fill buf with n random bytes from the kernel. */
static int host_random(void *ud, unsigned char *buf, size_t n)
{
	FILE *fp = fopen("/dev/urandom", "rb");
	size_t got = fp ? fread(buf, 1, n, fp) : 0;

	(void)ud;
	if (fp)
		fclose(fp);
	return got == n ? 0 : -1;
}

/* $SOURCE_DATE_EPOCH when set to a whole number, else the clock. */
static long long host_now(void *ud)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	(void)ud;
	if (e && *e) {
		v = strtoll(e, &end, 10);
		if (!*end)
			return v;
	}
	return (long long)time(NULL);
}

/* localtime_r() of t. */
static int host_to_local(void *ud, long long t, struct tm *tm)
{
	time_t tt = (time_t)t;

	(void)ud;
	return localtime_r(&tt, tm) ? 0 : -1;
}

/* mktime() of *tm. */
static int host_from_local(void *ud, struct tm *tm, long long *t)
{
	(void)ud;
	*t = (long long)mktime(tm);
	return 0;
}

const struct tpl_env *hostenv_tpl(void)
{
	static const struct tpl_env env = {
		host_random, host_now, host_to_local, host_from_local, NULL
	};

	return &env;
}
