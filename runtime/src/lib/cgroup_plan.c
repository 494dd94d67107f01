/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources -> a list of cgroup file writes (struct cg_plan), in v1 or v2
 * naming depending on which hierarchy runs each controller; then the writes.
 * blockIO and devices are in cgroup_plan_io.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "log.h"
#include "util.h"

#define RES "linux.resources"

struct cg_op *
cg_plan_add(struct cg_plan *plan, int hier, const char *field, const char *file, char *value)
{
	struct cg_op *op;

	if (plan->n == plan->cap) {
		plan->cap = plan->cap ? plan->cap * 2 : 16;
		plan->ops = xrealloc(plan->ops, plan->cap * sizeof(*plan->ops));
	}
	op = &plan->ops[plan->n++];
	*op = (struct cg_op){ .hier = hier, .field = xstrdup(field), .file = xstrdup(file),
			      .value = value };
	return op;
}

void
cg_plan_release(struct cg_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->ops[i].field);
		free(plan->ops[i].file);
		free(plan->ops[i].value);
		free(plan->ops[i].alt_file);
		free(plan->ops[i].alt_value);
	}
	free(plan->ops);
	*plan = (struct cg_plan){ 0 };
}

static bool
has(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v && !json_is_null(v);
}

/* The hierarchy for controller C, or an error naming FIELD. */
static int
need(const struct cg_layout *l, enum cg_ctrl c, const char *field, struct cg_plan *plan,
     struct urun_err **err)
{
	int i = cg_owner(l, c);

	if (i < 0)
		return urun_err_set(err, 0, "%s: the %s cgroup controller is not available on "
				    "this host", field, cg_ctrl_name(c, false));
	if (l->h[i].v2)
		plan->v2_ctrls |= CG_BIT(c);
	return i;
}

static char *
limit_str(int64_t v, bool v2)
{
	return v < 0 && v2 ? xstrdup("max") : xasprintf("%" PRId64, v);
}

struct mem {
	int64_t limit, reservation, swap;
	uint64_t swappiness;
	bool oom_off, hierarchy, check_before_update;
	bool has_limit, has_reservation, has_swap, has_swappiness, has_hierarchy;
};

static int
mem_parse(json_t *m, struct mem *o, struct urun_err **err)
{
	*o = (struct mem){ 0 };
	o->has_limit = has(m, "limit");
	o->has_reservation = has(m, "reservation");
	o->has_swap = has(m, "swap");
	o->has_swappiness = has(m, "swappiness");
	o->has_hierarchy = has(m, "useHierarchy");
	/* kernel and kernelTCP: kmem limits are gone from Linux (6.1 refuses them)
	 * and deprecated in the spec; the support table warns about them. */
	if (has(m, "kernel") || has(m, "kernelTCP"))
		log_debug("%s.memory.kernel/kernelTCP: ignored", RES);
	if (json_get_int(m, "limit", RES ".memory.limit", JSON_OPTIONAL, -1, INT64_MAX,
			 &o->limit, err) < 0 ||
	    json_get_int(m, "reservation", RES ".memory.reservation", JSON_OPTIONAL, -1,
			 INT64_MAX, &o->reservation, err) < 0 ||
	    json_get_int(m, "swap", RES ".memory.swap", JSON_OPTIONAL, -1, INT64_MAX, &o->swap,
			 err) < 0 ||
	    json_get_u64(m, "swappiness", RES ".memory.swappiness", JSON_OPTIONAL,
			 &o->swappiness, err) < 0 ||
	    json_get_bool(m, "disableOOMKiller", RES ".memory.disableOOMKiller", &o->oom_off,
			  err) < 0 ||
	    json_get_bool(m, "useHierarchy", RES ".memory.useHierarchy", &o->hierarchy, err) < 0)
		return -1;
	/* 0 leaves the value as it is, as runc does: engines send the unset
	 * fields of an update as 0 (-1 is "no limit"). */
	o->has_limit &= o->limit != 0;
	o->has_reservation &= o->reservation != 0;
	o->has_swap &= o->swap != 0;
	/* checkBeforeUpdate matters to update (a new cgroup has no usage). */
	return json_get_bool(m, "checkBeforeUpdate", RES ".memory.checkBeforeUpdate",
			     &o->check_before_update, err);
}

