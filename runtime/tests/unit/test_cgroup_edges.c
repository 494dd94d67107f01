/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroups, the paths the real host rarely takes, against fake trees in a temp
 * dir: the kernel's refusals (EINVAL for a realtime budget or a memory limit
 * above memory+swap, a freezer stuck in FREEZING, an rmdir that stays EBUSY,
 * a parent cgroup removed while we create below it) are played by wrapped
 * cg_write, mkdir, rmdir and nanosleep (fault.h); plus the plan's field errors
 * on v1 and v2 layouts, and malformed mountinfo, /proc/PID/cgroup and
 * state paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "error.h"
#include "util.h"
#include "fault.h"
#include "tmpdir_fixture.h"

/* --- wrapped calls ---------------------------------------------------------- */

int __real_cg_write(const char *dir, const char *file, const char *value);
int __real_mkdir(const char *path, mode_t mode);
int __real_rmdir(const char *path);

static int n_writes;
static char writes[32][128];	/* "file=value" of the first cg_writes, in order */
static char last_write[128];
static int freezing_left;	/* freezer.state shows FREEZING for this many writes */
static bool kernel_files;	/* act as the kernel: every file exists, joins work */

int
__wrap_cg_write(const char *dir, const char *file, const char *value)
{
	if (n_writes < 32)
		snprintf(writes[n_writes++], sizeof(writes[0]), "%s=%s", file, value);
	snprintf(last_write, sizeof(last_write), "%s=%s", file, value);
	FAULT_CHECK_KEY("cg_write", 0, file, -1);
	if (kernel_files && strcmp(file, "cgroup.procs") == 0)
		return 0;
	if (kernel_files) {
		char *path = xasprintf("%s/%s", dir, file);
		int r = write_file_atomic(path, value, strlen(value), 0644, NULL);

		free(path);
		return r;
	}
	if (strcmp(file, "freezer.state") == 0) {
		/* the kernel shows FREEZING until every task stopped; a file
		 * on a tmpfs needs truncating to show what was written last */
		char *path = xasprintf("%s/%s", dir, file);
		int r;

		if (strcmp(value, "FROZEN") == 0 && freezing_left > 0) {
			freezing_left--;
			value = "FREEZING";
		}
		r = access(path, F_OK) == 0 ?
		    write_file_atomic(path, value, strlen(value), 0644, NULL) : -1;
		free(path);
		return r;
	}
	return __real_cg_write(dir, file, value);
}

int
__wrap_mkdir(const char *path, mode_t mode)
{
	FAULT_CHECK_KEY("mkdir", 0, path, -1);
	return __real_mkdir(path, mode);
}

int
__wrap_rmdir(const char *path)
{
	FAULT_CHECK_KEY("rmdir", 0, path, -1);
	if (kernel_files) {
		/* a cgroup goes with its interface files */
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d)) != NULL)
			if (de->d_type == DT_REG)
				unlinkat(dirfd(d), de->d_name, 0);
		if (d)
			closedir(d);
	}
	return __real_rmdir(path);
}

/* The waits of freeze and rmdir, without the waiting. */
int
__wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)req;
	(void)rem;
	return 0;
}

static void
reset(void)
{
	fault_reset();
	n_writes = 0;
	freezing_left = 0;
	kernel_files = false;
}

static int
count(const char *what)
{
	int n = 0;

	for (int i = 0; i < n_writes; i++)
		n += strcmp(writes[i], what) == 0;
	return n;
}

static bool
wrote(const char *what)
{
	for (int i = 0; i < n_writes; i++)
		if (strcmp(writes[i], what) == 0)
			return true;
	return false;
}

/* --- fake trees --------------------------------------------------------------- */

static const char v1_mountinfo[] =
	"22 1 0:21 / / rw - ext4 /dev/vda rw\n"
	"short line\n"
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
	"32 30 0:29 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
	"33 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	"34 30 0:31 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n"
	"35 30 0:32 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
	"36 30 0:33 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
	"37 30 0:34 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices\n";

/* A line without the second colon is skipped; blkio is not mounted. */
static const char v1_cgroup[] =
	"7:devices:/\n6:name=systemd:/\n5:net_cls,net_prio:/\n4:freezer:/\n3:memory:/\n"
	"2:cpuset:/\n1:cpu:/\ngarbage\n9:blkio:/\n";

