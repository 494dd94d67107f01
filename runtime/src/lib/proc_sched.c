/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scheduler, CPU affinity and memory policy (sched.h). */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "proc_sched.h"
#include "util.h"

#define MASK_BITS 1024
#define LONG_BITS (8 * sizeof(unsigned long))

struct name_value {
	const char *name;
	uint64_t v;
};

struct sched_attr_v1 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static const struct name_value policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 }, { "SCHED_BATCH", 3 },
	{ "SCHED_ISO", 4 }, { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};
static const struct name_value sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 }, { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};
static const struct name_value mpol_modes[] = {
	{ "MPOL_DEFAULT", 0 }, { "MPOL_PREFERRED", 1 }, { "MPOL_BIND", 2 },
	{ "MPOL_INTERLEAVE", 3 }, { "MPOL_LOCAL", 4 }, { "MPOL_PREFERRED_MANY", 5 },
	{ "MPOL_WEIGHTED_INTERLEAVE", 6 },
};
static const struct name_value mpol_flags[] = {
	{ "MPOL_F_NUMA_BALANCING", 1 << 13 }, { "MPOL_F_RELATIVE_NODES", 1 << 14 },
	{ "MPOL_F_STATIC_NODES", 1 << 15 },
};

#define LOOKUP(tab, s, out) lookup_name((s), (tab), sizeof(tab) / sizeof((tab)[0]), (out))

static int
lookup_name(const char *s, const struct name_value *tab, size_t n, uint64_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tab[i].name, s) == 0) {
			*out = tab[i].v;
			return 0;
		}
	}
	return -1;
}

int
parse_cpu_list(const char *s, unsigned long *mask, size_t nbits)
{
	memset(mask, 0, nbits / 8);
	if (s == NULL || *s == '\0')
		return -1;
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return -1;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		if (b >= nbits)
			return -1;
		for (unsigned long c = a; c <= b; c++)
			mask[c / LONG_BITS] |= 1UL << (c % LONG_BITS);
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return 0;
}

static int
build_attr(json_t *sch, struct sched_attr_v1 *attr, struct urun_err **err)
{
	_cleanup_free_ char *policy = NULL;
	json_t *flags = NULL, *f;
	int64_t v;
	uint64_t u;
	size_t i;

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	if (json_get_str(sch, "policy", "process.scheduler.policy", JSON_REQUIRED, &policy, err) < 0)
		return -1;
	if (LOOKUP(policies, policy, &u) < 0)
		return urun_err_set(err, 0, "process.scheduler.policy: unknown policy '%s'", policy);
	attr->sched_policy = (uint32_t)u;
	v = 0;
	if (json_get_int(sch, "nice", "process.scheduler.nice", JSON_OPTIONAL, -20, 19, &v, err) < 0)
		return -1;
	attr->sched_nice = (int32_t)v;
	v = 0;
	if (json_get_int(sch, "priority", "process.scheduler.priority", JSON_OPTIONAL, 0, 99, &v,
			 err) < 0)
		return -1;
	attr->sched_priority = (uint32_t)v;
	if (json_get_u64(sch, "runtime", "process.scheduler.runtime", JSON_OPTIONAL,
			 &attr->sched_runtime, err) < 0 ||
	    json_get_u64(sch, "deadline", "process.scheduler.deadline", JSON_OPTIONAL,
			 &attr->sched_deadline, err) < 0 ||
	    json_get_u64(sch, "period", "process.scheduler.period", JSON_OPTIONAL,
			 &attr->sched_period, err) < 0 ||
	    json_get_arr(sch, "flags", "process.scheduler.flags", JSON_OPTIONAL, &flags, err) < 0)
		return -1;
	json_array_foreach(flags, i, f) {
		if (!json_is_string(f) || LOOKUP(sched_flags, json_string_value(f), &u) < 0)
			return urun_err_set(err, 0, "process.scheduler.flags[%zu]: unknown flag", i);
		attr->sched_flags |= u;
	}
	return 0;
}

