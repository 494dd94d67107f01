/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container lifecycle of runtime.md: create, start, kill, delete, and the
 * wait that `run` adds. The sequence is in docs/design.md. */
#ifndef URUN_CONTAINER_H
#define URUN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

struct urun_err;
struct urun_spec;

struct create_opts {
	const char *root;		/* state root */
	const char *id;
	const char *bundle;		/* absolute */
	const char *pid_file;		/* may be NULL */
	const char *console_socket;	/* may be NULL */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	int rootless;			/* -1 auto, 0 no, 1 yes */
};

/* Everything create checks in SPEC before it touches the system (support
 * table, seccomp, hooks, cgroups, mounts...), completing its namespaces as
 * create does. 0 valid, 1 valid but process.terminal needs a console socket,
 * -1 invalid. Only reads host facts (cgroup layout, network device names). */
int urun_container_validate(struct urun_spec *spec, bool rootless, struct urun_err **err);
/* Create the container; *pid is its init (our child, so `run` can wait). */
int urun_container_create(const struct create_opts *o, pid_t *pid, struct urun_err **err);
/* Release the init parked on the exec fifo, then run poststart hooks. */
int urun_container_start(const char *root, const char *id, struct urun_err **err);
/* Send SIG to the init, or with ALL to every process of the container. */
int urun_container_kill(const char *root, const char *id, int sig, bool all,
			struct urun_err **err);
/* Delete a stopped container (FORCE: kill it first); poststop hooks last. */
int urun_container_delete(const char *root, const char *id, bool force,
			  struct urun_err **err);
/* The pids of the container (cgroup, else its pid namespace, else the init). */
int urun_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
			struct urun_err **err);
/* Freeze or thaw (pause/resume); needs the container's cgroup. */
int urun_container_pause(const char *root, const char *id, bool pause,
			 struct urun_err **err);
/* Is the caller unprivileged for urun's purposes: not root, or root of a
 * user namespace that is not the initial one. MODE: -1 auto, 0, 1. */
bool urun_rootless(int mode);

#endif