static const char v2_mountinfo[] =
	"22 1 0:21 / / rw - ext4 /dev/vda rw\n"
	"30 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";

static void
put(const char *root, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", root, rel), *slash = strrchr(path, '/');

	*slash = '\0';
	assert_int_equal(mkdir_p(path, 0755, NULL), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
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

/* ROOT/REL, in one of a few static buffers */
static char *
at(const char *root, const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", root, rel);
	return buf[k];
}

static bool
exists(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);
	bool r = access(path, F_OK) == 0;

	free(path);
	return r;
}

static struct cg_layout *
fake(const char *root, const char *mountinfo, const char *cgroup, const char *v2_ctrls)
{
	struct urun_err *err = NULL;
	struct cg_layout *l;

	put(root, "proc/self/mountinfo", mountinfo);
	put(root, "proc/self/cgroup", cgroup);
	if (v2_ctrls)
		put(root, "sys/fs/cgroup/cgroup.controllers", v2_ctrls);
	l = cg_layout_load(root, &err);
	if (l == NULL)
		fail_msg("%s", err->msg);
	return l;
}

static int
hier(const struct cg_layout *l, const char *suffix)
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
expect_err_at(int r, struct urun_err **err, const char *want, int line)
{
	if (r != -1 || *err == NULL)
		fail_msg("line %d: %d, no error; wanted one naming '%s'", line, r, want);
	if (strstr((*err)->msg, want) == NULL)
		fail_msg("line %d: error '%s' does not mention '%s'", line, (*err)->msg, want);
	urun_err_free(err);
}
#define expect_err(r, err, want) expect_err_at(r, err, want, __LINE__)

/* A call that must work; its error, if any, in the failure. */
#define expect_ok(call, err) do { \
		if ((call) != 0) \
			fail_msg("%s: %s", #call, *(err) ? (*(err))->msg : "no error"); \
	} while (0)

static json_t *
j(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (v == NULL)
		fail_msg("%s: %s", text, jerr.text);
	return v;
}

/* The plan of RES as "file=value" lines, or NULL with *err. */
static char *
plan_text(const struct cg_layout *l, const char *res, struct urun_err **err)
{
	json_t *r = j(res);
	struct cg_plan plan;
	char *out = xstrdup("");

	if (cg_plan_build(l, r, &plan, err) < 0) {
		json_decref(r);
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < plan.n; i++) {
		char *next = xasprintf("%s%s=%s\n", out, plan.ops[i].file, plan.ops[i].value);

		free(out);
		out = next;
	}
	cg_plan_release(&plan);
	json_decref(r);
	return out;
}

static void
expect_plan(const struct cg_layout *l, const char *res, const char *want)
{
	struct urun_err *err = NULL;
	char *got = plan_text(l, res, &err);

	if (got == NULL)
		fail_msg("%s: %s", res, err->msg);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_plan_error(const struct cg_layout *l, const char *res, const char *want)
{
	struct urun_err *err = NULL;

	assert_null(plan_text(l, res, &err));
	if (err == NULL || strstr(err->msg, want) == NULL)
		fail_msg("%s: error '%s' does not mention '%s'", res, err ? err->msg : "", want);
	urun_err_free(&err);
}

/* --- plans ---------------------------------------------------------------------- */

static void
test_plan_v1_fields(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);

	expect_plan(l, "{\"network\": {\"classID\": 1048577, \"priorities\": ["
		    "{\"name\": \"eth0\", \"priority\": 5}, {\"name\": \"lo\", \"priority\": 2}]}}",
		    "net_cls.classid=1048577\nnet_prio.ifpriomap=eth0 5\n"
		    "net_prio.ifpriomap=lo 2\n");
	expect_plan_error(l, "[]", "linux.resources: expected an object, got an array");
	expect_plan_error(l, "{\"network\": {\"priorities\": [5]}}",
			  "linux.resources.network.priorities[0]: expected an object");
	expect_plan_error(l, "{\"network\": {\"priorities\": {}}}",
			  "linux.resources.network.priorities");
	expect_plan_error(l, "{\"network\": 1}", "linux.resources.network");
	expect_plan_error(l, "{\"memory\": 1}", "linux.resources.memory");
	expect_plan_error(l, "{\"cpu\": 1}", "linux.resources.cpu");
	expect_plan_error(l, "{\"cpu\": {\"cpus\": 5}}", "linux.resources.cpu.cpus");
	expect_plan_error(l, "{\"pids\": 1}", "linux.resources.pids");
	expect_plan_error(l, "{\"pids\": {\"limit\": 5}}",
			  "linux.resources.pids.limit: the pids cgroup controller is not available");
	expect_plan_error(l, "{\"rdma\": 1}", "linux.resources.rdma");
	expect_plan_error(l, "{\"unified\": 1}", "linux.resources.unified");
	expect_plan_error(l, "{\"hugepageLimits\": 1}", "linux.resources.hugepageLimits");
	expect_plan_error(l, "{\"hugepageLimits\": [5]}",
			  "linux.resources.hugepageLimits[0]: expected an object");
	expect_plan_error(l, "{\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}",
			  "linux.resources.hugepageLimits[0].limit: required");
	expect_plan_error(l, "{\"hugepageLimits\": [{\"pageSize\": \"2x5MB\", \"limit\": 1}]}",
			  "'2x5MB' is not like 2MB");
	expect_plan_error(l, "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 1}]}",
			  "linux.resources.hugepageLimits[0]: the hugetlb cgroup controller");
	expect_plan_error(l, "{\"blockIO\": {\"weight\": 10}}",
			  "linux.resources.blockIO: the blkio cgroup controller is not available");
	expect_plan_error(l, "{\"blockIO\": 1}", "linux.resources.blockIO");
	expect_plan_error(l, "{\"devices\": 1}", "linux.resources.devices");
	expect_plan_error(l, "{\"devices\": [5]}", "linux.resources.devices[0]: expected an object");
	expect_plan_error(l, "{\"devices\": [{\"allow\": true, \"major\": \"x\"}]}",
			  "linux.resources.devices[0].major");
	expect_plan_error(l, "{\"devices\": [{\"allow\": true, \"type\": 5}]}",
			  "linux.resources.devices[0].type");
	cg_layout_free(l);
	/* the controllers a plan needs, missing */
	l = fake(f->dir, "31 30 0:28 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n",
		 "1:pids:/\n", NULL);
	expect_plan_error(l, "{\"memory\": {\"limit\": 1}}",
			  "linux.resources.memory: the memory cgroup controller");
	expect_plan_error(l, "{\"cpu\": {\"shares\": 2}}",
			  "linux.resources.cpu: the cpu cgroup controller");
	expect_plan_error(l, "{\"cpu\": {\"mems\": \"0\"}}",
			  "linux.resources.cpu.mems: the cpuset cgroup controller");
	expect_plan_error(l, "{\"devices\": [{\"allow\": true}]}",
			  "linux.resources.devices: the devices cgroup controller");
	cg_layout_free(l);
}

static void
test_plan_v2_fields(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v2_mountinfo, "0::/\n",
				   "cpu cpuset memory pids io rdma hugetlb\n");

	expect_plan(l, "{\"memory\": {\"limit\": 4096, \"swap\": -1}}",
		    "memory.max=4096\nmemory.swap.max=max\n");
	expect_plan_error(l, "{\"memory\": {\"swap\": 4096}}",
			  "linux.resources.memory.swap: needs a memory limit on cgroup v2");
	expect_plan_error(l, "{\"memory\": {\"useHierarchy\": false}}",
			  "linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");
	expect_plan(l, "{\"rdma\": {\"mlx5_0\": {\"hcaHandles\": 3, \"hcaObjects\": 4}, "
		    "\"mlx5_1\": {\"hcaHandles\": 5}, \"mlx5_2\": {\"hcaObjects\": 6}}}",
		    "rdma.max=mlx5_0 hca_handle=3 hca_object=4\n"
		    "rdma.max=mlx5_1 hca_handle=5\nrdma.max=mlx5_2 hca_object=6\n");
	expect_plan_error(l, "{\"rdma\": {\"mlx5_0\": 1}}",
			  "linux.resources.rdma[\"mlx5_0\"]: expected an object");
	expect_plan_error(l, "{\"rdma\": {\"mlx5_0\": {}}}", "needs hcaHandles or hcaObjects");
	expect_plan_error(l, "{\"rdma\": {\"mlx 5\": {\"hcaHandles\": 1}}}", "bad device name");
	expect_plan_error(l, "{\"rdma\": {\"mlx5_0\": {\"hcaObjects\": -1}}}",
			  "linux.resources.rdma[\"mlx5_0\"].hcaObjects");
	expect_plan_error(l, "{\"unified\": {\"memory.high\": 5}}",
			  "linux.resources.unified[\"memory.high\"]: expected a string, got");
	expect_plan(l, "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, "
		    "\"rate\": 0}, {\"major\": 8, \"minor\": 16, \"rate\": 7}]}}",
		    "io.max=8:0 rbps=max\nio.max=8:16 rbps=7\n");
	expect_plan_error(l, "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, "
			  "\"leafWeight\": 10}]}}",
			  "weightDevice[0].leafWeight: no leaf weights on cgroup v2");
	expect_plan_error(l, "{\"blockIO\": {\"weightDevice\": [5]}}",
			  "linux.resources.blockIO.weightDevice[0]: expected an object");
	expect_plan_error(l, "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, "
			  "\"weight\": 5000}]}}", "weightDevice[0].weight");
	expect_plan_error(l, "{\"blockIO\": {\"throttleReadBpsDevice\": {}}}",
			  "linux.resources.blockIO.throttleReadBpsDevice");
	expect_plan_error(l, "{\"blockIO\": {\"weight\": \"x\"}}", "linux.resources.blockIO.weight");
	expect_plan_error(l, "{\"devices\": [{\"allow\": true}]}", "not supported on cgroup v2");
	cg_layout_free(l);
}

