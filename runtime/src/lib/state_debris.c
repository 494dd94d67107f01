/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a dead create or a damaged container leaves behind, and how delete
 * finds and removes it (state.h): temporary directories, processes, cgroup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "state.h"
#include "util.h"

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* NAME is ".new-ID-<digits>". */
static bool
is_temp_of(const char *name, const char *id)
{
	size_t n = strlen(id);
	const char *p;

	if (strncmp(name, ".new-", 5) != 0 || strncmp(name + 5, id, n) != 0 || name[5 + n] != '-')
		return false;
	p = name + 6 + n;
	return *p != '\0' && strspn(p, "0123456789") == strlen(p);
}

/* Whether ROOT holds a temporary directory of ID at all: looked up without
 * the lock, so that creates and deletes of different ids do not queue on the
 * root's exclusive lock when there is nothing to clean (almost always). */
static bool
has_temps(const char *root, const char *id)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && is_temp_of(de->d_name, id))
			return true;
	return false;
}

void
urun_state_clean_temps(const char *root, const char *id)
{
	_cleanup_closedir_ DIR *d = NULL;
	int rootfd = -1, dfd;
	struct dirent *de;

	if (!has_temps(root, id))
		return;
	/* Exclusive: no create is between the mkdir and the flock of its
	 * temporary directory (bounded wait: a stopped create must not block
	 * us forever). */
	for (int i = 0; i < 100 && rootfd < 0; i++) {
		rootfd = state_root_lock(root, LOCK_EX | LOCK_NB);
		if (rootfd < 0 && errno != EWOULDBLOCK)
			return;
		if (rootfd < 0)
			nap_ms(10);
	}
	if (rootfd < 0)
		return;
	dfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (d == NULL && dfd >= 0)
		close(dfd);
	while (d && (de = readdir(d)) != NULL) {
		_cleanup_close_ int fd = -1;
		_cleanup_free_ char *path = NULL;

		if (!is_temp_of(de->d_name, id))
			continue;
		fd = openat(rootfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		/* Locked: a create is using it. */
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		path = xasprintf("%s/%s", root, de->d_name);
		log_debug("removing '%s', left by a create that died", path);
		remove_tree(path, NULL);
	}
	close(rootfd);
}

/* The live processes of the container's cgroup, SIGKILLed; how many. L: the
 * host's cgroups, read once for the whole reap. OURS: the cgroup's processes
 * are the container's (false when a create that died before its cgroup was
 * made recorded one that was there before). */
static size_t
kill_cgroup(const struct urun_state *st, const struct cg_layout *l, bool ours)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0, live = 0;

	if (st->cgroup_path == NULL || l == NULL || !ours ||
	    cg_pids_at(l, st->cgroup_path, &pids, &n, NULL) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		bool alive = false;

		if (proc_stat(pids[i], NULL, &alive) < 0 || !alive)
			continue;	/* zombies: PID 1 here does not reap */
		kill(pids[i], SIGKILL);
		live++;
	}
	return live;
}

int
urun_state_reap(const struct urun_state *st, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = st->cgroup_path ? cg_layout_load("", NULL) : NULL;
	bool ours = st->cgroup_path && (!st->creating ||
					urun_cgroup_owns_leaf(st->cgroup_path, st->cgroup_owned));

	/* About ten seconds in all, first in small steps. */
	for (int i = 0;; i++) {
		size_t live = kill_cgroup(st, l, ours);

		if (proc_is_ours(st->pid, st->start_time)) {
			kill(st->pid, SIGKILL);
			live++;
		}
		/* A frozen task dies only once thawed. */
		if (live && l && cg_frozen_at(l, st->cgroup_path))
			cg_freeze_at(l, st->cgroup_path, false, NULL);
		if (live == 0)
			break;
		if (i == 1000)
			return urun_err_set(err, 0, "container '%s': %zu processes did not die "
					    "after SIGKILL", st->id, live);
		nap_ms(i < 20 ? 1 : 10);
	}
	/* Without a layout, urun_cgroup_destroy reads it again and says why
	 * it cannot. */
	if (st->cgroup_path && (l ? cg_destroy_at(l, st->cgroup_path, st->cgroup_owned, err) :
				urun_cgroup_destroy(st->cgroup_path, st->cgroup_owned, err)) < 0)
		return urun_err_wrap(err, "container '%s'", st->id);
	return 0;
}
