/* SPDX-License-Identifier: GPL-2.0-or-later */
/* create: the parent side of the handshake (container.h, docs/design.md). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "fakeroot.h"
#include "hooks.h"
#include "idmap.h"
#include "init.h"
#include "log.h"
#include "mount.h"
#include "netdev.h"
#include "proc_sched.h"
#include "rootfs.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "support.h"
#include "sync.h"
#include "terminal.h"
#include "timens.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

bool
urun_rootless(int mode)
{
	_cleanup_free_ char *map = NULL;
	unsigned a, b, c;

	if (mode >= 0)
		return mode;
	if (geteuid() != 0)
		return true;
	/* Root of a user namespace someone else set up (buildah, podman rootless). */
	if (read_file("/proc/self/uid_map", &map, NULL, NULL) < 0)
		return false;
	return sscanf(map, "%u %u %u", &a, &b, &c) != 3 || a != 0 || b != 0 || c != 4294967295U;
}

/* Unprivileged without a user namespace in the config: add one that maps the
 * process user to the caller (no /etc/subuid needed). */
static void
add_namespace(struct urun_spec *s, int flag)
{
	s->namespaces = xrealloc(s->namespaces, (s->n_namespaces + 1) * sizeof(*s->namespaces));
	s->namespaces[s->n_namespaces++] = (struct urun_ns){ flag, NULL };
}

static void
complete_namespaces(struct urun_spec *s, bool rootless)
{
	if (!rootless || geteuid() == 0 || urun_spec_ns(s, CLONE_NEWUSER))
		return;
	add_namespace(s, CLONE_NEWUSER);
	s->uid_maps = xcalloc(1, sizeof(*s->uid_maps));
	s->gid_maps = xcalloc(1, sizeof(*s->gid_maps));
	s->uid_maps[0] = (struct urun_idmap){ s->process.uid, geteuid(), 1 };
	s->gid_maps[0] = (struct urun_idmap){ s->process.gid, getegid(), 1 };
	s->n_uid_maps = s->n_gid_maps = 1;
}

/* Every mount's options and kind, before anything exists. */
static int
check_mounts(const struct urun_spec *s, struct urun_err **err)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct mount_op op;

		if (mount_plan(&s->mounts[i], &op, err) < 0)
			return urun_err_wrap(err, "mounts[%zu]", i);
		mount_op_release(&op);
	}
	return 0;
}

/* Everything that can fail before anything exists. */
static int
validate(struct urun_spec *s, bool rootless, struct urun_err **err)
{
	if (!s->has_process)
		return urun_err_set(err, 0, "config.json: process: required by create");
	if (support_check(s->json, rootless, err) < 0)
		return urun_err_wrap(err, "config.json");
	if (s->seccomp && urun_seccomp_validate(s->seccomp, err) < 0)
		return urun_err_wrap(err, "config.json");
	if (s->hooks && urun_hooks_validate(s->hooks, err) < 0)
		return urun_err_wrap(err, "config.json");
	if (!rootless && s->linux_obj && urun_cgroup_validate(s->linux_obj, err) < 0)
		return urun_err_wrap(err, "config.json");
	if (fakeroot_wanted(s->annotations, &(bool){ false }, err) < 0 ||
	    check_mounts(s, err) < 0 || sysctl_check(s, err) < 0)
		return urun_err_wrap(err, "config.json");
	if (sched_check(s->process.scheduler, s->process.exec_cpu_affinity,
			json_object_get(s->linux_obj, "memoryPolicy"), err) < 0 ||
	    timens_check(s, err) < 0)
		return urun_err_wrap(err, "config.json");
	if (netdev_check(json_object_get(s->linux_obj, "netDevices"),
			 urun_spec_ns(s, CLONE_NEWNET) && !urun_spec_ns(s, CLONE_NEWNET)->path, err) < 0)
		return urun_err_wrap(err, "config.json");
	/* config-linux.md: an unlisted namespace is the runtime's. For the
	 * mount namespace that would mean pivot_root and mounts in the
	 * caller's own namespace: refused, as runc does (support table row
	 * linux.namespaces.unlisted=mount). Last, so a field's own error
	 * comes first. */
	if (!urun_spec_ns(s, CLONE_NEWNS))
		return urun_err_set(err, 0, "config.json: linux.namespaces: no mount namespace: "
				    "not supported: %s",
				    support_find("linux.namespaces.unlisted=mount")->reason);
	if (s->process.terminal)
		return 1;	/* checked against --console-socket by the caller */
	return 0;
}

