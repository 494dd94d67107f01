/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroups: layout detection, path resolution and resource plans against fake
 * trees in a temp dir (no root needed); one real round trip as root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "error.h"
#include "util.h"
#include "tmpdir_fixture.h"

/* This project's CI host: v1 controllers, name=systemd, hugetlb on v2. */
static const char hybrid_mountinfo[] =
	"22 1 0:21 / / rw - ext4 /dev/vda rw\n"
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
	"41 30 0:37 / /mnt/again rw,relatime - cgroup2 cgroup2 rw\n";

static const char hybrid_cgroup[] =
	"9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
	"4:memory:/process_api/abc\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";

static const char v2_mountinfo[] =
	"22 1 0:21 / / rw - ext4 /dev/vda rw\n"
	"30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 "
	"rw,nsdelegate,memory_recursiveprot\n";

/* Co-mounted cpu,cpuacct, a mount showing a sub-cgroup, an escaped space. */
static const char v1_mountinfo[] =
	"31 30 0:28 /docker/x /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpuacct,cpu\n"
	"34 30 0:31 /docker/x /sys/fs/cgroup/my\\040memory rw - cgroup cgroup rw,memory\n"
	"35 30 0:31 / /elsewhere rw - cgroup cgroup rw,memory\n";

static const char v1_cgroup[] = "2:cpu,cpuacct:/docker/x/sub\n1:memory:/docker/x\n";

static void
put(const char *root, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", root, rel), *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	assert_int_equal(mkdir_p(path, 0755, NULL), 0);
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static char *
get(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel), *buf = NULL;

	if (read_file(path, &buf, NULL, NULL) < 0)
		buf = NULL;
	free(path);
	return buf;
}


static struct cg_layout *
fake(const char *root, const char *mountinfo, const char *cgroup, const char *v2_ctrls)
{
	struct urun_err *err = NULL;
	struct cg_layout *l;

	put(root, "proc/self/mountinfo", mountinfo);
	put(root, "proc/self/cgroup", cgroup);
	if (v2_ctrls) {
		put(root, "sys/fs/cgroup/unified/cgroup.controllers", v2_ctrls);
		put(root, "sys/fs/cgroup/cgroup.controllers", v2_ctrls);
	}
	l = cg_layout_load(root, &err);
	if (l == NULL)
		fail_msg("%s", err->msg);
	return l;
}

static int
hier_of(const struct cg_layout *l, const char *suffix)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->h[i].dir), k = strlen(suffix);

		if (n >= k && strcmp(l->h[i].dir + n - k, suffix) == 0)
			return (int)i;
	}
	fail_msg("no hierarchy at *%s", suffix);
	return -1;
}

static void
test_layout_hybrid(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	int mem, v2, sd;

	assert_int_equal(l->mode, CG_MODE_HYBRID);
	assert_int_equal(l->n, 10);	/* 8 controllers, name=systemd, v2 once */
	mem = hier_of(l, "/sys/fs/cgroup/memory");
	v2 = hier_of(l, "/sys/fs/cgroup/unified");
	sd = hier_of(l, "/sys/fs/cgroup/systemd");
	assert_string_equal(l->h[mem].self, "/process_api/abc");
	assert_int_equal(l->h[mem].ctrls, CG_BIT(CG_MEMORY));
	assert_true(l->h[v2].v2);
	assert_int_equal(l->h[v2].ctrls, CG_BIT(CG_HUGETLB));
	assert_string_equal(l->h[sd].name, "systemd");
	assert_true(cg_used(&l->h[sd]));	/* joined, as runc does */
	assert_int_equal(cg_owner(l, CG_MEMORY), mem);
	assert_int_equal(cg_owner(l, CG_HUGETLB), v2);
	assert_int_equal(cg_owner(l, CG_NET_CLS), -1);
	assert_int_equal(cg_v2_index(l), v2);
	cg_layout_free(l);
}

static void
test_layout_v2(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v2_mountinfo, "0::/user.slice/session-1.scope\n",
				   "cpuset cpu io memory hugetlb pids rdma misc\n");

	assert_int_equal(l->mode, CG_MODE_V2);
	assert_int_equal(l->n, 1);
	assert_true(l->h[0].v2);
	assert_string_equal(l->h[0].self, "/user.slice/session-1.scope");
	assert_int_equal(cg_owner(l, CG_MEMORY), 0);
	assert_int_equal(cg_owner(l, CG_BLKIO), 0);
	assert_int_equal(cg_owner(l, CG_DEVICES), -1);
	cg_layout_free(l);
}

