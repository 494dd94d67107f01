/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start, kill, delete, pids, pause of an existing container (container.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
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
 * create must not affect the container). Caller decrefs. The copy is not
 * parsed when create saw no poststart or poststop hooks in it. */
static json_t *
saved_hooks(const struct urun_state *st)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_json_ json_t *doc = NULL;

	if (!st->late_hooks)
		return NULL;
	path = xasprintf("%s/config.json", st->dir);
	doc = json_load_file(path, 0, NULL);
	return json_incref(doc ? json_object_get(doc, "hooks") : NULL);
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
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

/* The I-th pause while watching the init exec: it has only a few hundred
 * microseconds of work left after writing its byte, so look often at first
 * (1 ms sleeps cost `start` 1 ms on every container), then less. */
static long
watch_pause_us(int i)
{
	return i < 20 ? 50 : i < 40 ? 250 : i < 100 ? 1000 : 5000;
}

/* What /proc shows of the init: enough to tell that it has exec'd. */
struct init_view {
	bool ours;		/* still there (maybe a zombie), same start time */
	bool alive;		/* and not a zombie */
	char comm[32];		/* changes at execve */
	bool has_exe;		/* /proc/PID/exe readable (not before execve when
				 * unprivileged and the init is not dumpable) */
	dev_t dev;
	ino_t ino;
};

static void
view_init(const struct urun_state *st, struct init_view *v)
{
	char path[64];
	uint64_t start;
	struct stat sb;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	if (proc_stat(st->pid, &start, &v->alive) < 0 || start != st->start_time)
		return;
	v->ours = true;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)st->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, v->comm, sizeof(v->comm) - 1);
	v->comm[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)st->pid);
	if (stat(path, &sb) == 0) {
		v->has_exe = true;
		v->dev = sb.st_dev;
		v->ino = sb.st_ino;
	}
}

static bool
has_execd(const struct init_view *before, const struct init_view *now)
{
	if (strcmp(before->comm, now->comm) != 0)
		return true;
	return now->has_exe && (!before->has_exe || now->dev != before->dev ||
				now->ino != before->ino);
}

/* The byte is read: the init must now exec the process or die, and start
 * must not report success for an init that died (someone else wrote the byte
 * and the init hit a closed fifo, or it failed after writing it). Holding the
 * fifo open, watch it: exec'd (its comm or executable changed) is success, a
 * zombie that never exec'd is failure. An init already reaped (by a
 * subreaper) cannot be told apart from a process that ran and exited: that
 * counts as started, as with runc. Once every writer has closed the fifo the
 * init has only its last steps left: after 2 s of an unchanged, live init
 * (the process is urun itself?) it counts as started too. Known blind spot:
 * a process with the runtime's own name that exits at once reads as a
 * failure. */
static int
wait_exec(const struct urun_state *st, int fifo, const struct init_view *before,
	  struct urun_err **err)
{
	long after_eof_us = 0;
	bool eof = false;

	for (int i = 0;; i++) {
		struct init_view now;
		char buf[64];

		if (read(fifo, buf, sizeof(buf)) == 0)
			eof = true;
		view_init(st, &now);
		if (!now.ours || has_execd(before, &now))
			return 0;
		if (!now.alive)
			return urun_err_set(err, 0, "container '%s' exited before it executed its "
					    "process (its error is on the container's stderr)",
					    st->id);
		if (eof && after_eof_us >= 2000000) {
			log_debug("container '%s': the init did not visibly exec in 2 s", st->id);
			return 0;
		}
		sleep_us(watch_pause_us(i));
		if (eof)
			after_eof_us += watch_pause_us(i);
	}
}

/* Read the init's byte from the exec fifo, watching that it stays alive,
 * then see it exec (wait_exec). */