int
urun_container_validate(struct urun_spec *s, bool rootless, struct urun_err **err)
{
	complete_namespaces(s, rootless);
	return validate(s, rootless, err);
}

/* Namespaces joined by the parent: they apply to the child at clone (pid:
 * to children only). User and mount are joined by the child. */
static int
join_parent_namespaces(const struct urun_spec *s, bool rootless, struct urun_err **err)
{
	static const int kinds[] = { CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
		CLONE_NEWCGROUP, CLONE_NEWPID };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct urun_ns *ns = urun_spec_ns(s, kinds[i]);
		_cleanup_close_ int fd = -1;

		if (ns == NULL || ns->path == NULL)
			continue;
		/* Unprivileged, the others' rights come from their user namespace:
		 * enter it first. As root we stay out, keeping host rights for
		 * the cgroup; the child joins it. */
		if (kinds[i] == CLONE_NEWUSER && !rootless)
			continue;
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, kinds[i]) < 0)
			return urun_err_set(err, errno, "linux.namespaces: join '%s'", ns->path);
	}
	return 0;
}

static int
clone_flags(const struct urun_spec *s)
{
	int flags = 0;

	for (size_t i = 0; i < s->n_namespaces; i++)
		if (s->namespaces[i].path == NULL)
			flags |= s->namespaces[i].flag;
	/* The init makes its time namespace itself (timens.h), and its cgroup
	 * namespace once we have put it in its cgroup (init.c). */
	return flags & ~(CLONE_NEWTIME | CLONE_NEWCGROUP);
}

static char *
now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

struct creation {
	const struct create_opts *o;
	struct urun_spec *spec;
	struct urun_state *st;
	bool rootless;
	bool hook_failed;	/* runtime.md steps 3-5: poststop hooks still run */
	pid_t pid;
	int sock;		/* parent end */
};

static int
run_runtime_hooks(struct creation *c, struct urun_err **err)
{
	_cleanup_json_ json_t *o = NULL;
	_cleanup_free_ char *state = NULL;

	if (c->spec->hooks == NULL)
		return 0;
	o = urun_state_to_json(c->st, STATUS_CREATING);
	state = json_dumps(o, JSON_COMPACT);
	if (urun_hooks_run(c->spec->hooks, "prestart", state, err) < 0 ||
	    urun_hooks_run(c->spec->hooks, "createRuntime", state, err) < 0)
		return -1;
	return 0;
}

/* Device rules wait until the init is ready (as runc's Set after procReady):
 * /dev is populated by then, so a deny rule cannot stop its own mknod. Then
 * the default devices of config-linux.md are allowed after the user's rules. */
static json_t *
device_rules(const struct urun_spec *s)
{
	static const struct { char type; int major, minor; } defaults[] = {
		{ 'c', 1, 3 }, { 'c', 1, 5 }, { 'c', 1, 7 }, { 'c', 1, 8 }, { 'c', 1, 9 },
		{ 'c', 5, 0 }, { 'c', 5, 1 }, { 'c', 5, 2 }, { 'c', 136, -1 },
	};
	json_t *rules = json_object_get(json_object_get(s->linux_obj, "resources"), "devices");

	if (!json_is_array(rules))
		return NULL;
	rules = json_deep_copy(rules);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		json_t *r = json_pack("{s:b, s:s#, s:i, s:s}", "allow", 1, "type",
				      &defaults[i].type, (size_t)1, "major", defaults[i].major,
				      "access", "rwm");

		if (defaults[i].minor >= 0)
			json_object_set_new(r, "minor", json_integer(defaults[i].minor));
		json_array_append_new(rules, r);
	}
	return json_pack("{s:o}", "devices", rules);
}

