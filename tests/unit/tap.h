#ifndef GENSHIP_TAP_H
#define GENSHIP_TAP_H

/*
 * A tiny TAP producer for the C unit tests, run by automake's tap-driver.
 * Each ok()/is_str()/is_int() is one test point; tap_done() prints the
 * plan and returns the exit status.
 */
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *name, const char *file,
			 int line)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

static inline int tap_is_str(const char *got, const char *want,
			     const char *name, const char *file, int line)
{
	int same = got && want ? !strcmp(got, want) : got == want;

	if (!tap_ok(same, name, file, line)) {
		printf("#   got:  '%s'\n", got ? got : "(null)");
		printf("#   want: '%s'\n", want ? want : "(null)");
	}
	return same;
}

static inline int tap_is_int(long long got, long long want, const char *name,
			     const char *file, int line)
{
	if (!tap_ok(got == want, name, file, line)) {
		printf("#   got:  %lld\n", got);
		printf("#   want: %lld\n", want);
	}
	return got == want;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#define ok(cond, name) tap_ok(!!(cond), (name), __FILE__, __LINE__)
#define is_str(got, want, name) \
	tap_is_str((got), (want), (name), __FILE__, __LINE__)
#define is_int(got, want, name) \
	tap_is_int((got), (want), (name), __FILE__, __LINE__)

#endif
