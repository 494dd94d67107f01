/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: validation messages, features, and a filter loaded for real in
 * a forked child. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "seccomp.h"
#include <seccomp_sys.h>	/* libseccomp, for seccomp_api_get() */

static json_t *
parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);

	if (v == NULL)
		fail_msg("bad test JSON: %s: %s", jerr.text, text);
	return v;
}

/* Validate TEXT and expect an error containing WANT. */
static void
expect_invalid(const char *text, const char *want)
{
	struct urun_err *err = NULL;
	json_t *v = parse(text);

	assert_int_equal(urun_seccomp_validate(v, &err), -1);
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", err->msg, want);
	urun_err_free(&err);
	json_decref(v);
}

static void
expect_valid(const char *text)
{
	struct urun_err *err = NULL;
	json_t *v = parse(text);

	if (urun_seccomp_validate(v, &err) < 0)
		fail_msg("unexpected error: %s", err->msg);
	assert_null(err);
	json_decref(v);
}

static void
test_default_action_required(void **state)
{
	(void)state;
	expect_invalid("{}", "linux.seccomp.defaultAction: required");
	expect_invalid("{\"defaultAction\": 3}", "linux.seccomp.defaultAction: expected a string");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_NOPE\"}",
		       "linux.seccomp.defaultAction: unknown action 'SCMP_ACT_NOPE'");
}

static void
test_errno_ret_only_with_errno_actions(void **state)
{
	(void)state;
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
		       "linux.seccomp.defaultErrnoRet: not allowed with SCMP_ACT_ALLOW");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"mkdir\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 5}]}",
		       "linux.seccomp.syscalls[0].errnoRet: not allowed with SCMP_ACT_KILL");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}",
		       "linux.seccomp.defaultErrnoRet: 70000 out of range");
	expect_valid("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
		     "\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
}

static void
test_syscall_fields_named(void **state)
{
	(void)state;
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\"}, {\"names\": [\"write\"], "
		       "\"action\": \"SCMP_ACT_BOGUS\"}]}",
		       "linux.seccomp.syscalls[1].action: unknown action 'SCMP_ACT_BOGUS'");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], "
		       "\"action\": \"SCMP_ACT_ERRNO\"}]}",
		       "linux.seccomp.syscalls[0].names: must not be empty");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{"
		       "\"action\": \"SCMP_ACT_ERRNO\"}]}",
		       "linux.seccomp.syscalls[0].names: required");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
		       "\"value\": 1, \"op\": \"SCMP_CMP_XX\"}]}]}",
		       "linux.seccomp.syscalls[0].args[0].op: unknown operator 'SCMP_CMP_XX'");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, "
		       "\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		       "linux.seccomp.syscalls[0].args[0].index: 6 out of range");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
		       "\"op\": \"SCMP_CMP_EQ\"}]}]}",
		       "linux.seccomp.syscalls[0].args[0].value: required");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
		       "\"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		       "linux.seccomp.syscalls[0].args[0].value: must not be negative");
}

static void
test_arch_and_flags(void **state)
{
	(void)state;
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
		       "[\"SCMP_ARCH_X86\", \"SCMP_ARCH_VAX\"]}",
		       "linux.seccomp.architectures[1]: unknown architecture 'SCMP_ARCH_VAX'");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"FLAG_NOPE\"]}",
		       "linux.seccomp.flags[0]: unknown flag 'FLAG_NOPE'");
	expect_valid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
		     "[\"SCMP_ARCH_X86\", \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\"]}");
}

/* Every flag features calls supported is accepted; known-but-unsupported ones
 * fail naming the flag. */
static void
test_supported_flags_accepted(void **state)
{
	json_t *f = urun_seccomp_features();
	json_t *supported = json_object_get(f, "supportedFlags");
	json_t *known = json_object_get(f, "knownFlags");
	json_t *name;
	size_t i;

	(void)state;
	json_array_foreach(known, i, name) {
		char *text = NULL;
		bool ok = false;
		json_t *s;
		size_t k;

		json_array_foreach(supported, k, s)
			ok |= json_equal(s, name);
		if (asprintf(&text, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"%s\"]}",
			     json_string_value(name)) < 0)
			fail();
		if (ok)
			expect_valid(text);
		else
			expect_invalid(text, "linux.seccomp.flags[0]: '");
		free(text);
	}
	json_decref(f);
}

static void
test_listener_rejected(void **state)
{
	(void)state;
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\"}",
		       "linux.seccomp.listenerPath: not supported: ");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\"}",
		       "linux.seccomp.listenerMetadata: must not be set without listenerPath");
	expect_invalid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		       "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY requires "
		       "linux.seccomp.listenerPath");
}

