/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounts: config "mounts" -> a plan of struct mount_op (no kernel calls, unit
 * tested), then mount_apply() inside the rootfs. Targets are resolved with
 * openat2(RESOLVE_IN_ROOT), so a symlink can never lead a mount out of the rootfs. */
#ifndef URUN_MOUNT_H
#define URUN_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

struct urun_err;
struct urun_mount;

enum mount_kind { MOUNT_FS, MOUNT_BIND, MOUNT_CGROUP };

/* Where a destination lies relative to /proc (CVE-2019-16884: a mount inside
 * /proc can hide the procfs files the runtime and LSMs rely on). */
enum proc_dest {
	PROC_DEST_OUTSIDE,	/* not /proc, nothing under it */
	PROC_DEST_ROOT,		/* /proc itself: proc, or a bind of a procfs root */
	PROC_DEST_EMULATED,	/* a file lxcfs emulates (/proc/meminfo, ...) */
	PROC_DEST_REFUSED,	/* anything else under /proc */
};

struct mount_op {
	enum mount_kind kind;
	char *source;
	char *target;		/* absolute inside the container */
	char *fstype;
	unsigned long flags;	/* MS_* for mount(2) */
	unsigned long propagation;	/* MS_SHARED|MS_SLAVE|... (| MS_REC), 0 none */
	uint64_t attr_set, attr_clr;	/* MOUNT_ATTR_* applied recursively (rro, ...) */
	char *data;		/* fs-specific options, comma-separated, or NULL */
	bool recursive;		/* rbind */
	bool idmap;		/* idmap/ridmap option, or mappings given */
	bool idmap_recursive;	/* ridmap */
	int userns_fd;		/* the mapping's user namespace, set by the caller */
	bool copy_up;		/* tmpcopyup: the tmpfs starts with what it covers */
	enum proc_dest proc_dest;	/* of target */
	bool real_dir;		/* proc, sysfs, or at /proc or /sys: never through a
				 * symlink in the destination's place */
};

/* Turn one config mount into an op; errors name the option ("unknown mount
 * option 'x'"). */
int mount_plan(const struct urun_mount *m, struct mount_op *op, struct urun_err **err);
void mount_op_release(struct mount_op *op);
/* Classify DEST (absolute; repeated slashes and "." allowed, no ".."). Pure. */
enum proc_dest mount_proc_dest(const char *dest);

/* Open PATH (absolute, inside the root ROOTFD) as O_PATH, creating missing
 * directories, and the last component as a directory or (IS_FILE) an empty file. */
int resolve_in_root(int rootfd, const char *path, bool create, bool is_file,
		    struct urun_err **err);
/* Perform OP inside ROOTFD (the rootfs, a mount point). CGROUP_PATH: the
 * container's cgroup, for type "cgroup" mounts; may be NULL. */
int mount_apply(int rootfd, const struct mount_op *op, const char *cgroup_path,
		struct urun_err **err);
/* Bind-remount the mount at /proc/self/fd/FD adding FLAGS, keeping flags the
 * kernel locks in a user namespace (nosuid, nodev, noexec, atime). */
int remount_bind(int fd, unsigned long flags, struct urun_err **err);
/* Make the mount at FD read-only and add ATTRS (MOUNT_ATTR_*), with
 * mount_setattr(2): no path, so nothing under /proc is needed (after
 * pivot_root /proc is whatever the container root holds). */
int mount_set_readonly(int fd, uint64_t attrs, struct urun_err **err);
/* Bind what SRC (an fd) is onto DST (an fd) with open_tree(2) and
 * move_mount(2): no path is resolved again, no /proc is needed. */
int mount_bind_fd(int src, int dst, struct urun_err **err);
/* Bind what FD is (recursively) onto itself, the new top mount read-only
 * with ATTRS added (open_tree, mount_setattr, move_mount: by fd only). */
int mount_bind_ro_fd(int fd, uint64_t attrs, struct urun_err **err);
/* Mount an empty read-only tmpfs on DST (an fd): fsopen, fsmount, move_mount. */
int mount_tmpfs_ro_fd(int dst, struct urun_err **err);

#endif