static void
test_layout_v1_mount_root(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);
	int cpu, mem;

	assert_int_equal(l->mode, CG_MODE_V1);
	assert_int_equal(l->n, 2);	/* the second memory mount is a duplicate */
	cpu = hier_of(l, "/sys/fs/cgroup/cpu,cpuacct");
	mem = hier_of(l, "/sys/fs/cgroup/my memory");
	assert_int_equal(l->h[cpu].ctrls, CG_BIT(CG_CPU) | CG_BIT(CG_CPUACCT));
	/* /proc/self/cgroup paths are made relative to what the mount shows. */
	assert_string_equal(l->h[cpu].self, "/sub");
	assert_string_equal(l->h[mem].self, "/");
	cg_layout_free(l);
}

static void
test_no_cgroups(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;

	put(f->dir, "proc/self/mountinfo", "22 1 0:21 / / rw - ext4 /dev/vda rw\n");
	put(f->dir, "proc/self/cgroup", "");
	assert_null(cg_layout_load(f->dir, &err));
	assert_non_null(strstr(err->msg, "no cgroup hierarchy"));
	urun_err_free(&err);
}

static char *
resolve1(const struct cg_layout *l, const char *cgpath, int hier, struct urun_err **err)
{
	char **paths = NULL, *r;

	if (cg_resolve(l, cgpath, "c1", &paths, err) < 0)
		return NULL;
	r = xstrdup(paths[hier] ? paths[hier] : "(unused)");
	cg_paths_free(paths, l->n);
	return r;
}

