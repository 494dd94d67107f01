/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks of the newer Linux features: CPU/node lists, scheduler and memory
 * policy, time offsets, network devices, the fake-root annotation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fakeroot.h"
#include "netdev.h"
#include "proc_sched.h"
#include "spec.h"
#include "timens.h"

static json_t *
j(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

static void
expect_err(int r, struct urun_err **err, const char *want)
{
	assert_int_equal(r, -1);
	assert_non_null(*err);
	if (strstr((*err)->msg, want) == NULL)
		fail_msg("error '%s' does not mention '%s'", (*err)->msg, want);
	urun_err_free(err);
}

static void
test_cpu_list(void **state)
{
	unsigned long m[1024 / (8 * sizeof(unsigned long))];

	(void)state;
	assert_int_equal(parse_cpu_list("0-2,5", m, 1024), 0);
	assert_true(m[0] == 0x27);
	assert_int_equal(parse_cpu_list("7", m, 1024), 0);
	assert_true(m[0] == 0x80);
	assert_int_equal(parse_cpu_list("3-1", m, 1024), -1);
	assert_int_equal(parse_cpu_list("a", m, 1024), -1);
	assert_int_equal(parse_cpu_list("1,", m, 1024), 0);
	assert_int_equal(parse_cpu_list("", m, 1024), -1);
	assert_int_equal(parse_cpu_list("5000", m, 1024), -1);
}

static void
test_sched_check(void **state)
{
	struct urun_err *err = NULL;
	json_t *ok = j("{\"policy\":\"SCHED_BATCH\",\"nice\":3,\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"]}");
	json_t *bad = j("{\"policy\":\"SCHED_FAST\"}");
	json_t *badflag = j("{\"policy\":\"SCHED_OTHER\",\"flags\":[\"X\"]}");
	json_t *aff = j("{\"initial\":\"0\",\"final\":\"x\"}");
	json_t *mp = j("{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}");
	json_t *mpbad = j("{\"mode\":\"MPOL_NOPE\"}");

	(void)state;
	assert_int_equal(sched_check(ok, NULL, mp, &err), 0);
	expect_err(sched_check(bad, NULL, NULL, &err), &err, "process.scheduler.policy: unknown policy");
	expect_err(sched_check(badflag, NULL, NULL, &err), &err, "process.scheduler.flags[0]");
	expect_err(sched_check(NULL, aff, NULL, &err), &err, "process.execCPUAffinity.final: bad CPU list");
	expect_err(sched_check(NULL, NULL, mpbad, &err), &err, "linux.memoryPolicy.mode: unknown mode");
	json_decref(ok);
	json_decref(bad);
	json_decref(badflag);
	json_decref(aff);
	json_decref(mp);
	json_decref(mpbad);
}

static struct urun_spec *
spec_of(const char *linux_fields)
{
	struct urun_err *err = NULL;
	char *text;
	struct urun_spec *s;

	assert_true(asprintf(&text, "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
			     "\"linux\":{%s}}", linux_fields) > 0);
	s = urun_spec_parse_str(text, &err);
	free(text);
	assert_non_null(s);
	return s;
}

static void
test_time_offsets(void **state)
{
	struct urun_err *err = NULL;
	struct urun_spec *ok = spec_of("\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":"
				       "{\"monotonic\":{\"secs\":10,\"nanosecs\":5}}");
	struct urun_spec *nons = spec_of("\"timeOffsets\":{\"boottime\":{\"secs\":1}}");
	struct urun_spec *badns = spec_of("\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":"
					  "{\"boottime\":{\"nanosecs\":2000000000}}");

	(void)state;
	assert_int_equal(timens_check(ok, &err), 0);
	expect_err(timens_check(nons, &err), &err, "linux.timeOffsets: needs a new time namespace");
	expect_err(timens_check(badns, &err), &err, "linux.timeOffsets.boottime.nanosecs");
	urun_spec_free(ok);
	urun_spec_free(nons);
	urun_spec_free(badns);
}

static void
test_netdev_check(void **state)
{
	struct urun_err *err = NULL;
	json_t *lo = j("{\"lo\":{\"name\":\"eth0\"}}");
	json_t *missing = j("{\"nosuchdev0\":{}}");
	json_t *badname = j("{\"lo\":{\"name\":\"a/b\"}}");

	(void)state;
	assert_int_equal(netdev_check(lo, 1, &err), 0);
	expect_err(netdev_check(lo, 0, &err), &err, "needs a new network namespace");
	expect_err(netdev_check(missing, 1, &err), &err, "linux.netDevices.nosuchdev0: no such device");
	expect_err(netdev_check(badname, 1, &err), &err, "linux.netDevices.lo.name: not a device name");
	json_decref(lo);
	json_decref(missing);
	json_decref(badname);
}

static void
test_fakeroot_annotation(void **state)
{
	struct urun_err *err = NULL;
	json_t *yes = j("{\"run.oci.urun.fakeroot\":\"seccomp\"}");
	json_t *bad = j("{\"run.oci.urun.fakeroot\":\"on\"}");
	bool wanted = true;

	(void)state;
	assert_int_equal(fakeroot_wanted(NULL, &wanted, &err), 0);
	assert_false(wanted);
	assert_int_equal(fakeroot_wanted(yes, &wanted, &err), 0);
	assert_true(wanted);
	expect_err(fakeroot_wanted(bad, &wanted, &err), &err, "annotations.run.oci.urun.fakeroot");
	json_decref(yes);
	json_decref(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_sched_check),
		cmocka_unit_test(test_time_offsets),
		cmocka_unit_test(test_netdev_check),
		cmocka_unit_test(test_fakeroot_annotation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
