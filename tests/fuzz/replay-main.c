/*
 * replay-main: a main() for a libFuzzer harness without libFuzzer, so that
 * `make check` replays the regression cases and seeds with any compiler,
 * under ASan or valgrind when the build or GENSHIP_WRAPPER asks for them.
 *
 *   replay-NAME FILE...
 *
 * Calls LLVMFuzzerInitialize() when the harness has one, then
 * LLVMFuzzerTestOneInput() once per file, in order, naming each file on
 * stderr first so that a crash points at its input.  Each input sits in a
 * buffer of exactly its size, as libFuzzer gives it, so that a read past
 * the end is caught.  Exits 0 when every input ran, 2 when a file cannot
 * be read; a harness that finds a bug aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fsutil.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Run the harness on the file at path; 0, or -1 if it cannot be read. */
static int replay_file(const char *path)
{
	struct diag err = DIAG_INIT;
	char *text;
	size_t len;
	uint8_t *exact;

	if (fs_read_file(path, &text, &len, &err)) {
		diag_print(&err, stderr);
		diag_release(&err);
		return -1;
	}
	exact = xmalloc(len ? len : 1);
	memcpy(exact, text, len);
	free(text);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int i, status = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		if (replay_file(argv[i]) < 0)
			status = 2;
	return status;
}
