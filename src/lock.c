#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "signals.h"
#include "strbuf.h"
#include "xalloc.h"

#define LOCK_POLL_NS 50000000L	/* 50 ms between tries while waiting */

bool lock_try(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

/* Try to lock fd once; 0, -EWOULDBLOCK when held elsewhere, or -errno. */
static int lock_once(int fd, bool exclusive)
{
	if (!flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB))
		return 0;
	return -errno;
}

/* Sleep one poll interval; false when a signal asks to stop. */
static bool wait_a_little(void)
{
	struct timespec ts = { 0, LOCK_POLL_NS };

	nanosleep(&ts, NULL);
	return !signals_pending();
}

/*
 * The process id that holds an flock on the file st describes, from
 * /proc/locks (lines "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INO 0 EOF";
 * waiters are marked "->"), or 0 when it cannot be told.
 */
static long lock_holder(const struct stat *st)
{
	FILE *fp = fopen("/proc/locks", "re");
	char *line = NULL;
	size_t cap = 0;
	long found = 0;

	while (fp && !found && getline(&line, &cap, fp) > 0) {
		unsigned maj, min;
		unsigned long long ino;
		long pid;

		if (strstr(line, "->") || !strstr(line, "FLOCK"))
			continue;
		if (sscanf(line, "%*d: FLOCK %*s %*s %ld %x:%x:%llu", &pid,
			   &maj, &min, &ino) == 4 &&
		    ino == (unsigned long long)st->st_ino &&
		    maj == major(st->st_dev) && min == minor(st->st_dev))
			found = pid;
	}
	if (fp)
		fclose(fp);
	free(line);
	return found;
}

/* Append " (pid N: CMDLINE)" for pid to sb, arguments space-separated. */
static void describe_pid(long pid, struct strbuf *sb)
{
	char *path = xasprintf("/proc/%ld/cmdline", pid), *data = NULL;
	struct diag ignore = DIAG_INIT;
	size_t len = 0, i;

	strbuf_addf(sb, " (pid %ld", pid);
	if (!fs_read_file(path, &data, &len, &ignore) && len) {
		for (i = 0; i + 1 < len; i++)
			if (!data[i])
				data[i] = ' ';
		strbuf_adds(sb, ": ");
		strbuf_add_printable(sb, data, strnlen(data, len));
	}
	strbuf_addch(sb, ')');
	diag_release(&ignore);
	free(data);
	free(path);
}

/* Say that dir is busy, naming the holder when the system tells. */
static int busy(const char *dir, int fd, unsigned timeout, struct diag *err)
{
	struct strbuf who = STRBUF_INIT;
	struct stat st;
	long pid = fstat(fd, &st) == 0 ? lock_holder(&st) : 0;

	if (pid)
		describe_pid(pid, &who);
	diag_fail(err, "'%s' is in use by another genship process%s",
		  dir, who.buf);
	if (timeout)
		diag_hint(err, "it still held the project after %u s; run "
			  "the command again when it has finished", timeout);
	else
		diag_hint(err, "one genship command changes a project at a "
			  "time; run this one again when the other has "
			  "finished, or pass --lock-timeout SECONDS to wait "
			  "for it");
	strbuf_release(&who);
	return ERR_FAIL;
}

int lock_take(struct lock *l, const char *dir, bool exclusive,
	      unsigned timeout, struct diag *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct timespec start, now;
	int ret;

	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (fd < 0)
		return diag_fail(err, "cannot open '%s': %s", dir,
				 strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((ret = lock_once(fd, exclusive)) == -EWOULDBLOCK) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)timeout ||
		    !wait_a_little())
			break;
	}
	if (ret == -EWOULDBLOCK)
		ret = busy(dir, fd, timeout, err);
	else if (ret)
		ret = diag_fail(err, "cannot lock '%s': %s", dir,
				strerror(-ret));
	if (ret)
		close(fd);
	else
		l->fd = fd;
	return ret;
}

void lock_release(struct lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* ---- stamps ---------------------------------------------------------- */

/* The identity of directory dir (not followed) as stamp text, or NULL. */
static char *stamp_text(const char *dir)
{
	struct statx stx;

	if (statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW,
		  STATX_BASIC_STATS | STATX_BTIME, &stx) < 0 ||
	    !S_ISDIR(stx.stx_mode))
		return NULL;
	if (!(stx.stx_mask & STATX_BTIME))
		stx.stx_btime = (struct statx_timestamp){ 0, 0, 0 };
	return xasprintf("genship-state %u:%u %llu %lld.%09u %u\n",
			 stx.stx_dev_major, stx.stx_dev_minor,
			 (unsigned long long)stx.stx_ino,
			 (long long)stx.stx_btime.tv_sec,
			 stx.stx_btime.tv_nsec, stx.stx_uid);
}

int lock_stamp_write(const char *dir, struct diag *err)
{
	char *text = stamp_text(dir), *path = fs_join(dir, LOCK_STAMP_FILE);
	int ret = text ? fs_write_new(path, text, strlen(text), 0600) :
		-errno;

	if (ret)
		diag_fail(err, "cannot write '%s': %s", path, strerror(-ret));
	free(path);
	free(text);
	return ret ? ERR_FAIL : 0;
}

bool lock_stamp_matches(const char *dir)
{
	char *want = stamp_text(dir), *path = fs_join(dir, LOCK_STAMP_FILE);
	char *have = NULL;
	struct diag ignore = DIAG_INIT;
	struct stat st;
	size_t len = 0;
	bool ok = want && lstat(dir, &st) == 0 && st.st_uid == geteuid() &&
		!(st.st_mode & 077) && lstat(path, &st) == 0 &&
		S_ISREG(st.st_mode) && st.st_size < 256 &&
		!fs_read_file(path, &have, &len, &ignore) &&
		len == strlen(want) && !memcmp(have, want, len);

	diag_release(&ignore);
	free(have);
	free(path);
	free(want);
	return ok;
}
