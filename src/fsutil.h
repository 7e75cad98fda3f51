#ifndef GENSHIP_FSUTIL_H
#define GENSHIP_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "diag.h"

/*
 * Small filesystem helpers.  They return 0 or a negative errno value,
 * except where a diag is passed, which get ERR_INPUT/ERR_FAIL and a
 * message naming the path.
 */

/* The size cap of a template file (the per-file output limit). */
#define FS_MAX_FILE ((size_t)64 << 20)
/* The size cap of a data file: manifest, answers, cookiecutter.json. */
#define FS_MAX_DATA ((size_t)8 << 20)

/*
 * Read a whole regular file of at most max bytes.  *data (NUL-terminated,
 * caller-owned) untouched on failure.  The file is opened without
 * blocking, so a FIFO or a device is refused, never waited on.  A
 * missing, unreadable or special file is ERR_INPUT naming name (path when
 * NULL); a larger one is ERR_INPUT at the first byte past max.
 */
int fs_read_input(const char *path, const char *name, size_t max,
		  char **data, size_t *len, struct diag *err);
/* fs_read_input() with the template file cap, FS_MAX_FILE. */
int fs_read_file(const char *path, char **data, size_t *len,
		 struct diag *err);
/* Create a new file (never following or replacing) holding data. */
int fs_write_new(const char *path, const void *data, size_t len,
		 mode_t mode);
/* Create path and its missing parents, like mkdir -p. */
int fs_mkdir_p(const char *path, mode_t mode);
/*
 * rename(2) that never replaces anything: renameat2(RENAME_NOREPLACE), or
 * where the file system lacks it a check first.  0, -EEXIST when to
 * exists, or another -errno.
 */
int fs_move_noreplace(const char *from, const char *to);

/* Remove path recursively without following symlinks; missing is fine. */
int fs_rm_rf(const char *path);
/* True when path is an existing directory with no entries. */
bool fs_dir_is_empty(const char *path);
/* True when path exists (without following a final symlink). */
bool fs_exists(const char *path);
/*
 * Call fn(ud, path, rel) for each entry of directory dir but "." and "..",
 * in readdir order: path is dir/NAME, rel is prefix/NAME (NAME when prefix
 * is "").  Stops at the first non-zero return and returns it.  An
 * unreadable dir is ERR_FAIL in err.
 */
int fs_each_entry(const char *dir, const char *prefix,
		  int (*fn)(void *ud, const char *path, const char *rel),
		  void *ud, struct diag *err);
/* Return "a/b" for a and b, caller-owned; a may be "" or end in '/'. */
char *fs_join(const char *a, const char *b);
/* Return the directory part of path ("." when none), caller-owned. */
char *fs_dirname(const char *path);
/* Return the last component of path, caller-owned. */
char *fs_basename(const char *path);
/*
 * Return the directory of the running program (from /proc/self/exe,
 * symlinks resolved), caller-owned; NULL when it cannot be read.
 */
char *fs_exe_dir(void);

#endif