/* --- applying a plan: the kernel's refusals -------------------------------------- */

static void
test_apply_retries(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);
	json_t *rt = j("{\"cpu\": {\"realtimeRuntime\": 950, \"realtimePeriod\": 1000}}");
	json_t *mem = j("{\"memory\": {\"limit\": 8192, \"swap\": 16384}}");
	json_t *limit = j("{\"memory\": {\"limit\": 8192}}");
	json_t *check = j("{\"memory\": {\"limit\": 100, \"checkBeforeUpdate\": true}}");
	struct urun_err *err = NULL;
	char *v;

	reset();
	/* cpu.rt_runtime_us: EINVAL until the ancestors below the root have budget */
	put(f->dir, "sys/fs/cgroup/cpu/cpu.rt_runtime_us", "950000");
	put(f->dir, "sys/fs/cgroup/cpu/urun/cpu.rt_runtime_us", "0");
	put(f->dir, "sys/fs/cgroup/cpu/urun/c/cpu.rt_runtime_us", "0");
	put(f->dir, "sys/fs/cgroup/cpu/urun/c/cpu.rt_period_us", "0");
	fault_arm_match("cg_write", "cpu.rt_runtime_us", 0, EINVAL);
	expect_ok(cg_apply_at(l, "/urun/c", rt, &err), &err);
	v = get(f->dir, "sys/fs/cgroup/cpu/urun/cpu.rt_runtime_us");
	assert_string_equal(v, "950");
	free(v);
	v = get(f->dir, "sys/fs/cgroup/cpu/urun/c/cpu.rt_runtime_us");
	assert_string_equal(v, "950");
	free(v);
	v = get(f->dir, "sys/fs/cgroup/cpu/cpu.rt_runtime_us");
	assert_string_equal(v, "950000");	/* the host's own budget is left alone */
	free(v);
	/* still refused: the error names the field and the value */
	fault_arm_match("cg_write", "cpu.rt_runtime_us", 0, EINVAL);
	fault_arm_match("cg_write", "cpu.rt_runtime_us", 2, EINVAL);	/* after the parent's */
	expect_err(cg_apply_at(l, "/urun/c", rt, &err), &err,
		   "linux.resources.cpu.realtimeRuntime: write '950' to");

	/* memory.limit_in_bytes above memory+swap: EINVAL, memsw first, again */
	put(f->dir, "sys/fs/cgroup/memory/urun/c/memory.limit_in_bytes", "0");
	put(f->dir, "sys/fs/cgroup/memory/urun/c/memory.memsw.limit_in_bytes", "0");
	reset();
	fault_arm_match("cg_write", "memory.limit_in_bytes", 0, EINVAL);
	expect_ok(cg_apply_at(l, "/urun/c", mem, &err), &err);
	assert_string_equal(writes[0], "memory.limit_in_bytes=8192");
	assert_string_equal(writes[1], "memory.memsw.limit_in_bytes=16384");
	assert_string_equal(writes[2], "memory.limit_in_bytes=8192");
	v = get(f->dir, "sys/fs/cgroup/memory/urun/c/memory.limit_in_bytes");
	assert_string_equal(v, "8192");
	free(v);
	/* no memsw in the plan: the EINVAL stands */
	fault_arm_match("cg_write", "memory.limit_in_bytes", 0, EINVAL);
	expect_err(cg_apply_at(l, "/urun/c", limit, &err), &err,
		   "linux.resources.memory.limit: write '8192'");
	fault_arm_match("cg_write", "memory.limit_in_bytes", 0, EINVAL);
	fault_arm_match("cg_write", "memory.limit_in_bytes", 1, EBUSY);
	expect_err(cg_apply_at(l, "/urun/c", mem, &err), &err, "write '8192'");

	/* checkBeforeUpdate: usage at or above the limit, or unreadable */
	put(f->dir, "sys/fs/cgroup/memory/urun/c/memory.usage_in_bytes", "4096\n");
	expect_err(cg_apply_at(l, "/urun/c", check, &err), &err,
		   "rejecting memory limit 100 below usage 4096");
	v = xasprintf("%s/sys/fs/cgroup/memory/urun/c/memory.usage_in_bytes", f->dir);
	assert_int_equal(unlink(v), 0);
	assert_int_equal(mkdir(v, 0755), 0);	/* EISDIR, not a missing file */
	free(v);
	expect_err(cg_apply_at(l, "/urun/c", check, &err), &err, "read '");
	/* a path that does not decode */
	expect_err(cg_apply_at(l, "cpu:relative", limit, &err), &err, "bad cgroup path");
	expect_err(cg_apply_at(l, "/urun/c", check, &err), &err, "read '");
	json_decref(rt);
	json_decref(mem);
	json_decref(limit);
	json_decref(check);
	cg_layout_free(l);
}

