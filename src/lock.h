#ifndef GENSHIP_LOCK_H
#define GENSHIP_LOCK_H

#include <stdbool.h>

#include "diag.h"

/*
 * One writer per project.  A command that changes a project (update,
 * new --force or new into an existing directory, the recovery of an
 * interrupted run) holds an exclusive flock(2) on the project directory
 * itself for the whole command, hooks included; check and diff hold it
 * shared.  Locking the directory rather than a file in it leaves nothing
 * behind for git to see, and the kernel drops the lock when the process
 * dies, however it dies.
 *
 * The same primitive tells interrupted state from a live run: a staging
 * directory is locked by the run that made it, so one whose lock can be
 * taken was left by a process that is gone (never judged by process ids,
 * which a container's PID 1 or a recycled id would fool).
 *
 * Descriptors are close-on-exec: a hook never inherits a lock.
 */

struct lock {
	int fd;			/* -1 when nothing is held */
};

#define LOCK_INIT { -1 }

/*
 * Lock directory dir, exclusive or shared.  When another process holds a
 * conflicting lock, wait up to timeout seconds (0: not at all), then fail
 * with ERR_FAIL naming the holder (its process id and command line, when
 * the system tells) and the --lock-timeout hint.  A signal while waiting
 * (signals.h) also stops the wait.  A dir that does not exist is not an
 * error: nothing is locked and l->fd stays -1.
 */
int lock_take(struct lock *l, const char *dir, bool exclusive,
	      unsigned timeout, struct diag *err);

/* Release l (nothing held is fine) and reinitialise it. */
void lock_release(struct lock *l);

/*
 * Take an exclusive lock on open descriptor fd without waiting: true when
 * it was free (the lock is then held through fd).
 */
bool lock_try(int fd);

/*
 * State directories genship made itself.  Working trees come from
 * strangers: a repository or an archive can ship a directory that looks
 * like a staging directory or an update transaction, with lists that name
 * any path.  So genship creates each such directory with mode 0700 and
 * stamps it with its own identity (device, inode number and birth time),
 * which no checkout, archive or copy can reproduce: they make new inodes
 * at new times.  A directory whose stamp does not match is not genship's.
 */
#define LOCK_STAMP_FILE "stamp"

/*
 * Stamp directory dir, just created by this process with mode 0700:
 * write dir/LOCK_STAMP_FILE.  0 or ERR_FAIL.
 */
int lock_stamp_write(const char *dir, struct diag *err);

/*
 * True when dir is a real directory (not a symlink) owned by the
 * effective user, with no group or other permission bits, whose stamp
 * matches its identity.
 */
bool lock_stamp_matches(const char *dir);

#endif
