/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a process that enters a container may still hold: file descriptors
 * closed down to 0-2, the --preserve-fds range and what urun itself still
 * needs, and a working directory that is inside the container's root
 * (CVE-2016-9962, CVE-2024-21626: a host fd or a host cwd reachable from the
 * container is a way out of it). */
#ifndef URUN_FDS_H
#define URUN_FDS_H

#include <stdbool.h>
#include <stddef.h>

struct urun_err;

struct fd_range {
	unsigned first, last;	/* inclusive; last == ~0U: to the end */
};

/* The ranges of fds >= FROM that are not in KEEP (any order, duplicates,
 * -1 and values below FROM allowed). OUT has room for N_KEEP + 1 ranges;
 * returns how many it filled. Pure, for the unit tests. */
size_t fds_close_ranges(unsigned from, const int *keep, size_t n_keep, struct fd_range *out);
/* Really close (not just close-on-exec) every fd >= FROM but those in KEEP.
 * 0, or -1 with errno. */
int fds_close_from(unsigned from, const int *keep, size_t n_keep);
/* The --preserve-fds range [3, 3 + N) as the caller handed it over: which of
 * its fds are the caller's (open now, and not in OURS, urun's own fds that
 * may sit there when the caller left gaps). Note it before urun opens
 * anything else. */
struct fd_preserve {
	int n;
	bool *theirs;
};
void fd_preserve_note(struct fd_preserve *pr, int n, const int *ours, size_t n_ours);
/* Just before execve: the caller's fds of the range lose close-on-exec, any
 * other fd in it is closed. Frees what note allocated. */
void fd_preserve_apply(struct fd_preserve *pr);
/* Move FD to the lowest free number >= MIN, close-on-exec, closing FD: keeps
 * urun's own fds out of the --preserve-fds range, which a caller may leave
 * with gaps. Returns the new fd (FD itself when already >= MIN), or -1. */
int fd_move_above(int fd, int min);

/* After chdir(CWD): getcwd(2) must name a path from the process root. A cwd
 * outside it (a host directory reached through /proc/self/fd/N) makes the
 * kernel answer "(unreachable)/..." or ENOENT. Error otherwise, naming CWD. */
int cwd_verify(const char *cwd, struct urun_err **err);
/* The check itself on getcwd(2)'s raw result (RET: the syscall's return
 * value). Pure, for the unit tests. */
bool cwd_inside_root(long ret, const char *buf);

#endif
