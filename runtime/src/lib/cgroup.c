/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container cgroups (cgroup.h): create the cgroup in every hierarchy, apply the
 * resource plan, move the process in, and undo all of it on failure. pids,
 * freeze and destroy are in cgroup_ops.c; the layout and paths in
 * cgroup_layout.c; resources in cgroup_plan*.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "log.h"
#include "util.h"

struct enter {
	const struct cg_layout *l;
	pid_t pid;
	char **paths;		/* per hierarchy, relative to its mount; NULL if unused */
	char **dirs;		/* the same, full directories */
	char **orig;		/* where PID was before, for the rollback */
	char **owned;		/* per hierarchy, the topmost directory we made */
	char **created;		/* directories we made, in order */
	size_t n_created;
	size_t n_joined;	/* hierarchies PID was moved into (a prefix of l->h) */
	struct cg_plan plan;
};

/* On v1 a new cpuset cgroup starts with empty cpus and mems, and no task can
 * join it until they are set: inherit them from the parent. */
static int
cpuset_inherit(const char *parent, const char *dir, struct urun_err **err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *cur = cg_read(dir, files[i]);
		_cleanup_free_ char *up = NULL;

		if (cur && strspn(cur, " \n") != strlen(cur))
			continue;
		up = cg_read(parent, files[i]);
		if (up == NULL || cg_write(dir, files[i], up) < 0)
			return urun_err_set(err, errno, "copy %s from '%s' to '%s'", files[i],
					    parent, dir);
	}
	return 0;
}

static void
created_push(struct enter *e, const char *dir)
{
	e->created = xrealloc(e->created, (e->n_created + 1) * sizeof(char *));
	e->created[e->n_created++] = xstrdup(dir);
}

/* A cgroup that was already there may hold nothing: processes in it or in a
 * cgroup below it belong to someone else, and the container's pause, kill
 * --all, delete and limits would reach them (runc: "container's cgroup is not
 * empty"). */
static int
check_empty(const char *dir, struct urun_err **err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (cg_collect_pids(dir, &pids, &n, err) < 0)
		return urun_err_wrap(err, "linux.cgroupsPath: check that '%s' is empty", dir);
	if (n > 0)
		return urun_err_set(err, 0, "linux.cgroupsPath: container's cgroup is not "
				    "empty: '%s' holds %zu process(es) (pid %d)%s", dir, n,
				    (int)pids[0], n > 1 ? " and more" : "");
	return 0;
}

/* mkdir each component of PATH below the mount of hierarchy I, noting the
 * topmost one made (e->owned[i]). A component that vanishes under us (a
 * delete removing an empty parent it made) makes us start over. */
static int
make_dirs_once(struct enter *e, size_t i, bool *vanished, struct urun_err **err)
{
	const struct cg_hier *h = &e->l->h[i];
	bool cpuset = !h->v2 && (h->ctrls & CG_BIT(CG_CPUSET));
	_cleanup_free_ char *copy = xstrdup(e->paths[i]);
	_cleanup_free_ char *cur = xstrdup(h->dir);
	size_t base = strlen(h->dir);
	char *save = NULL;
	bool made = false;

	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		char *next = xasprintf("%s/%s", cur, t);

		made = mkdir(next, 0755) == 0;
		if (!made && errno == ENOENT && strlen(cur) > base) {
			*vanished = true;
			free(next);
			return -1;
		}
		if (!made && errno != EEXIST) {
			urun_err_set(err, errno, "mkdir '%s'", next);
			free(next);
			return -1;
		}
		if (made) {
			created_push(e, next);
			if (e->owned[i] == NULL)
				e->owned[i] = xstrdup(next + base);
		}
		if (cpuset && cpuset_inherit(cur, next, err) < 0) {
			free(next);
			return -1;
		}
		free(cur);
		cur = next;
	}
	return made ? 0 : check_empty(cur, err);
}

static int
make_dirs(struct enter *e, size_t i, struct urun_err **err)
{
	for (int attempt = 0;; attempt++) {
		bool vanished = false;

		if (make_dirs_once(e, i, &vanished, err) == 0)
			return 0;
		if (!vanished)
			return -1;
		if (attempt == 4)
			return urun_err_set(err, ENOENT, "mkdir '%s%s': a parent keeps vanishing",
					    e->l->h[i].dir, e->paths[i]);
	}
}