/* Whether A and B (either may be NULL) are the same string. */
static bool
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Create the cgroup and apply every resource but the device rules. What
 * enter would make is in the state already (saved with the pid: a create
 * killed inside enter leaves a record that delete follows, and that names
 * only what urun may have made); it is saved again only if enter made
 * something else. */
static int
enter_cgroup(struct creation *c, struct urun_err **err)
{
	_cleanup_json_ json_t *lnx = json_deep_copy(c->spec->linux_obj);
	struct urun_state *st = c->st;
	_cleanup_free_ char *want_path = steal_ptr(&st->cgroup_path);
	_cleanup_free_ char *want_owned = steal_ptr(&st->cgroup_owned);
	char *path = NULL, *owned = NULL;

	json_object_del(json_object_get(lnx, "resources"), "devices");
	/* On failure enter has removed what it made: nothing for undo to do
	 * (the path may name a cgroup that existed before). */
	if (urun_cgroup_enter(c->o->id, lnx, c->pid, &path, &owned, err) < 0)
		return -1;
	st->cgroup_path = path;
	st->cgroup_owned = owned;
	if (!same_str(path, want_path) || !same_str(owned, want_owned))
		return urun_state_save(st, err);
	return 0;
}

static int
apply_device_rules(struct creation *c, struct urun_err **err)
{
	_cleanup_json_ json_t *res = device_rules(c->spec);

	if (res == NULL || c->st->cgroup_path == NULL)
		return 0;
	return urun_cgroup_apply(c->st->cgroup_path, res, err);
}

/* Whether host UID is in the ranges of a /proc/PID/uid_map text. */
static bool
uid_mapped(const char *map, uid_t uid)
{
	unsigned long in, out, n;
	int used;

	while (sscanf(map, "%lu %lu %lu%n", &in, &out, &n, &used) == 3) {
		if (uid >= out && uid - out < n)
			return true;
		map += used;
	}
	return false;
}

/* The init's exec fifo is 0600. The init opens it from inside its user
 * namespace as the host uid its root maps to (read here: its identity is
 * final once it asks for the hooks); when that is not us, the fifo becomes
 * that uid's. Unprivileged we cannot chown: then the init reaches it by its
 * capabilities over our uid, mapped in its namespace, or (our uid not mapped)
 * the fifo is opened to others, whom the 0700 state root keeps out. */
