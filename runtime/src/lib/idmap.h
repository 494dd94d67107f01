/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a new user namespace's uid_map and gid_map from the parent. */
#ifndef URUN_IDMAP_H
#define URUN_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct urun_err;
struct urun_spec;
struct urun_idmap;

/* True when the caller can write the maps itself: root, or one mapping each
 * of its own uid and gid (the kernel's rule for unprivileged writers). */
bool idmap_direct_ok(const struct urun_spec *spec);
/* Write PID's maps: directly when allowed (then "deny" setgroups when
 * unprivileged), else through newuidmap/newgidmap. Errors name the mapping. */
int idmap_write(pid_t pid, const struct urun_spec *spec, struct urun_err **err);

/* A user namespace holding these mappings, for an idmapped mount; returns its
 * fd (O_CLOEXEC). Needs privilege over the host ids (root). */
int idmap_userns_fd(const struct urun_idmap *uids, size_t nu, const struct urun_idmap *gids,
		    size_t ng, struct urun_err **err);
/* For each mount of SPEC that is idmapped, such a namespace (the mount's own
 * mappings, else the container's); *FDS gets one entry per mount, -1 for the
 * others. Free with idmap_close_fds. */
int idmap_mount_fds(const struct urun_spec *spec, int **fds, struct urun_err **err);
void idmap_close_fds(int *fds, size_t n);

#endif
