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
	bool setgroups_ok;	/* false where setgroups(2) is denied (process_setgroups_allowed) */
	bool fakeroot;		/* the run.oci.urun.fakeroot filter (fakeroot.h) */
	bool exec_affinity;	/* exec only: process.execCPUAffinity.final */
};

/* Identity, capabilities, cwd (checked to be inside the root: fds.h), umask,
 * no_new_privs and the seccomp filters. The caller has closed every fd the
 * process must not keep. */
int process_finalize(const struct urun_process *p, const struct finalize_opts *o,
		     struct urun_err **err);
/* Whether the user namespace lets us call setgroups(2): PATH is its
 * /proc/PID/setgroups ("allow" or "deny"); FALLBACK when it cannot be read
 * (no user namespace support). A rootless container whose namespace was
 * mapped with newuidmap, or that runs in someone else's, allows it. */
bool process_setgroups_allowed(const char *path, bool fallback);
/* execve args[0], searched in the PATH of the process env. Returns only on error. */
int process_exec(const struct urun_process *p, struct urun_err **err);

#endif
