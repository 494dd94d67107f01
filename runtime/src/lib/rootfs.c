/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container root filesystem (rootfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#include "cleanup.h"
#include "error.h"
#include "mount.h"
#include "procfs.h"
#include "rootfs.h"
#include "spec.h"
#include "util.h"

static bool
has_mount_at(const struct urun_spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const char *d = spec->mounts[i].destination;

		while (*d == '/' && d[1] == '/')
			d++;
		if (strcmp(d, dest) == 0 || (d[0] != '/' && strcmp(d, dest + 1) == 0))
			return true;
	}
	return false;
}

static int
apply_mounts(int rootfd, const struct urun_spec *spec, const struct rootfs_opts *o,
	     struct urun_err **err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct mount_op op;
		int r;

		if (mount_plan(&spec->mounts[i], &op, err) < 0)
			return urun_err_wrap(err, "mounts[%zu]", i);
		op.userns_fd = o->mount_userns ? o->mount_userns[i] : -1;
		if (op.idmap && op.userns_fd < 0) {
			mount_op_release(&op);
			return urun_err_set(err, 0, "mounts[%zu]: idmap without a mapping", i);
		}
		r = mount_apply(rootfd, &op, o->cgroup_path, err);
		mount_op_release(&op);
		if (r < 0)
			return urun_err_wrap(err, "mounts[%zu]", i);
	}
	return 0;
}

