/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container init, from clone to execve (init.h, docs/design.md). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fds.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "proc_sched.h"
#include "process.h"
#include "procfs.h"
#include "rootfs.h"
#include "spec.h"
#include "sync.h"
#include "terminal.h"
#include "timens.h"
#include "util.h"

/* Join the namespaces that must be entered from inside: user first (it grants
 * the rights for the rest), then mount. The parent joined the others. */
static int
join_child_namespaces(const struct urun_spec *spec, bool user_done, struct urun_err **err)
{
	static const int order[] = { CLONE_NEWUSER, CLONE_NEWNS };

	for (size_t i = 0; i < 2; i++) {
		const struct urun_ns *ns = urun_spec_ns(spec, order[i]);
		_cleanup_close_ int fd = -1;

		if (ns == NULL || ns->path == NULL || (order[i] == CLONE_NEWUSER && user_done))
			continue;
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, order[i]) < 0)
			return urun_err_set(err, errno, "linux.namespaces: join '%s'", ns->path);
		if (order[i] == CLONE_NEWUSER && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
			return urun_err_set(err, errno, "become root in user namespace '%s'",
					    ns->path);
	}
	return 0;
}

static int
set_names(const struct urun_spec *spec, struct urun_err **err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return urun_err_set(err, errno, "hostname '%s'", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return urun_err_set(err, errno, "domainname '%s'", spec->domainname);
	return 0;
}

/* The state as hooks in the container namespace see it (runtime.md: the pid
 * as seen by the container). */
static char *
container_state(const struct init_ctx *c, const char *status)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:O}", "ociVersion",
			      c->spec->oci_version, "id", c->id, "status", status,
			      "pid", (int)getpid(), "bundle", c->bundle, "annotations",
			      c->spec->annotations ? c->spec->annotations : json_object());
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

static int
run_hooks(const struct init_ctx *c, const char *stage, const char *status,
	  struct urun_err **err)
{
	_cleanup_free_ char *state = NULL;

	if (c->spec->hooks == NULL || json_object_get(c->spec->hooks, stage) == NULL)
		return 0;
	state = container_state(c, status);
	return urun_hooks_run(c->spec->hooks, stage, state, err);
}

/* A session keyring of the container's own, so keys do not leak between
 * containers or from the host (runc's default; --no-new-keyring keeps ours).
 * Kernels without keyrings, or that refuse one, are not an error. */
static int
join_new_keyring(const struct init_ctx *c, struct urun_err **err)
{
	if (c->no_new_keyring)
		return 0;
	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0 &&
	    errno != ENOSYS && errno != EPERM && errno != EACCES && errno != EDQUOT)
		return urun_err_set(err, errno, "join a new session keyring");
	return 0;
}

/* What init_main keeps between its steps. */
struct init_run {
	bool hook_failed;	/* a createContainer hook failed: poststop still runs */
	bool setgroups_ok;
	int fifo;		/* exec.fifo (O_PATH), reopened through /proc to write it */
	int dirfd;		/* or the state directory, without a proc mount */
	struct fd_preserve pr;
};

/* The namespaces the init enters itself, once the parent has written the id
 * maps and put it in its cgroup. The cgroup namespace comes last, so that its
 * root is the container's cgroup, not the caller's (runc does the same). */