static int
build_mempolicy(json_t *mp, int *mode, unsigned long *nodes, struct urun_err **err)
{
	_cleanup_free_ char *m = NULL, *list = NULL;
	json_t *flags = NULL, *f;
	uint64_t u;
	size_t i;

	if (json_get_str(mp, "mode", "linux.memoryPolicy.mode", JSON_REQUIRED, &m, err) < 0 ||
	    json_get_str(mp, "nodes", "linux.memoryPolicy.nodes", JSON_OPTIONAL, &list, err) < 0 ||
	    json_get_arr(mp, "flags", "linux.memoryPolicy.flags", JSON_OPTIONAL, &flags, err) < 0)
		return -1;
	if (LOOKUP(mpol_modes, m, &u) < 0)
		return urun_err_set(err, 0, "linux.memoryPolicy.mode: unknown mode '%s'", m);
	*mode = (int)u;
	json_array_foreach(flags, i, f) {
		if (!json_is_string(f) || LOOKUP(mpol_flags, json_string_value(f), &u) < 0)
			return urun_err_set(err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag", i);
		*mode |= (int)u;
	}
	memset(nodes, 0, MASK_BITS / 8);
	if (list && *list && parse_cpu_list(list, nodes, MASK_BITS) < 0)
		return urun_err_set(err, 0, "linux.memoryPolicy.nodes: bad node list '%s'", list);
	return 0;
}

static int
affinity_mask(json_t *aff, const char *which, unsigned long *mask, bool *set,
	      struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("process.execCPUAffinity.%s", which);
	_cleanup_free_ char *list = NULL;

	*set = false;
	if (aff == NULL)
		return 0;
	if (!json_is_object(aff))
		return urun_err_set(err, 0, "process.execCPUAffinity: expected an object");
	if (json_get_str(aff, which, path, JSON_OPTIONAL, &list, err) < 0)
		return -1;
	if (list == NULL)
		return 0;
	if (parse_cpu_list(list, mask, MASK_BITS) < 0)
		return urun_err_set(err, 0, "%s: bad CPU list '%s'", path, list);
	*set = true;
	return 0;
}

int
sched_check(json_t *scheduler, json_t *affinity, json_t *mempolicy, struct urun_err **err)
{
	struct sched_attr_v1 attr;
	unsigned long mask[MASK_BITS / LONG_BITS];
	bool set;
	int mode;

	if (scheduler && (!json_is_object(scheduler) || build_attr(scheduler, &attr, err) < 0))
		return *err ? -1 : urun_err_set(err, 0, "process.scheduler: expected an object");
	if (affinity_mask(affinity, "initial", mask, &set, err) < 0 ||
	    affinity_mask(affinity, "final", mask, &set, err) < 0)
		return -1;
	if (mempolicy && (!json_is_object(mempolicy) || build_mempolicy(mempolicy, &mode, mask,
									err) < 0))
		return *err ? -1 : urun_err_set(err, 0, "linux.memoryPolicy: expected an object");
	return 0;
}

int
sched_apply_scheduler(json_t *scheduler, struct urun_err **err)
{
	struct sched_attr_v1 attr;

	if (scheduler == NULL)
		return 0;
	if (build_attr(scheduler, &attr, err) < 0)
		return -1;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return urun_err_set(err, errno, "process.scheduler: sched_setattr");
	return 0;
}

int
sched_apply_affinity(json_t *affinity, const char *which, struct urun_err **err)
{
	unsigned long mask[MASK_BITS / LONG_BITS];
	bool set;

	if (affinity_mask(affinity, which, mask, &set, err) < 0)
		return -1;
	if (set && sched_setaffinity(0, sizeof(mask), (cpu_set_t *)mask) < 0)
		return urun_err_set(err, errno, "process.execCPUAffinity.%s: sched_setaffinity",
				    which);
	return 0;
}

int
sched_apply_mempolicy(json_t *mempolicy, struct urun_err **err)
{
	unsigned long nodes[MASK_BITS / LONG_BITS];
	int mode;

	if (mempolicy == NULL)
		return 0;
	if (build_mempolicy(mempolicy, &mode, nodes, err) < 0)
		return -1;
	if (syscall(SYS_set_mempolicy, mode, nodes, (unsigned long)MASK_BITS + 1) < 0)
		return urun_err_set(err, errno, "linux.memoryPolicy: set_mempolicy");
	return 0;
}