static void
expect_path(const struct cg_layout *l, const char *cgpath, int hier, const char *want)
{
	struct urun_err *err = NULL;
	char *got = resolve1(l, cgpath, hier, &err);

	if (got == NULL)
		fail_msg("%s: %s", cgpath, err->msg);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_bad_path(const struct cg_layout *l, const char *cgpath, const char *want)
{
	struct urun_err *err = NULL;

	assert_null(resolve1(l, cgpath, 0, &err));
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", err->msg, want);
	urun_err_free(&err);
}

static void
test_resolve(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	int mem = hier_of(l, "/memory"), cpu = hier_of(l, "/cpu"), sd = hier_of(l, "/systemd");

	expect_path(l, NULL, cpu, "/urun/c1");
	expect_path(l, "/a//b/", mem, "/a/b");
	/* Relative: below the caller's cgroup, per hierarchy. */
	expect_path(l, "x/y", mem, "/process_api/abc/x/y");
	expect_path(l, "x/y", cpu, "/x/y");
	expect_path(l, "x/y", sd, "/x/y");
	/* systemd "slice:prefix:name". */
	expect_path(l, "system.slice:docker:abc", cpu, "/system.slice/docker-abc.scope");
	expect_path(l, "a-b-c.slice:p:n", cpu, "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
	expect_path(l, ":crio:xyz", cpu, "/system.slice/crio-xyz.scope");
	expect_path(l, "user.slice::inner.slice", cpu, "/user.slice/inner.slice");
	expect_path(l, "not:a:slice", cpu, "/not:a:slice");
	expect_bad_path(l, "/a/../b", "linux.cgroupsPath: '/a/../b': '.' and '..'");
	expect_bad_path(l, "/", "linux.cgroupsPath: '/': names no cgroup");
	expect_bad_path(l, "", "linux.cgroupsPath: must not be empty");
	expect_bad_path(l, "-a.slice:p:n", "linux.cgroupsPath: invalid slice '-a.slice'");
	cg_layout_free(l);
}

static void
test_encode_decode(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	int mem = hier_of(l, "/memory"), cpu = hier_of(l, "/cpu");
	struct urun_err *err = NULL;
	char **paths = NULL, **back = NULL, *s;

	assert_int_equal(cg_resolve(l, "/abs/c", "c1", &paths, &err), 0);
	s = cg_paths_encode(l, paths);
	assert_string_equal(s, "/abs/c");
	free(s);
	cg_paths_free(paths, l->n);
	/* Relative paths differ per hierarchy here: one line each. */
	assert_int_equal(cg_resolve(l, "rel", "c1", &paths, &err), 0);
	s = cg_paths_encode(l, paths);
	assert_non_null(strstr(s, "memory:/process_api/abc/rel\n"));
	assert_non_null(strstr(s, "\n:/rel"));
	assert_non_null(strstr(s, "name=systemd:/rel"));
	assert_int_equal(cg_paths_decode(l, s, &back, &err), 0);
	for (size_t i = 0; i < l->n; i++) {
		if (paths[i] == NULL)
			assert_null(back[i]);
		else
			assert_string_equal(paths[i], back[i]);
	}
	assert_string_equal(back[mem], "/process_api/abc/rel");
	assert_string_equal(back[cpu], "/rel");
	free(s);
	cg_paths_free(paths, l->n);
	cg_paths_free(back, l->n);
	cg_layout_free(l);
}

/* The plan as "dir-suffix:file=value" lines, for comparison. */
static char *
plan_text(const struct cg_layout *l, const char *resources, struct urun_err **err)
{
	json_t *res = json_loads(resources, 0, NULL);
	struct cg_plan plan;
	char *out = xstrdup("");

	assert_non_null(res);
	if (cg_plan_build(l, res, &plan, err) < 0) {
		json_decref(res);
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < plan.n; i++) {
		const char *d = strrchr(l->h[plan.ops[i].hier].dir, '/') + 1;
		char *next = xasprintf("%s%s:%s%s%s%s%s\n", out, d, plan.ops[i].file,
				       plan.ops[i].check_below ? "<" : "=", plan.ops[i].value, plan.ops[i].alt_file ? " | " : "",
				       plan.ops[i].alt_file ? plan.ops[i].alt_file : "");

		free(out);
		out = next;
	}
	cg_plan_release(&plan);
	json_decref(res);
	return out;
}

static void
expect_plan(const struct cg_layout *l, const char *resources, const char *want)
{
	struct urun_err *err = NULL;
	char *got = plan_text(l, resources, &err);

	if (got == NULL)
		fail_msg("%s", err->msg);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_plan_error(const struct cg_layout *l, const char *resources, const char *want)
{
	struct urun_err *err = NULL;

	assert_null(plan_text(l, resources, &err));
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", err->msg, want);
	urun_err_free(&err);
}

static void
test_plan_hybrid(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");

	expect_plan(l, "{\"memory\": {\"limit\": 67108864, \"swap\": -1, \"reservation\": 1024, "
		    "\"kernel\": -1, \"kernelTCP\": 5, \"swappiness\": 10, "
		    "\"disableOOMKiller\": true, \"useHierarchy\": true, "
		    "\"checkBeforeUpdate\": true}}",
		    "memory:memory.usage_in_bytes<67108864\n"
		    "memory:memory.limit_in_bytes=67108864\n"
		    "memory:memory.memsw.limit_in_bytes=-1\n"
		    "memory:memory.soft_limit_in_bytes=1024\n"
		    "memory:memory.swappiness=10\n"
		    "memory:memory.oom_control=1\n"
		    "memory:memory.use_hierarchy=1\n");
	expect_plan(l, "{\"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, "
		    "\"burst\": 1000, \"realtimeRuntime\": 950, \"realtimePeriod\": 1000, "
		    "\"cpus\": \"0-1\", \"mems\": \"0\", \"idle\": 1}, \"pids\": {\"limit\": -1}}",
		    "cpu:cpu.shares=512\ncpu:cpu.cfs_period_us=100000\n"
		    "cpu:cpu.cfs_quota_us=50000\ncpu:cpu.cfs_burst_us=1000\n"
		    "cpu:cpu.rt_period_us=1000\ncpu:cpu.rt_runtime_us=950\ncpu:cpu.idle=1\n"
		    "cpuset:cpuset.cpus=0-1\ncpuset:cpuset.mems=0\npids:pids.max=max\n");
	expect_plan(l, "{\"blockIO\": {\"weight\": 300, \"weightDevice\": [{\"major\": 8, "
		    "\"minor\": 0, \"weight\": 500, \"leafWeight\": 300}], "
		    "\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 600}], "
		    "\"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 30}]}}",
		    "blkio:blkio.weight=300 | blkio.bfq.weight\n"
		    "blkio:blkio.weight_device=8:0 500 | blkio.bfq.weight_device\n"
		    "blkio:blkio.leaf_weight_device=8:0 300\n"
		    "blkio:blkio.throttle.read_bps_device=8:0 600\n"
		    "blkio:blkio.throttle.write_iops_device=8:16 30\n");
	/* hugetlb lives on the v2 side of this host. */
	expect_plan(l, "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 2097152}], "
		    "\"unified\": {\"cgroup.max.depth\": \"5\"}}",
		    "unified:hugetlb.2MB.max=2097152\nunified:hugetlb.2MB.rsvd.max=2097152\n"
		    "unified:cgroup.max.depth=5\n");
	expect_plan(l, "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, "
		    "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, "
		    "\"access\": \"rw\"}, {\"allow\": true, \"type\": \"c\", \"major\": 136, "
		    "\"access\": \"rwm\"}, {\"allow\": false, \"minor\": 5, \"access\": \"m\"}]}",
		    "devices:devices.deny=a\ndevices:devices.allow=c 1:3 rw\n"
		    "devices:devices.allow=c 136:* rwm\ndevices:devices.deny=c *:5 m\n"
		    "devices:devices.deny=b *:5 m\n");
	expect_plan(l, "{}", "");
	cg_layout_free(l);
}

static void
test_plan_errors_name_fields(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");

	expect_plan_error(l, "{\"network\": {\"classID\": 1048577}}",
			  "linux.resources.network.classID: the net_cls cgroup controller is "
			  "not available on this host");
	expect_plan_error(l, "{\"network\": {\"priorities\": [{\"name\": \"eth0\", "
			  "\"priority\": 5}]}}", "linux.resources.network.priorities: the net_prio");
	expect_plan_error(l, "{\"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3}}}",
			  "linux.resources.rdma[\"mlx5_1\"]: the rdma cgroup controller");
	expect_plan_error(l, "{\"unified\": {\"memory.max\": \"1000\"}}",
			  "linux.resources.unified[\"memory.max\"]: the memory controller is not "
			  "available in the cgroup v2 hierarchy");
	expect_plan_error(l, "{\"unified\": {\"../x\": \"1\"}}", "not a cgroup file name");
	expect_plan_error(l, "{\"memory\": {\"limit\": \"1G\"}}",
			  "linux.resources.memory.limit: expected an integer");
	expect_plan_error(l, "{\"memory\": {\"limit\": -2}}", "linux.resources.memory.limit: -2");
	expect_plan_error(l, "{\"memory\": {\"swappiness\": 101}}",
			  "linux.resources.memory.swappiness: 101 is not in [0, 100]");
	expect_plan_error(l, "{\"cpu\": {\"quota\": 1000, \"burst\": 2000}}",
			  "linux.resources.cpu.burst: 2000 is larger than quota 1000");
	expect_plan_error(l, "{\"pids\": {}}", "linux.resources.pids.limit: required");
	expect_plan_error(l, "{\"hugepageLimits\": [{\"pageSize\": \"2M\", \"limit\": 1}]}",
			  "linux.resources.hugepageLimits[0].pageSize: '2M' is not like 2MB");
	expect_plan_error(l, "{\"devices\": [{\"type\": \"c\"}]}",
			  "linux.resources.devices[0].allow: required");
	expect_plan_error(l, "{\"devices\": [{\"allow\": true, \"type\": \"x\"}]}",
			  "linux.resources.devices[0].type: 'x' is not a, b or c");
	expect_plan_error(l, "{\"devices\": [{\"allow\": true, \"access\": \"rx\"}]}",
			  "linux.resources.devices[0].access: 'rx'");
	expect_plan_error(l, "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}}",
			  "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight");
	expect_plan_error(l, "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, "
			  "\"rate\": 1}]}}",
			  "linux.resources.blockIO.throttleReadBpsDevice[0].minor: required");
	cg_layout_free(l);
}

static void
test_plan_v2(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v2_mountinfo, "0::/\n",
				   "cpuset cpu io memory hugetlb pids\n");

	expect_plan(l, "{\"memory\": {\"limit\": 1000, \"swap\": 3000, \"reservation\": -1, "
		    "\"useHierarchy\": true}, \"pids\": {\"limit\": 0}}",
		    "cgroup:memory.max=1000\ncgroup:memory.low=max\n"
		    "cgroup:memory.swap.max=2000\ncgroup:pids.max=0\n");
	expect_plan(l, "{\"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, "
		    "\"burst\": 10, \"idle\": 0}}",
		    "cgroup:cpu.weight=39\ncgroup:cpu.max=50000 100000\n"
		    "cgroup:cpu.max.burst=10\ncgroup:cpu.idle=0\n");
	expect_plan(l, "{\"cpu\": {\"period\": 100000}}", "cgroup:cpu.max=max 100000\n");
	expect_plan(l, "{\"blockIO\": {\"weight\": 1000, \"throttleWriteBpsDevice\": "
		    "[{\"major\": 8, \"minor\": 0, \"rate\": 0}]}}",
		    "cgroup:io.bfq.weight=1000 | io.weight\ncgroup:io.max=8:0 wbps=max\n");
	expect_plan_error(l, "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]}",
			  "linux.resources.devices: not supported on cgroup v2");
	expect_plan_error(l, "{\"memory\": {\"swappiness\": 5}}",
			  "linux.resources.memory.swappiness: not available on cgroup v2");
	expect_plan_error(l, "{\"memory\": {\"swap\": 500, \"limit\": 1000}}",
			  "linux.resources.memory.swap: 500 is below the memory limit 1000");
	expect_plan_error(l, "{\"memory\": {\"disableOOMKiller\": true}}",
			  "linux.resources.memory.disableOOMKiller: not available on cgroup v2");
	expect_plan_error(l, "{\"cpu\": {\"realtimeRuntime\": 5}}",
			  "linux.resources.cpu.realtimeRuntime: no realtime CPU limits on cgroup v2");
	expect_plan_error(l, "{\"blockIO\": {\"leafWeight\": 10}}",
			  "linux.resources.blockIO.leafWeight: no leaf weights on cgroup v2");
	cg_layout_free(l);
}

static void
test_plan_v1_without_v2(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);

	expect_plan_error(l, "{\"unified\": {\"cgroup.max.depth\": \"3\"}}",
			  "linux.resources.unified[\"cgroup.max.depth\"]: no cgroup v2 hierarchy");
	expect_plan_error(l, "{\"pids\": {\"limit\": 5}}",
			  "linux.resources.pids.limit: the pids cgroup controller is not available");
	cg_layout_free(l);
}

/* The plan written into a fake container directory: fallbacks, optional
 * files, and a missing file named by its field. */
static void
test_plan_apply(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	int mem = hier_of(l, "/memory"), bio = hier_of(l, "/blkio"), v2 = hier_of(l, "/unified");
	json_t *res = json_loads("{\"memory\": {\"limit\": 4096}, \"blockIO\": {\"weight\": 100},"
				 " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}]}",
				 0, NULL);
	char **dirs = xcalloc(l->n, sizeof(char *)), *v;
	struct urun_err *err = NULL;
	struct cg_plan plan;

	put(f->dir, "sys/fs/cgroup/memory/c/memory.limit_in_bytes", "");
	put(f->dir, "sys/fs/cgroup/blkio/c/blkio.bfq.weight", "");
	put(f->dir, "sys/fs/cgroup/unified/c/hugetlb.2MB.max", "");
	dirs[mem] = cg_dir(l, (size_t)mem, "/c");
	dirs[bio] = cg_dir(l, (size_t)bio, "/c");
	dirs[v2] = cg_dir(l, (size_t)v2, "/c");
	assert_int_equal(cg_plan_build(l, res, &plan, &err), 0);
	assert_int_equal(plan.v2_ctrls, CG_BIT(CG_HUGETLB));
	if (cg_plan_apply(&plan, dirs, &err) < 0)
		fail_msg("%s", err->msg);
	v = get(f->dir, "sys/fs/cgroup/memory/c/memory.limit_in_bytes");
	assert_string_equal(v, "4096");
	free(v);
	v = get(f->dir, "sys/fs/cgroup/blkio/c/blkio.bfq.weight");
	assert_string_equal(v, "100");
	free(v);
	cg_plan_release(&plan);
	json_decref(res);
	/* No memory.memsw.limit_in_bytes: swap accounting is off. */
	res = json_loads("{\"memory\": {\"swap\": 8192}}", 0, NULL);
	assert_int_equal(cg_plan_build(l, res, &plan, &err), 0);
	assert_int_equal(cg_plan_apply(&plan, dirs, &err), -1);
	assert_non_null(strstr(err->msg, "linux.resources.memory.swap: the kernel has no "
			       "'memory.memsw.limit_in_bytes'"));
	urun_err_free(&err);
	cg_plan_release(&plan);
	json_decref(res);
	cg_paths_free(dirs, l->n);
	cg_layout_free(l);
}

static void
test_freeze_pids_destroy_fake(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	struct urun_err *err = NULL;
	pid_t *pids = NULL;
	size_t n = 0;
	char *v;

	put(f->dir, "sys/fs/cgroup/freezer/c/freezer.state", "THAWED");
	put(f->dir, "sys/fs/cgroup/pids/c/cgroup.procs", "10\n11\n");
	put(f->dir, "sys/fs/cgroup/pids/c/sub/cgroup.procs", "12\n");
	assert_false(cg_frozen_at(l, "/c"));
	if (cg_freeze_at(l, "/c", true, &err) < 0)
		fail_msg("%s", err->msg);
	v = get(f->dir, "sys/fs/cgroup/freezer/c/freezer.state");
	assert_string_equal(v, "FROZEN");
	free(v);
	assert_true(cg_frozen_at(l, "/c"));
	assert_int_equal(cg_pids_at(l, "/c", &pids, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(pids[0] + pids[1] + pids[2], 33);
	free(pids);
	cg_layout_free(l);
}

static void
test_destroy_fake(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	struct urun_err *err = NULL;
	char *d;

	/* Empty directories go, nested ones first; missing ones are fine. */
	d = xasprintf("%s/sys/fs/cgroup/cpu/urun/c/nested", f->dir);
	assert_int_equal(mkdir_p(d, 0755, NULL), 0);
	free(d);
	d = xasprintf("%s/sys/fs/cgroup/memory/urun/c", f->dir);
	assert_int_equal(mkdir_p(d, 0755, NULL), 0);
	if (cg_destroy_at(l, "/urun/c", NULL, &err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(access(d, F_OK), -1);
	free(d);
	d = xasprintf("%s/sys/fs/cgroup/cpu/urun", f->dir);
	assert_int_equal(access(d, F_OK), 0);	/* the parent stays */
	free(d);
	d = xasprintf("%s/sys/fs/cgroup/cpu/urun/c", f->dir);
	assert_int_equal(access(d, F_OK), -1);
	free(d);
	cg_layout_free(l);
}

static void
test_freeze_v2_fake(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v2_mountinfo, "0::/\n", "cpu memory pids\n");
	struct urun_err *err = NULL;
	char *v;

	put(f->dir, "sys/fs/cgroup/c/cgroup.freeze", "0");
	put(f->dir, "sys/fs/cgroup/c/cgroup.events", "populated 1\nfrozen 1\n");
	if (cg_freeze_at(l, "/c", true, &err) < 0)
		fail_msg("%s", err->msg);
	v = get(f->dir, "sys/fs/cgroup/c/cgroup.freeze");
	assert_string_equal(v, "1");
	free(v);
	assert_true(cg_frozen_at(l, "/c"));
	cg_layout_free(l);
}


/* 0 and "" leave a value as it is (runc; engines send unset fields so);
 * -1 for memory on v1 also lifts memory+swap. */
static void
test_plan_unset_values(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	struct cg_layout *l2 = NULL;

	expect_plan(l, "{\"memory\": {\"limit\": 0, \"reservation\": 0, \"swap\": 0, "
		    "\"kernel\": 0}, \"cpu\": {\"cpus\": \"\", \"mems\": \"\", \"shares\": 0}, "
		    "\"blockIO\": {\"weight\": 0}}", "");
	expect_plan(l, "{\"memory\": {\"limit\": -1}}",
		    "memory:memory.memsw.limit_in_bytes=-1\n"
		    "memory:memory.limit_in_bytes=-1\n");
	expect_plan(l, "{\"memory\": {\"limit\": -1, \"swap\": 4096}}",
		    "memory:memory.limit_in_bytes=-1\n"
		    "memory:memory.memsw.limit_in_bytes=4096\n");
	cg_layout_free(l);
	remove_tree(f->dir, NULL);
	mkdir(f->dir, 0700);
	l2 = fake(f->dir, v2_mountinfo, "0::/\n", "cpu memory pids\n");
	expect_plan(l2, "{\"memory\": {\"limit\": 1000, \"checkBeforeUpdate\": true}}",
		    "cgroup:memory.current<1000\ncgroup:memory.max=1000\n");
	cg_layout_free(l2);
}

/* unified keys: files of the container's own cgroup, never the interface
 * files that move or kill processes or reshape the tree. */
static void
test_unified_keys(void **state)
{
	static const char *const refused[] = {
		"cgroup.procs", "cgroup.threads", "cgroup.kill", "cgroup.freeze",
		"cgroup.subtree_control", "cgroup.type", "cgroup.stat",
	};
	static const char *const bad_names[] = { "a/b", "../cgroup.procs", "memory..max",
						 "..", ".x", "nodot", "memory.max ", "" };
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v2_mountinfo, "0::/\n", "cpu memory pids\n");
	struct urun_err *err = NULL;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *res = xasprintf("{\"unified\": {\"%s\": \"1\"}}", refused[i]);
		char *want = xasprintf("linux.resources.unified[\"%s\"]: '%s' is a cgroup "
				       "interface file", refused[i], refused[i]);

		expect_plan_error(l, res, want);
		free(res);
		free(want);
	}
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		assert_int_equal(cg_unified_key_check(bad_names[i], "k", &err), -1);
		assert_non_null(strstr(err->msg, "k: not a cgroup file name"));
		urun_err_free(&err);
	}
	expect_plan(l, "{\"unified\": {\"cgroup.max.descendants\": \"10\", "
		    "\"memory.high\": \"100000\"}}",
		    "cgroup:cgroup.max.descendants=10\ncgroup:memory.high=100000\n");
	cg_layout_free(l);
}

static bool
exists(const char *root, const char *rel)
{
	char *p = xasprintf("%s/%s", root, rel);
	bool r = access(p, F_OK) == 0;

	free(p);
	return r;
}

static void
mkdirs(const char *root, const char *rel)
{
	char *p = xasprintf("%s/%s", root, rel);

	assert_int_equal(mkdir_p(p, 0755, NULL), 0);
	free(p);
}

/* An existing cgroup with a process in a child cgroup is someone else's:
 * refused, and what create made in the hierarchies before is undone. */
static void
test_enter_refuses_busy_cgroup(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);
	json_t *lnx = json_loads("{\"cgroupsPath\": \"/busy\"}", 0, NULL);
	struct urun_err *err = NULL;
	char *path = NULL, *owned = NULL, *d;

	/* cpu,cpuacct comes first and gets a new directory; memory has one. */
	mkdirs(f->dir, "sys/fs/cgroup/cpu,cpuacct");
	put(f->dir, "sys/fs/cgroup/my memory/busy/cgroup.procs", "");
	put(f->dir, "sys/fs/cgroup/my memory/busy/inner/cgroup.procs", "4242\n");
	assert_int_equal(cg_enter_at(l, "c1", lnx, 1, &path, &owned, &err), -1);
	if (strstr(err->msg, "linux.cgroupsPath: container's cgroup is not empty") == NULL ||
	    strstr(err->msg, "(pid 4242)") == NULL)
		fail_msg("%s", err->msg);
	urun_err_free(&err);
	d = xasprintf("%s/sys/fs/cgroup/cpu,cpuacct/busy", f->dir);
	assert_int_equal(access(d, F_OK), -1);	/* made, then rolled back */
	free(d);
	d = xasprintf("%s/sys/fs/cgroup/my memory/busy/inner/cgroup.procs", f->dir);
	assert_int_equal(access(d, F_OK), 0);	/* theirs, untouched */
	free(d);
	json_decref(lnx);
	cg_layout_free(l);
}