/* --- entering: creating, joining, rolling back ------------------------------------ */

static void
test_enter_failures(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);
	json_t *lnx = j("{\"cgroupsPath\": \"/urun/e\"}");
	json_t *bad = j("[]");
	struct urun_err *err = NULL;
	char *path = NULL, *owned = NULL;

	reset();
	for (size_t i = 0; i < l->n; i++)
		assert_int_equal(mkdir_p(l->h[i].dir, 0755, NULL), 0);
	put(f->dir, "sys/fs/cgroup/cpuset/cpuset.cpus", "0-1\n");
	put(f->dir, "sys/fs/cgroup/cpuset/cpuset.mems", "0\n");
	put(f->dir, "proc/77/cgroup", v1_cgroup);
	expect_err(cg_enter_at(l, "e", bad, 77, &path, &owned, &err), &err,
		   "linux: expected an object");
	/* the first two joins work, the third fails: the two (and the partly
	 * moved third) go back where they were, every directory made is gone */
	kernel_files = true;
	fault_arm_match("cg_write", "cgroup.procs", 2, ESRCH);
	expect_err(cg_enter_at(l, "e", lnx, 77, &path, &owned, &err), &err, "move pid 77 into");
	assert_false(exists(f->dir, "sys/fs/cgroup/cpu/urun"));
	assert_false(exists(f->dir, "sys/fs/cgroup/memory/urun"));
	assert_int_equal(count("cgroup.procs=77"), 6);
	/* the cpuset copies: the parent's cpus and mems reached the new cgroups */
	assert_true(wrote("cpuset.cpus=0-1\n"));
	assert_true(wrote("cpuset.mems=0\n"));
	/* the parent's cpuset.mems missing: the copy fails, named */
	reset();
	kernel_files = true;
	unlink(at(f->dir, "sys/fs/cgroup/cpuset/cpuset.mems"));
	expect_err(cg_enter_at(l, "e", lnx, 77, &path, &owned, &err), &err,
		   "copy cpuset.mems from");
	put(f->dir, "sys/fs/cgroup/cpuset/cpuset.mems", "0\n");
	/* mkdir refused */
	reset();
	fault_arm_match("mkdir", "/urun", 0, EACCES);
	expect_err(cg_enter_at(l, "e", lnx, 77, &path, &owned, &err), &err, "mkdir '");
	/* a parent removed under us (a delete of another container): start
	 * over; five times in a row is an error */
	reset();
	kernel_files = true;
	fault_arm_match("mkdir", "/urun/e", 0, ENOENT);
	expect_ok(cg_enter_at(l, "e", lnx, 77, &path, &owned, &err), &err);
	assert_true(fault_all_fired());
	assert_true(exists(f->dir, "sys/fs/cgroup/cpu/urun/e"));
	assert_int_equal(cg_destroy_at(l, path, owned, &err), 0);
	assert_false(exists(f->dir, "sys/fs/cgroup/cpu/urun"));
	free(path);
	free(owned);
	reset();
	kernel_files = true;
	for (int k = 0; k < 5; k++)
		fault_arm_match("mkdir", "/urun/e", k, ENOENT);
	expect_err(cg_enter_at(l, "e", lnx, 77, &path, &owned, &err), &err,
		   "a parent keeps vanishing");
	/* an existing leaf whose processes cannot be read */
	reset();
	assert_int_equal(mkdir_p(at(f->dir, "sys/fs/cgroup/cpu/urun/e"), 0755, NULL), 0);
	expect_err(cg_enter_at(l, "e", lnx, 77, &path, &owned, &err), &err,
		   "linux.cgroupsPath: check that '");
	json_decref(lnx);
	json_decref(bad);
	cg_layout_free(l);
}

