/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Performing mount ops inside the rootfs (mount.h). Every target is an O_PATH
 * fd from resolve_in_root(), mounted on through /proc/self/fd/N. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "mount.h"
#include "procfs.h"
#include "util.h"

static int
open_in_root(int rootfd, const char *rel)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

int
resolve_in_root(int rootfd, const char *path, bool create, bool is_file,
		struct urun_err **err)
{
	_cleanup_free_ char *rel = xstrdup(path[0] == '/' ? path + 1 : path);
	char *end;
	int fd;

	if (*rel == '\0')
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	fd = open_in_root(rootfd, rel);
	if (fd >= 0 || errno != ENOENT || !create)
		return fd >= 0 ? fd : urun_err_set(err, errno, "open '%s' in the rootfs", path);
	/* Create what is missing, one component at a time, each resolved from
	 * the root again so a symlink met on the way stays inside. */
	for (end = rel;; end++) {
		char c = *end;
		_cleanup_close_ int parent = -1;
		char *slash, *name;

		if (c != '/' && c != '\0')
			continue;
		*end = '\0';
		fd = open_in_root(rootfd, rel);
		if (fd >= 0 || errno != ENOENT) {
			if (fd < 0)
				return urun_err_set(err, errno, "open '/%s' in the rootfs", rel);
			*end = c;
			if (c == '\0')
				return fd;
			close(fd);
			continue;
		}
		slash = strrchr(rel, '/');
		name = slash ? slash + 1 : rel;
		if (slash)
			*slash = '\0';
		parent = slash ? open_in_root(rootfd, rel) : fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
		if (slash)
			*slash = '/';
		if (parent < 0)
			return urun_err_set(err, errno, "open parent of '/%s'", rel);
		if (c == '\0' && is_file) {
			int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
				       O_NOFOLLOW, 0644);

			if (f < 0)
				return urun_err_set(err, errno, "create '/%s' in the rootfs", rel);
			close(f);
		} else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
			return urun_err_set(err, errno, "mkdir '/%s' in the rootfs", rel);
		}
		fd = open_in_root(rootfd, rel);
		if (fd < 0)
			return urun_err_set(err, errno, "open '/%s' in the rootfs (a dangling "
					    "symlink?)", rel);
		*end = c;
		if (c == '\0')
			return fd;
		close(fd);
	}
}

static const char *
fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

int
remount_bind(int fd, unsigned long flags, struct urun_err **err)
{
	static const struct { unsigned long st, ms; } locked[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME }, { ST_RDONLY, MS_RDONLY },
	};
	char buf[64];
	struct statvfs sv;

	if (fstatvfs(fd, &sv) < 0)
		return urun_err_set(err, errno, "statvfs");
	/* In a user namespace these flags are locked: dropping them fails EPERM. */
	for (size_t i = 0; i < sizeof(locked) / sizeof(locked[0]); i++)
		if ((sv.f_flag & locked[i].st) && !(locked[i].ms == MS_RDONLY))
			flags |= locked[i].ms;
	/* mount(2) takes a path: one through a /proc checked to be procfs. */
	if (procfs_fd_path(fd, buf, sizeof(buf), err) < 0)
		return urun_err_wrap(err, "remount");
	if (mount(NULL, buf, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
		return urun_err_set(err, errno, "remount");
	return 0;
}

/* A destination that resolved into a procfs (a symlink into /proc, say) is
 * refused unless the plan allows that place (CVE-2019-16884). */
static int
check_target(int fd, const struct mount_op *op, struct urun_err **err)
{
	struct statfs sf;
	struct stat st;

	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		return urun_err_set(err, errno, "stat the destination");
	if (sf.f_type != PROC_SUPER_MAGIC || op->proc_dest == PROC_DEST_EMULATED ||
	    (op->proc_dest == PROC_DEST_ROOT && st.st_ino == 1 /* the procfs root */))
		return 0;
	return urun_err_set(err, 0, "the destination resolves into procfs (through a "
			    "symlink?), where no mount may go");
}

static int
set_attrs(int fd, const struct mount_op *op, struct urun_err **err)
{
	struct mount_attr attr = { .attr_set = op->attr_set, .attr_clr = op->attr_clr };

	if (attr.attr_set & (MOUNT_ATTR_RELATIME | MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME))
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) == 0)
		return 0;
	if (errno != EPERM)
		return urun_err_set(err, errno, "mount_setattr");
	/* In a user namespace the flags of mounts from the host are locked:
	 * clearing them or changing atime is refused. Keep what only adds
	 * restrictions (the support table declares the rest ignored there). */
	attr.attr_clr = 0;
	attr.attr_set &= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) < 0)
		return urun_err_set(err, errno, "mount_setattr");
	log_warn("mount '%s': recursive options that clear locked flags or change atime "
		 "are refused by the kernel here; kept the restricting ones", op->target);
	return 0;
}