/* delete removes the directories create made and nothing else. */
static void
test_destroy_owned(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	struct urun_err *err = NULL;

	/* Made /pre/new and /pre/new/leaf under an existing /pre. */
	mkdirs(f->dir, "sys/fs/cgroup/memory/pre/new/leaf/nested");
	mkdirs(f->dir, "sys/fs/cgroup/cpu/pre/new/leaf");
	assert_int_equal(cg_destroy_at(l, "/pre/new/leaf", "/pre/new", &err), 0);
	assert_false(exists(f->dir, "sys/fs/cgroup/memory/pre/new"));
	assert_false(exists(f->dir, "sys/fs/cgroup/cpu/pre/new"));
	assert_true(exists(f->dir, "sys/fs/cgroup/memory/pre"));
	/* Found /keep already there: nothing goes. */
	mkdirs(f->dir, "sys/fs/cgroup/memory/keep");
	assert_int_equal(cg_destroy_at(l, "/keep", "", &err), 0);
	assert_true(exists(f->dir, "sys/fs/cgroup/memory/keep"));
	/* Made it in memory only; an owned dir that is not an ancestor of the
	 * path (a tampered state) is ignored. */
	mkdirs(f->dir, "sys/fs/cgroup/cpu/keep");
	assert_int_equal(cg_destroy_at(l, "/keep", "memory:/keep\ncpu:/other", &err), 0);
	assert_false(exists(f->dir, "sys/fs/cgroup/memory/keep"));
	assert_true(exists(f->dir, "sys/fs/cgroup/cpu/keep"));
	/* A parent it made that another container uses now stays. */
	mkdirs(f->dir, "sys/fs/cgroup/memory/shared/a");
	mkdirs(f->dir, "sys/fs/cgroup/memory/shared/b");
	assert_int_equal(cg_destroy_at(l, "/shared/a", "/shared", &err), 0);
	assert_false(exists(f->dir, "sys/fs/cgroup/memory/shared/a"));
	assert_true(exists(f->dir, "sys/fs/cgroup/memory/shared/b"));
	cg_layout_free(l);
}

