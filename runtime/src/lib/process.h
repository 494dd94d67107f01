/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The last steps of the container process before execve: limits, identity,
 * capabilities, no_new_privs, seccomp, and the exec itself. Used by the init
 * of create and by exec. */
#ifndef URUN_PROCESS_H
#define URUN_PROCESS_H

#include <stdbool.h>
#include <jansson.h>

struct urun_err;
struct urun_process;

/* rlimits, oom_score_adj, I/O priority: while still privileged. */
int process_limits(const struct urun_process *p, struct urun_err **err);
struct finalize_opts {
	json_t *seccomp;	/* linux.seccomp, may be NULL */
	bool setgroups_ok;	/* false where setgroups(2) is denied (one-id userns) */
	bool fakeroot;		/* the run.oci.urun.fakeroot filter (fakeroot.h) */
	bool exec_affinity;	/* exec only: process.execCPUAffinity.final */
};

/* Identity, capabilities, cwd, umask, no_new_privs and the seccomp filters. */
int process_finalize(const struct urun_process *p, const struct finalize_opts *o,
		     struct urun_err **err);
/* execve args[0], searched in the PATH of the process env. Returns only on error. */
int process_exec(const struct urun_process *p, struct urun_err **err);

#endif
