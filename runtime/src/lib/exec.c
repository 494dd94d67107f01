/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec (exec.h): join the init's namespaces (user first), fork so the pid
 * namespace applies, finalize the process as create does, exec. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "exec.h"
#include "fakeroot.h"
#include "proc_sched.h"
#include "process.h"
#include "spec.h"
#include "state.h"
#include "terminal.h"
#include "util.h"

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

static int
join_namespaces(pid_t pid, struct urun_err **err)
{
	static const struct { const char *name; int flag; } kinds[] = {
		{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
		{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
		{ "mnt", CLONE_NEWNS },
	};
	int fds[7];

	/* Open all first: after joining the mount namespace, /proc is theirs. */
	for (size_t i = 0; i < 7; i++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, kinds[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", kinds[i].name);
		fds[i] = -1;
		if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino == b.st_ino)
			continue;
		fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
	}
	for (size_t i = 0; i < 7; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], kinds[i].flag) < 0) {
			int e = errno;

			for (size_t j = i; j < 7; j++)
				if (fds[j] >= 0)
					close(fds[j]);
			return urun_err_set(err, e, "exec: join %s namespace", kinds[i].name);
		}
		close(fds[i]);
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

static void __attribute__((noreturn))
exec_child(const struct exec_opts *o, const struct urun_process *p,
	   const struct finalize_opts *fo, int console_fd)
{
	struct urun_err *err = NULL;
	char *msg;

	if ((p->terminal && terminal_setup(console_fd, p, &err) < 0) ||
	    process_limits(p, &err) < 0 || process_finalize(p, fo, &err) < 0)
		goto fail;
	for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
		fcntl(fd, F_SETFD, 0);
	process_exec(p, &err);
fail:
	msg = urun_err_format(err);
	fprintf(stderr, "urun: exec: %s\n", msg);
	coverage_flush();
	_exit(127);
}

int
urun_container_exec(const struct exec_opts *o, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(o->root, o->id, false, err);
	_cleanup_json_ json_t *seccomp = NULL;
	_cleanup_close_ int console_fd = -1, pid_dir = -1;
	struct urun_process p;
	struct finalize_opts fo = { 0 };
	int status = 0;
	pid_t child;

	if (st == NULL)
		return -1;
	if (urun_state_status(st) != STATUS_RUNNING && urun_state_status(st) != STATUS_CREATED)
		return urun_err_set(err, 0, "cannot exec in container '%s': it is %s", o->id,
				    urun_status_name(urun_state_status(st)));
	if (urun_spec_parse_process(o->process, &p, err) < 0)
		return urun_err_wrap(err, "exec");
	/* config.md: execCPUAffinity is for exec, "initial" before the cgroup. */
	fo.exec_affinity = true;
	if (sched_apply_affinity(p.exec_cpu_affinity, "initial", err) < 0) {
		urun_process_release(&p);
		return -1;
	}
	seccomp = saved_filters(st, &fo.fakeroot);
	fo.seccomp = seccomp;
	fo.setgroups_ok = !st->rootless;
	if (p.terminal && (o->console_socket == NULL ||
			   (console_fd = terminal_connect(o->console_socket, err)) < 0)) {
		urun_process_release(&p);
		return o->console_socket ? -1 : urun_err_set(err, 0, "exec: --tty needs "
							     "--console-socket");
	}
	/* Host paths first: after the joins, /sys/fs/cgroup and the pid file's
	 * directory are the container's, not ours. */
	if ((st->cgroup_path && urun_cgroup_join(st->cgroup_path, getpid(), err) < 0) ||
	    (o->pid_file && (pid_dir = open_parent_dir(o->pid_file, err)) < 0) ||
	    join_namespaces(st->pid, err) < 0) {
		urun_process_release(&p);
		return -1;
	}
	child = fork();
	if (child == 0)
		exec_child(o, &p, &fo, console_fd);
	urun_process_release(&p);
	if (child < 0)
		return urun_err_set(err, errno, "exec: fork");
	if (o->pid_file) {
		_cleanup_free_ char *t = xasprintf("%d", child);
		const char *base = strrchr(o->pid_file, '/');

		if (write_file_atomic_at(pid_dir, base ? base + 1 : o->pid_file, t, strlen(t),
					 0644, err) < 0)
			return urun_err_wrap(err, "--pid-file");
	}
	if (o->detach)
		return 0;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return urun_err_set(err, errno, "exec: wait");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
