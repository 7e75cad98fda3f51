#include "blob.h"

#include <git2.h>

void blob_id(const void *data, size_t len, char out[BLOB_HEXSZ + 1])
{
	git_oid oid;

	/*
	 * Hashing a buffer involves no repository and no global state, so it
	 * needs neither git_libgit2_init() nor error handling; the unit test
	 * pins the result against git hash-object.
	 */
	git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, BLOB_HEXSZ + 1, &oid);
}
