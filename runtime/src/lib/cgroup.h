/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container cgroups on v1, v2 and hybrid hosts (this project's CI host is hybrid:
 * v1 controllers under /sys/fs/cgroup/<ctrl>, a v2 tree at /sys/fs/cgroup/unified). */
#ifndef URUN_CGROUP_H
#define URUN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct urun_err;

/* Check linux.resources and linux.cgroupsPath (LINUX is the "linux" object, may be
 * NULL) against what the host offers; errors name the field
 * ("linux.resources.memory.limit: ..."). No side effects. */
int urun_cgroup_validate(json_t *linux_obj, struct urun_err **err);
/* Create the container's cgroup (linux.cgroupsPath, default "/urun/<id>"), apply
 * linux.resources, and move PID into it in every hierarchy. An existing cgroup
 * is used only when no process lives in it or below it (runc's "container's
 * cgroup is not empty"). On success *path is the cgroup path and *owned says
 * which directories urun made (both opaque strings to keep in state.json for
 * urun_cgroup_destroy); on failure nothing is left. */
int urun_cgroup_enter(const char *id, json_t *linux_obj, pid_t pid, char **path,
		      char **owned, struct urun_err **err);
/* Apply RESOURCES (a linux.resources object) to an existing container cgroup. */
int urun_cgroup_apply(const char *path, json_t *resources, struct urun_err **err);
/* Move PID into an existing container cgroup (exec). */
int urun_cgroup_join(const char *path, pid_t pid, struct urun_err **err);
/* The pids in the container's cgroup; *pids is malloc'd. */
int urun_cgroup_pids(const char *path, pid_t **pids, size_t *n, struct urun_err **err);
/* Freeze or thaw the container (pause/resume). */
int urun_cgroup_freeze(const char *path, bool frozen, struct urun_err **err);
/* What urun_cgroup_enter would return for ID and LINUX if it ran now: the
 * path, and as owned the directories it would have to make. Create records
 * both before entering, so a create killed inside enter leaves a record that
 * removes only what it may have made. */
int urun_cgroup_intended(const char *id, json_t *linux_obj, char **path, char **owned,
			 struct urun_err **err);
/* Whether urun made the leaf cgroup of PATH in every hierarchy (OWNED from
 * enter or intended; NULL, an old state.json: true). Only then may the
 * processes found in it be taken for the container's. */
bool urun_cgroup_owns_leaf(const char *path, const char *owned);
/* True when the container's cgroup is frozen. */
bool urun_cgroup_frozen(const char *path);
/* Remove the cgroup directories urun made for the container (OWNED from
 * urun_cgroup_enter; processes must be gone): the leaf with what the container
 * made below it, then the parents urun made that are empty by now. A cgroup
 * urun found already there is left alone. OWNED NULL (a state.json from
 * before ownership was kept): the leaf, as urun always did. */
int urun_cgroup_destroy(const char *path, const char *owned, struct urun_err **err);
/* Whether RESOURCES (linux.resources) would write any cgroup file, on any
 * host: an empty object, nulls and zero "unset" values do nothing. True for
 * an invalid value. Reads nothing from the host. */
bool urun_cgroup_resources_effective(json_t *resources);
/* The "cgroup" object of features-linux.json. Caller decrefs. */
json_t *urun_cgroup_features(void);

#endif
