#ifndef GENSHIP_TEST_DIAG_TEXT_H
#define GENSHIP_TEST_DIAG_TEXT_H

/* What diag_print() shows for d, as a malloc'd string, for unit tests. */
#include <stdio.h>

#include "diag.h"

static inline char *diag_text(const struct diag *d)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	diag_print(d, fp);
	fclose(fp);
	return buf;
}

#endif
