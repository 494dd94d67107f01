/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation that aborts on OOM, string and file helpers. */
#ifndef URUN_UTIL_H
#define URUN_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* phase_mark() wherever util.h is: a probe is then one line (phase.h). */
#include "phase.h"

struct urun_err;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write all of buf to fd; -1 with errno on failure. */
int write_all(int fd, const void *buf, size_t len);
/* Read a whole file (at most 16 MiB) into a NUL-terminated buffer. */
int read_file(const char *path, char **out, size_t *len, struct urun_err **err);
/* Write DATA to PATH atomically: a new temporary file beside it (random name,
 * O_EXCL, O_NOFOLLOW: never one planted by someone else), then rename. Not
 * synced to disk: for runtime state that does not outlive a reboot (readers
 * see the old or the new file whole, also when the writer is killed). */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
		      struct urun_err **err);
/* The same relative to DIRFD (a directory opened before a mount namespace change). */
int write_file_atomic_at(int dirfd, const char *path, const char *data, size_t len,
			 mode_t mode, struct urun_err **err);
/* Write a short string to an existing file (e.g. /proc, /sys). */
int write_file_str(const char *path, const char *s, struct urun_err **err);
/* mkdir -p with MODE for the created components. */
int mkdir_p(const char *path, mode_t mode, struct urun_err **err);
/* rm -rf of a directory tree, not crossing mount points. */
int remove_tree(const char *path, struct urun_err **err);
/* Parse a decimal integer in [min, max]; -1 on junk or range. */
int parse_long(const char *s, long min, long max, long *out);

/* Flush gcov counters before execve or _exit (URUN_COVERAGE builds only). */
void coverage_flush(void);

#endif
