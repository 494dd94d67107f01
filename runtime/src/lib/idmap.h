/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a new user namespace's uid_map and gid_map from the parent. */
#ifndef URUN_IDMAP_H
#define URUN_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

struct urun_err;
struct urun_spec;

/* True when the caller can write the maps itself: root, or one mapping each
 * of its own uid and gid (the kernel's rule for unprivileged writers). */
bool idmap_direct_ok(const struct urun_spec *spec);
/* Write PID's maps: directly when allowed (then "deny" setgroups when
 * unprivileged), else through newuidmap/newgidmap. Errors name the mapping. */
int idmap_write(pid_t pid, const struct urun_spec *spec, struct urun_err **err);

#endif
