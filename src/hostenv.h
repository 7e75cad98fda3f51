#ifndef GENSHIP_HOSTENV_H
#define GENSHIP_HOSTENV_H

#include "tpl.h"

/*
 * The process's side of struct tpl_env: what the template engine may ask
 * of the world, read here so that the engine itself does no I/O.
 *
 *   random      /dev/urandom
 *   now         $SOURCE_DATE_EPOCH when it is a whole number (for
 *               reproducible output), else the system clock
 *   to_local,   the process's time zone (TZ, /etc/localtime), through
 *   from_local  localtime_r() and mktime()
 */

/* Return the process's environment for renders; static, never freed. */
const struct tpl_env *hostenv_tpl(void);

#endif