/* Enable the plan's controllers in cgroup.subtree_control of every v2
 * ancestor, top down, so the container cgroup gets their files. */
static int
enable_v2(struct enter *e, struct urun_err **err)
{
	int i = cg_v2_index(e->l);
	_cleanup_free_ char *copy = NULL, *cur = NULL;
	char *save = NULL, *t, *next;

	if (i < 0 || e->plan.v2_ctrls == 0 || e->paths[i] == NULL)
		return 0;
	copy = xstrdup(e->paths[i]);
	cur = xstrdup(e->l->h[i].dir);
	t = strtok_r(copy, "/", &save);
	while (t) {
		for (int c = 0; c < CG_NCTRL; c++) {
			_cleanup_free_ char *plus = NULL;

			if (!(e->plan.v2_ctrls & CG_BIT(c)))
				continue;
			plus = xasprintf("+%s", cg_ctrl_name((enum cg_ctrl)c, true));
			if (cg_write(cur, "cgroup.subtree_control", plus) < 0)
				return urun_err_set(err, errno, "linux.resources: enable the %s "
						    "controller in '%s'", plus + 1, cur);
		}
		next = xasprintf("%s/%s", cur, t);
		free(cur);
		cur = next;
		/* The loop ends before the leaf: enabling controllers there
		 * would make it an inner node that may not hold processes. */
		t = strtok_r(NULL, "/", &save);
	}
	return 0;
}

static int
join_one(const char *dir, pid_t pid, struct urun_err **err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (cg_write(dir, "cgroup.procs", buf) < 0)
		return urun_err_set(err, errno, "move pid %d into '%s'", (int)pid, dir);
	return 0;
}

/* Put PID back where it was and remove what we created. */
static void
rollback(struct enter *e)
{
	for (size_t i = 0; i < e->n_joined; i++) {
		_cleanup_free_ char *dir = NULL;

		if (e->dirs[i] == NULL || e->orig == NULL)
			continue;
		dir = cg_dir(e->l, i, e->orig[i]);
		if (join_one(dir, e->pid, NULL) < 0)
			log_debug("cgroup rollback: cannot move %d back to '%s'", (int)e->pid, dir);
	}
	for (size_t k = e->n_created; k-- > 0;)
		if (rmdir(e->created[k]) < 0)
			log_debug("cgroup rollback: rmdir '%s': %s", e->created[k], strerror(errno));
}

static void
enter_release(struct enter *e)
{
	cg_paths_free(e->paths, e->l->n);
	cg_paths_free(e->dirs, e->l->n);
	cg_paths_free(e->orig, e->l->n);
	cg_paths_free(e->owned, e->l->n);
	cg_paths_free(e->created, e->n_created);
	cg_plan_release(&e->plan);
}

static int
enter_steps(struct enter *e, struct urun_err **err)
{
	const struct cg_layout *l = e->l;

	e->dirs = xcalloc(l->n, sizeof(char *));
	e->owned = xcalloc(l->n, sizeof(char *));
	for (size_t i = 0; i < l->n; i++) {
		if (e->paths[i] == NULL)
			continue;
		e->dirs[i] = cg_dir(l, i, e->paths[i]);
		if (make_dirs(e, i, err) < 0)
			return -1;
	}
	if (enable_v2(e, err) < 0 || cg_plan_apply(&e->plan, e->dirs, err) < 0)
		return -1;
	if (cg_proc_paths(l, e->pid, &e->orig, NULL) < 0)
		log_debug("cgroup: cannot read the cgroups of pid %d", (int)e->pid);
	for (; e->n_joined < l->n; e->n_joined++) {
		size_t i = e->n_joined;

		if (e->dirs[i] && join_one(e->dirs[i], e->pid, err) < 0) {
			e->n_joined++;	/* a partial move is possible (threads) */
			return -1;
		}
	}
	return 0;
}