int
rootfs_prepare(const struct urun_spec *spec, const struct rootfs_opts *o,
	       struct urun_err **err)
{
	_cleanup_close_ int rootfd = -1;
	struct stat st;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return urun_err_set(err, errno, "make / rslave");
	if (lstat(spec->root_path, &st) < 0)
		return urun_err_set(err, errno, "root.path '%s'", spec->root_path);
	if (!S_ISDIR(st.st_mode))
		return urun_err_set(err, 0, "root.path '%s': not a directory (symlinks are "
				    "not followed)", spec->root_path);
	/* pivot_root needs the new root to be a mount point. */
	if (mount(spec->root_path, spec->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return urun_err_set(err, errno, "bind root.path '%s'", spec->root_path);
	rootfd = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (rootfd < 0)
		return urun_err_set(err, errno, "open root.path '%s'", spec->root_path);
	if (apply_mounts(rootfd, spec, o, err) < 0)
		return -1;
	phase_mark("mounts");
	if (has_mount_at(spec, "/dev") && dev_setup(rootfd, spec, o->in_userns, err) < 0)
		return -1;
	if (!has_mount_at(spec, "/dev") && spec->n_devices && dev_setup(rootfd, spec,
									 o->in_userns, err) < 0)
		return -1;
	if (chdir(spec->root_path) < 0)
		return urun_err_set(err, errno, "chdir '%s'", spec->root_path);
	return 0;
}

/* pivot_root(".", "."): the old root is stacked on top of the new one and can
 * be detached without a directory to hold it (see pivot_root(2), NOTES). */
static int
do_pivot(struct urun_err **err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
	_cleanup_close_ int newroot = open(".", O_DIRECTORY | O_PATH | O_CLOEXEC);

	if (oldroot < 0 || newroot < 0)
		return urun_err_set(err, errno, "open roots");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return urun_err_set(err, errno, "pivot_root");
	if (fchdir(oldroot) < 0)
		return urun_err_set(err, errno, "fchdir old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return urun_err_set(err, errno, "make old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return urun_err_set(err, errno, "detach old root");
	if (fchdir(newroot) < 0 || chdir("/") < 0)
		return urun_err_set(err, errno, "chdir to the new root");
	return 0;
}

/* --no-pivot (ramfs roots, where pivot_root fails): move and chroot. */
static int
do_chroot(struct urun_err **err)
{
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return urun_err_set(err, errno, "move the root mount");
	if (chroot(".") < 0 || chdir("/") < 0)
		return urun_err_set(err, errno, "chroot");
	return 0;
}

/* The mask for files: the container's /dev/null, opened without following a
 * symlink and checked to be the null device (CVE-2025-31133: an image whose
 * /dev/null is a symlink to a /proc/sys file, or a plain file, would turn
 * every masked file into a writable view of that file). Like runc, refuse
 * rather than fall back: a config that masks files needs a real /dev/null. */
static int
open_null(struct urun_err **err)
{
	_cleanup_close_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return urun_err_set(err, errno, "linux.maskedPaths: open the container's "
				    "'/dev/null'");
	if (fstat(fd, &st) < 0)
		return urun_err_set(err, errno, "linux.maskedPaths: stat '/dev/null'");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return urun_err_set(err, 0, "linux.maskedPaths: the container's '/dev/null' is "
				    "not the null device (char 1:3) but a %s: refusing to mask "
				    "files with it", S_ISLNK(st.st_mode) ? "symlink" :
				    S_ISREG(st.st_mode) ? "regular file" : "different file");
	return take_fd(&fd);
}

/* Where maskedPaths and readonlyPaths are opened from. Each is opened once
 * and everything after goes by that fd. Under /proc, when the config mounts
 * proc there, beneath that procfs (whose own symlinks can be trusted);
 * elsewhere through no symlink at all: a racer that swaps a directory of the
 * rootfs with a symlink (CVE-2019-19921) then makes create fail instead of
 * making a path look absent, and so left unmasked or writable. */
struct path_roots {
	int root;	/* "/" */
	int proc;	/* the procfs root at /proc, or -1: the config mounts none */
};

static void
path_roots_release(struct path_roots *r)
{
	closep(&r->root);
	closep(&r->proc);
}

/* The fd of PATH (O_PATH), -2 when it does not exist, -1 with *ERR. */
static int
open_target(const struct path_roots *r, const char *path, struct urun_err **err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS };
	int fd;

	if (r->proc >= 0 && strncmp(path, "/proc", 5) == 0 &&
	    (path[5] == '/' || path[5] == '\0')) {
		fd = procfs_openat(r->proc, path, O_PATH, false, err);
		if (fd < 0 && (*err)->errnum == ENOENT) {
			urun_err_free(err);
			return -2;
		}
		return fd;
	}
	fd = (int)syscall(SYS_openat2, r->root, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOENT)
		return -2;
	if (fd < 0)
		return urun_err_set(err, errno, "open '%s'%s", path, errno == ELOOP ?
				    " (a symlink on the way, which is not followed here)" : "");
	return fd;
}

/* Files get the null device bound by fd, directories an empty read-only
 * tmpfs; *NULLFD is opened on the first file. */
static int
mask_path(const struct path_roots *r, const char *path, int *nullfd, struct urun_err **err)
{
	_cleanup_close_ int fd = open_target(r, path, err);
	struct stat st;

	if (fd == -2)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? urun_err_wrap(err, "linux.maskedPaths")
			      : urun_err_set(err, errno, "linux.maskedPaths '%s'", path);
	if (S_ISDIR(st.st_mode)) {
		if (mount_tmpfs_ro_fd(fd, err) < 0)
			return urun_err_wrap(err, "linux.maskedPaths '%s'", path);
		return 0;
	}
	if (*nullfd < 0 && (*nullfd = open_null(err)) < 0)
		return -1;
	if (mount_bind_fd(*nullfd, fd, err) < 0)
		return urun_err_wrap(err, "linux.maskedPaths '%s'", path);
	return 0;
}

/* Bound onto itself by fd, the new mount read-only: no path is resolved
 * again and nothing under /proc is needed. */
static int
readonly_path(const struct path_roots *r, const char *path, struct urun_err **err)
{
	_cleanup_close_ int fd = open_target(r, path, err);

	if (fd == -2)
		return 0;
	if (fd < 0)
		return urun_err_wrap(err, "linux.readonlyPaths");
	if (mount_bind_ro_fd(fd, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			     err) < 0)
		return urun_err_wrap(err, "linux.readonlyPaths '%s'", path);
	return 0;
}

/* Masks first, then readonly paths: a mask adds nothing writable but the
 * null device, so no order can make a readonly path writable. */
static int
protect_paths(const struct urun_spec *spec, struct urun_err **err)
{
	_cleanup_(path_roots_release) struct path_roots r = { -1, -1 };
	_cleanup_close_ int nullfd = -1;

	r.root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r.root < 0)
		return urun_err_set(err, errno, "open '/'");
	/* proc was mounted at /proc: it must still be there, not a symlink. */
	if (has_mount_at(spec, "/proc") && (spec->masked_paths || spec->readonly_paths) &&
	    (r.proc = procfs_root("/proc", err)) < 0)
		return urun_err_wrap(err, "linux.maskedPaths and linux.readonlyPaths");
	for (char **p = spec->masked_paths; p && *p; p++)
		if (mask_path(&r, *p, &nullfd, err) < 0)
			return -1;
	for (char **p = spec->readonly_paths; p && *p; p++)
		if (readonly_path(&r, *p, err) < 0)
			return -1;
	return 0;
}

/* Only sysctls of a namespace the container has its own of may be set: any
 * other would change the host (runc's list; config-linux.md). */
int
sysctl_check(const struct urun_spec *spec, struct urun_err **err)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
		"kernel.shm_rmid_forced" };
	const char *k;
	json_t *v;

	json_object_foreach(spec->sysctl, k, v) {
		int ns = 0;

		for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
			if (strcmp(k, ipc[i]) == 0)
				ns = CLONE_NEWIPC;
		if (strncmp(k, "fs.mqueue.", 10) == 0)
			ns = CLONE_NEWIPC;
		else if (strncmp(k, "net.", 4) == 0)
			ns = CLONE_NEWNET;
		else if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
			ns = CLONE_NEWUTS;
		if (ns == 0)
			return urun_err_set(err, 0, "linux.sysctl.%s: not a namespaced sysctl "
					    "(setting it would change the host)", k);
		if (urun_spec_ns(spec, ns) == NULL)
			return urun_err_set(err, 0, "linux.sysctl.%s: needs the container's own "
					    "%s namespace", k, ns == CLONE_NEWNET ? "network" :
					    ns == CLONE_NEWIPC ? "ipc" : "uts");
	}
	return 0;
}