static int
enter_namespaces(const struct init_ctx *c, struct init_run *r, struct urun_err **err)
{
	const struct urun_spec *spec = c->spec;
	const struct urun_ns *cg = urun_spec_ns(spec, CLONE_NEWCGROUP);

	/* Root of the new user namespace, when the maps give us one. */
	if (c->new_userns || c->userns_joined) {
		setresgid(0, 0, 0);
		setresuid(0, 0, 0);
	}
	if (join_child_namespaces(spec, c->userns_joined, err) < 0 || timens_enter(spec, err) < 0)
		return -1;
	r->setgroups_ok = process_setgroups_allowed("/proc/self/setgroups", !c->rootless);
	/* Nothing more to write under /proc/self (the last was timens_offsets):
	 * non-dumpable from here to execve, our /proc/PID is out of the reach
	 * of anything that ends up in the container with us. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "prctl PR_SET_DUMPABLE");
	if (cg && cg->path == NULL && unshare(CLONE_NEWCGROUP) < 0)
		return urun_err_set(err, errno, "linux.namespaces: new cgroup namespace");
	return 0;
}

/* Everything up to parking on the exec fifo. */
static int
setup(const struct init_ctx *c, struct init_run *r, struct urun_err **err)
{
	const struct urun_spec *spec = c->spec;
	struct rootfs_opts ro = { .no_pivot = c->no_pivot, .in_userns = c->new_userns ||
				  c->rootless, .mount_userns = c->mount_userns };
	struct urun_process limits = spec->process;
	struct sync_msg m;

	if (sync_recv(c->sync_fd, SYNC_MAPPED, &m, err) < 0)
		return -1;
	ro.cgroup_path = m.msg[0] ? m.msg : NULL;
	if (enter_namespaces(c, r, err) < 0 || set_names(spec, err) < 0 ||
	    join_new_keyring(c, err) < 0)
		return -1;
	if (sched_apply_mempolicy(json_object_get(spec->linux_obj, "memoryPolicy"), err) < 0)
		return -1;
	if (rootfs_prepare(spec, &ro, err) < 0)
		return -1;
	if (sync_send(c->sync_fd, SYNC_HOOKS, NULL, err) < 0 ||
	    sync_recv(c->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0)
		return -1;
	if (run_hooks(c, "createContainer", "created", err) < 0) {
		r->hook_failed = true;
		return -1;
	}
	if (rootfs_finish(spec, &ro, err) < 0)
		return -1;
	if (spec->process.terminal && terminal_setup(c->console_fd, &spec->process, err) < 0)
		return -1;
	if (spec->has_personality && personality(spec->personality) < 0)
		return urun_err_set(err, errno, "linux.personality");
	limits.has_oom_score_adj = false;	/* done first thing (init_main) */
	return process_limits(&limits, err);
}

/* Whether the config mounts proc at /proc, for wait_for_start. */
static bool
mounts_proc(const struct urun_spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const char *d = s->mounts[i].destination + strspn(s->mounts[i].destination, "/");

		if (s->mounts[i].type && strcmp(s->mounts[i].type, "proc") == 0 &&
		    (strcmp(d, "proc") == 0 || strcmp(d, "proc/") == 0))
			return true;
	}
	return false;
}

/* What the waiting init holds of the state directory: exec.fifo alone, not
 * a directory a process that reaches our /proc/PID/fd could walk up from
 * (CAP_SYS_PTRACE of the host user namespace can, non-dumpable or not). It
 * is reopened for writing through the container's procfs; without a proc
 * mount, only the directory can get us there. */
static int
open_state(const struct init_ctx *c, struct init_run *r, struct urun_err **err)
{
	_cleanup_free_ char *fifo = xasprintf("%s/exec.fifo", c->state_dir);

	if (mounts_proc(c->spec)) {
		r->fifo = open(fifo, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (r->fifo < 0)
			return urun_err_set(err, errno, "open '%s'", fifo);
		return 0;
	}
	r->dirfd = open(c->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0)
		return urun_err_set(err, errno, "open '%s'", c->state_dir);
	return 0;
}

/* Block until `start` opens the fifo for reading, run the startContainer
 * hooks, then tell `start` it worked with one byte; a failing hook closes the
 * fifo unwritten, so `start` fails too (runtime.md step 7). */
static int
wait_for_start(const struct init_ctx *c, const struct init_run *r, struct urun_err **err)
{
	_cleanup_close_ int fd = -1;
	char path[64];

	if (r->fifo >= 0 && procfs_fd_path(r->fifo, path, sizeof(path), err) < 0)
		return urun_err_wrap(err, "exec fifo");
	fd = r->fifo >= 0 ? open(path, O_WRONLY | O_CLOEXEC) :
			    openat(r->dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return urun_err_set(err, errno, "open exec fifo");
	if (run_hooks(c, "startContainer", "running", err) < 0)
		return -1;
	if (write_all(fd, "0", 1) < 0)
		return urun_err_set(err, errno, "write exec fifo");
	return 0;
}

/* The fds the parent handed us: all but these, 0-2 and the --preserve-fds
 * range are closed before anything else happens. */
static size_t
runtime_fds(const struct init_ctx *c, int **out)
{
	size_t n = 0, room = c->spec->n_mounts + 4;
	int *fds = xcalloc(room, sizeof(int));

	fds[n++] = c->sync_fd;
	fds[n++] = c->console_fd;
	fds[n++] = log_fd();
	fds[n++] = phase_fd();
	for (size_t i = 0; c->mount_userns && i < c->spec->n_mounts; i++)
		fds[n++] = c->mount_userns[i];
	*out = fds;
	return n;
}

/* From clone to the first message: close what we must not hold, and what
 * must happen on the host's /proc while we are still dumpable. */
static int
init_start(const struct init_ctx *c, struct init_run *r, struct urun_err **err)
{
	const struct urun_ns *pid = urun_spec_ns(c->spec, CLONE_NEWPID);
	struct urun_process oom = { .has_oom_score_adj = c->spec->process.has_oom_score_adj,
				    .oom_score_adj = c->spec->process.oom_score_adj };
	_cleanup_free_ int *ours = NULL;
	size_t n = runtime_fds(c, &ours);

	/* Our own open file description: the parent's holds the state lock, and
	 * a copy kept here would hold it for as long as we stay parked. */
	close(c->locked_fd);
	fd_preserve_note(&r->pr, c->preserve_fds, ours, n);
	if (fds_close_from(3 + (unsigned)c->preserve_fds, ours, n) < 0)
		return urun_err_set(err, errno, "close inherited file descriptors");
	if (open_state(c, r, err) < 0)
		return -1;
	/* The host's /proc, writable by us while dumpable. */
	if (process_limits(&oom, err) < 0)
		return -1;
	/* Sharing a pid namespace with processes that exist already, we are in
	 * their sight from the start: non-dumpable at once (an unprivileged
	 * parent then cannot write the id maps of a new user namespace). */
	if (pid && pid->path && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "prctl PR_SET_DUMPABLE");
	/* A session of our own, as runc's init (terminal_setup makes one with
	 * the pty as its controlling terminal). */
	if (!c->spec->process.terminal && setsid() < 0)
		return urun_err_set(err, errno, "setsid");
	return 0;
}

/* After `start`: nothing of urun's may reach the process (the caller's
 * preserved fds aside). */
static void
close_runtime_fds(const struct init_ctx *c, struct init_run *r)
{
	if (r->fifo >= 0)
		close(r->fifo);
	if (r->dirfd >= 0)
		close(r->dirfd);
	r->fifo = r->dirfd = -1;
	if (c->console_fd >= 0)
		close(c->console_fd);
	for (size_t i = 0; c->mount_userns && i < c->spec->n_mounts; i++)
		if (c->mount_userns[i] >= 0)
			close(c->mount_userns[i]);
	log_close();
	fd_preserve_apply(&r->pr);
}

void
init_main(const struct init_ctx *c)
{
	struct init_run r = { .fifo = -1, .dirfd = -1 };
	struct urun_err *err = NULL;
	char *msg;

	/* Die with urun until create has finished (an interrupted create must
	 * not leave a parked init behind). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (init_start(c, &r, &err) < 0 || setup(c, &r, &err) < 0)
		sync_fail(c->sync_fd, err, r.hook_failed);
	prctl(PR_SET_PDEATHSIG, 0);
	if (sync_send(c->sync_fd, SYNC_READY, NULL, &err) < 0)
		_exit(1);
	close(c->sync_fd);
	if (wait_for_start(c, &r, &err) < 0)
		goto fail;
	close_runtime_fds(c, &r);
	if (process_finalize(&c->spec->process, &(struct finalize_opts){
		.seccomp = c->spec->seccomp, .setgroups_ok = r.setgroups_ok,
		.fakeroot = c->fakeroot }, &err) < 0)
		goto fail;
	phase_mark("released; identity, caps, seccomp (then execve)");
	process_exec(&c->spec->process, &err);
fail:
	/* create has returned: the caller's stderr is the only place left. */
	msg = urun_err_format(err);
	fprintf(stderr, "urun: %s\n", msg);
	coverage_flush();
	_exit(127);
}