/* --- freeze, pids, destroy ------------------------------------------------------ */

static void
test_ops(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);
	struct urun_err *err = NULL;
	pid_t *pids = NULL;
	size_t n = 0;

	reset();
	/* v1 FREEZING: the write is repeated until FROZEN shows */
	put(f->dir, "sys/fs/cgroup/freezer/c/freezer.state", "THAWED");
	freezing_left = 3;
	expect_ok(cg_freeze_at(l, "/c", true, &err), &err);
	assert_int_equal(count("freezer.state=FROZEN"), 4);
	assert_true(cg_frozen_at(l, "/c"));
	/* never FROZEN: a timeout, and thawed again rather than left half frozen */
	reset();
	freezing_left = 1000;
	expect_err(cg_freeze_at(l, "/c", true, &err), &err, "freeze '");
	assert_string_equal(last_write, "freezer.state=THAWED");
	reset();
	fault_arm_match("cg_write", "freezer.state", 0, EACCES);
	expect_err(cg_freeze_at(l, "/c", true, &err), &err, "write 'FROZEN' to '");
	expect_err(cg_freeze_at(l, "relative", true, &err), &err, "bad cgroup path");
	assert_false(cg_frozen_at(l, "relative"));
	/* pids: from memory (no pids hierarchy here), skipping junk lines;
	 * a sub-cgroup without cgroup.procs is an error */
	put(f->dir, "sys/fs/cgroup/memory/c/cgroup.procs", "12\nx\n13\n");
	assert_int_equal(cg_pids_at(l, "/c", &pids, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pids[0] + pids[1], 25);
	free(pids);
	pids = NULL;
	n = 0;
	assert_int_equal(mkdir(at(f->dir, "sys/fs/cgroup/memory/c/sub"), 0755), 0);
	expect_err(cg_pids_at(l, "/c", &pids, &n, &err), &err, "sub/cgroup.procs'");
	free(pids);
	pids = NULL;
	n = 0;
	expect_err(cg_pids_at(l, "relative", &pids, &n, &err), &err, "bad cgroup path");
	/* destroy: an rmdir EBUSY for a while is waited out; another error is
	 * reported, the other hierarchies are still tried */
	reset();
	assert_int_equal(mkdir_p(at(f->dir, "sys/fs/cgroup/cpu/d/sub"), 0755, NULL), 0);
	assert_int_equal(mkdir_p(at(f->dir, "sys/fs/cgroup/memory/d"), 0755, NULL), 0);
	fault_arm_match("rmdir", "/cpu/d", 0, EBUSY);
	fault_arm_match("rmdir", "/cpu/d", 1, EBUSY);
	expect_ok(cg_destroy_at(l, "/d", NULL, &err), &err);
	assert_false(exists(f->dir, "sys/fs/cgroup/cpu/d"));
	assert_int_equal(mkdir_p(at(f->dir, "sys/fs/cgroup/cpu/d/sub"), 0755, NULL), 0);
	assert_int_equal(mkdir_p(at(f->dir, "sys/fs/cgroup/memory/d"), 0755, NULL), 0);
	fault_arm_match("rmdir", "/cpu/d/sub", 0, EROFS);
	expect_err(cg_destroy_at(l, "/d", NULL, &err), &err, "rmdir '");
	assert_false(exists(f->dir, "sys/fs/cgroup/memory/d"));	/* still tried */
	put(f->dir, "sys/fs/cgroup/freezer/d", "a file");
	assert_int_equal(cg_destroy_at(l, "/d", NULL, &err), -1);
	assert_int_equal(err->errnum, ENOTDIR);
	urun_err_free(&err);
	expect_err(cg_destroy_at(l, "relative", NULL, &err), &err, "bad cgroup path");
	cg_layout_free(l);
	/* a layout without a freezer, and a container in v2 only */
	l = fake(f->dir, "31 30 0:28 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n",
		 "1:pids:/\n", NULL);
	expect_err(cg_freeze_at(l, "/c", true, &err), &err, "no freezer");
	assert_false(cg_frozen_at(l, "/c"));
	cg_layout_free(l);
}