static int
release_init(const struct urun_state *st, struct urun_err **err)
{
	_cleanup_close_ int fd = -1;
	struct init_view before;
	char c;

	view_init(st, &before);
	if (!before.alive)
		return urun_err_set(err, 0, "container '%s' exited before it started", st->id);
	fd = openat(st->dir_fd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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
			sleep_us(5000);
	}
	/* Running from here on, whatever happens next. */
	unlinkat(st->dir_fd, "exec.fifo", 0);
	phase_mark("exec fifo read");
	return wait_exec(st, fd, &before, err);
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
	phase_mark("state loaded, status");
	if (release_init(st, err) < 0)
		return -1;
	phase_mark("init seen exec'd");
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

/* A frozen task dies of SIGKILL only once thawed: as runc, a SIGKILL sent to
 * a paused container thaws its cgroup so the processes really go (any other
 * signal stays pending until resume). */
static int
thaw_for_kill(const struct urun_state *st, int sig, struct urun_err **err)
{
	if (sig != SIGKILL || st->cgroup_path == NULL || !urun_cgroup_frozen(st->cgroup_path))
		return 0;
	return urun_cgroup_freeze(st->cgroup_path, false, err);
}

static int
send_signal(const struct urun_state *st, const char *id, int sig, bool all,
	    struct urun_err **err)
{
	if (all)
		return signal_all(st, sig, err);
	if (kill(st->pid, sig) < 0)
		return urun_err_set(err, errno, "kill container '%s'", id);
	return 0;
}

int
urun_container_kill(const char *root, const char *id, int sig, bool all,
		    struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, false, err);

	if (st == NULL)
		return -1;
	/* --all reaches every process of the cgroup whatever the status, as
	 * runc: with a shared pid namespace the init may be gone and others
	 * left (and without the cgroup nothing would find them). */
	if (!(all && st->cgroup_path) && urun_state_status(st) == STATUS_STOPPED)
		/* runc's words: containerd's shim (checkKillError) matches
		 * "container not running" to know a kill raced an exit. */
		return urun_err_set(err, 0, "container not running: '%s' is stopped", id);
	if (send_signal(st, id, sig, all, err) < 0)
		return -1;
	return thaw_for_kill(st, sig, err);
}

/* Delete. A "created" container is deleted without --force, as runc and crun
 * do (runtime.md says a container that is not stopped must not be; its user
 * process never ran, and buildah's error paths rely on it): its parked init
 * is killed. Whatever the status, every process left in the cgroup is killed
 * first (a shared pid namespace keeps the init's children after it exits).
 * A container that does not exist is no error with --force (runc: the
 * containerd shim calls it after every delete). A state.json that is missing
 * (a create killed before its first save) or damaged does not stop delete:
 * journal.json says what to kill and remove. */
int
urun_container_delete(const char *root, const char *id, bool force, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = NULL;
	enum status s;

	urun_state_clean_temps(root, id);
	phase_mark("stale temporaries checked");
	st = urun_state_load_salvage(root, id, err);
	if (st == NULL && (*err)->errnum == ENOENT) {
		(*err)->errnum = 0;
		if (force)
			urun_err_free(err);
		return force ? 0 : -1;
	}
	if (st == NULL)
		return -1;
	phase_mark("state loaded");
	s = st->creating ? STATUS_STOPPED : urun_state_status(st);
	if ((s == STATUS_RUNNING || s == STATUS_PAUSED) && !force)
		return urun_err_set(err, 0, "cannot delete container '%s': it is %s%s (use "
				    "--force)", id, urun_status_name(s),
				    st->damaged ? " (its state.json is damaged)" : "");
	if (urun_state_reap(st, err) < 0)
		return urun_err_wrap(err, "delete '%s'", id);
	phase_mark("processes killed, cgroup removed");
	if (st->damaged)
		log_warn("container '%s': state.json was damaged: poststop hooks not run", id);
	else if (!st->creating)
		run_saved_hooks(st, "poststop", STATUS_STOPPED, true, NULL);
	phase_mark("poststop hooks");
	if (urun_state_remove(st, err) < 0)
		return -1;
	phase_mark("state directory removed");
	return 0;
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