/* checkBeforeUpdate: refuse a limit below what the container already uses
 * (runc: "rejecting memory limit below usage") instead of an OOM kill. */
static void
plan_usage_check(int h, const struct mem *m, const char *usage_file, struct cg_plan *p)
{
	struct cg_op *op;

	if (!m->check_before_update || !m->has_limit || m->limit <= 0)
		return;
	op = cg_plan_add(p, h, RES ".memory.checkBeforeUpdate", usage_file,
			 xasprintf("%" PRId64, m->limit));
	op->check_below = true;
	op->optional = true;
}

/* memory.swap.max from the v1-style memory+swap total (runc's conversion). */
static int
v2_swap(const struct mem *m, char **out, struct urun_err **err)
{
	int64_t limit = m->has_limit ? m->limit : 0;

	if (m->swap == -1) {
		*out = xstrdup("max");
		return 0;
	}
	if (limit <= 0)
		return urun_err_set(err, 0, "%s.memory.swap: needs a memory limit on cgroup v2", RES);
	if (m->swap < limit)
		return urun_err_set(err, 0, "%s.memory.swap: %" PRId64 " is below the memory "
				    "limit %" PRId64 " (swap is memory+swap)", RES, m->swap, limit);
	*out = xasprintf("%" PRId64, m->swap - limit);
	return 0;
}

static int
plan_memory_v2(int h, const struct mem *m, struct cg_plan *p, struct urun_err **err)
{
	plan_usage_check(h, m, "memory.current", p);
	if (m->has_limit)
		cg_plan_add(p, h, RES ".memory.limit", "memory.max", limit_str(m->limit, true));
	if (m->has_reservation)
		cg_plan_add(p, h, RES ".memory.reservation", "memory.low",
			    limit_str(m->reservation, true));
	if (m->has_swap) {
		char *v = NULL;

		if (v2_swap(m, &v, err) < 0)
			return -1;
		cg_plan_add(p, h, RES ".memory.swap", "memory.swap.max", v);
	}
	if (m->has_swappiness)
		return urun_err_set(err, 0, "%s.memory.swappiness: not available on cgroup v2", RES);
	if (m->oom_off)
		return urun_err_set(err, 0, "%s.memory.disableOOMKiller: not available on cgroup v2",
				    RES);
	if (m->has_hierarchy && !m->hierarchy)
		return urun_err_set(err, 0, "%s.memory.useHierarchy: cgroup v2 is always "
				    "hierarchical", RES);
	return 0;
}