/* --- layouts and paths ------------------------------------------------------------ */

static void
test_layout_edges(void **state)
{
	struct fixture *f = *state;
	struct cg_layout *l = fake(f->dir, v1_mountinfo, v1_cgroup, NULL);
	struct urun_err *err = NULL;
	char **paths = NULL, *s = NULL;

	assert_null(cg_ctrl_name(CG_NCTRL, false));
	assert_null(cg_ctrl_name((enum cg_ctrl)-1, true));
	/* blkio is in /proc/self/cgroup but not mounted: no hierarchy */
	for (size_t i = 0; i < l->n; i++)
		assert_non_null(l->h[i].self);
	/* a pid whose cgroups cannot be read */
	expect_err(cg_proc_paths(l, 4242, &paths, &err), &err, "proc/4242/cgroup");
	/* decode: an unknown hierarchy is skipped (it went away), a bad one fails */
	assert_int_equal(cg_paths_decode(l, "nosuch:/x", &paths, &err), 0);
	cg_paths_free(paths, l->n);
	expect_err(cg_paths_decode(l, "cpu:x", &paths, &err), &err, "bad cgroup path 'cpu:x'");
	cg_paths_free(paths, l->n);	/* set even on failure: the callers free it */
	/* systemd forms */
	assert_int_equal(cg_systemd_path("system.slice::web", &s, &err), 1);
	assert_string_equal(s, "/system.slice/web.scope");
	free(s);
	assert_int_equal(cg_systemd_path("-.slice:p:n", &s, &err), 1);
	assert_string_equal(s, "/p-n.scope");
	free(s);
	expect_err(cg_systemd_path("a.slice:p:", &s, &err), &err, "empty unit name");
	/* encode with a hierarchy the container is not in */
	paths = xcalloc(l->n, sizeof(char *));
	paths[hier(l, "/memory")] = xstrdup("/m");
	s = cg_paths_encode(l, paths);
	assert_non_null(strstr(s, "/m"));
	free(s);
	s = cg_owned_encode(l, paths, paths);
	assert_non_null(s);
	free(s);
	cg_paths_free(paths, l->n);
	assert_null(cg_read(f->dir, "nosuch"));
	cg_layout_free(l);
	/* no mountinfo, or no /proc/self/cgroup */
	assert_null(cg_layout_load("/nonexistent-root", &err));
	urun_err_free(&err);
	assert_int_equal(unlink(at(f->dir, "proc/self/cgroup")), 0);
	assert_null(cg_layout_load(f->dir, &err));
	assert_non_null(err);
	urun_err_free(&err);
}

/* The public calls on the real host that need no privilege. */
static void
test_host_calls(void **state)
{
	json_t *bad = j("5");
	struct urun_err *err = NULL;
	char *path = NULL, *owned = NULL;

	(void)state;
	assert_true(urun_cgroup_owns_leaf("/x", NULL));	/* an old state.json */
	assert_false(urun_cgroup_owns_leaf("relative", "also relative"));
	expect_err(urun_cgroup_intended("i", bad, &path, &owned, &err), &err,
		   "linux: expected an object");
	json_decref(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_v1_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_v2_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_edges, setup, teardown),
		cmocka_unit_test(test_host_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
