/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Operations on an existing container cgroup (cgroup.h): list its pids,
 * freeze and thaw it, remove it. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "util.h"

#define WAIT_STEP_MS 10
#define WAIT_MAX_MS 5000

static void
nap(void)
{
	struct timespec ts = { 0, WAIT_STEP_MS * 1000000L };

	nanosleep(&ts, NULL);
}

struct paths {
	const struct cg_layout *l;
	char **p;
};

static void
paths_release(struct paths *ps)
{
	cg_paths_free(ps->p, ps->l->n);
}

/* The directory of hierarchy I, or NULL when the container has none there. */
static char *
dir_of(const struct paths *ps, int i)
{
	return i >= 0 && ps->p[i] ? cg_dir(ps->l, (size_t)i, ps->p[i]) : NULL;
}

/* The hierarchy to list processes from: on v1 pids, memory or freezer (any of
 * them holds every process of the container), else any v1 one, else v2. */
static int
procs_hier(const struct paths *ps)
{
	static const enum cg_ctrl pref[] = { CG_PIDS, CG_MEMORY, CG_FREEZER };
	int v2 = -1;

	for (size_t k = 0; k < sizeof(pref) / sizeof(pref[0]); k++) {
		int i = cg_owner(ps->l, pref[k]);

		if (i >= 0 && !ps->l->h[i].v2 && ps->p[i])
			return i;
	}
	for (size_t i = 0; i < ps->l->n; i++) {
		if (ps->p[i] && !ps->l->h[i].v2)
			return (int)i;
		if (ps->p[i])
			v2 = (int)i;
	}
	return v2;
}

int
cg_collect_pids(const char *dir, pid_t **pids, size_t *n, struct urun_err **err)
{
	_cleanup_free_ char *text = cg_read(dir, "cgroup.procs");
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	char *save = NULL;

	if (text == NULL)
		return urun_err_set(err, errno, "read '%s/cgroup.procs'", dir);
	for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		long v;

		if (parse_long(t, 1, 0x7fffffff, &v) < 0)
			continue;
		*pids = xrealloc(*pids, (*n + 1) * sizeof(pid_t));
		(*pids)[(*n)++] = (pid_t)v;
	}
	d = opendir(dir);
	if (d == NULL)
		return urun_err_set(err, errno, "opendir '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (cg_collect_pids(sub, pids, n, err) < 0)
			return -1;
	}
	return 0;
}

int
cg_pids_at(const struct cg_layout *l, const char *path, pid_t **pids, size_t *n,
	   struct urun_err **err)
{
	_cleanup_(paths_release) struct paths ps = { .l = l };
	_cleanup_free_ char *dir = NULL;
	pid_t *out = NULL;
	size_t count = 0;

	if (cg_paths_decode(l, path, &ps.p, err) < 0)
		return -1;
	dir = dir_of(&ps, procs_hier(&ps));
	if (dir == NULL)
		return urun_err_set(err, ENOENT, "cgroup '%s': no hierarchy to list", path);
	if (cg_collect_pids(dir, &out, &count, err) < 0) {
		free(out);
		return -1;
	}
	*pids = out;
	*n = count;
	return 0;
}

/* Whether FILE in DIR holds WANT (freezer.state "FROZEN", or the "frozen 1"
 * line of cgroup.events). */
