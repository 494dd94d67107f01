/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount rules against container escapes (what may be mounted in /proc), the
 * path logic of procfs.c, and the devices fileMode podman sends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "error.h"
#include "mount.h"
#include "procfs.h"
#include "spec.h"

#define DOC(extra) "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}," \
	"\"process\":{\"args\":[\"/probe\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}" \
	extra "}"
#define DEVICE(fields) DOC(",\"linux\":{\"devices\":[{\"path\":\"/dev/x\"," fields "}]}")

static void
expect_rel(const char *path, const char *want)
{
	char *rel = procfs_rel(path, "42");

	if (want == NULL) {
		if (rel != NULL)
			fail_msg("procfs_rel('%s') = '%s', want NULL", path, rel);
		return;
	}
	assert_non_null(rel);
	assert_string_equal(rel, want);
	free(rel);
}

static void
test_procfs_rel(void **state)
{
	(void)state;
	expect_rel("/proc/self/oom_score_adj", "42/oom_score_adj");
	expect_rel("/proc/self", "42");
	expect_rel("/proc", ".");
	expect_rel("/proc/", ".");
	expect_rel("/proc//sys/./kernel/domainname", "sys/kernel/domainname");
	expect_rel("/proc/sys/self", "sys/self");	/* only a first "self" is ours */
	expect_rel("/proc/selfish", "selfish");
	expect_rel("/proc/self/../1/environ", NULL);
	expect_rel("/proc/..", NULL);
	expect_rel("/procfs/x", NULL);
	expect_rel("/etc/passwd", NULL);
	expect_rel("proc/self", NULL);
}

static void
test_procfs_is_root(void **state)
{
	struct stat st = { .st_ino = 1, .st_mode = S_IFDIR | 0555 };
	struct statfs sf = { .f_type = PROC_SUPER_MAGIC };

	(void)state;
	assert_true(procfs_is_root(&st, &sf));
	st.st_ino = 4026531840;		/* a procfs directory that is not the root */
	assert_false(procfs_is_root(&st, &sf));
	st.st_ino = 1;
	sf.f_type = TMPFS_MAGIC;	/* an image's /proc on a tmpfs */
	assert_false(procfs_is_root(&st, &sf));
	sf.f_type = PROC_SUPER_MAGIC;
	st.st_mode = S_IFREG | 0644;
	assert_false(procfs_is_root(&st, &sf));
}

/* On the test host /proc is a real procfs: the checks let it through and
 * stop symlinks, magic links and "..". */
static void
test_procfs_open_host(void **state)
{
	struct urun_err *err = NULL;
	char buf[64], want[64];
	int fd;

	(void)state;
	fd = procfs_open("/proc/self/status", O_RDONLY, &err);
	if (fd < 0 && err->errnum == ENOSYS) {	/* valgrind 3.19 knows no openat2 */
		urun_err_free(&err);
		skip();
	}
	assert_true(fd >= 0);
	close(fd);
	assert_true(procfs_open("/proc/self/cwd", O_PATH, &err) < 0);	/* magic link */
	assert_non_null(strstr(err->msg, "/proc/self/cwd"));
	urun_err_free(&err);
	assert_true(procfs_open("/proc/mounts", O_RDONLY, &err) < 0);	/* symlink */
	urun_err_free(&err);
	assert_true(procfs_open("/proc/self/../1/status", O_RDONLY, &err) < 0);
	assert_non_null(strstr(err->msg, "not a path under /proc"));
	urun_err_free(&err);
	fd = open("/", O_PATH | O_CLOEXEC);
	assert_int_equal(procfs_fd_path(fd, buf, sizeof(buf), &err), 0);
	snprintf(want, sizeof(want), "/proc/%d/fd/%d", (int)getpid(), fd);
	assert_string_equal(buf, want);
	close(fd);
}

static int
plan(const char *dest, const char *src, const char *type, const char *opt,
     struct mount_op *op, const char *want_error)
{
	const char *opts[] = { opt, NULL };
	struct urun_mount m = { .destination = (char *)dest, .source = (char *)src,
				.type = (char *)type, .options = (char **)opts };
	struct urun_err *err = NULL;
	int r = mount_plan(&m, op, &err);

	if (want_error) {
		assert_int_equal(r, -1);
		if (strstr(err->msg, want_error) == NULL)
			fail_msg("'%s': error '%s' does not mention '%s'", dest, err->msg,
				 want_error);
		urun_err_free(&err);
	} else if (r < 0) {
		fail_msg("'%s': %s", dest, err->msg);
	}
	return r;
}

static void
test_proc_dest(void **state)
{
	(void)state;
	assert_int_equal(mount_proc_dest("/proc"), PROC_DEST_ROOT);
	assert_int_equal(mount_proc_dest("//proc/./"), PROC_DEST_ROOT);
	assert_int_equal(mount_proc_dest("/proc/meminfo"), PROC_DEST_EMULATED);
	assert_int_equal(mount_proc_dest("/proc/sys/kernel/ns_last_pid"), PROC_DEST_EMULATED);
	assert_int_equal(mount_proc_dest("/proc/self/attr"), PROC_DEST_REFUSED);
	assert_int_equal(mount_proc_dest("/proc/sys"), PROC_DEST_REFUSED);
	assert_int_equal(mount_proc_dest("/proc/meminfo/x"), PROC_DEST_REFUSED);
	assert_int_equal(mount_proc_dest("/procfs"), PROC_DEST_OUTSIDE);
	assert_int_equal(mount_proc_dest("/"), PROC_DEST_OUTSIDE);
	assert_int_equal(mount_proc_dest("/srv/proc"), PROC_DEST_OUTSIDE);
}

