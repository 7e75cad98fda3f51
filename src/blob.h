#ifndef GENSHIP_BLOB_H
#define GENSHIP_BLOB_H

#include <stddef.h>

/*
 * Git blob ids: the id `git hash-object` gives the same bytes.  The answers
 * file records one per generated file, so update and check can tell an
 * untouched file from an edited one without any git history.
 */

#define BLOB_HEXSZ 40

/* Write the 40-hex blob id of data (len bytes) and a NUL to out. */
void blob_id(const void *data, size_t len, char out[BLOB_HEXSZ + 1]);

#endif