static void
test_owned_encode(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, hybrid_mountinfo, hybrid_cgroup, "hugetlb\n");
	int mem = hier_of(l, "/memory"), sd = hier_of(l, "/systemd");
	struct urun_err *err = NULL;
	char **paths = NULL, **owned = xcalloc(l->n, sizeof(char *)), **back = NULL, *s;

	assert_int_equal(cg_resolve(l, "/a/b", "c1", &paths, &err), 0);
	s = cg_owned_encode(l, paths, owned);
	assert_string_equal(s, "");
	free(s);
	for (size_t i = 0; i < l->n; i++)
		owned[i] = xstrdup("/a");
	s = cg_owned_encode(l, paths, owned);
	assert_string_equal(s, "/a");
	free(s);
	/* /a was already there in name=systemd: that NULL must survive. */
	free(owned[sd]);
	owned[sd] = NULL;
	free(owned[mem]);
	owned[mem] = xstrdup("/a/b");
	s = cg_owned_encode(l, paths, owned);
	assert_non_null(strstr(s, "memory:/a/b"));
	assert_null(strstr(s, "systemd"));
	assert_int_equal(cg_owned_decode(l, s, &back, &err), 0);
	assert_null(back[sd]);
	assert_string_equal(back[mem], "/a/b");
	free(s);
	cg_paths_free(back, l->n);
	assert_int_equal(cg_owned_decode(l, "", &back, &err), 0);
	assert_null(back[mem]);
	cg_paths_free(back, l->n);
	cg_paths_free(owned, l->n);
	cg_paths_free(paths, l->n);
	cg_layout_free(l);
}

