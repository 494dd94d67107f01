/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup internals shared by cgroup*.c and test_cgroup.c: the host layout read
 * from mountinfo, cgroupsPath resolution, and the plan of file writes that
 * linux.resources turns into. Every path is under a root prefix ("" on the
 * host) so that tests run against a fake tree. */
#ifndef URUN_CGROUP_INT_H
#define URUN_CGROUP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct urun_err;

enum cg_ctrl {
	CG_CPU, CG_CPUACCT, CG_CPUSET, CG_MEMORY, CG_DEVICES, CG_FREEZER, CG_NET_CLS,
	CG_NET_PRIO, CG_BLKIO, CG_PERF_EVENT, CG_HUGETLB, CG_PIDS, CG_RDMA, CG_MISC,
	CG_NCTRL
};
#define CG_BIT(c) (1u << (c))

enum cg_mode { CG_MODE_V1, CG_MODE_HYBRID, CG_MODE_V2 };

struct cg_hier {
	char *dir;		/* mount point, with the root prefix */
	char *mnt_root;		/* mountinfo "root": the cgroup that DIR shows */
	char *name;		/* v1 named hierarchy ("systemd" for name=systemd), or NULL */
	char *self;		/* the caller's cgroup, relative to DIR ("/" at the top) */
	unsigned ctrls;		/* CG_BIT()s: mounted v1 controllers, or v2 cgroup.controllers */
	bool v2;
};

struct cg_layout {
	char *root;		/* prefix of /proc and of the mount points */
	enum cg_mode mode;
	struct cg_hier *h;
	size_t n;
};

/* Read ROOT/proc/self/mountinfo and ROOT/proc/self/cgroup. Fails when no cgroup
 * hierarchy is mounted. */
struct cg_layout *cg_layout_load(const char *root, struct urun_err **err);
void cg_layout_free(struct cg_layout *l);
void cg_layout_freep(struct cg_layout **l);
#define _cleanup_layout_ __attribute__((cleanup(cg_layout_freep)))

/* Controller name: v1 ("blkio") or v2 ("io"); -1 / NULL when unknown. */
const char *cg_ctrl_name(enum cg_ctrl c, bool v2);
int cg_ctrl_from_name(const char *name, bool v2);
/* The hierarchy that runs controller C: its v1 mount, else the v2 hierarchy
 * when that offers C; -1 if none. */
int cg_owner(const struct cg_layout *l, enum cg_ctrl c);
/* The v2 hierarchy, or -1. */
int cg_v2_index(const struct cg_layout *l);
/* Whether containers get a cgroup in H: controller hierarchies, v2, and the
 * named v1 hierarchy name=systemd (runc joins it too, so that the container
 * leaves the caller's systemd cgroup); not other named hierarchies. */
bool cg_used(const struct cg_hier *h);

/* Map systemd's "slice:prefix:name" to a plain absolute path in *OUT. Returns
 * 1 when S has that form, 0 when it does not, -1 for a malformed slice. */
int cg_systemd_path(const char *s, char **out, struct urun_err **err);
/* The container's cgroup in each hierarchy for CGROUPS_PATH (NULL: "/urun/ID"),
 * relative to the hierarchy's mount point. *PATHS has l->n entries, NULL for
 * unused hierarchies; free with strv-style cg_paths_free(paths, l->n). */
int cg_resolve(const struct cg_layout *l, const char *cgroups_path, const char *id,
	       char ***paths, struct urun_err **err);
void cg_paths_free(char **paths, size_t n);
/* The string kept in state.json: the path when it is the same in every
 * hierarchy, else "controllers:path" lines (a relative cgroupsPath on a v1
 * host where the caller sits in different cgroups per hierarchy). */
char *cg_paths_encode(const struct cg_layout *l, char **paths);
int cg_paths_decode(const struct cg_layout *l, const char *s, char ***paths,
		    struct urun_err **err);