static void
test_valid_profile(void **state)
{
	(void)state;
	/* Unknown syscall names are skipped; a rule equal to the default action is
	 * dropped; a repeated argument index becomes one rule per comparison. */
	expect_valid("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
		     "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"], \"syscalls\": ["
		     "{\"names\": [\"read\", \"write\", \"no_such_syscall_xyz\"], "
		     "\"action\": \"SCMP_ACT_ALLOW\"},"
		     "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		     "{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
		     "{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},"
		     "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		     "{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, "
		     "\"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
		     "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		     "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 7},"
		     "{\"names\": [\"reboot\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
		     "{\"names\": [\"swapon\"], \"action\": \"SCMP_ACT_KILL\"},"
		     "{\"names\": [\"acct\"], \"action\": \"SCMP_ACT_TRAP\"},"
		     "{\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		     "{\"index\": 2, \"value\": 3, \"op\": \"SCMP_CMP_LT\"},"
		     "{\"index\": 1, \"value\": 3, \"op\": \"SCMP_CMP_NE\"}]}]}");
}

/* KILL_PROCESS and LOG need seccomp API level 3 (Linux 4.14); under valgrind,
 * which does not pass seccomp(2) through, libseccomp sees level 1. */
static void
test_newer_actions(void **state)
{
	(void)state;
	if (seccomp_api_get() < 3)
		skip();
	expect_valid("{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": ["
		     "{\"names\": [\"kexec_load\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
		     "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
}

static void
test_not_an_object(void **state)
{
	struct urun_err *err = NULL;
	json_t *v = json_array();

	(void)state;
	assert_int_equal(urun_seccomp_validate(v, &err), -1);
	assert_non_null(strstr(err->msg, "linux.seccomp: expected an object"));
	urun_err_free(&err);
	json_decref(v);
}

static bool
array_has(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static void
test_features(void **state)
{
	json_t *f = urun_seccomp_features();

	(void)state;
	assert_true(json_is_true(json_object_get(f, "enabled")));
	assert_int_equal(json_array_size(json_object_get(f, "actions")), 9);
	assert_true(array_has(json_object_get(f, "actions"), "SCMP_ACT_KILL_PROCESS"));
	assert_int_equal(json_array_size(json_object_get(f, "operators")), 7);
	assert_true(array_has(json_object_get(f, "operators"), "SCMP_CMP_MASKED_EQ"));
	assert_true(array_has(json_object_get(f, "archs"), "SCMP_ARCH_X86_64"));
	assert_true(array_has(json_object_get(f, "archs"), "SCMP_ARCH_AARCH64"));
	assert_int_equal(json_array_size(json_object_get(f, "knownFlags")), 4);
	assert_true(json_array_size(json_object_get(f, "supportedFlags")) <=
		    json_array_size(json_object_get(f, "knownFlags")));
	json_decref(f);
}

/* Report N through the exit status by exec'ing sh: an exec'd child is not
 * leak-checked by valgrind, an _exit()ing fork would be. */
static void __attribute__((noreturn))
child_report(int n)
{
	char code[32];

	snprintf(code, sizeof(code), "exit %d", n);
	execl("/bin/sh", "sh", "-c", code, (char *)NULL);
	_exit(127);
}

/* Fork, load PROFILE in the child, run PROBE there and return what it reports. */
static int
run_in_child(const char *profile, int (*probe)(void))
{
	json_t *v = parse(profile);
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct urun_err *err = NULL;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			child_report(100);
		if (urun_seccomp_apply(v, &err) < 0)
			child_report(101);
		child_report(probe());
	}
	json_decref(v);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
probe_mkdir(void)
{
	char dir[] = "/tmp/urun-seccomp-XXXXXX";

	/* mkdtemp calls mkdir: the filter makes it fail with errno 38. */
	if (mkdtemp(dir) != NULL) {
		rmdir(dir);
		return 0;
	}
	return errno;
}

static void
test_apply_blocks_mkdir(void **state)
{
	(void)state;
	assert_int_equal(run_in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
				      "{\"names\": [\"mkdir\", \"mkdirat\"], "
				      "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
				      probe_mkdir), 38);
	assert_int_equal(run_in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}", probe_mkdir), 0);
}

/* getpgid(12345) is blocked by an argument rule, getpgid(0) is not. */
static int
probe_getpgid(void)
{
	if (getpgid(0) < 0)
		return 1;
	if (getpgid(12345) >= 0 || errno != EDOM)
		return 2;
	return 0;
}

static void
test_apply_arg_rule(void **state)
{
	(void)state;
	assert_int_equal(run_in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
				      "{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", "
				      "\"errnoRet\": 33, \"args\": [{\"index\": 0, \"value\": 12345, "
				      "\"op\": \"SCMP_CMP_EQ\"}]}]}", probe_getpgid), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_action_required),
		cmocka_unit_test(test_errno_ret_only_with_errno_actions),
		cmocka_unit_test(test_syscall_fields_named),
		cmocka_unit_test(test_arch_and_flags),
		cmocka_unit_test(test_supported_flags_accepted),
		cmocka_unit_test(test_listener_rejected),
		cmocka_unit_test(test_valid_profile),
		cmocka_unit_test(test_newer_actions),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_apply_blocks_mkdir),
		cmocka_unit_test(test_apply_arg_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