static void
test_validate(void **state)
{
	struct urun_err *err = NULL;
	json_t *lnx;

	(void)state;
	assert_int_equal(urun_cgroup_validate(NULL, &err), 0);
	lnx = json_loads("{\"cgroupsPath\": 5}", 0, NULL);
	assert_int_equal(urun_cgroup_validate(lnx, &err), -1);
	assert_non_null(strstr(err->msg, "linux.cgroupsPath: expected a string"));
	urun_err_free(&err);
	json_decref(lnx);
	lnx = json_loads("{\"cgroupsPath\": \"/x/../../y\"}", 0, NULL);
	assert_int_equal(urun_cgroup_validate(lnx, &err), -1);
	assert_non_null(strstr(err->msg, "linux.cgroupsPath: '/x/../../y'"));
	urun_err_free(&err);
	json_decref(lnx);
	lnx = json_loads("{\"resources\": {\"pids\": {\"limit\": \"x\"}}}", 0, NULL);
	assert_int_equal(urun_cgroup_validate(lnx, &err), -1);
	assert_non_null(strstr(err->msg, "linux.resources.pids.limit"));
	urun_err_free(&err);
	json_decref(lnx);
}

static void
test_features(void **state)
{
	json_t *f = urun_cgroup_features();

	(void)state;
	assert_true(json_is_true(json_object_get(f, "v1")));
	assert_true(json_is_true(json_object_get(f, "v2")));
	assert_true(json_is_false(json_object_get(f, "systemd")));
	assert_true(json_is_false(json_object_get(f, "systemdUser")));
	assert_true(json_is_boolean(json_object_get(f, "rdma")));
	json_decref(f);
}

