/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start, kill, delete, pids, pause of an existing container (container.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "hooks.h"
#include "log.h"
#include "state.h"
#include "util.h"

/* The hooks object of the config copy create kept (config changes after
 * create must not affect the container). Caller decrefs. */
static json_t *
saved_hooks(const struct urun_state *st)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", st->dir);
	_cleanup_json_ json_t *doc = json_load_file(path, 0, NULL);
	json_t *hooks = doc ? json_object_get(doc, "hooks") : NULL;

	return json_incref(hooks);
}

/* Run STAGE of the saved config's hooks with the state as STATUS. KEEP_GOING
 * (poststop, runtime.md step 13): every hook runs, failures are warnings. */
static int
run_saved_hooks(const struct urun_state *st, const char *stage, enum status status,
		bool keep_going, struct urun_err **err)
{
	_cleanup_json_ json_t *hooks = saved_hooks(st);
	_cleanup_json_ json_t *state = NULL;
	_cleanup_free_ char *text = NULL;

	if (hooks == NULL || json_object_get(hooks, stage) == NULL)
		return 0;
	state = urun_state_to_json(st, status);
	text = json_dumps(state, JSON_COMPACT);
	if (keep_going) {
		urun_hooks_run_warn(hooks, stage, text);
		return 0;
	}
	return urun_hooks_run(hooks, stage, text, err);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Read the init's byte from the exec fifo, watching that it stays alive. */
static int
release_init(const struct urun_state *st, struct urun_err **err)
{
	_cleanup_close_ int fd = openat(st->dir_fd, "exec.fifo",
					O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char c;

	if (fd < 0)
		return urun_err_set(err, errno, "open exec fifo of '%s'", st->id);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, 100);

		if (r > 0 && read(fd, &c, 1) == 1)
			break;
		if (r < 0 && errno != EINTR)
			return urun_err_set(err, errno, "poll exec fifo");
		if (!proc_is_ours(st->pid, st->start_time))
			return urun_err_set(err, 0, "container '%s' exited before it started "
					    "(a startContainer hook failed? its error is on the "
					    "container's stderr)", st->id);
		if (r > 0)	/* POLLHUP before the write: wait for the writer */
			sleep_ms(5);
	}
	unlinkat(st->dir_fd, "exec.fifo", 0);
	return 0;
}

int
urun_container_start(const char *root, const char *id, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, true, err);
	enum status s;

	if (st == NULL)
		return -1;
	s = urun_state_status(st);
	if (st->creating || s != STATUS_CREATED)
		return urun_err_set(err, 0, "cannot start container '%s': it is %s", id,
				    st->creating ? "being created" : urun_status_name(s));
	if (release_init(st, err) < 0)
		return -1;
	if (run_saved_hooks(st, "poststart", STATUS_RUNNING, false, err) < 0) {
		/* runtime.md v1.3.0: a failing poststart hook stops the container. */
		kill(st->pid, SIGKILL);
		return urun_err_wrap(err, "start '%s'", id);
	}
	return 0;
}

static ino_t
ns_inode(pid_t pid, const char *ns)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	return stat(path, &sb) < 0 ? 0 : sb.st_ino;
}

/* Without a cgroup: every process in the init's pid namespace, when the
 * container has its own; else the init alone. */
static int
pidns_pids(const struct urun_state *st, pid_t **pids, size_t *n, struct urun_err **err)
{
	ino_t mine = ns_inode(getpid(), "pid"), theirs = ns_inode(st->pid, "pid");
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	size_t cap = 16;

	*n = 0;
	*pids = xcalloc(cap, sizeof(pid_t));
	if (theirs == 0 || theirs == mine) {
		(*pids)[(*n)++] = st->pid;
		return 0;
	}
	d = opendir("/proc");
	if (d == NULL)
		return urun_err_set(err, errno, "opendir /proc");
	while ((de = readdir(d)) != NULL) {
		long p;

		if (parse_long(de->d_name, 1, INT32_MAX, &p) < 0 ||
		    ns_inode((pid_t)p, "pid") != theirs)
			continue;
		if (*n == cap)
			*pids = xrealloc(*pids, (cap *= 2) * sizeof(pid_t));
		(*pids)[(*n)++] = (pid_t)p;
	}
	return 0;
}

static int
state_pids(const struct urun_state *st, pid_t **pids, size_t *n, struct urun_err **err)
{
	if (st->cgroup_path)
		return urun_cgroup_pids(st->cgroup_path, pids, n, err);
	return pidns_pids(st, pids, n, err);
}

int
urun_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		    struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, false, err);

	if (st == NULL)
		return -1;
	if (urun_state_status(st) == STATUS_STOPPED) {
		*pids = NULL;
		*n = 0;
		return 0;
	}
	return state_pids(st, pids, n, err);
}

static int
signal_all(const struct urun_state *st, int sig, struct urun_err **err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (state_pids(st, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	return 0;
}

int
urun_container_kill(const char *root, const char *id, int sig, bool all,
		    struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, false, err);

	if (st == NULL)
		return -1;
	if (urun_state_status(st) == STATUS_STOPPED)
		return urun_err_set(err, 0, "container '%s' is not running", id);
	if (all)
		return signal_all(st, sig, err);
	if (kill(st->pid, sig) < 0)
		return urun_err_set(err, errno, "kill container '%s'", id);
	return 0;
}

/* Wait until the init is gone (or a zombie: PID 1 here does not reap). */
static int
wait_stopped(const struct urun_state *st, struct urun_err **err)
{
	for (int i = 0; i < 1000; i++) {
		if (!proc_is_ours(st->pid, st->start_time))
			return 0;
		sleep_ms(i < 20 ? 1 : 10);
	}
	return urun_err_set(err, 0, "container '%s' did not stop after SIGKILL", st->id);
}

int
urun_container_delete(const char *root, const char *id, bool force, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, true, err);
	enum status s;

	if (st == NULL)
		return -1;
	s = st->creating ? STATUS_STOPPED : urun_state_status(st);
	if (s != STATUS_STOPPED && !force)
		return urun_err_set(err, 0, "cannot delete container '%s': it is %s (use "
				    "--force)", id, urun_status_name(s));
	if (s != STATUS_STOPPED || st->creating) {
		if (st->cgroup_path && s == STATUS_PAUSED)
			urun_cgroup_freeze(st->cgroup_path, false, NULL);
		signal_all(st, SIGKILL, NULL);
		kill(st->pid, SIGKILL);
		if (wait_stopped(st, err) < 0)
			return -1;
	}
	if (st->cgroup_path && urun_cgroup_destroy(st->cgroup_path, st->cgroup_owned, err) < 0)
		return urun_err_wrap(err, "delete '%s'", id);
	if (!st->creating)
		run_saved_hooks(st, "poststop", STATUS_STOPPED, true, NULL);
	return urun_state_remove(st, err);
}

int
urun_container_pause(const char *root, const char *id, bool pause, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, true, err);
	enum status s;

	if (st == NULL)
		return -1;
	s = urun_state_status(st);
	if (st->cgroup_path == NULL)
		return urun_err_set(err, 0, "container '%s' has no cgroup to freeze "
				    "(unprivileged)", id);
	if (pause ? s != STATUS_RUNNING : s != STATUS_PAUSED)
		return urun_err_set(err, 0, "container '%s' is %s", id, urun_status_name(s));
	return urun_cgroup_freeze(st->cgroup_path, pause, err);
}
