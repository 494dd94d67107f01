/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: a new process in a running container's namespaces and cgroup. */
#ifndef URUN_EXEC_H
#define URUN_EXEC_H

#include <stdbool.h>
#include <jansson.h>

struct urun_err;

struct exec_opts {
	const char *root;
	const char *id;
	json_t *process;	/* a complete process object (owned by the caller) */
	const char *pid_file;
	const char *console_socket;
	bool detach;
	int preserve_fds;
};

/* The process object of the container's saved config, for exec to start from.
 * Caller decrefs. */
json_t *urun_exec_default_process(const char *root, const char *id, struct urun_err **err);
/* Run it; returns the exit status (0 when detached), -1 on error. */
int urun_container_exec(const struct exec_opts *o, struct urun_err **err);

#endif