static int
fifo_for_init(struct creation *c, struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/status", (int)c->pid), *text = NULL;
	_cleanup_free_ char *map = NULL, *mapf = xasprintf("/proc/%d/uid_map", (int)c->pid);
	const char *u, *g;
	unsigned fsuid, fsgid;

	if (read_file(path, &text, NULL, err) < 0)
		return urun_err_wrap(err, "exec fifo");
	u = strstr(text, "\nUid:");
	g = strstr(text, "\nGid:");
	if (u == NULL || g == NULL || sscanf(u, "\nUid: %*u %*u %*u %u", &fsuid) != 1 ||
	    sscanf(g, "\nGid: %*u %*u %*u %u", &fsgid) != 1)
		return urun_err_set(err, 0, "exec fifo: cannot read the identity of pid %d",
				    (int)c->pid);
	if (fsuid == geteuid())
		return 0;
	if (fchownat(c->st->dir_fd, "exec.fifo", fsuid, fsgid, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno != EPERM)
		return urun_err_set(err, errno, "exec fifo: chown to %u:%u", fsuid, fsgid);
	if (read_file(mapf, &map, NULL, NULL) == 0 && uid_mapped(map, geteuid()))
		return 0;
	log_debug("exec fifo: our uid is not mapped in the container: opened to others");
	if (fchmodat(c->st->dir_fd, "exec.fifo", 0622, 0) < 0)
		return urun_err_set(err, errno, "exec fifo: chmod");
	return 0;
}

/* The parent's half of the handshake, once the child exists. Everything
 * that delete must find is in the state before it exists (see
 * urun_state_save): the init's pid right after clone, with the cgroup path
 * before the cgroup is made. */
static int
drive_child(struct creation *c, struct urun_err **err)
{
	struct sync_msg m = { 0 };

	if (proc_stat(c->pid, &c->st->start_time, NULL) < 0)
		return urun_err_set(err, 0, "the container process exited during create");
	/* The cgroup goes in with the pid, before it exists: what enter would
	 * make and own if it ran now. */
	if (!c->rootless && urun_cgroup_intended(c->o->id, c->spec->linux_obj, &c->st->cgroup_path,
						 &c->st->cgroup_owned, err) < 0)
		return -1;
	if (urun_state_save(c->st, err) < 0)
		return -1;
	phase_mark("cgroup path resolved; state saved (pid, cgroup)");
	if (urun_spec_ns(c->spec, CLONE_NEWUSER) && !urun_spec_ns(c->spec, CLONE_NEWUSER)->path &&
	    idmap_write(c->pid, c->spec, err) < 0)
		return -1;
	phase_mark("id maps");
	if (!c->rootless && enter_cgroup(c, err) < 0)
		return -1;
	phase_mark("cgroup: created, limits, joined");
	if (netdev_move(json_object_get(c->spec->linux_obj, "netDevices"), c->pid, err) < 0)
		return -1;
	phase_mark("netdev");
	if (sync_send(c->sock, SYNC_MAPPED, c->st->cgroup_path, err) < 0)
		return -1;
	if (sync_recv(c->sock, SYNC_HOOKS, &m, err) < 0 || fifo_for_init(c, err) < 0)
		return -1;
	phase_mark("exec fifo owner");
	if (run_runtime_hooks(c, err) < 0) {
		c->hook_failed = true;
		return -1;
	}
	phase_mark("prestart, createRuntime hooks");
	if (sync_send(c->sock, SYNC_HOOKS_DONE, NULL, err) < 0)
		return -1;
	if (sync_recv(c->sock, SYNC_READY, &m, err) < 0) {
		c->hook_failed = m.type == SYNC_ERROR && m.hook_failed;
		return -1;
	}
	if (!c->rootless && apply_device_rules(c, err) < 0)
		return -1;
	phase_mark("cgroup device rules");
	/* The commit: state.json is complete since the cgroup was made. */
	if (urun_state_mark_created(c->st, err) < 0)
		return -1;
	phase_mark("created");
	return 0;
}

static void
undo(struct creation *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	/* A failing prestart/createRuntime/createContainer hook stops the
	 * container and goes on at step 12: poststop hooks run (runtime.md). */
	if (c->hook_failed && c->spec->hooks) {
		_cleanup_json_ json_t *o = urun_state_to_json(c->st, STATUS_STOPPED);
		_cleanup_free_ char *state = json_dumps(o, JSON_COMPACT);

		urun_hooks_run_warn(c->spec->hooks, "poststop", state);
	}
	if (c->st->cgroup_path)
		urun_cgroup_destroy(c->st->cgroup_path, c->st->cgroup_owned, NULL);
	urun_state_remove(c->st, NULL);
}

/* State fields, the config copy later commands use, and the exec fifo; all
 * 0600: config.json holds the process environment. */
static int
prepare_state(struct creation *c, struct urun_err **err)
{
	struct urun_state *st = c->st;
	_cleanup_free_ char *text = json_dumps(c->spec->json, JSON_COMPACT);

	st->bundle = xstrdup(c->o->bundle);
	st->rootfs = xstrdup(c->spec->root_path);
	st->created = now_rfc3339();
	st->oci_version = xstrdup(c->spec->oci_version);
	st->annotations = json_incref(c->spec->annotations);
	st->rootless = c->rootless;
	st->late_hooks = json_object_get(c->spec->hooks, "poststart") ||
			 json_object_get(c->spec->hooks, "poststop");
	if (text == NULL)
		return urun_err_set(err, ENOMEM, "config.json copy");
	if (write_file_atomic_at(st->dir_fd, "config.json", text, strlen(text), 0600, err) < 0)
		return urun_err_wrap(err, "state of '%s'", st->id);
	/* fchmodat: the umask must not take the owner's write bit. */
	if (mkfifoat(st->dir_fd, "exec.fifo", 0600) < 0 ||
	    fchmodat(st->dir_fd, "exec.fifo", 0600, 0) < 0)
		return urun_err_set(err, errno, "mkfifo '%s/exec.fifo'", st->dir);
	return 0;
}

static int
write_pid_file(const char *path, pid_t pid, struct urun_err **err)
{
	_cleanup_free_ char *text = xasprintf("%d", pid);

	return write_file_atomic(path, text, strlen(text), 0644, err) < 0 ?
	       urun_err_wrap(err, "--pid-file") : 0;
}

/* The idmap user namespaces live until the child has its copies. */
struct mount_userns {
	int *fds;
	size_t n;
};

static void
mount_userns_freep(struct mount_userns *m)
{
	idmap_close_fds(m->fds, m->n);
}

static int
spawn(struct creation *c, int console_fd, struct urun_err **err)
{
	_cleanup_(mount_userns_freep) struct mount_userns mu = { NULL, c->spec->n_mounts };
	int sv[2];
	struct init_ctx ctx = {
		.spec = c->spec, .id = c->o->id, .bundle = c->o->bundle,
		.state_dir = c->st->dir, .locked_fd = c->st->dir_fd, .console_fd = console_fd,
		.preserve_fds = c->o->preserve_fds, .rootless = c->rootless,
		.no_pivot = c->o->no_pivot, .no_new_keyring = c->o->no_new_keyring,
	};
	const struct urun_ns *user = urun_spec_ns(c->spec, CLONE_NEWUSER);

	ctx.new_userns = user && !user->path;
	ctx.userns_joined = user && user->path && c->rootless;
	fakeroot_wanted(c->spec->annotations, &ctx.fakeroot, NULL);
	if (idmap_mount_fds(c->spec, &mu.fds, err) < 0)
		return -1;
	ctx.mount_userns = mu.fds;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return urun_err_set(err, errno, "socketpair");
	if (join_parent_namespaces(c->spec, c->rootless, err) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	fflush(NULL);
	c->pid = (pid_t)syscall(SYS_clone, clone_flags(c->spec) | SIGCHLD, 0, 0, 0, 0);
	if (c->pid == 0) {
		close(sv[0]);
		ctx.sync_fd = sv[1];
		init_main(&ctx);
	}
	close(sv[1]);
	c->sock = sv[0];
	c->st->pid = c->pid;
	if (c->pid < 0) {
		close(sv[0]);
		return urun_err_set(err, errno, "clone the container process");
	}
	return 0;
}

int
urun_container_create(const struct create_opts *o, pid_t *pid, struct urun_err **err)
{
	_cleanup_spec_ struct urun_spec *spec = NULL;
	_cleanup_state_ struct urun_state *st = NULL;
	_cleanup_close_ int console_fd = -1;
	struct creation c = { .o = o, .sock = -1 };
	int r;

	spec = urun_spec_load(o->bundle, err);
	if (spec == NULL)
		return -1;
	phase_mark("config loaded");
	c.spec = spec;
	c.rootless = urun_rootless(o->rootless);
	r = urun_container_validate(spec, c.rootless, err);
	if (r < 0)
		return -1;
	phase_mark("config validated");
	if (r == 1 && o->console_socket == NULL)
		return urun_err_set(err, 0, "process.terminal: needs --console-socket");
	if (r == 1 && (console_fd = terminal_connect(o->console_socket, err)) < 0)
		return -1;
	st = urun_state_create(o->root, o->id, err);
	if (st == NULL)
		return -1;
	c.st = st;
	if (prepare_state(&c, err) < 0)
		goto fail;
	phase_mark("state files (config copy, exec fifo)");
	if (spawn(&c, console_fd, err) < 0)
		goto fail;
	phase_mark("clone");
	if (drive_child(&c, err) < 0 ||
	    (o->pid_file && write_pid_file(o->pid_file, c.pid, err) < 0))
		goto fail;
	close(c.sock);
	*pid = c.pid;
	return 0;
fail:
	undo(&c);
	if (c.sock >= 0)
		close(c.sock);
	return -1;
}