/* linux.cgroupsPath and linux.resources of LINUX (may be NULL). */
static int
linux_fields(json_t *linux_obj, char **cgpath, json_t **res, struct urun_err **err)
{
	*res = NULL;
	if (linux_obj == NULL || json_is_null(linux_obj))
		return 0;
	if (!json_is_object(linux_obj))
		return urun_err_set(err, 0, "linux: expected an object");
	if (json_get_str(linux_obj, "cgroupsPath", "linux.cgroupsPath", JSON_OPTIONAL, cgpath,
			 err) < 0 ||
	    json_get_obj(linux_obj, "resources", "linux.resources", JSON_OPTIONAL, res, err) < 0)
		return -1;
	return 0;
}

int
cg_enter_at(const struct cg_layout *l, const char *id, json_t *linux_obj, pid_t pid,
	    char **path, char **owned, struct urun_err **err)
{
	_cleanup_free_ char *cgpath = NULL;
	struct enter e = { .l = l, .pid = pid };
	json_t *res;
	int ret = -1;

	if (linux_fields(linux_obj, &cgpath, &res, err) < 0 ||
	    cg_plan_build(l, res, &e.plan, err) < 0)
		return -1;
	if (cg_resolve(l, cgpath, id, &e.paths, err) < 0)
		goto out;
	if (enter_steps(&e, err) < 0) {
		rollback(&e);
		goto out;
	}
	*path = cg_paths_encode(l, e.paths);
	*owned = cg_owned_encode(l, e.paths, e.owned);
	ret = 0;
out:
	enter_release(&e);
	return ret;
}

int
cg_join_at(const struct cg_layout *l, const char *path, pid_t pid, struct urun_err **err)
{
	char **paths = NULL;
	int ret = 0;

	if (cg_paths_decode(l, path, &paths, err) < 0)
		ret = -1;
	for (size_t i = 0; i < l->n && ret == 0; i++) {
		_cleanup_free_ char *dir = NULL;

		if (paths[i] == NULL)
			continue;
		dir = cg_dir(l, i, paths[i]);
		/* A container made before urun joined name=systemd has no
		 * directory there: its processes stay where they are. */
		if (!l->h[i].v2 && l->h[i].ctrls == 0 && access(dir, F_OK) < 0 &&
		    errno == ENOENT)
			continue;
		ret = join_one(dir, pid, err);
	}
	cg_paths_free(paths, l->n);
	return ret;
}

int
urun_cgroup_validate(json_t *linux_obj, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = NULL;
	_cleanup_free_ char *cgpath = NULL;
	struct cg_layout none = { .mode = CG_MODE_V1 };	/* no hierarchies */
	struct urun_err *lerr = NULL;
	struct cg_plan plan;
	char **paths = NULL;
	json_t *res;
	int ret;

	if (linux_fields(linux_obj, &cgpath, &res, err) < 0)
		return -1;
	if (cgpath == NULL && (res == NULL || json_object_size(res) == 0))
		return 0;
	l = cg_layout_load("", &lerr);
	urun_err_free(&lerr);
	if (l == NULL && res && json_object_size(res))
		return urun_err_set(err, 0, "linux.resources: no cgroup hierarchy is mounted");
	/* Without hierarchies only the syntax of cgroupsPath can be checked. */
	ret = cg_plan_build(l ? l : &none, res, &plan, err);
	if (ret == 0) {
		cg_plan_release(&plan);
		ret = cg_resolve(l ? l : &none, cgpath, "id", &paths, err);
		cg_paths_free(paths, l ? l->n : 0);
	}
	return ret;
}

/* The first directory on the way to PATH in hierarchy I that does not exist
 * yet (what make_dirs would create first), or NULL when PATH exists. */
static char *
first_missing(const struct cg_layout *l, size_t i, const char *path)
{
	size_t n = strlen(path);

	for (size_t k = 1; k <= n; k++) {
		_cleanup_free_ char *prefix = NULL, *dir = NULL;

		if (path[k] != '/' && path[k] != '\0')
			continue;
		prefix = xasprintf("%.*s", (int)k, path);
		dir = cg_dir(l, i, prefix);
		if (access(dir, F_OK) < 0)
			return steal_ptr(&prefix);
	}
	return NULL;
}

