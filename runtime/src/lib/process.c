/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container process finalization (process.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cleanup.h"
#include "error.h"
#include "fds.h"
#include "proc_sched.h"
#include "fakeroot.h"
#include "process.h"
#include "procfs.h"
#include "seccomp.h"
#include "spec.h"
#include "util.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

int
process_limits(const struct urun_process *p, struct urun_err **err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };

		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return urun_err_set(err, errno, "process.rlimits[%zu]: setrlimit", i);
	}
	if (p->has_oom_score_adj) {
		char v[16];

		snprintf(v, sizeof(v), "%d", p->oom_score_adj);
		/* After pivot_root /proc is the container's: checked to be procfs. */
		if (procfs_write("/proc/self/oom_score_adj", v, err) < 0)
			return urun_err_wrap(err, "process.oomScoreAdj");
	}
	if (sched_apply_scheduler(p->scheduler, err) < 0)
		return -1;
	if (p->has_io_priority &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, p->io_priority) < 0)
		return urun_err_set(err, errno, "process.ioPriority: ioprio_set");
	return 0;
}

static int
drop_bounding(uint64_t keep, struct urun_err **err)
{
	for (int c = 0; c <= urun_cap_last(); c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return urun_err_set(err, errno, "process.capabilities.bounding: drop %s",
					    urun_cap_name(c));
	}
	return 0;
}

static int
set_caps(const uint64_t caps[CAP_SET_COUNT], struct urun_err **err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(caps[CAP_SET_EFFECTIVE] >> (32 * i));
		data[i].permitted = (uint32_t)(caps[CAP_SET_PERMITTED] >> (32 * i));
		data[i].inheritable = (uint32_t)(caps[CAP_SET_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return urun_err_set(err, errno, "process.capabilities: capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "process.capabilities.ambient: clear");
	for (int c = 0; c <= urun_cap_last(); c++) {
		if (!(caps[CAP_SET_AMBIENT] & (1ULL << c)))
			continue;
		/* The kernel needs the cap in permitted and inheritable; like runc,
		 * skip what it refuses rather than fail. */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
	}
	return 0;
}

static int
set_identity(const struct urun_process *p, bool setgroups_ok, struct urun_err **err)
{
	if (setgroups_ok && setgroups(p->n_additional_gids, p->additional_gids) < 0)
		return urun_err_set(err, errno, "process.user.additionalGids: setgroups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return urun_err_set(err, errno, "process.user.gid: setgid %u", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return urun_err_set(err, errno, "process.user.uid: setuid %u", (unsigned)p->uid);
	return 0;
}

/* Filters need no_new_privs or CAP_SYS_ADMIN: without the first, they are
 * loaded while the capabilities are still whole. */
static int
load_filters(const struct finalize_opts *o, struct urun_err **err)
{
	if (o->seccomp && urun_seccomp_apply(o->seccomp, err) < 0)
		return urun_err_wrap(err, "linux.seccomp");
	if (o->fakeroot && fakeroot_apply(err) < 0)
		return -1;
	return 0;
}

/* setresuid to a uid other than 0 empties the effective set (KEEPCAPS keeps
 * the permitted one). Raise it back for the filters without no_new_privs,
 * which need CAP_SYS_ADMIN: loading them after the identity change, not
 * before as runc does, leaves only capset, the ambient prctls,
 * sched_setaffinity and execve to pass through them. */
static int
raise_effective(struct urun_err **err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return urun_err_set(err, errno, "capget");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return urun_err_set(err, errno, "capset: raise the effective set for seccomp");
	return 0;
}

int
process_finalize(const struct urun_process *p, const struct finalize_opts *o,
		 struct urun_err **err)
{
	static const uint64_t none[CAP_SET_COUNT];
	const uint64_t *caps = p->has_caps ? p->caps : none;
	bool filters = o->seccomp || o->fakeroot;

	if (drop_bounding(caps[CAP_SET_BOUNDING], err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "prctl PR_SET_KEEPCAPS");
	if (set_identity(p, o->setgroups_ok, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "prctl PR_SET_KEEPCAPS");
	if (chdir(p->cwd) < 0)
		return urun_err_set(err, errno, "process.cwd '%s'", p->cwd);
	if (cwd_verify(p->cwd, err) < 0)
		return -1;
	if (p->has_umask)
		umask(p->umask);
	if (!p->no_new_privileges && filters &&
	    (raise_effective(err) < 0 || load_filters(o, err) < 0))
		return -1;
	if (set_caps(caps, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return urun_err_set(err, errno, "process.noNewPrivileges");
	if (o->exec_affinity && sched_apply_affinity(p->exec_cpu_affinity, "final", err) < 0)
		return -1;
	if (p->no_new_privileges && load_filters(o, err) < 0)
		return -1;
	return 0;
}

bool
process_setgroups_allowed(const char *path, bool fallback)
{
	_cleanup_free_ char *text = NULL;

	if (read_file(path, &text, NULL, NULL) < 0)
		return fallback;
	return strncmp(text, "allow", 5) == 0;
}

static const char *
env_path(char **env)
{
	for (char **e = env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

int
process_exec(const struct urun_process *p, struct urun_err **err)
{
	const char *path = env_path(p->env);
	int saved = ENOENT;

	coverage_flush();

	if (strchr(p->args[0], '/')) {
		execve(p->args[0], p->args, p->env);
		return urun_err_set(err, errno, "exec '%s'", p->args[0]);
	}
	while (*path) {
		const char *colon = strchrnul(path, ':');
		_cleanup_free_ char *cand = xasprintf("%.*s/%s", (int)(colon - path), path,
						      p->args[0]);

		execve(cand, p->args, p->env);
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno;
		path = *colon ? colon + 1 : colon;
	}
	return urun_err_set(err, saved, "exec '%s': not found in PATH", p->args[0]);
}