static int
plan_memory(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *obj = NULL;
	struct mem m;
	int h;

	if (json_get_obj(res, "memory", RES ".memory", JSON_OPTIONAL, &obj, err) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	if (mem_parse(obj, &m, err) < 0)
		return -1;
	if (!m.has_limit && !m.has_reservation && !m.has_swap && !m.has_swappiness &&
	    !m.oom_off && !m.has_hierarchy)
		return 0;
	if ((h = need(l, CG_MEMORY, RES ".memory", p, err)) < 0)
		return -1;
	if (l->h[h].v2)
		return plan_memory_v2(h, &m, p, err);
	if (m.has_swappiness && m.swappiness > 100)
		return urun_err_set(err, 0, "%s.memory.swappiness: %" PRIu64 " is not in [0, 100]",
				    RES, m.swappiness);
	plan_usage_check(h, &m, "memory.usage_in_bytes", p);
	/* An unlimited memory without a swap setting means both unlimited
	 * (runc): memsw may not be below the limit. Without swap accounting
	 * there is no memsw file. */
	if (m.has_limit && m.limit == -1 && !m.has_swap)
		cg_plan_add(p, h, RES ".memory.limit", "memory.memsw.limit_in_bytes",
			    xstrdup("-1"))->optional = true;
	/* The limit first: memsw (memory+swap) may not go below it. When the
	 * new limit is above the old memsw, cg_plan_apply writes memsw first. */
	if (m.has_limit)
		cg_plan_add(p, h, RES ".memory.limit", "memory.limit_in_bytes",
			    limit_str(m.limit, false));
	if (m.has_swap)
		cg_plan_add(p, h, RES ".memory.swap", "memory.memsw.limit_in_bytes",
			    limit_str(m.swap, false));
	if (m.has_reservation)
		cg_plan_add(p, h, RES ".memory.reservation", "memory.soft_limit_in_bytes",
			    limit_str(m.reservation, false));
	if (m.has_swappiness)
		cg_plan_add(p, h, RES ".memory.swappiness", "memory.swappiness",
			    xasprintf("%" PRIu64, m.swappiness));
	if (m.oom_off)
		cg_plan_add(p, h, RES ".memory.disableOOMKiller", "memory.oom_control", xstrdup("1"));
	if (m.has_hierarchy)
		cg_plan_add(p, h, RES ".memory.useHierarchy", "memory.use_hierarchy",
			    xstrdup(m.hierarchy ? "1" : "0"));
	return 0;
}

struct cpu {
	uint64_t shares, period, burst, rt_period;
	int64_t quota, rt_runtime, idle;
	char *cpus, *mems;
	bool has_burst, has_idle;
};

static int
cpu_parse(json_t *c, struct cpu *o, struct urun_err **err)
{
	o->has_burst = has(c, "burst");
	o->has_idle = has(c, "idle");
	if (json_get_u64(c, "shares", RES ".cpu.shares", JSON_OPTIONAL, &o->shares, err) < 0 ||
	    json_get_int(c, "quota", RES ".cpu.quota", JSON_OPTIONAL, -1, INT64_MAX, &o->quota,
			 err) < 0 ||
	    json_get_u64(c, "period", RES ".cpu.period", JSON_OPTIONAL, &o->period, err) < 0 ||
	    json_get_u64(c, "burst", RES ".cpu.burst", JSON_OPTIONAL, &o->burst, err) < 0 ||
	    json_get_int(c, "realtimeRuntime", RES ".cpu.realtimeRuntime", JSON_OPTIONAL, -1,
			 INT64_MAX, &o->rt_runtime, err) < 0 ||
	    json_get_u64(c, "realtimePeriod", RES ".cpu.realtimePeriod", JSON_OPTIONAL,
			 &o->rt_period, err) < 0 ||
	    json_get_int(c, "idle", RES ".cpu.idle", JSON_OPTIONAL, 0, 1, &o->idle, err) < 0 ||
	    json_get_str(c, "cpus", RES ".cpu.cpus", JSON_OPTIONAL, &o->cpus, err) < 0 ||
	    json_get_str(c, "mems", RES ".cpu.mems", JSON_OPTIONAL, &o->mems, err) < 0)
		return -1;
	/* "" leaves the cpuset as it is (runc); writing it would empty it. */
	if (o->cpus && o->cpus[0] == '\0')
		free(steal_ptr(&o->cpus));
	if (o->mems && o->mems[0] == '\0')
		free(steal_ptr(&o->mems));
	/* runtime-spec: burst MUST be no larger than a positive quota. */
	if (o->has_burst && o->quota > 0 && o->burst > (uint64_t)o->quota)
		return urun_err_set(err, 0, "%s.cpu.burst: %" PRIu64 " is larger than quota %"
				    PRId64, RES, o->burst, o->quota);
	return 0;
}

static void
plan_cpu_v1(int h, const struct cpu *c, struct cg_plan *p)
{
	if (c->shares)
		cg_plan_add(p, h, RES ".cpu.shares", "cpu.shares", xasprintf("%" PRIu64, c->shares));
	/* Period before quota, realtime period before runtime (as runc). */
	if (c->period)
		cg_plan_add(p, h, RES ".cpu.period", "cpu.cfs_period_us",
			    xasprintf("%" PRIu64, c->period));
	if (c->quota)
		cg_plan_add(p, h, RES ".cpu.quota", "cpu.cfs_quota_us",
			    xasprintf("%" PRId64, c->quota));
	if (c->has_burst)
		cg_plan_add(p, h, RES ".cpu.burst", "cpu.cfs_burst_us",
			    xasprintf("%" PRIu64, c->burst));
	if (c->rt_period)
		cg_plan_add(p, h, RES ".cpu.realtimePeriod", "cpu.rt_period_us",
			    xasprintf("%" PRIu64, c->rt_period));
	if (c->rt_runtime)
		cg_plan_add(p, h, RES ".cpu.realtimeRuntime", "cpu.rt_runtime_us",
			    xasprintf("%" PRId64, c->rt_runtime));
	if (c->has_idle)
		cg_plan_add(p, h, RES ".cpu.idle", "cpu.idle", xasprintf("%" PRId64, c->idle));
}

static int
plan_cpu_v2(int h, const struct cpu *c, struct cg_plan *p, struct urun_err **err)
{
	if (c->rt_period || c->rt_runtime)
		return urun_err_set(err, 0, "%s.cpu.%s: no realtime CPU limits on cgroup v2", RES,
				    c->rt_period ? "realtimePeriod" : "realtimeRuntime");
	if (c->shares) {
		/* runc's mapping of shares [2, 262144] onto weight [1, 10000]. */
		uint64_t s = c->shares < 2 ? 2 : c->shares > 262144 ? 262144 : c->shares;

		cg_plan_add(p, h, RES ".cpu.shares", "cpu.weight",
			    xasprintf("%" PRIu64, 1 + ((s - 2) * 9999) / 262142));
	}
	if (c->quota || c->period) {
		char *v = c->quota > 0 ? xasprintf("%" PRId64, c->quota) : xstrdup("max");

		if (c->period) {
			char *w = xasprintf("%s %" PRIu64, v, c->period);

			free(v);
			v = w;
		}
		cg_plan_add(p, h, RES ".cpu.quota", "cpu.max", v);
	}
	if (c->has_burst)
		cg_plan_add(p, h, RES ".cpu.burst", "cpu.max.burst", xasprintf("%" PRIu64, c->burst));
	if (c->has_idle)
		cg_plan_add(p, h, RES ".cpu.idle", "cpu.idle", xasprintf("%" PRId64, c->idle));
	return 0;
}

static int
plan_cpu(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *obj = NULL;
	struct cpu c = { 0 };
	int h, ret = 0;

	if (json_get_obj(res, "cpu", RES ".cpu", JSON_OPTIONAL, &obj, err) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	if (cpu_parse(obj, &c, err) < 0)
		goto out_err;
	if (c.shares || c.quota || c.period || c.has_burst || c.rt_period || c.rt_runtime ||
	    c.has_idle) {
		if ((h = need(l, CG_CPU, RES ".cpu", p, err)) < 0)
			goto out_err;
		if (!l->h[h].v2)
			plan_cpu_v1(h, &c, p);
		else if (plan_cpu_v2(h, &c, p, err) < 0)
			goto out_err;
	}
	if (c.cpus || c.mems) {
		if ((h = need(l, CG_CPUSET, c.cpus ? RES ".cpu.cpus" : RES ".cpu.mems", p, err)) < 0)
			goto out_err;
		if (c.cpus)
			cg_plan_add(p, h, RES ".cpu.cpus", "cpuset.cpus", steal_ptr(&c.cpus));
		if (c.mems)
			cg_plan_add(p, h, RES ".cpu.mems", "cpuset.mems", steal_ptr(&c.mems));
	}
	goto out;
out_err:
	ret = -1;
out:
	free(c.cpus);
	free(c.mems);
	return ret;
}

static int
plan_pids(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *obj = NULL;
	int64_t limit = 0;
	int h;

	if (json_get_obj(res, "pids", RES ".pids", JSON_OPTIONAL, &obj, err) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	/* -1 is no limit; 0 is a real limit (runtime-spec 1.2). */
	if (json_get_int(obj, "limit", RES ".pids.limit", JSON_REQUIRED, -1, INT64_MAX, &limit,
			 err) < 0 ||
	    (h = need(l, CG_PIDS, RES ".pids.limit", p, err)) < 0)
		return -1;
	cg_plan_add(p, h, RES ".pids.limit", "pids.max",
		    limit < 0 ? xstrdup("max") : xasprintf("%" PRId64, limit));
	return 0;
}

static bool
valid_page_size(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || s[0] < '1' || s[0] > '9' || s[n - 1] != 'B' || !strchr("KMG", s[n - 2]))
		return false;
	for (size_t i = 1; i < n - 2; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
plan_hugetlb_one(const struct cg_layout *l, json_t *e, const char *path, struct cg_plan *p,
		 struct urun_err **err)
{
	_cleanup_free_ char *size = NULL, *spath = xasprintf("%s.pageSize", path);
	_cleanup_free_ char *lpath = xasprintf("%s.limit", path);
	_cleanup_free_ char *file = NULL, *rsvd = NULL;
	uint64_t limit = 0;
	struct cg_op *op;
	int h;

	if (!json_is_object(e))
		return urun_err_set(err, 0, "%s: expected an object", path);
	if (json_get_str(e, "pageSize", spath, JSON_REQUIRED, &size, err) < 0 ||
	    json_get_u64(e, "limit", lpath, JSON_REQUIRED, &limit, err) < 0)
		return -1;
	if (!valid_page_size(size))
		return urun_err_set(err, 0, "%s: '%s' is not like 2MB or 1GB", spath, size);
	if ((h = need(l, CG_HUGETLB, path, p, err)) < 0)
		return -1;
	file = xasprintf(l->h[h].v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
	rsvd = xasprintf(l->h[h].v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes",
			 size);
	cg_plan_add(p, h, spath, file, xasprintf("%" PRIu64, limit));
	/* The reservation limit too where the kernel has it (Linux 5.7+). */
	op = cg_plan_add(p, h, spath, rsvd, xasprintf("%" PRIu64, limit));
	op->optional = true;
	return 0;
}

static int
plan_hugetlb(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *arr = NULL, *e;
	size_t i;

	if (json_get_arr(res, "hugepageLimits", RES ".hugepageLimits", JSON_OPTIONAL, &arr,
			 err) < 0)
		return -1;
	json_array_foreach(arr, i, e) {
		_cleanup_free_ char *path = xasprintf("%s.hugepageLimits[%zu]", RES, i);

		if (plan_hugetlb_one(l, e, path, p, err) < 0)
			return -1;
	}
	return 0;
}

static int
plan_network(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *obj = NULL, *prios = NULL, *e;
	int64_t classid = 0;
	size_t i;
	int h;

	if (json_get_obj(res, "network", RES ".network", JSON_OPTIONAL, &obj, err) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	if (json_get_int(obj, "classID", RES ".network.classID", JSON_OPTIONAL, 0, UINT32_MAX,
			 &classid, err) < 0 ||
	    json_get_arr(obj, "priorities", RES ".network.priorities", JSON_OPTIONAL, &prios,
			 err) < 0)
		return -1;
	if (has(obj, "classID")) {
		if ((h = need(l, CG_NET_CLS, RES ".network.classID", p, err)) < 0)
			return -1;
		cg_plan_add(p, h, RES ".network.classID", "net_cls.classid",
			    xasprintf("%" PRId64, classid));
	}
	json_array_foreach(prios, i, e) {
		_cleanup_free_ char *path = xasprintf("%s.network.priorities[%zu]", RES, i);
		_cleanup_free_ char *npath = xasprintf("%s.name", path);
		_cleanup_free_ char *ppath = xasprintf("%s.priority", path);
		_cleanup_free_ char *name = NULL;
		int64_t prio = 0;

		if (!json_is_object(e))
			return urun_err_set(err, 0, "%s: expected an object", path);
		if (json_get_str(e, "name", npath, JSON_REQUIRED, &name, err) < 0 ||
		    json_get_int(e, "priority", ppath, JSON_REQUIRED, 0, UINT32_MAX, &prio,
				 err) < 0 ||
		    (h = need(l, CG_NET_PRIO, RES ".network.priorities", p, err)) < 0)
			return -1;
		cg_plan_add(p, h, path, "net_prio.ifpriomap",
			    xasprintf("%s %" PRId64, name, prio));
	}
	return 0;
}

static int
plan_rdma(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *obj = NULL, *e;
	const char *dev;
	int h;

	if (json_get_obj(res, "rdma", RES ".rdma", JSON_OPTIONAL, &obj, err) < 0)
		return -1;
	json_object_foreach(obj, dev, e) {
		_cleanup_free_ char *path = xasprintf("%s.rdma[\"%s\"]", RES, dev);
		_cleanup_free_ char *hpath = xasprintf("%s.hcaHandles", path);
		_cleanup_free_ char *opath = xasprintf("%s.hcaObjects", path);
		int64_t handles = -1, objects = -1;

		if (!json_is_object(e))
			return urun_err_set(err, 0, "%s: expected an object", path);
		if (json_get_int(e, "hcaHandles", hpath, JSON_OPTIONAL, 0, UINT32_MAX, &handles,
				 err) < 0 ||
		    json_get_int(e, "hcaObjects", opath, JSON_OPTIONAL, 0, UINT32_MAX, &objects,
				 err) < 0)
			return -1;
		if (handles < 0 && objects < 0)
			return urun_err_set(err, 0, "%s: needs hcaHandles or hcaObjects", path);
		if (strpbrk(dev, " \n") || dev[0] == '\0')
			return urun_err_set(err, 0, "%s: bad device name", path);
		if ((h = need(l, CG_RDMA, path, p, err)) < 0)
			return -1;
		cg_plan_add(p, h, path, "rdma.max",
			    handles >= 0 && objects >= 0 ?
			    xasprintf("%s hca_handle=%" PRId64 " hca_object=%" PRId64, dev, handles,
				      objects) :
			    handles >= 0 ? xasprintf("%s hca_handle=%" PRId64, dev, handles) :
			    xasprintf("%s hca_object=%" PRId64, dev, objects));
	}
	return 0;
}

int
cg_unified_key_check(const char *key, const char *field, struct urun_err **err)
{
	/* Limits on the container's own subtree; every other cgroup.* file
	 * acts on membership or on the tree itself: cgroup.procs and
	 * cgroup.threads move any host process in (delete then kills it),
	 * cgroup.kill, cgroup.freeze, cgroup.subtree_control, cgroup.type. */
	static const char *const limits[] = { "cgroup.max.depth", "cgroup.max.descendants" };

	if (key[0] == '\0' || key[0] == '.' || strchr(key, '/') || strstr(key, "..") ||
	    !strchr(key, '.') || strpbrk(key, " \t\n"))
		return urun_err_set(err, 0, "%s: not a cgroup file name", field);
	if (strncmp(key, "cgroup.", 7) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (strcmp(key, limits[i]) == 0)
			return 0;
	return urun_err_set(err, 0, "%s: '%s' is a cgroup interface file, not a resource "
			    "limit: refused", field, key);
}

/* unified: v2 files written as given, under the v2 cgroup (also on hybrid
 * hosts). A "ctrl.file" key needs CTRL in the v2 hierarchy; it is enabled in
 * the ancestors' cgroup.subtree_control. */
static int
plan_unified(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *obj = NULL, *v;
	const char *key;
	int h = cg_v2_index(l);

	if (json_get_obj(res, "unified", RES ".unified", JSON_OPTIONAL, &obj, err) < 0)
		return -1;
	json_object_foreach(obj, key, v) {
		_cleanup_free_ char *path = xasprintf("%s.unified[\"%s\"]", RES, key);
		_cleanup_free_ char *ctrl = xasprintf("%.*s", (int)strcspn(key, "."), key);
		int c = cg_ctrl_from_name(ctrl, true);

		if (!json_is_string(v))
			return urun_err_set(err, 0, "%s: expected a string, got %s", path,
					    json_type_name(v));
		if (cg_unified_key_check(key, path, err) < 0)
			return -1;
		if (h < 0)
			return urun_err_set(err, 0, "%s: no cgroup v2 hierarchy on this host", path);
		if (c >= 0 && !(l->h[h].ctrls & CG_BIT(c)))
			return urun_err_set(err, 0, "%s: the %s controller is not available in the "
					    "cgroup v2 hierarchy", path, ctrl);
		if (c >= 0)
			p->v2_ctrls |= CG_BIT(c);
		cg_plan_add(p, h, path, key, xstrdup(json_string_value(v)));
	}
	return 0;
}

int
cg_plan_build(const struct cg_layout *l, json_t *res, struct cg_plan *plan,
	      struct urun_err **err)
{
	*plan = (struct cg_plan){ 0 };
	if (res == NULL || json_is_null(res))
		return 0;
	if (!json_is_object(res))
		return urun_err_set(err, 0, "%s: expected an object, got %s", RES,
				    json_type_name(res));
	if (plan_memory(l, res, plan, err) < 0 || plan_cpu(l, res, plan, err) < 0 ||
	    plan_pids(l, res, plan, err) < 0 || cg_plan_blkio(l, res, plan, err) < 0 ||
	    plan_hugetlb(l, res, plan, err) < 0 || cg_plan_devices(l, res, plan, err) < 0 ||
	    plan_network(l, res, plan, err) < 0 || plan_rdma(l, res, plan, err) < 0 ||
	    plan_unified(l, res, plan, err) < 0) {
		cg_plan_release(plan);
		return -1;
	}
	return 0;
}

/* cgroup v1 cpu: a child's cpu.rt_runtime_us must fit its parent's, and new
 * intermediate groups (/urun under the root) start with 0. Give the ancestors
 * below the hierarchy root the same budget, top down, so the write can fit. */
static void
give_rt_budget(const char *dir, const char *value)
{
	char *anc[64], *p = xstrdup(dir), *slash;
	size_t n = 0;

	while (n < 64 && (slash = strrchr(p, '/')) != NULL && slash != p) {
		_cleanup_free_ char *f = NULL;

		*slash = '\0';
		f = xasprintf("%s/cpu.rt_runtime_us", p);
		if (access(f, F_OK) < 0)
			break;
		anc[n++] = xstrdup(p);
	}
	/* anc[n - 1] is the hierarchy root: its budget is the host's to set. */
	for (size_t i = n > 0 ? n - 1 : 0; i-- > 0;)
		cg_write(anc[i], "cpu.rt_runtime_us", value);
	for (size_t i = 0; i < n; i++)
		free(anc[i]);
	free(p);
}

/* checkBeforeUpdate: the usage in OP->file must be below the new limit. */
static int
check_below(const char *dir, const struct cg_op *op, struct urun_err **err)
{
	_cleanup_free_ char *usage = cg_read(dir, op->file);
	long long u, limit = strtoll(op->value, NULL, 10);

	if (usage == NULL)
		return errno == ENOENT && op->optional ? 0 :
		       urun_err_set(err, errno, "%s: read '%s/%s'", op->field, dir, op->file);
	u = strtoll(usage, NULL, 10);
	if (u >= limit)
		return urun_err_set(err, 0, "%s: rejecting memory limit %lld below usage %lld",
				    op->field, limit, u);
	return 0;
}

/* v1: a memory limit above the current memory+swap limit is refused; when the
 * plan also sets memsw, write that first (runc's order for raising both). */
static int
memsw_first(const struct cg_plan *plan, size_t i, const char *dir)
{
	for (size_t k = i + 1; k < plan->n; k++)
		if (plan->ops[k].hier == plan->ops[i].hier &&
		    strcmp(plan->ops[k].file, "memory.memsw.limit_in_bytes") == 0)
			return cg_write(dir, plan->ops[k].file, plan->ops[k].value);
	errno = EINVAL;
	return -1;
}

/* One op, with its fallbacks; 0, or -1 with errno and *FILE, *VALUE as tried. */
static int
apply_op(const struct cg_plan *plan, size_t i, const char *dir, const char **file,
	 const char **value)
{
	const struct cg_op *op = &plan->ops[i];
	int e;

	if (cg_write(dir, *file, *value) == 0)
		return 0;
	e = errno;
	if (e == EINVAL && strcmp(*file, "cpu.rt_runtime_us") == 0) {
		give_rt_budget(dir, *value);
		if (cg_write(dir, *file, *value) == 0)
			return 0;
		e = errno;
	}
	if (e == EINVAL && strcmp(*file, "memory.limit_in_bytes") == 0 &&
	    memsw_first(plan, i, dir) == 0) {
		if (cg_write(dir, *file, *value) == 0)
			return 0;
		e = errno;
	}
	if (e == ENOENT && op->alt_file) {
		*file = op->alt_file;
		*value = op->alt_value ? op->alt_value : op->value;
		if (cg_write(dir, *file, *value) == 0)
			return 0;
		e = errno;
	}
	errno = e;
	return -1;
}

int
cg_plan_apply(const struct cg_plan *plan, char **dirs, struct urun_err **err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct cg_op *op = &plan->ops[i];
		const char *dir = dirs[op->hier], *file = op->file, *value = op->value;

		if (op->check_below) {
			if (check_below(dir, op, err) < 0)
				return -1;
			continue;
		}
		if (apply_op(plan, i, dir, &file, &value) == 0)
			continue;
		if (errno == ENOENT && op->optional)
			continue;
		if (errno == ENOENT)
			return urun_err_set(err, 0, "%s: the kernel has no '%s' in '%s'", op->field,
					    op->file, dir);
		return urun_err_set(err, errno, "%s: write '%s' to '%s/%s'", op->field, value, dir,
				    file);
	}
	return 0;
}
