/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation, string and file helpers (util.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "util.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

char *
xstrdup(const char *s)
{
	char *r = strdup(s);

	if (r == NULL)
		abort();
	return r;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
read_file(const char *path, char **out, size_t *len, struct urun_err **err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, cap = 4096;
	const size_t max = 16 << 20;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return urun_err_set(err, errno, "open '%s'", path);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (size + 1 >= cap) {
			if (cap >= max)
				return urun_err_set(err, EFBIG, "read '%s'", path);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return urun_err_set(err, errno, "read '%s'", path);
		if (n == 0)
			break;
		size += (size_t)n;
	}
	buf[size] = '\0';
	if (len)
		*len = size;
	*out = steal_ptr(&buf);
	return 0;
}

/* A new temporary file next to PATH: ".BASE.XXXXXXXX" (random), O_EXCL and
 * O_NOFOLLOW, so that nothing planted in a shared directory (a file, a
 * symlink) is ever reused or followed. *TMP gets its name. */
static int
open_temp_at(int dirfd, const char *path, mode_t mode, char **tmp)
{
	const char *base = strrchr(path, '/');
	size_t dirlen = base ? (size_t)(base - path + 1) : 0;

	for (int i = 0; i < 100; i++) {
		uint32_t r = 0;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)i;
		*tmp = xasprintf("%.*s.%s.%08x", (int)dirlen, path, path + dirlen, r);
		fd = openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			    mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		free(*tmp);
		*tmp = NULL;
	}
	errno = EEXIST;
	return -1;
}

int
write_file_atomic_at(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
		     struct urun_err **err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = open_temp_at(dirfd, path, mode, &tmp);

	if (fd < 0)
		return urun_err_set(err, errno, "create a temporary file for '%s'", path);
	/* No fsync: everything written here (state, journal, config copy, pid
	 * files) describes processes that do not outlive the machine, and the
	 * rename alone makes the replacement atomic for every reader and
	 * against a writer killed at any point. Only a kernel crash or power
	 * loss can leave an empty file behind the rename, and then the
	 * containers it describes are gone too: `state` reports the file as
	 * damaged and `delete --force` removes it (state.h). An fsync cost 1-30
	 * ms each on this disk-backed /run, four to nine times per create. */
	if (write_all(fd, data, len) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return urun_err_set(err, saved, "write '%s'", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, path) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return urun_err_set(err, saved, "rename '%s' to '%s'", tmp, path);
	}
	return 0;
}

int
write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
		  struct urun_err **err)
{
	return write_file_atomic_at(AT_FDCWD, path, data, len, mode, err);
}

int
write_file_str(const char *path, const char *s, struct urun_err **err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return urun_err_set(err, errno, "open '%s'", path);
	if (write_all(fd, s, strlen(s)) < 0)
		return urun_err_set(err, errno, "write '%s'", path);
	return 0;
}

int
mkdir_p(const char *path, mode_t mode, struct urun_err **err)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return urun_err_set(err, errno, "mkdir '%s'", p);
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

static int
remove_at(int parent, const char *name, dev_t dev, struct urun_err **err)
{
	struct stat st;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : urun_err_set(err, errno, "stat '%s'", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
			return urun_err_set(err, errno, "unlink '%s'", name);
		return 0;
	}
	if (st.st_dev != dev)
		return urun_err_set(err, EBUSY, "remove '%s': a mount point", name);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return urun_err_set(err, errno, "open '%s'", name);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return urun_err_set(err, errno, "opendir '%s'", name);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_at(dirfd(d), de->d_name, dev, err) < 0)
			return urun_err_wrap(err, "%s", name);
	}
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return urun_err_set(err, errno, "rmdir '%s'", name);
	return 0;
}

int
remove_tree(const char *path, struct urun_err **err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : urun_err_set(err, errno, "stat '%s'", path);
	return remove_at(AT_FDCWD, path, st.st_dev, err);
}

int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

#if URUN_COVERAGE
void __gcov_dump(void);

/* The host's root, kept open so that a dump from inside a container (after
 * pivot_root or setns) still reaches the build directory: GCOV_PREFIX points
 * through /proc/self/fd. High and close-on-exec, so no container sees it. */
static int coverage_root = -1;

static void __attribute__((constructor))
coverage_open_root(void)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		coverage_root = fcntl(fd, F_DUPFD_CLOEXEC, 900);
		close(fd);
	}
}

void
coverage_flush(void)
{
	char prefix[32];

	if (coverage_root >= 0) {
		snprintf(prefix, sizeof(prefix), "/proc/self/fd/%d", coverage_root);
		setenv("GCOV_PREFIX", prefix, 1);
	}
	/* without /proc in the container: no report, rather than a message on
	 * the container's stderr */
	setenv("GCOV_ERROR_FILE", "/dev/null", 1);
	__gcov_dump();
}
#else
void
coverage_flush(void)
{
}
#endif