/* A child that waits in sleep(1) (exec'd: valgrind does not leak-check it). */
static pid_t
spawn_sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static char *
host_file(const struct cg_layout *l, enum cg_ctrl c, const char *path, const char *file)
{
	int i = cg_owner(l, c);
	char *dir, *v;

	if (i < 0)
		return NULL;
	dir = cg_dir(l, (size_t)i, path);
	v = cg_read(dir, file);
	free(dir);
	return v;
}

static void
root_roundtrip(const struct cg_layout *l, const char *path, pid_t pid)
{
	struct urun_err *err = NULL;
	pid_t *pids = NULL;
	size_t n = 0;
	char *v;

	v = host_file(l, CG_PIDS, path, "pids.max");
	assert_string_equal(v, "10\n");
	free(v);
	v = host_file(l, CG_MEMORY, path, l->mode == CG_MODE_V2 ? "memory.max" :
		      "memory.limit_in_bytes");
	assert_string_equal(v, "67108864\n");
	free(v);
	assert_int_equal(urun_cgroup_pids(path, &pids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], pid);
	free(pids);
	if (urun_cgroup_freeze(path, true, &err) < 0)
		fail_msg("%s", err->msg);
	assert_true(urun_cgroup_frozen(path));
	if (urun_cgroup_freeze(path, false, &err) < 0)
		fail_msg("%s", err->msg);
	assert_false(urun_cgroup_frozen(path));
}

