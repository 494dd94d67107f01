/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp where libseccomp or the kernel says no (wrapped libseccomp
 * calls, fault.h): an architecture it cannot resolve or add, a flag the
 * kernel lacks, a rule it refuses, a default action it cannot init, loads
 * refused with EACCES (no privilege) or otherwise; and the shapes the
 * validator refuses. Each error names the field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <seccomp_sys.h>

#include "error.h"
#include "seccomp.h"
#include "fault.h"

scmp_filter_ctx __real_seccomp_init(uint32_t);
uint32_t __real_seccomp_arch_resolve_name(const char *);
int __real_seccomp_arch_add(scmp_filter_ctx, uint32_t);
int __real_seccomp_attr_set(scmp_filter_ctx, enum scmp_filter_attr, uint32_t);
int __real_seccomp_rule_add_array(scmp_filter_ctx, uint32_t, int, unsigned int,
				  const struct scmp_arg_cmp *);
int __real_seccomp_load(const scmp_filter_ctx);

scmp_filter_ctx
__wrap_seccomp_init(uint32_t action)
{
	FAULT_CHECK("seccomp_init", 0, NULL);
	return __real_seccomp_init(action);
}

uint32_t
__wrap_seccomp_arch_resolve_name(const char *name)
{
	FAULT_CHECK("seccomp_arch_resolve_name", 0, 0);
	return __real_seccomp_arch_resolve_name(name);
}

/* libseccomp returns -errno */
int
__wrap_seccomp_arch_add(scmp_filter_ctx ctx, uint32_t arch)
{
	int e = fault_take("seccomp_arch_add", 0);

	return e ? -e : __real_seccomp_arch_add(ctx, arch);
}

int
__wrap_seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t v)
{
	int e = fault_take("seccomp_attr_set", 0);

	return e ? -e : __real_seccomp_attr_set(ctx, attr, v);
}

int
__wrap_seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned int n,
			      const struct scmp_arg_cmp *cmps)
{
	int e = fault_take("seccomp_rule_add_array", 0);

	return e ? -e : __real_seccomp_rule_add_array(ctx, action, nr, n, cmps);
}

int
__wrap_seccomp_load(const scmp_filter_ctx ctx)
{
	int e = fault_take("seccomp_load", 0);

	return e ? -e : __real_seccomp_load(ctx);
}

#define PROFILE_WITH(flags) "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": " \
	"[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"], \"flags\": [" flags "], " \
	"\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
#define PROFILE PROFILE_WITH("")

static void
expect(const char *profile, const char *call, int skip, int e, const char *want)
{
	json_t *v = json_loads(profile, 0, NULL);
	struct urun_err *err = NULL;

	assert_non_null(v);
	if (call)
		fault_arm(call, 0, skip, e);
	if (urun_seccomp_validate(v, &err) != -1) {
		json_decref(v);
		fail_msg("%s (%s failing): accepted, wanted '%s'", profile, call ? call : "-", want);
	}
	if (strstr(err->msg, want) == NULL)
		fail_msg("%s: error '%s' does not mention '%s'", profile, err->msg, want);
	if (call && !fault_all_fired())
		fail_msg("%s was not called", call);
	urun_err_free(&err);
	json_decref(v);
	fault_reset();
}

static void
test_library_refusals(void **state)
{
	(void)state;
	expect(PROFILE, "seccomp_arch_resolve_name", 0, 1,
	       "linux.seccomp.architectures[0]: 'SCMP_ARCH_X86_64' not supported by libseccomp");
	expect(PROFILE, "seccomp_arch_add", 1, EINVAL,
	       "linux.seccomp.architectures[1]: add 'SCMP_ARCH_X86'");
	/* under valgrind libseccomp sees API level 1 and knows no LOG flag */
	if (seccomp_api_get() >= 3)
		expect(PROFILE_WITH("\"SECCOMP_FILTER_FLAG_LOG\""), "seccomp_attr_set", 1,
		       EOPNOTSUPP, "linux.seccomp.flags[0]: 'SECCOMP_FILTER_FLAG_LOG' not "
		       "supported by the kernel");
	expect(PROFILE, "seccomp_attr_set", 0, EINVAL,
	       "linux.seccomp: cannot clear the no_new_privs attribute");
	expect(PROFILE, "seccomp_rule_add_array", 0, EFAULT,
	       "linux.seccomp.syscalls[0]: add rule for 'mkdir'");
	expect(PROFILE, "seccomp_init", 0, EINVAL,
	       "linux.seccomp.defaultAction: not supported by the kernel or libseccomp");
}

static void
test_shapes(void **state)
{
	(void)state;
	expect("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": 5}", NULL, 0, 0,
	       "linux.seccomp.architectures");
	expect("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": 5}", NULL, 0, 0,
	       "linux.seccomp.flags");
	expect("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [5]}", NULL, 0, 0,
	       "linux.seccomp.syscalls[0]: expected an object, got an integer");
	expect("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\"}]}", NULL, 0, 0,
	       "linux.seccomp.syscalls[0].names[0]: empty syscall name");
	expect("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\", \"args\": 5}]}", NULL, 0, 0,
	       "linux.seccomp.syscalls[0].args");
	expect("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [5]}]}", NULL, 0, 0,
	       "linux.seccomp.syscalls[0].args[0]: expected an object, got an integer");
}

/* Loading: EACCES says what is missing; other errors are passed on. The
 * filter is not really loaded (the wrapped load fails first). */
static void
test_load(void **state)
{
	json_t *v = json_loads(PROFILE, 0, NULL);
	struct urun_err *err = NULL;

	(void)state;
	fault_arm("seccomp_load", 0, 0, EACCES);
	assert_int_equal(urun_seccomp_apply(v, &err), -1);
	assert_non_null(strstr(err->msg, "needs CAP_SYS_ADMIN or process.noNewPrivileges"));
	urun_err_free(&err);
	fault_arm("seccomp_load", 0, 0, EINVAL);
	assert_int_equal(urun_seccomp_apply(v, &err), -1);
	assert_string_equal(err->msg, "load seccomp filter");
	assert_int_equal(err->errnum, EINVAL);
	urun_err_free(&err);
	json_decref(v);
	v = json_loads("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", 0, NULL);
	assert_int_equal(urun_seccomp_apply(v, &err), -1);
	assert_non_null(strstr(err->msg, "linux.seccomp.defaultAction"));
	urun_err_free(&err);
	json_decref(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_refusals),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