/* CVE-2019-16884: the plan refuses mounts inside /proc and non-proc ones on it. */
static void
test_mount_plan_proc(void **state)
{
	struct mount_op op;

	(void)state;
	plan("/proc/self/attr", "tmpfs", "tmpfs", NULL, &op, "inside /proc");
	plan("/proc/sys/kernel", "/srv", "bind", "rbind", &op, "inside /proc");
	plan("proc/sys", "tmpfs", "tmpfs", NULL, &op, "inside /proc");
	plan("/proc", "tmpfs", "tmpfs", NULL, &op, "only a proc filesystem");
	plan("/proc/", "cgroup", "cgroup", NULL, &op, "only a proc filesystem");
	assert_int_equal(plan("/proc", "proc", "proc", NULL, &op, NULL), 0);
	assert_int_equal(op.proc_dest, PROC_DEST_ROOT);
	mount_op_release(&op);
	assert_int_equal(plan("/proc", "/proc", "bind", "rbind", &op, NULL), 0);
	mount_op_release(&op);
	assert_int_equal(plan("/proc/meminfo", "/var/lib/lxcfs/proc/meminfo", "bind", "bind",
			      &op, NULL), 0);
	assert_int_equal(op.proc_dest, PROC_DEST_EMULATED);
	mount_op_release(&op);
	assert_int_equal(plan("/srv", "tmpfs", "tmpfs", NULL, &op, NULL), 0);
	assert_int_equal(op.proc_dest, PROC_DEST_OUTSIDE);
	assert_false(op.real_dir);
	mount_op_release(&op);
}

/* CVE-2023-27561: proc and sysfs, and anything at /proc or /sys, are
 * mounted on a real directory, never through a symlink in its place. */
static void
test_mount_plan_real_dir(void **state)
{
	struct mount_op op;

	(void)state;
	assert_int_equal(plan("/proc", "proc", "proc", NULL, &op, NULL), 0);
	assert_true(op.real_dir);
	mount_op_release(&op);
	assert_int_equal(plan("/sys/", "/sys", "bind", "rbind", &op, NULL), 0);
	assert_true(op.real_dir);
	mount_op_release(&op);
	assert_int_equal(plan("/srv/sys", "sysfs", "sysfs", NULL, &op, NULL), 0);
	assert_true(op.real_dir);
	mount_op_release(&op);
	assert_int_equal(plan("/sys/fs/cgroup", "cgroup", "cgroup", NULL, &op, NULL), 0);
	assert_false(op.real_dir);
	mount_op_release(&op);
	assert_int_equal(plan("/data", "/srv", "bind", "rbind", &op, NULL), 0);
	assert_false(op.real_dir);
	mount_op_release(&op);
}

static void
expect_mode(const char *text, mode_t want, const char *want_error)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(text, &err);

	if (want_error) {
		assert_null(s);
		if (strstr(err->msg, want_error) == NULL)
			fail_msg("error '%s' does not mention '%s'", err->msg, want_error);
		urun_err_free(&err);
		return;
	}
	if (s == NULL)
		fail_msg("%s", err->msg);
	assert_int_equal(s->devices[0].mode, want);
	urun_spec_free(s);
}

/* Issue 9 B: podman sends the type bits in fileMode (8630 = 0o20666). */
static void
test_device_file_mode(void **state)
{
	(void)state;
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":8630"), 0666, NULL);
	expect_mode(DEVICE("\"type\":\"u\",\"major\":1,\"minor\":3,\"fileMode\":8630"), 0666, NULL);
	expect_mode(DEVICE("\"type\":\"b\",\"major\":7,\"minor\":0,\"fileMode\":25008"), 0660,
		    NULL);
	expect_mode(DEVICE("\"type\":\"p\",\"fileMode\":4516"), 0644, NULL);
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":2541"), 04755,
		    NULL);
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3"), 0666, NULL);
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":25014"), 0,
		    "linux.devices[0].fileMode: file type bits 060000 contradict type 'c'");
	expect_mode(DEVICE("\"type\":\"b\",\"major\":7,\"minor\":0,\"fileMode\":8630"), 0,
		    "contradict type 'b'");
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":33188"), 0,
		    "contradict type 'c'");	/* 0o100644: a regular file */
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":65536"), 0,
		    "fileMode");			/* 0o200000: neither type nor mode */
	expect_mode(DEVICE("\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":-1"), 0,
		    "fileMode");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procfs_rel),
		cmocka_unit_test(test_procfs_is_root),
		cmocka_unit_test(test_procfs_open_host),
		cmocka_unit_test(test_proc_dest),
		cmocka_unit_test(test_mount_plan_proc),
		cmocka_unit_test(test_mount_plan_real_dir),
		cmocka_unit_test(test_device_file_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
