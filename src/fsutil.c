#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "xalloc.h"

/* Read fd into sb until its end or until sb holds more than max bytes.
 * Returns 0 or -errno. */
static int read_all(int fd, struct strbuf *sb, size_t max)
{
	while (sb->len <= max) {
		size_t want = max + 1 - sb->len;
		ssize_t n;

		if (want > 65536)
			want = 65536;
		strbuf_grow(sb, want);
		n = read(fd, sb->buf + sb->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		strbuf_setlen(sb, sb->len + (size_t)n);
	}
	return 0;
}

/* Open path for reading without blocking (a FIFO, a terminal) and check
 * that it is a regular file.  Returns the descriptor or ERR_INPUT. */
/*
 * True when errnum says the machine ran short (descriptors, memory), not
 * that the input is bad: a failed operation, exit 1, not bad input.
 */
static bool is_resource_error(int errnum)
{
	return errnum == EMFILE || errnum == ENFILE || errnum == ENOMEM;
}

static int open_regular(const char *path, const char *name,
			struct diag *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;

	if (fd < 0 && is_resource_error(errno))
		return diag_fail(err, "cannot read '%s': %s", name,
				 strerror(errno));
	if (fd < 0)
		return diag_input(err, name, "cannot read file: %s",
				  strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_input(err, name, "cannot read file: not a "
				  "regular file");
	}
	return fd;
}

int fs_read_input(const char *path, const char *name, size_t max,
		  char **data, size_t *len, struct diag *err)
{
	struct strbuf sb;
	struct diag_src src;
	int fd, ret;

	if (!name)
		name = path;
	if ((fd = open_regular(path, name, err)) < 0)
		return fd;
	strbuf_init(&sb, 0);
	ret = read_all(fd, &sb, max);
	close(fd);
	if (ret < 0) {
		strbuf_release(&sb);
		return diag_input(err, name, "cannot read file: %s",
				  strerror(-ret));
	}
	if (sb.len > max) {
		src = (struct diag_src){ name, sb.buf, sb.len, 0, 0 };
		ret = diag_at(err, &src, max, "file exceeds %zu bytes", max);
		strbuf_release(&sb);
		return ret;
	}
	*data = strbuf_detach(&sb, len);
	return 0;
}

int fs_read_file(const char *path, char **data, size_t *len,
		 struct diag *err)
{
	return fs_read_input(path, NULL, FS_MAX_FILE, data, len, err);
}

int fs_write_new(const char *path, const void *data, size_t len,
		 mode_t mode)
{
	const char *p = data;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	char *copy = xstrdup(path), *p;
	int ret = 0;

	for (p = copy + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST) {
			ret = -errno;
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	free(copy);
	return ret;
}

/*
 * Remove the directory in path (a strbuf, restored on return) and all it
 * holds, holding one directory descriptor at a time: the names are read
 * and the directory closed before anything below it is removed, so that
 * removal works even with almost no descriptors left.
 */
static int rm_tree(struct strbuf *path)
{
	struct strbuf names = STRBUF_INIT;
	DIR *d = opendir(path->buf);
	struct dirent *e;
	size_t len = path->len, off;
	int ret = 0;

	if (!d)	/* out of descriptors, perhaps: an empty one still goes */
		return rmdir(path->buf) < 0 ? -errno : 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			strbuf_add(&names, e->d_name, strlen(e->d_name) + 1);
	closedir(d);
	for (off = 0; off < names.len; off += strlen(names.buf + off) + 1) {
		struct stat st;
		int r;

		strbuf_addf(path, "/%s", names.buf + off);
		if (lstat(path->buf, &st) < 0)
			r = errno == ENOENT ? 0 : -errno;
		else if (S_ISDIR(st.st_mode))
			r = rm_tree(path);
		else
			r = unlink(path->buf) < 0 ? -errno : 0;
		if (r && !ret)
			ret = r;
		strbuf_setlen(path, len);
	}
	strbuf_release(&names);
	if (!ret && rmdir(path->buf) < 0)
		ret = -errno;
	return ret;
}

int fs_rm_rf(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	strbuf_adds(&sb, path);
	ret = rm_tree(&sb);
	strbuf_release(&sb);
	return ret;
}

bool fs_dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

int fs_each_entry(const char *dir, const char *prefix,
		  int (*fn)(void *ud, const char *path, const char *rel),
		  void *ud, struct diag *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return diag_fail(err, "cannot open directory '%s': %s", dir,
				 strerror(errno));
	while (!ret && (e = readdir(d))) {
		char *path, *rel;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = fs_join(dir, e->d_name);
		rel = *prefix ? fs_join(prefix, e->d_name) : xstrdup(e->d_name);
		ret = fn(ud, path, rel);
		free(path);
		free(rel);
	}
	closedir(d);
	return ret;
}

bool fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (!la)
		return xstrdup(b);
	return xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *fs_basename(const char *path)
{
	size_t len = strlen(path);
	const char *start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	return xstrndup(start, (size_t)(path + len - start));
}

char *fs_exe_dir(void)
{
	char *buf = xcalloc(PATH_MAX + 1, 1), *dir = NULL;
	ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX);

	if (n > 0)
		dir = fs_dirname(buf);
	free(buf);
	return dir;
}

int fs_move_noreplace(const char *from, const char *to)
{
	if (!renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (fs_exists(to))
		return -EEXIST;
	return rename(from, to) < 0 ? -errno : 0;
}
