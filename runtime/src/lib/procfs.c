/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verified access to /proc after pivot_root (procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "cleanup.h"
#include "error.h"
#include "procfs.h"
#include "util.h"

/* include/linux/proc_ns.h: only the root of a procfs has this inode number. */
#define PROC_ROOT_INO 1

bool
procfs_is_root(const struct stat *st, const struct statfs *sf)
{
	return sf->f_type == PROC_SUPER_MAGIC && st->st_ino == PROC_ROOT_INO &&
	       S_ISDIR(st->st_mode);
}

char *
procfs_rel(const char *path, const char *self)
{
	_cleanup_free_ char *out = NULL;
	const char *p;
	size_t len = 0;

	if (strncmp(path, "/proc", 5) != 0 || (path[5] != '\0' && path[5] != '/'))
		return NULL;
	out = xmalloc(strlen(path) + strlen(self) + 2);
	for (p = path + 5; *(p += strspn(p, "/")) != '\0';) {
		size_t n = strcspn(p, "/");
		const char *name = p;

		p += n;
		if (n == 1 && name[0] == '.')
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.')
			return NULL;
		if (len == 0 && n == 4 && strncmp(name, "self", 4) == 0) {
			name = self;
			n = strlen(self);
		}
		if (len)
			out[len++] = '/';
		memcpy(out + len, name, n);
		len += n;
	}
	if (len == 0)
		out[len++] = '.';
	out[len] = '\0';
	return steal_ptr(&out);
}

int
procfs_root(const char *path, struct urun_err **err)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct statfs sf;
	struct stat st;

	if (fd < 0)
		return urun_err_set(err, errno, "'%s': cannot open '/proc' as a directory "
				    "(no proc mount in the config, or a symlink?)", path);
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		return urun_err_set(err, errno, "'%s': stat '/proc'", path);
	if (!procfs_is_root(&st, &sf))
		return urun_err_set(err, 0, "'%s': '/proc' in the container is not a procfs "
				    "(filesystem type 0x%lx, inode %lu): refusing to use it; mount "
				    "proc at /proc", path, (unsigned long)sf.f_type,
				    (unsigned long)st.st_ino);
	return take_fd(&fd);
}

/* Our pid as the procfs at ROOT names it (its own pid namespace's number). */
static int
read_self(int root, const char *path, char self[static 32], struct urun_err **err)
{
	ssize_t n = readlinkat(root, "self", self, 31);

	if (n <= 0)
		return urun_err_set(err, n < 0 ? errno : 0, "'%s': readlink '/proc/self'", path);
	self[n] = '\0';
	if (strspn(self, "0123456789") != (size_t)n)
		return urun_err_set(err, 0, "'%s': '/proc/self' points to '%s'", path, self);
	return 0;
}

/* Open REL beneath ROOT, through no other mount; with STRICT, through no
 * symlink at all, else through the kernel's own symlinks but no magic link. */
static int
open_beneath(int root, const char *rel, int flags, bool strict)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC | (strict ? O_NOFOLLOW : 0)),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
			   (strict ? RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV : 0),
	};

	return (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
}

int
procfs_openat(int root, const char *path, int flags, bool strict, struct urun_err **err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *rel = NULL;
	char self[32];
	struct statfs sf;
	struct stat st;

	if (read_self(root, path, self, err) < 0)
		return -1;
	rel = procfs_rel(path, self);
	if (rel == NULL)
		return urun_err_set(err, 0, "'%s': not a path under /proc", path);
	fd = open_beneath(root, rel, flags, strict);
	if (fd < 0)
		return urun_err_set(err, errno, "open '%s' in the container's procfs%s", path,
				    errno == ELOOP || errno == EXDEV ?
				    " (a symlink or another mount on the way)" : "");
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		return urun_err_set(err, errno, "stat '%s'", path);
	/* O_PATH with O_NOFOLLOW opens a final symlink itself: not ours to use. */
	if (S_ISLNK(st.st_mode))
		return urun_err_set(err, ELOOP, "open '%s' in the container's procfs", path);
	if (strict && sf.f_type != PROC_SUPER_MAGIC)
		return urun_err_set(err, 0, "'%s' is not on procfs (filesystem type 0x%lx)", path,
				    (unsigned long)sf.f_type);
	return take_fd(&fd);
}

int
procfs_open(const char *path, int flags, struct urun_err **err)
{
	_cleanup_close_ int root = procfs_root(path, err);

	return root < 0 ? -1 : procfs_openat(root, path, flags, true, err);
}

int
procfs_write(const char *path, const char *s, struct urun_err **err)
{
	_cleanup_close_ int fd = procfs_open(path, O_WRONLY, err);

	if (fd < 0)
		return -1;
	if (write_all(fd, s, strlen(s)) < 0)
		return urun_err_set(err, errno, "write '%s'", path);
	return 0;
}

int
procfs_fd_path(int fd, char *buf, size_t len, struct urun_err **err)
{
	_cleanup_close_ int root = -1, dir = -1;
	char self[32], name[16];
	struct stat a, b;

	root = procfs_root("/proc/self/fd", err);
	if (root < 0 || read_self(root, "/proc/self/fd", self, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%d", fd);
	snprintf(buf, len, "%s/fd", self);
	dir = open_beneath(root, buf, O_PATH | O_DIRECTORY, true);
	if (dir < 0)
		return urun_err_set(err, errno, "open '/proc/%s/fd' in the container's procfs", self);
	/* The entry must be FD itself: this procfs shows our own fd table. */
	if (fstat(fd, &a) < 0 || fstatat(dir, name, &b, 0) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		return urun_err_set(err, errno, "'/proc/%s/fd/%d' is not our fd %d", self, fd, fd);
	if ((size_t)snprintf(buf, len, "/proc/%s/fd/%d", self, fd) >= len)
		return urun_err_set(err, ENAMETOOLONG, "fd path");
	return 0;
}
