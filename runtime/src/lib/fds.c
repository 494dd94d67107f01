/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fds and cwd of a process entering a container (fds.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fds.h"
#include "util.h"

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

size_t
fds_close_ranges(unsigned from, const int *keep, size_t n_keep, struct fd_range *out)
{
	int *sorted = xcalloc(n_keep + 1, sizeof(int));
	size_t n = 0, nr = 0;
	unsigned next = from;

	for (size_t i = 0; i < n_keep; i++)
		if (keep[i] >= 0 && (unsigned)keep[i] >= from)
			sorted[n++] = keep[i];
	qsort(sorted, n, sizeof(int), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)sorted[i] < next)
			continue;	/* a duplicate */
		if ((unsigned)sorted[i] > next)
			out[nr++] = (struct fd_range){ next, (unsigned)sorted[i] - 1 };
		next = (unsigned)sorted[i] + 1;
	}
	free(sorted);
	if (next != 0)	/* fd ~0U itself kept: nothing after it */
		out[nr++] = (struct fd_range){ next, ~0U };
	return nr;
}

int
fds_close_from(unsigned from, const int *keep, size_t n_keep)
{
	_cleanup_free_ struct fd_range *r = xcalloc(n_keep + 1, sizeof(*r));
	size_t n = fds_close_ranges(from, keep, n_keep, r);

	for (size_t i = 0; i < n; i++)
		if (syscall(SYS_close_range, r[i].first, r[i].last, 0) < 0)
			return -1;
	return 0;
}

static bool
listed(int fd, const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] == fd)
			return true;
	return false;
}

void
fd_preserve_note(struct fd_preserve *pr, int n, const int *ours, size_t n_ours)
{
	pr->n = n;
	pr->theirs = xcalloc(n > 0 ? (size_t)n : 1, sizeof(bool));
	for (int i = 0; i < n; i++)
		pr->theirs[i] = fcntl(3 + i, F_GETFD) >= 0 && !listed(3 + i, ours, n_ours);
}

void
fd_preserve_apply(struct fd_preserve *pr)
{
	for (int i = 0; i < pr->n; i++) {
		int fl = fcntl(3 + i, F_GETFD);

		if (fl < 0)
			continue;
		if (pr->theirs[i])
			fcntl(3 + i, F_SETFD, fl & ~FD_CLOEXEC);
		else
			close(3 + i);
	}
	free(pr->theirs);
	pr->theirs = NULL;
}

int
fd_move_above(int fd, int min)
{
	int moved;

	if (fd < 0 || fd >= min)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, min);
	if (moved < 0)
		return -1;
	close(fd);
	return moved;
}

bool
cwd_inside_root(long ret, const char *buf)
{
	/* The raw syscall answers "(unreachable)/..." for a directory the root
	 * cannot reach (glibc's getcwd turns that into ENOENT, as older
	 * kernels did). */
	return ret > 0 && buf[0] == '/';
}

int
cwd_verify(const char *cwd, struct urun_err **err)
{
	char buf[PATH_MAX];
	long r = syscall(SYS_getcwd, buf, sizeof(buf));
	int e = errno;

	if (cwd_inside_root(r, buf))
		return 0;
	if (r < 0 && e != ENOENT)
		return urun_err_set(err, e, "process.cwd '%s': getcwd", cwd);
	return urun_err_set(err, 0, "process.cwd '%s': the working directory is outside the "
			    "container's root (a host directory reached through a file "
			    "descriptor?): refused", cwd);
}
