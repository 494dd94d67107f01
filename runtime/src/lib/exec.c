/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec (exec.h), in three processes as runc's nsexec does. urun exec stays
 * on the host: it joins the cgroup and opens what it needs there (namespaces
 * of the init, pid-file directory, console socket). A middle child closes
 * every fd the process must not keep, becomes non-dumpable (from then on
 * its /proc/PID entries are out of the container's reach: no fd, cwd or exe
 * of the host to grab, CVE-2016-9962, CVE-2019-5736), joins the namespaces
 * (user first) and forks; the grandchild, in the pid namespace, finalizes
 * the process as create does and execs. The middle child exits at once:
 * urun exec, a child subreaper, inherits the grandchild and waits for it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "exec.h"
#include "fakeroot.h"
#include "fds.h"
#include "log.h"
#include "proc_sched.h"
#include "process.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Every namespace the init can have, in joining order: user first (it grants
 * the rights for the others), mount last. */
static const struct {
	const char *name;
	const char *children;	/* the init's namespace for its children, if other */
	int flag;
} kinds[] = {
	{ "user", NULL, CLONE_NEWUSER }, { "ipc", NULL, CLONE_NEWIPC },
	{ "uts", NULL, CLONE_NEWUTS }, { "net", NULL, CLONE_NEWNET },
	{ "pid", NULL, CLONE_NEWPID }, { "cgroup", NULL, CLONE_NEWCGROUP },
	/* The init of a created container has unshared its time namespace for
	 * the process it will exec, not yet for itself (timens.h). */
	{ "time", "time_for_children", CLONE_NEWTIME }, { "mnt", NULL, CLONE_NEWNS },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Everything the three processes share, set up by urun exec. */
struct exec_run {
	const struct exec_opts *o;
	struct urun_state *st;
	struct urun_process p;
	struct finalize_opts fo;
	json_t *seccomp;
	int console_fd, pid_dir;
	int sock, child_sock;	/* ours, and the children's: errors and the pid */
	int ns[N_KINDS];
	struct fd_preserve pr;
};

json_t *
urun_exec_default_process(const char *root, const char *id, struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/config.json", root, id);
	_cleanup_json_ json_t *doc = json_load_file(path, 0, NULL);
	json_t *proc;

	if (doc == NULL) {
		urun_err_set(err, 0, "container '%s' does not exist", id);
		return NULL;
	}
	proc = json_object_get(doc, "process");
	return proc ? json_deep_copy(proc) : json_object();
}

/* The filters create gave the container, from its saved config. */
static json_t *
saved_filters(const struct urun_state *st, bool *fakeroot)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", st->dir);
	_cleanup_json_ json_t *doc = json_load_file(path, 0, NULL);
	json_t *lnx = doc ? json_object_get(doc, "linux") : NULL;

	fakeroot_wanted(json_object_get(doc, "annotations"), fakeroot, NULL);
	return json_incref(lnx ? json_object_get(lnx, "seccomp") : NULL);
}

static bool
same_ns(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

/* Open the init's namespaces that differ from ours, on the host's /proc. A
 * namespace we cannot open is an error: running the process outside it would
 * be running it on the host. */
static int
open_namespaces(struct exec_run *r, struct urun_err **err)
{
	pid_t pid = r->st->pid;

	for (size_t i = 0; i < N_KINDS; i++) {
		char theirs[64], ours[64];

		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", kinds[i].name);
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, kinds[i].name);
		if (kinds[i].children && same_ns(theirs, ours))
			snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, kinds[i].children);
		if (same_ns(theirs, ours) || (access(ours, F_OK) < 0 && errno == ENOENT))
			continue;	/* shared with us, or unknown to this kernel */
		r->ns[i] = open(theirs, O_RDONLY | O_CLOEXEC);
		if (r->ns[i] < 0 && (errno == EACCES || errno == EPERM) &&
		    urun_state_status(r->st) == STATUS_CREATED)
			return urun_err_set(err, errno, "exec: open '%s' (the init of a created "
					    "container is non-dumpable until start: only root "
					    "can enter it before)", theirs);
		if (r->ns[i] < 0)
			return urun_err_set(err, errno, "exec: open '%s'", theirs);
		r->ns[i] = fd_move_above(r->ns[i], 3 + r->o->preserve_fds);
	}
	return 0;
}