static void
test_root_enter_for_real(void **state)
{
	struct urun_err *err = NULL;
	struct cg_layout *l;
	char *path = NULL, *owned = NULL, *dir;
	json_t *lnx;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	l = cg_layout_load("", &err);
	assert_non_null(l);
	lnx = json_loads("{\"cgroupsPath\": \"/urun-test/t1\", \"resources\": {"
			 "\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 10}}}", 0, NULL);
	pid = spawn_sleeper();
	if (urun_cgroup_enter("t1", lnx, pid, &path, &owned, &err) < 0)
		fail_msg("%s", err->msg);
	assert_string_equal(path, "/urun-test/t1");
	assert_string_equal(owned, "/urun-test");
	root_roundtrip(l, path, pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (urun_cgroup_destroy(path, owned, &err) < 0)
		fail_msg("%s", err->msg);
	dir = cg_dir(l, (size_t)cg_owner(l, CG_PIDS), "/urun-test");
	assert_int_equal(access(dir, F_OK), -1);	/* the parent it made too */
	free(dir);
	free(path);
	free(owned);
	json_decref(lnx);
	assert_int_equal(cg_destroy_at(l, "/urun-test", NULL, NULL), 0);
	cg_layout_free(l);
}

/* A failing resource leaves no directory behind and the pid where it was. */
static void
test_root_enter_rolls_back(void **state)
{
	struct urun_err *err = NULL;
	struct cg_layout *l;
	char *path = NULL, *owned = NULL, *dir, *v;
	json_t *lnx;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	l = cg_layout_load("", &err);
	assert_non_null(l);
	lnx = json_loads("{\"cgroupsPath\": \"/urun-test/rb/t2\", \"resources\": {"
			 "\"pids\": {\"limit\": 10}, \"cpu\": {\"cpus\": \"100000\"}}}", 0, NULL);
	pid = spawn_sleeper();
	assert_int_equal(urun_cgroup_enter("t2", lnx, pid, &path, &owned, &err), -1);
	assert_non_null(strstr(err->msg, "linux.resources.cpu.cpus"));
	urun_err_free(&err);
	dir = cg_dir(l, (size_t)cg_owner(l, CG_PIDS), "/urun-test/rb");
	assert_int_equal(access(dir, F_OK), -1);
	free(dir);
	v = host_file(l, CG_PIDS, "/", "cgroup.procs");
	assert_non_null(v);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(v);
	json_decref(lnx);
	assert_int_equal(cg_destroy_at(l, "/urun-test", NULL, NULL), 0);
	cg_layout_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_hybrid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_v1_mount_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cgroups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encode_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_hybrid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_errors_name_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_v1_without_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_freeze_pids_destroy_fake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_fake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_freeze_v2_fake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_unset_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unified_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_refuses_busy_cgroup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_owned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owned_encode, setup, teardown),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_root_enter_for_real),
		cmocka_unit_test(test_root_enter_rolls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
