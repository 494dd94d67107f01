/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inputs the libFuzzer targets (runtime/tests/fuzz/, docs/fuzzing.md) found,
 * each replayed through the same path as the target: config.json through
 * urun_spec_parse_str() and urun_container_validate(), and each expected to
 * fail cleanly with an error that names the field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "container.h"
#include "error.h"
#include "spec.h"

#define PROCESS(user) "\"process\":{\"args\":[\"/probe\"],\"cwd\":\"/\",\"user\":" user "}"
#define DOC(process, extra) "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}," \
	process extra "}"
#define USER0 "{\"uid\":0,\"gid\":0}"

/* Parse and validate TEXT as create does (as root, then unprivileged); expect
 * an error mentioning WANT. */
static void
expect_rejected(const char *text, const char *want)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(text, &err);

	for (int rootless = 0; s && rootless < 2 && err == NULL; rootless++)
		if (urun_container_validate(s, rootless, &err) >= 0)
			assert_null(err);
	urun_spec_free(s);
	if (err == NULL)
		fail_msg("accepted: %s", text);
	if (strstr(err->msg, want) == NULL)
		fail_msg("error '%s' does not mention '%s'", err->msg, want);
	urun_err_free(&err);
}

/* json_get_int cast a real outside the int64 range to int64 (undefined;
 * UBSan: "1e+300 is outside the range of representable values"). */
static void
test_int_field_real_out_of_int64_range(void **state)
{
	(void)state;
	expect_rejected(DOC(PROCESS("{\"uid\":1e300,\"gid\":0}"), ""),
			"process.user.uid: 1e+300 out of range");
	expect_rejected(DOC(PROCESS("{\"uid\":0,\"gid\":-1e19}"), ""),
			"process.user.gid: -1e+19 out of range");
	/* 2^63: one above INT64_MAX, the first double the cast cannot take. */
	expect_rejected(DOC(PROCESS(USER0), ",\"linux\":{\"namespaces\":[{\"type\":\"time\"}],"
			    "\"timeOffsets\":{\"monotonic\":{\"secs\":9223372036854775808.0}}}"),
			"linux.timeOffsets.monotonic.secs: 9.22337e+18 out of range");
	/* Exact reals inside the range still count as integers. */
	expect_rejected(DOC(PROCESS("{\"uid\":5e9,\"gid\":0}"), ""),
			"process.user.uid: 5000000000 out of range");
	expect_rejected(DOC(PROCESS("{\"uid\":1.5,\"gid\":0}"), ""),
			"process.user.uid: expected an integer, got a number");
}

/* A cgroupsPath with a newline passed validation; relative, on a host where
 * the caller sits in different cgroups per hierarchy, state.json keeps one
 * "controllers:path" line per hierarchy, and the newline injected a line that
 * decodes as another hierarchy's cgroup ("x\nmemory:/victim": delete would act
 * on /victim). Found by fuzz_config's encode/decode round trip. */
static void
test_cgroups_path_newline(void **state)
{
	(void)state;
	expect_rejected(DOC(PROCESS(USER0), ",\"linux\":{\"cgroupsPath\":\"x\\nmemory:/victim\"}"),
			"linux.cgroupsPath: a newline is not allowed");
	expect_rejected(DOC(PROCESS(USER0), ",\"linux\":{\"cgroupsPath\":\"/a\\nb\"}"),
			"linux.cgroupsPath: a newline is not allowed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_field_real_out_of_int64_range),
		cmocka_unit_test(test_cgroups_path_newline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