/* In the middle child: setns in order, closing each fd once used. */
static int
join_namespaces(struct exec_run *r, struct urun_err **err)
{
	for (size_t i = 0; i < N_KINDS; i++) {
		int fd = r->ns[i];

		if (fd < 0)
			continue;
		r->ns[i] = -1;
		if (setns(fd, kinds[i].flag) < 0) {
			int e = errno;

			close(fd);
			return urun_err_set(err, e, "exec: join %s namespace", kinds[i].name);
		}
		close(fd);
		if (kinds[i].flag == CLONE_NEWUSER && (setresgid(0, 0, 0) < 0 ||
						       setresuid(0, 0, 0) < 0))
			return urun_err_set(err, errno, "exec: become root in the user namespace");
	}
	return 0;
}

static int
open_parent_dir(const char *path, struct urun_err **err)
{
	_cleanup_free_ char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd;

	if (slash == NULL)
		return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	*slash = '\0';
	fd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return urun_err_set(err, errno, "--pid-file: open directory '%s'", *dir ? dir : "/");
	return fd;
}

/* The grandchild, in every namespace of the container, non-dumpable. */
static void __attribute__((noreturn))
exec_child(struct exec_run *r)
{
	struct urun_process limits = r->p;
	struct urun_err *err = NULL;

	/* A session of its own, as runc's exec processes; terminal_setup makes
	 * one with the pty as its controlling terminal. */
	if (!r->p.terminal && setsid() < 0) {
		urun_err_set(&err, errno, "exec: setsid");
		goto fail;
	}
	if (r->p.terminal && terminal_setup(r->console_fd, &r->p, &err) < 0)
		goto fail;
	if (r->console_fd >= 0)
		close(r->console_fd);
	limits.has_oom_score_adj = false;	/* done on the host (exec_middle) */
	if (process_limits(&limits, &err) < 0)
		goto fail;
	log_close();
	fd_preserve_apply(&r->pr);
	if (process_finalize(&r->p, &r->fo, &err) < 0)
		goto fail;
	process_exec(&r->p, &err);
fail:
	urun_err_wrap(&err, "exec");
	sync_fail(r->child_sock, err, false);
}

/* The middle child: on the host until join_namespaces, never in the
 * container's pid namespace itself. */
static void __attribute__((noreturn))
exec_middle(struct exec_run *r)
{
	struct urun_process oom = { .has_oom_score_adj = r->p.has_oom_score_adj,
				    .oom_score_adj = r->p.oom_score_adj };
	int keep[N_KINDS + 3] = { r->child_sock, r->console_fd, log_fd() };
	struct urun_err *err = NULL;
	char text[16];
	pid_t pid;

	close(r->sock);
	close(r->st->dir_fd);
	if (r->pid_dir >= 0)
		close(r->pid_dir);
	memcpy(keep + 3, r->ns, sizeof(r->ns));
	fd_preserve_note(&r->pr, r->o->preserve_fds, keep, N_KINDS + 3);
	if (fds_close_from(3 + (unsigned)r->o->preserve_fds, keep, N_KINDS + 3) < 0) {
		urun_err_set(&err, errno, "exec: close inherited file descriptors");
		goto fail;
	}
	/* While still dumpable, on the host's /proc: once non-dumpable, our
	 * /proc/self files belong to the host's root, which the container's
	 * root may not be. */
	if (process_limits(&oom, &err) < 0)
		goto fail;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		urun_err_set(&err, errno, "exec: prctl PR_SET_DUMPABLE");
		goto fail;
	}
	if (join_namespaces(r, &err) < 0)
		goto fail;
	pid = fork();
	if (pid == 0)
		exec_child(r);
	if (pid < 0) {
		urun_err_set(&err, errno, "exec: fork");
		goto fail;
	}
	snprintf(text, sizeof(text), "%d", (int)pid);
	if (sync_send(r->child_sock, SYNC_READY, text, &err) < 0)
		goto fail;
	coverage_flush();
	_exit(0);
fail:
	sync_fail(r->child_sock, err, false);
}

/* Until both children have closed their end (the grandchild by execve):
 * the grandchild's pid, and the first error either of them reported. */
