/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's root filesystem, built inside its mount namespace: mounts,
 * /dev, pivot_root, masked and read-only paths, sysctls (docs/design.md). */
#ifndef URUN_ROOTFS_H
#define URUN_ROOTFS_H

#include <stdbool.h>

struct urun_err;
struct urun_spec;

struct rootfs_opts {
	const char *cgroup_path;	/* for "cgroup" mounts, may be NULL */
	bool no_pivot;			/* --no-pivot: MS_MOVE + chroot */
	bool in_userns;			/* mknod is not allowed: bind host nodes */
	const int *mount_userns;	/* per config mount: idmap user namespace fd or -1 */
};

/* Everything before pivot_root: propagation, the rootfs bind, config mounts,
 * /dev. Leaves the cwd at the rootfs. */
int rootfs_prepare(const struct urun_spec *spec, const struct rootfs_opts *o,
		   struct urun_err **err);
/* pivot_root into the rootfs and finish: masked and read-only paths, sysctls,
 * read-only root, rootfsPropagation. */
int rootfs_finish(const struct urun_spec *spec, const struct rootfs_opts *o,
		  struct urun_err **err);
/* linux.sysctl: only namespaced sysctls of namespaces the container has. */
int sysctl_check(const struct urun_spec *spec, struct urun_err **err);
/* Default devices and linux.devices in the rootfs /dev (ROOTFD: the rootfs). */
int dev_setup(int rootfd, const struct urun_spec *spec, bool in_userns, struct urun_err **err);

#endif