int
urun_cgroup_intended(const char *id, json_t *linux_obj, char **path, char **owned,
		     struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);
	_cleanup_free_ char *cgpath = NULL;
	char **paths = NULL, **first = NULL;
	json_t *res;

	if (l == NULL || linux_fields(linux_obj, &cgpath, &res, err) < 0 ||
	    cg_resolve(l, cgpath, id, &paths, err) < 0)
		return -1;
	first = xcalloc(l->n, sizeof(char *));
	for (size_t i = 0; i < l->n; i++)
		if (paths[i])
			first[i] = first_missing(l, i, paths[i]);
	*path = cg_paths_encode(l, paths);
	*owned = cg_owned_encode(l, paths, first);
	cg_paths_free(paths, l->n);
	cg_paths_free(first, l->n);
	return 0;
}

bool
urun_cgroup_owns_leaf(const char *path, const char *owned)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", NULL);
	char **ps = NULL, **own = NULL;
	bool all = l != NULL;

	if (owned == NULL)
		return true;	/* a state.json from before ownership was kept */
	if (l == NULL || cg_paths_decode(l, path, &ps, NULL) < 0 ||
	    cg_owned_decode(l, owned, &own, NULL) < 0)
		all = false;
	for (size_t i = 0; all && i < l->n; i++) {
		size_t n = own[i] ? strlen(own[i]) : 0;

		if (ps[i] && (own[i] == NULL || strncmp(own[i], ps[i], n) != 0 ||
			      (ps[i][n] != '\0' && ps[i][n] != '/')))
			all = false;
	}
	if (ps)
		cg_paths_free(ps, l->n);
	if (own)
		cg_paths_free(own, l->n);
	return all;
}

int
urun_cgroup_enter(const char *id, json_t *linux_obj, pid_t pid, char **path, char **owned,
		  struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);

	return l ? cg_enter_at(l, id, linux_obj, pid, path, owned, err) : -1;
}

int
cg_apply_at(const struct cg_layout *l, const char *path, json_t *resources,
	    struct urun_err **err)
{
	struct cg_plan plan = { 0 };
	char **paths = NULL, **dirs = NULL;
	int ret = -1;

	if (cg_plan_build(l, resources, &plan, err) < 0)
		return -1;
	if (cg_paths_decode(l, path, &paths, err) < 0)
		goto out;
	dirs = xcalloc(l->n, sizeof(char *));
	for (size_t i = 0; i < l->n; i++)
		if (paths[i])
			dirs[i] = cg_dir(l, i, paths[i]);
	ret = cg_plan_apply(&plan, dirs, err);
out:
	if (paths)
		cg_paths_free(paths, l->n);
	if (dirs)
		cg_paths_free(dirs, l->n);
	cg_plan_release(&plan);
	return ret;
}

int
urun_cgroup_apply(const char *path, json_t *resources, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);

	return l ? cg_apply_at(l, path, resources, err) : -1;
}

bool
urun_cgroup_resources_effective(json_t *resources)
{
	/* Whether a plan writes anything does not depend on where the
	 * controllers are: plan against a host that has them all (each v1
	 * controller on its own, every v2 one for unified), without reading
	 * the real one. */
	char none[] = "", top[] = "/";
	struct cg_hier h[CG_NCTRL + 1];
	struct cg_layout l = { .root = none, .mode = CG_MODE_HYBRID, .h = h, .n = CG_NCTRL + 1 };
	struct cg_plan plan;
	bool effective;

	if (resources == NULL || json_is_null(resources) ||
	    (json_is_object(resources) && json_object_size(resources) == 0))
		return false;
	for (int c = 0; c <= CG_NCTRL; c++)
		h[c] = (struct cg_hier){ .dir = none, .mnt_root = top, .self = top,
					 .ctrls = c < CG_NCTRL ? CG_BIT(c) : CG_BIT(CG_NCTRL) - 1,
					 .v2 = c == CG_NCTRL };
	if (cg_plan_build(&l, resources, &plan, NULL) < 0)
		return true;
	effective = plan.n > 0;
	cg_plan_release(&plan);
	return effective;
}

int
urun_cgroup_join(const char *path, pid_t pid, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);

	return l ? cg_join_at(l, path, pid, err) : -1;
}

json_t *
urun_cgroup_features(void)
{
	/* What urun implements, whatever this host mounts (features-linux.md). */
	return json_pack("{s:b, s:b, s:b, s:b, s:b}", "v1", 1, "v2", 1, "systemd", 0,
			 "systemdUser", 0, "rdma", 1);
}