static int
collect(struct exec_run *r, pid_t *child, struct urun_err **err)
{
	struct sync_msg m;
	bool failed = false;
	ssize_t n;

	*child = -1;
	for (;;) {
		n = recv(r->sock, &m, sizeof(m), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return urun_err_set(err, errno, "exec: receive from the process");
		if (n == 0)
			break;
		if (n != (ssize_t)sizeof(m))
			return urun_err_set(err, 0, "exec: short message from the process");
		m.msg[sizeof(m.msg) - 1] = '\0';
		if (m.type == SYNC_READY)
			*child = (pid_t)strtol(m.msg, NULL, 10);
		else if (m.type == SYNC_ERROR && !failed) {
			urun_err_set(err, m.errnum, "%s", m.msg);
			failed = true;
		}
	}
	if (!failed && *child <= 0)
		return urun_err_set(err, 0, "exec: the process exited before it started");
	return failed ? -1 : 0;
}

/* Host-side preparation, before any child exists. */
static int
prepare(struct exec_run *r, struct urun_err **err)
{
	const struct exec_opts *o = r->o;
	int above = 3 + o->preserve_fds;
	_cleanup_free_ char *sg = NULL;

	if (urun_state_status(r->st) != STATUS_RUNNING &&
	    urun_state_status(r->st) != STATUS_CREATED)
		return urun_err_set(err, 0, "cannot exec in container '%s': it is %s", o->id,
				    urun_status_name(urun_state_status(r->st)));
	if (urun_spec_parse_process(o->process, &r->p, err) < 0)
		return urun_err_wrap(err, "exec");
	/* config.md: execCPUAffinity is for exec, "initial" before the cgroup. */
	r->fo.exec_affinity = true;
	if (sched_apply_affinity(r->p.exec_cpu_affinity, "initial", err) < 0)
		return -1;
	r->seccomp = saved_filters(r->st, &r->fo.fakeroot);
	r->fo.seccomp = r->seccomp;
	sg = xasprintf("/proc/%d/setgroups", r->st->pid);
	r->fo.setgroups_ok = process_setgroups_allowed(sg, !r->st->rootless);
	if (r->p.terminal && o->console_socket == NULL)
		return urun_err_set(err, 0, "exec: --tty needs --console-socket");
	if (r->p.terminal &&
	    (r->console_fd = fd_move_above(terminal_connect(o->console_socket, err), above)) < 0)
		return -1;
	if (r->st->cgroup_path && urun_cgroup_join(r->st->cgroup_path, getpid(), err) < 0)
		return -1;
	if (o->pid_file && (r->pid_dir = open_parent_dir(o->pid_file, err)) < 0)
		return -1;
	return open_namespaces(r, err);
}

static int
spawn(struct exec_run *r, pid_t *mid, struct urun_err **err)
{
	int sv[2];
	int above = 3 + r->o->preserve_fds;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return urun_err_set(err, errno, "exec: socketpair");
	r->sock = fd_move_above(sv[0], above);
	r->child_sock = fd_move_above(sv[1], above);
	if (r->sock < 0 || r->child_sock < 0)
		return urun_err_set(err, errno, "exec: socketpair");
	/* The grandchild becomes ours when the middle child exits. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "exec: prctl PR_SET_CHILD_SUBREAPER");
	fflush(NULL);
	*mid = fork();
	if (*mid == 0)
		exec_middle(r);
	close(r->child_sock);
	r->child_sock = -1;
	if (*mid < 0)
		return urun_err_set(err, errno, "exec: fork");
	return 0;
}

static void
exec_run_release(struct exec_run *r)
{
	urun_process_release(&r->p);
	json_decref(r->seccomp);
	for (size_t i = 0; i < N_KINDS; i++)
		if (r->ns[i] >= 0)
			close(r->ns[i]);
	if (r->console_fd >= 0)
		close(r->console_fd);
	if (r->pid_dir >= 0)
		close(r->pid_dir);
	if (r->sock >= 0)
		close(r->sock);
	if (r->child_sock >= 0)
		close(r->child_sock);
}

static int
wait_exit(pid_t child, struct urun_err **err)
{
	int status = 0;

	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return urun_err_set(err, errno, "exec: wait");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
run(struct exec_run *r, struct urun_err **err)
{
	pid_t mid = -1, child;
	int ok;

	if (prepare(r, err) < 0 || spawn(r, &mid, err) < 0)
		return -1;
	ok = collect(r, &child, err);
	waitpid(mid, NULL, 0);
	if (ok < 0) {
		if (child > 0)
			waitpid(child, NULL, 0);
		return -1;
	}
	if (r->o->pid_file) {
		_cleanup_free_ char *t = xasprintf("%d", child);
		const char *base = strrchr(r->o->pid_file, '/');

		if (write_file_atomic_at(r->pid_dir, base ? base + 1 : r->o->pid_file, t,
					 strlen(t), 0644, err) < 0)
			return urun_err_wrap(err, "--pid-file");
	}
	return r->o->detach ? 0 : wait_exit(child, err);
}

int
urun_container_exec(const struct exec_opts *o, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(o->root, o->id, false, err);
	struct exec_run r = { .o = o, .st = st, .console_fd = -1, .pid_dir = -1,
			      .sock = -1, .child_sock = -1 };
	int ret;

	if (st == NULL)
		return -1;
	for (size_t i = 0; i < N_KINDS; i++)
		r.ns[i] = -1;
	ret = run(&r, err);
	exec_run_release(&r);
	return ret;
}