static bool
source_is_dir(const struct mount_op *op)
{
	struct stat st;

	if (op->kind != MOUNT_BIND)
		return true;
	return stat(op->source, &st) < 0 || S_ISDIR(st.st_mode);
}

/* type "cgroup": a read-only view of the container's own cgroups. On a v1 or
 * hybrid host: a tmpfs with each hierarchy's container directory bound in;
 * on a pure v2 host: the container's cgroup2 directory. */
static int
mount_cgroup(int rootfd, const struct mount_op *op, const char *cg, struct urun_err **err)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	struct statvfs sv;
	char buf[32];

	fd = resolve_in_root(rootfd, op->target, true, false, err);
	if (fd < 0 || check_target(fd, op, err) < 0)
		return -1;
	if (statvfs("/sys/fs/cgroup/cgroup.controllers", &sv) == 0) {
		_cleanup_free_ char *src = xasprintf("/sys/fs/cgroup%s", cg ? cg : "");

		if (mount(src, fd_path(fd, buf), NULL, MS_BIND | MS_REC, NULL) < 0)
			return urun_err_set(err, errno, "bind '%s'", src);
		close(fd);
		fd = resolve_in_root(rootfd, op->target, false, false, err);
		if (fd < 0)
			return -1;
		return remount_bind(fd, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
	}
	if (mount("tmpfs", fd_path(fd, buf), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=755") < 0)
		return urun_err_set(err, errno, "mount tmpfs");
	close(fd);
	fd = resolve_in_root(rootfd, op->target, false, false, err);
	d = opendir("/sys/fs/cgroup");
	if (fd < 0 || d == NULL)
		return fd < 0 ? -1 : urun_err_set(err, errno, "opendir '/sys/fs/cgroup'");
	while ((de = readdir(d)) != NULL) {
		_cleanup_free_ char *src = NULL;
		_cleanup_close_ int sub = -1;
		char lnk[256];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		src = xasprintf("/sys/fs/cgroup/%s", de->d_name);
		n = readlink(src, lnk, sizeof(lnk) - 1);
		if (n > 0) {	/* cpu -> cpu,cpuacct */
			lnk[n] = '\0';
			symlinkat(lnk, fd, de->d_name);
			continue;
		}
		free(src);
		src = xasprintf("/sys/fs/cgroup/%s%s", de->d_name, cg ? cg : "");
		if (access(src, F_OK) < 0) {
			free(src);
			src = xasprintf("/sys/fs/cgroup/%s", de->d_name);
		}
		if (mkdirat(fd, de->d_name, 0755) < 0 ||
		    (sub = openat(fd, de->d_name, O_PATH | O_CLOEXEC)) < 0)
			return urun_err_set(err, errno, "mkdir '%s/%s'", op->target, de->d_name);
		if (mount(src, fd_path(sub, buf), NULL, MS_BIND, NULL) < 0)
			return urun_err_set(err, errno, "bind '%s'", src);
		/* Reopen: the fd from before the bind names the covered directory. */
		close(sub);
		sub = openat(fd, de->d_name, O_PATH | O_CLOEXEC);
		if (sub < 0 || remount_bind(sub, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
			return -1;
	}
	if (op->flags & MS_RDONLY)
		return remount_bind(fd, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
	return 0;
}

/* Mount a filesystem; devpts asked for a gid= the user namespace does not map
 * fails EINVAL: retry without it, as crun does (the tty group is cosmetic). */
static int
mount_fs(const struct mount_op *op, const char *target, unsigned long flags)
{
	_cleanup_free_ char *data = NULL;
	char *p, *q;

	if (mount(op->source, target, op->fstype, flags, op->data) == 0)
		return 0;
	if (errno != EINVAL || strcmp(op->fstype, "devpts") != 0 || op->data == NULL ||
	    (p = strstr(op->data, "gid=")) == NULL)
		return -1;
	data = xstrdup(op->data);
	p = data + (p - op->data);
	q = strchr(p, ',');
	memmove(p, q ? q + 1 : p + strlen(p), strlen(q ? q + 1 : p + strlen(p)) + 1);
	return mount(op->source, target, op->fstype, flags, data);
}

static int copy_file(int src, int dst, const char *name, mode_t mode, struct urun_err **err);

/* tmpcopyup: copy what the new tmpfs covers (SRC, a directory fd opened
 * before the mount) into it (DST), keeping modes, owners and links. */
static int
copy_tree(int src, int dst, struct urun_err **err)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int dup = fcntl(src, F_DUPFD_CLOEXEC, 3);

	d = dup < 0 ? NULL : fdopendir(dup);
	if (d == NULL)
		return urun_err_set(err, errno, "tmpcopyup: read directory");
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int r = 0;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return urun_err_set(err, errno, "tmpcopyup: stat '%s'", de->d_name);
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int s2 = -1, d2 = -1;

			if (mkdirat(dst, de->d_name, st.st_mode & 07777) < 0 ||
			    (s2 = openat(src, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC)) < 0 ||
			    (d2 = openat(dst, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
				return urun_err_set(err, errno, "tmpcopyup: directory '%s'", de->d_name);
			if (copy_tree(s2, d2, err) < 0)
				return urun_err_wrap(err, "%s", de->d_name);
		} else if (S_ISREG(st.st_mode)) {
			r = copy_file(src, dst, de->d_name, st.st_mode, err);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(src, de->d_name, target, sizeof(target) - 1);

			if (n < 0 || (target[n] = '\0', symlinkat(target, dst, de->d_name) < 0))
				r = urun_err_set(err, errno, "tmpcopyup: symlink '%s'", de->d_name);
		} else if (mknodat(dst, de->d_name, st.st_mode, st.st_rdev) < 0) {
			r = urun_err_set(err, errno, "tmpcopyup: node '%s'", de->d_name);
		}
		if (r < 0)
			return -1;
		/* Owners may be unmapped in a user namespace: best effort there. */
		fchownat(dst, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
	}
	return 0;
}

static int
copy_file(int src, int dst, const char *name, mode_t mode, struct urun_err **err)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return urun_err_set(err, errno, "tmpcopyup: open '%s'", name);
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
	if (out < 0)
		return urun_err_set(err, errno, "tmpcopyup: create '%s'", name);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			return urun_err_set(err, errno, "tmpcopyup: write '%s'", name);
	if (n < 0)
		return urun_err_set(err, errno, "tmpcopyup: read '%s'", name);
	return fchmod(out, mode & 07777) < 0 ? urun_err_set(err, errno, "tmpcopyup: chmod") : 0;
}

/* proc, sysfs and mqueue need their namespace (pid, net, ipc) to belong to
 * our user namespace; unprivileged without one of our own the kernel says
 * EPERM. Then bind the host's instance, as crun does (same view the caller has). */
static int
bind_host_instance(int rootfd, int fd, const struct mount_op *op, unsigned long flags,
		   struct urun_err **err)
{
	static const char *const hosts[][2] = {
		{ "proc", "/proc" }, { "sysfs", "/sys" }, { "mqueue", "/dev/mqueue" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		_cleanup_close_ int nfd = -1;

		if (strcmp(op->fstype, hosts[i][0]) != 0)
			continue;
		if (mount(hosts[i][1], fd_path(fd, buf), NULL, MS_BIND | MS_REC, NULL) < 0) {
			errno = EPERM;	/* report the original refusal */
			return -1;
		}
		log_debug("mount '%s': %s not permitted, bound the host's %s", op->target,
			  op->fstype, hosts[i][1]);
		nfd = resolve_in_root(rootfd, op->target, false, false, err);
		if (nfd < 0 || (flags && remount_bind(nfd, flags, err) < 0)) {
			urun_err_free(err);
			errno = EPERM;
			return -1;
		}
		return 0;
	}
	errno = EPERM;
	return -1;
}

/* COVERED: O_PATH fd of the directory under the new tmpfs at OP's target. */
static int
copy_up(int rootfd, int covered, const struct mount_op *op, struct urun_err **err)
{
	_cleanup_close_ int src = openat(covered, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int top = resolve_in_root(rootfd, op->target, false, false, err);
	_cleanup_close_ int dst = -1;

	if (src < 0 || top < 0)
		return src < 0 ? urun_err_set(err, errno, "tmpcopyup: open the covered directory")
			       : -1;
	dst = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return urun_err_set(err, errno, "tmpcopyup: open the tmpfs");
	return copy_tree(src, dst, err);
}

/* An entry with "remount": change the flags of the mount already there. */
static int
remount_existing(int rootfd, const struct mount_op *op, struct urun_err **err)
{
	_cleanup_close_ int fd = resolve_in_root(rootfd, op->target, false, false, err);
	unsigned long flags = op->flags & ~MS_REMOUNT;
	char buf[32];

	if (fd < 0)
		return urun_err_wrap(err, "remount '%s'", op->target);
	if (mount(NULL, fd_path(fd, buf), NULL, MS_REMOUNT | flags, op->data) == 0)
		return 0;
	/* Per-mount flags of a bind mount, or flags the kernel locks. */
	if (remount_bind(fd, flags, err) < 0)
		return urun_err_wrap(err, "remount '%s'", op->target);
	return 0;
}

int
mount_set_readonly(int fd, uint64_t attrs, struct urun_err **err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | attrs };

	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return urun_err_set(err, errno, "make read-only (mount_setattr)");
	return 0;
}

int
mount_bind_fd(int src, int dst, struct urun_err **err)
{
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE |
						OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (tree < 0)
		return urun_err_set(err, errno, "open_tree");
	if (syscall(SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return urun_err_set(err, errno, "move_mount");
	return 0;
}

/* A bind at /proc must bring a procfs (runc's checkProcMount). */
static int
check_proc_source(const struct mount_op *op, struct urun_err **err)
{
	struct statfs sf;

	if (op->kind != MOUNT_BIND || op->proc_dest != PROC_DEST_ROOT)
		return 0;
	if (statfs(op->source, &sf) < 0)
		return urun_err_set(err, errno, "statfs '%s'", op->source);
	if (sf.f_type != PROC_SUPER_MAGIC)
		return urun_err_set(err, 0, "bind source '%s' is not a procfs (only proc goes "
				    "at /proc)", op->source);
	return 0;
}

/* proc and sysfs, and whatever goes at /proc or /sys, go on a directory,
 * never through a symlink in its place (CVE-2023-27561: an image's /proc
 * symlink would carry procfs elsewhere, where masks and readonly paths on
 * /proc miss it). */
static int
open_real_dir(int rootfd, const struct mount_op *op, struct urun_err **err)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	_cleanup_free_ char *dir = xstrdup(op->target);
	_cleanup_close_ int parent = -1;
	char *leaf;
	int fd;

	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = '\0';
	leaf = strrchr(dir, '/');
	*leaf++ = '\0';
	if (*leaf == '\0')
		return urun_err_set(err, 0, "over the root");
	parent = resolve_in_root(rootfd, *dir ? dir : "/", true, false, err);
	if (parent < 0)
		return -1;
	if (mkdirat(parent, leaf, 0755) < 0 && errno != EEXIST)
		return urun_err_set(err, errno, "mkdir in the rootfs");
	fd = (int)syscall(SYS_openat2, parent, leaf, &how, sizeof(how));
	if (fd < 0)
		return urun_err_set(err, errno, "must be mounted on a directory%s",
				    errno == ELOOP || errno == ENOTDIR ?
				    ", not on a symlink or a file" : "");
	return fd;
}

int
mount_bind_ro_fd(int fd, uint64_t attrs, struct urun_err **err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | attrs };
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE |
						OPEN_TREE_CLOEXEC | AT_RECURSIVE |
						AT_EMPTY_PATH);

	if (tree < 0)
		return urun_err_set(err, errno, "open_tree");
	/* The top of the detached copy only, as a bind remount would. */
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return urun_err_set(err, errno, "make read-only (mount_setattr)");
	if (syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return urun_err_set(err, errno, "move_mount");
	return 0;
}

int
mount_tmpfs_ro_fd(int dst, struct urun_err **err)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	_cleanup_close_ int mnt = -1;

	if (fs < 0)
		return urun_err_set(err, errno, "fsopen tmpfs");
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "nr_inodes", "2", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return urun_err_set(err, errno, "fsconfig tmpfs");
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY |
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return urun_err_set(err, errno, "fsmount tmpfs");
	if (syscall(SYS_move_mount, mnt, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return urun_err_set(err, errno, "move_mount");
	return 0;
}

/* The flags of a bind (ro, nosuid, ...) set on its detached copy TREE as a
 * bind remount would set them: what is asked is added, read-only dropped
 * unless asked, the rest (the kernel's locked flags too) kept. */
static int
bind_flags(int tree, unsigned long flags, struct urun_err **err)
{
	static const struct { unsigned long ms; uint64_t attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY }, { MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV }, { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
		{ 256 /* MS_NOSYMFOLLOW */, MOUNT_ATTR_NOSYMFOLLOW },
	};
	struct mount_attr attr = { 0 };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].ms)
			attr.attr_set |= map[i].attr;
	if (!(flags & MS_RDONLY))
		attr.attr_clr |= MOUNT_ATTR_RDONLY;
	if (flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		attr.attr_clr |= MOUNT_ATTR__ATIME;
		attr.attr_set |= flags & MS_NOATIME ? MOUNT_ATTR_NOATIME :
				 flags & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
	}
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return urun_err_set(err, errno, "set the bind's flags (mount_setattr)");
	return 0;
}

/* A bind by fd: clone the source tree, give it its idmapping and flags while
 * it is detached, move it onto TARGET_FD. No path is resolved after the
 * target was opened, so a symlink swapped in meanwhile (CVE-2021-30465) can
 * neither move the mount nor make its flags land on another one. Returns the
 * new mount's fd. */
static int
bind_by_fd(const struct mount_op *op, int target_fd, unsigned long flags,
	   struct urun_err **err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP,
				   .userns_fd = (uint64_t)op->userns_fd };
	_cleanup_close_ int tree = -1;

	tree = (int)syscall(SYS_open_tree, AT_FDCWD, op->source, OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | (op->recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return urun_err_set(err, errno, "bind '%s'%s", op->source,
				    errno == EINVAL && !op->recursive ?
				    " (in a user namespace the kernel refuses a non-recursive "
				    "bind of a tree with submounts: use rbind)" : "");
	if (op->idmap && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH |
				 (op->idmap_recursive ? AT_RECURSIVE : 0), &attr,
				 sizeof(attr)) < 0)
		return urun_err_set(err, errno, "idmap '%s'", op->source);
	if ((flags & ~(MS_REC | MS_SILENT)) && bind_flags(tree, flags, err) < 0)
		return -1;
	if (syscall(SYS_move_mount, tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return urun_err_set(err, errno, "move_mount onto '%s'", op->target);
	return take_fd(&tree);
}

int
mount_apply(int rootfd, const struct mount_op *op, const char *cgroup_path,
	    struct urun_err **err)
{
	_cleanup_close_ int fd = -1, nfd = -1;
	unsigned long flags = op->flags & ~(MS_REMOUNT);
	char buf[32];

	if (op->kind == MOUNT_CGROUP)
		return mount_cgroup(rootfd, op, cgroup_path, err) < 0 ?
		       urun_err_wrap(err, "mount '%s'", op->target) : 0;
	if (op->flags & MS_REMOUNT)
		return remount_existing(rootfd, op, err);
	fd = op->real_dir ? open_real_dir(rootfd, op, err) :
	     resolve_in_root(rootfd, op->target, true, !source_is_dir(op), err);
	if (fd < 0)
		return urun_err_wrap(err, "mount '%s'", op->target);
	if (check_target(fd, op, err) < 0 || check_proc_source(op, err) < 0)
		return urun_err_wrap(err, "mount '%s'", op->target);
	if (op->kind == MOUNT_BIND) {
		nfd = bind_by_fd(op, fd, flags, err);
		if (nfd < 0)
			return urun_err_wrap(err, "mount '%s'", op->target);
	} else if (mount_fs(op, fd_path(fd, buf), flags) < 0) {
		if (errno != EPERM || bind_host_instance(rootfd, fd, op, flags, err) < 0)
			return urun_err_set(err, errno, "mount '%s' (type %s)", op->target,
					    op->fstype);
	} else if (op->copy_up && copy_up(rootfd, fd, op, err) < 0) {
		return urun_err_wrap(err, "mount '%s'", op->target);
	}
	if (op->propagation || op->attr_set || op->attr_clr) {
		/* A new filesystem is reached again through its path (binds
		 * have their fd). */
		if (nfd < 0 && (nfd = resolve_in_root(rootfd, op->target, false, false, err)) < 0)
			return urun_err_wrap(err, "mount '%s'", op->target);
		if (op->propagation &&
		    mount(NULL, fd_path(nfd, buf), NULL, op->propagation, NULL) < 0)
			return urun_err_set(err, errno, "mount '%s': set propagation", op->target);
		if ((op->attr_set || op->attr_clr) && set_attrs(nfd, op, err) < 0)
			return urun_err_wrap(err, "mount '%s'", op->target);
	}
	return 0;
}