/* Ownership (what state.json keeps next to the path): OWNED[i] is the topmost
 * directory create made in hierarchy i, relative to its mount (PATHS[i] or
 * one of its ancestors), NULL when it made none there. Encoded like the paths;
 * "" when nothing was made. */
char *cg_owned_encode(const struct cg_layout *l, char **paths, char **owned);
int cg_owned_decode(const struct cg_layout *l, const char *s, char ***owned,
		    struct urun_err **err);
/* Where process PID is now, per hierarchy, relative to the mounts. */
int cg_proc_paths(const struct cg_layout *l, pid_t pid, char ***paths, struct urun_err **err);
/* Full directory of PATHS[i] in hierarchy I. */
char *cg_dir(const struct cg_layout *l, size_t i, const char *path);

struct cg_op {
	int hier;		/* index into layout->h */
	char *field;		/* JSON path, for errors */
	char *file;		/* "memory.limit_in_bytes" */
	char *value;
	char *alt_file;		/* written when FILE does not exist, may be NULL */
	char *alt_value;	/* value for ALT_FILE (defaults to VALUE) */
	bool optional;		/* no error when neither file exists */
	bool check_below;	/* not a write: fail unless FILE (a usage) < VALUE */
};

struct cg_plan {
	struct cg_op *ops;
	size_t n, cap;
	unsigned v2_ctrls;	/* controllers to enable in the v2 ancestors */
};

/* RESOURCES (linux.resources, may be NULL) -> file writes, in order. Checks
 * types and that the host has the controllers; errors name the field. */
int cg_plan_build(const struct cg_layout *l, json_t *resources, struct cg_plan *plan,
		  struct urun_err **err);
void cg_plan_release(struct cg_plan *plan);
/* Write the plan; DIRS[i] is the container's directory in hierarchy i. */
int cg_plan_apply(const struct cg_plan *plan, char **dirs, struct urun_err **err);

/* Append an op (takes VALUE). Used by the plan builders. */
struct cg_op *cg_plan_add(struct cg_plan *plan, int hier, const char *field,
			  const char *file, char *value);
/* Builders for blockIO and devices (cgroup_plan_io.c). */
int cg_plan_blkio(const struct cg_layout *l, json_t *res, struct cg_plan *plan,
		  struct urun_err **err);
int cg_plan_devices(const struct cg_layout *l, json_t *res, struct cg_plan *plan,
		    struct urun_err **err);

/* Check a linux.resources.unified key: a file name of the v2 hierarchy, never
 * a cgroup interface file ("cgroup.procs" would move any host process). */
int cg_unified_key_check(const char *key, const char *field, struct urun_err **err);

/* Append the pids in DIR/cgroup.procs and in every cgroup below DIR. */
int cg_collect_pids(const char *dir, pid_t **pids, size_t *n, struct urun_err **err);

/* The operations behind the public API, on layout L. */
int cg_enter_at(const struct cg_layout *l, const char *id, json_t *linux_obj, pid_t pid,
		char **path, char **owned, struct urun_err **err);
int cg_join_at(const struct cg_layout *l, const char *path, pid_t pid, struct urun_err **err);
int cg_pids_at(const struct cg_layout *l, const char *path, pid_t **pids, size_t *n,
	       struct urun_err **err);
int cg_freeze_at(const struct cg_layout *l, const char *path, bool frozen,
		 struct urun_err **err);
bool cg_frozen_at(const struct cg_layout *l, const char *path);
int cg_destroy_at(const struct cg_layout *l, const char *path, const char *owned,
		  struct urun_err **err);
/* Apply RESOURCES to the existing cgroup PATH (update, device rules). */
int cg_apply_at(const struct cg_layout *l, const char *path, json_t *resources,
		struct urun_err **err);

/* Small file helpers: -1 with errno. */
int cg_write(const char *dir, const char *file, const char *value);
char *cg_read(const char *dir, const char *file);

#endif
