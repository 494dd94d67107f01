/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small parsers: signals for kill, mount options for the mount plan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

#include "error.h"
#include "mount.h"
#include "signals.h"
#include "spec.h"

static void
test_signals(void **state)
{
	(void)state;
	assert_int_equal(urun_signal_parse("TERM"), SIGTERM);
	assert_int_equal(urun_signal_parse("SIGKILL"), SIGKILL);
	assert_int_equal(urun_signal_parse("sigusr1"), SIGUSR1);
	assert_int_equal(urun_signal_parse("9"), 9);
	assert_int_equal(urun_signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(urun_signal_parse("RTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(urun_signal_parse("RTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(urun_signal_parse("0"), -1);
	assert_int_equal(urun_signal_parse("65"), -1);
	assert_int_equal(urun_signal_parse("SIGFOO"), -1);
	assert_int_equal(urun_signal_parse(""), -1);
	assert_int_equal(urun_signal_parse(NULL), -1);
}

static int
plan(const char *dest, const char *src, const char *type, const char **opts,
     struct mount_op *op)
{
	struct urun_mount m = { .destination = (char *)dest, .source = (char *)src,
				.type = (char *)type, .options = (char **)opts };
	struct urun_err *err = NULL;
	int r = mount_plan(&m, op, &err);

	urun_err_free(&err);
	return r;
}

static void
test_mount_plan_flags(void **state)
{
	const char *opts[] = { "nosuid", "nodev", "ro", "rw", "ro", "size=64k", "mode=755", "rshared",
			 "rro", "rnoexec", NULL };
	struct mount_op op;

	(void)state;
	assert_int_equal(plan("dev", "tmpfs", "tmpfs", opts, &op), 0);
	assert_string_equal(op.target, "/dev");
	assert_int_equal(op.kind, MOUNT_FS);
	assert_true(op.flags == (MS_NOSUID | MS_NODEV | MS_RDONLY));
	assert_string_equal(op.data, "size=64k,mode=755");
	assert_int_equal(op.propagation, MS_SHARED | MS_REC);
	assert_true(op.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC));
	mount_op_release(&op);
}

static void
test_mount_plan_kinds(void **state)
{
	const char *bind[] = { "rbind", "ro", NULL }, *none[] = { NULL };
	struct mount_op op;

	(void)state;
	assert_int_equal(plan("/data", "/srv", "none", bind, &op), 0);
	assert_int_equal(op.kind, MOUNT_BIND);
	assert_true(op.recursive);
	mount_op_release(&op);
	assert_int_equal(plan("/sys/fs/cgroup", "cgroup", "cgroup", none, &op), 0);
	assert_int_equal(op.kind, MOUNT_CGROUP);
	mount_op_release(&op);
	assert_int_equal(plan("/data", "/srv", "bind", none, &op), 0);
	assert_int_equal(op.kind, MOUNT_BIND);
	mount_op_release(&op);
	/* A bind source must be absolute; a mount needs a type or bind. */
	assert_int_equal(plan("/data", "srv", NULL, bind, &op), -1);
	assert_int_equal(plan("/data", "/srv", NULL, none, &op), -1);
	assert_int_equal(plan("/a/../../etc", "tmpfs", "tmpfs", none, &op), -1);
}

static void
test_mount_plan_resets_and_atime(void **state)
{
	const char *defaults[] = { "ro", "nosuid", "defaults", NULL };
	const char *rel[] = { "rbind", "rrelatime", NULL };
	const char *copyup[] = { "tmpcopyup", NULL };
	struct mount_op op;

	(void)state;
	assert_int_equal(plan("/m", "tmpfs", "tmpfs", defaults, &op), 0);
	assert_true(op.flags == 0);
	mount_op_release(&op);
	/* MOUNT_ATTR_RELATIME is 0: the atime field must be cleared. */
	assert_int_equal(plan("/m", "/src", "bind", rel, &op), 0);
	assert_true(op.attr_clr & MOUNT_ATTR__ATIME);
	mount_op_release(&op);
	assert_int_equal(plan("/m", "tmpfs", "tmpfs", copyup, &op), 0);
	assert_true(op.copy_up);
	assert_null(op.data);
	mount_op_release(&op);
	assert_int_equal(plan("/m", "/src", "bind", copyup, &op), -1);
}

/* The negated recursive atime options pick a mode: the field holds one. */
static void
test_mount_plan_atime_negations(void **state)
{
	static const struct {
		const char *opt;
		uint64_t mode;
	} cases[] = {
		{ "ratime", MOUNT_ATTR_RELATIME },
		{ "rnostrictatime", MOUNT_ATTR_RELATIME },
		{ "rnorelatime", MOUNT_ATTR_STRICTATIME },
		{ "rnoatime", MOUNT_ATTR_NOATIME },
	};
	struct mount_op op;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *opts[] = { "rbind", cases[i].opt, NULL };

		assert_int_equal(plan("/m", "/src", "bind", opts, &op), 0);
		assert_true((op.attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME);
		assert_true((op.attr_set & MOUNT_ATTR__ATIME) == cases[i].mode);
		assert_null(op.data);
		mount_op_release(&op);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_mount_plan_flags),
		cmocka_unit_test(test_mount_plan_kinds),
		cmocka_unit_test(test_mount_plan_resets_and_atime),
		cmocka_unit_test(test_mount_plan_atime_negations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