static bool
holds(const char *dir, const char *file, const char *want)
{
	_cleanup_free_ char *s = cg_read(dir, file);
	size_t n = strlen(want);

	if (s == NULL)
		return false;
	for (const char *p = s; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0'))
		if (strncmp(p, want, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* v1: write the state, then wait for it: FREEZING turns into FROZEN once
 * every task has stopped. The write is repeated, as a task that was forking
 * can leave the cgroup stuck in FREEZING (runc does the same). */
static int
freeze_wait(const char *dir, bool v2, bool frozen, struct urun_err **err)
{
	const char *file = v2 ? "cgroup.freeze" : "freezer.state";
	const char *value = v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
	const char *check = v2 ? "cgroup.events" : "freezer.state";
	const char *want = v2 ? (frozen ? "frozen 1" : "frozen 0") : value;

	if (cg_write(dir, file, value) < 0)
		return urun_err_set(err, errno, "write '%s' to '%s/%s'", value, dir, file);
	for (int ms = 0; ms < WAIT_MAX_MS; ms += WAIT_STEP_MS) {
		if (holds(dir, check, want))
			return 0;
		nap();
		if (!v2 && ms % 100 == 100 - WAIT_STEP_MS)
			cg_write(dir, file, value);
	}
	if (frozen)
		cg_write(dir, file, v2 ? "0" : "THAWED");	/* do not leave it half frozen */
	return urun_err_set(err, ETIMEDOUT, "%s '%s'", frozen ? "freeze" : "thaw", dir);
}

/* The freezer: the v1 freezer hierarchy if mounted, else v2's cgroup.freeze. */
static int
freezer_hier(const struct paths *ps)
{
	int i = cg_owner(ps->l, CG_FREEZER);

	return i >= 0 && ps->p[i] ? i : cg_v2_index(ps->l);
}

int
cg_freeze_at(const struct cg_layout *l, const char *path, bool frozen, struct urun_err **err)
{
	_cleanup_(paths_release) struct paths ps = { .l = l };
	_cleanup_free_ char *dir = NULL;
	int i;

	if (cg_paths_decode(l, path, &ps.p, err) < 0)
		return -1;
	i = freezer_hier(&ps);
	dir = dir_of(&ps, i);
	if (dir == NULL)
		return urun_err_set(err, ENOTSUP, "cgroup '%s': no freezer", path);
	return freeze_wait(dir, l->h[i].v2, frozen, err);
}

bool
cg_frozen_at(const struct cg_layout *l, const char *path)
{
	_cleanup_(paths_release) struct paths ps = { .l = l };
	_cleanup_free_ char *dir = NULL;
	int i;

	if (cg_paths_decode(l, path, &ps.p, NULL) < 0)
		return false;
	i = freezer_hier(&ps);
	dir = dir_of(&ps, i);
	if (dir == NULL)
		return false;
	return holds(dir, l->h[i].v2 ? "cgroup.events" : "freezer.state",
		     l->h[i].v2 ? "frozen 1" : "FROZEN");
}

/* rmdir DIR after the cgroups the container made below it. EBUSY while the
 * last processes exit is retried for a while. */
static int
remove_cgroup(const char *dir, struct urun_err **err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return errno == ENOENT ? 0 : urun_err_set(err, errno, "opendir '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (remove_cgroup(sub, err) < 0)
			return -1;
	}
	for (int ms = 0;; ms += WAIT_STEP_MS) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || ms >= WAIT_MAX_MS / 5)
			return urun_err_set(err, errno, "rmdir '%s'", dir);
		nap();
	}
}

/* Whether directory OWNED is PATH or one of its ancestors. */
static bool
is_ancestor(const char *owned, const char *path)
{
	size_t n = strlen(owned);

	return strncmp(owned, path, n) == 0 && (path[n] == '\0' || path[n] == '/') &&
	       strcmp(owned, "/") != 0;
}

/* The parents of LEAF up to and including OWNED, deepest first, while they
 * are empty: another container may still use a shared one such as /urun. */
static void
remove_parents(const struct cg_layout *l, size_t i, const char *leaf, const char *owned)
{
	_cleanup_free_ char *p = xstrdup(leaf);
	char *slash;

	while (strcmp(p, owned) != 0 && (slash = strrchr(p, '/')) != NULL && slash != p) {
		_cleanup_free_ char *dir = NULL;

		*slash = '\0';
		dir = cg_dir(l, i, p);
		if (rmdir(dir) < 0 && errno != ENOENT)
			break;
	}
}

int
cg_destroy_at(const struct cg_layout *l, const char *path, const char *owned,
	      struct urun_err **err)
{
	_cleanup_(paths_release) struct paths ps = { .l = l };
	_cleanup_(paths_release) struct paths own = { .l = l };
	int ret = 0;

	if (cg_paths_decode(l, path, &ps.p, err) < 0 ||
	    (owned && cg_owned_decode(l, owned, &own.p, err) < 0))
		return -1;
	/* Every hierarchy is tried; the first error is reported. */
	for (size_t i = 0; i < l->n; i++) {
		_cleanup_free_ char *dir = dir_of(&ps, (int)i);

		if (dir == NULL)
			continue;
		/* Only what urun made: a cgroup that was there before create
		 * (and the parents that were) stays. */
		if (owned && (own.p[i] == NULL || !is_ancestor(own.p[i], ps.p[i])))
			continue;
		if (remove_cgroup(dir, ret ? NULL : err) < 0) {
			ret = -1;
			continue;
		}
		if (owned)
			remove_parents(l, i, ps.p[i], own.p[i]);
	}
	return ret;
}

int
urun_cgroup_pids(const char *path, pid_t **pids, size_t *n, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);

	return l ? cg_pids_at(l, path, pids, n, err) : -1;
}

int
urun_cgroup_freeze(const char *path, bool frozen, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);

	return l ? cg_freeze_at(l, path, frozen, err) : -1;
}

bool
urun_cgroup_frozen(const char *path)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", NULL);

	return l ? cg_frozen_at(l, path) : false;
}

int
urun_cgroup_destroy(const char *path, const char *owned, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = cg_layout_load("", err);

	return l ? cg_destroy_at(l, path, owned, err) : -1;
}