static int
write_sysctls(const struct urun_spec *spec, struct urun_err **err)
{
	const char *k;
	json_t *v;

	json_object_foreach(spec->sysctl, k, v) {
		_cleanup_free_ char *path = xasprintf("/proc/sys/%s", k);

		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (procfs_write(path, json_string_value(v), err) < 0)
			return urun_err_wrap(err, "linux.sysctl.%s", k);
	}
	return 0;
}

int
rootfs_finish(const struct urun_spec *spec, const struct rootfs_opts *o,
	      struct urun_err **err)
{
	if ((o->no_pivot ? do_chroot(err) : do_pivot(err)) < 0)
		return -1;
	phase_mark("createContainer hooks, pivot_root");
	/* Sysctls first: readonlyPaths usually include /proc/sys. Each is
	 * written through a /proc checked to be procfs (procfs.h). */
	if (write_sysctls(spec, err) < 0)
		return -1;
	if (protect_paths(spec, err) < 0)
		return -1;
	phase_mark("sysctls, masked and readonly paths");
	if (spec->root_readonly) {
		_cleanup_close_ int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return urun_err_set(err, errno, "root.readonly: open '/'");
		if (mount_set_readonly(fd, 0, err) < 0)
			return urun_err_wrap(err, "root.readonly");
	}
	if (spec->rootfs_propagation &&
	    mount(NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
		return urun_err_set(err, errno, "linux.rootfsPropagation");
	return 0;
}
