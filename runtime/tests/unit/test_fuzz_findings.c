/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inputs the libFuzzer targets (runtime/tests/fuzz/, docs/fuzzing.md) found,
 * each replayed through the same path as the target: config.json through
 * urun_spec_parse_str() and urun_container_validate(), each expected to fail
 * cleanly with an error that names the field; state.json through the loaders
 * of state.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "error.h"
#include "spec.h"
#include "state.h"
#include "tmpdir_fixture.h"

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

/* A state.json that is JSON but lacks a required member (pid, bundle) gave
 * delete's salvage a state without its directory (load_at had handed the
 * directory and its fd to the state it then freed): `delete -f` failed with
 * "stat '(null)'" and the container could not be deleted. Found by fuzz_state
 * ("loaded state with dir '(null)', fd -1"). */
static void
test_state_salvage_keeps_the_directory(void **state)
{
	struct fixture *f = *state;
	static const char *const docs[] = { "{}", "{\"pid\":1}", "{\"bundle\":\"/b\"}", "[1]" };

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char dir[128], file[160];
		struct urun_err *err = NULL;
		struct urun_state *st;
		FILE *fp;

		snprintf(dir, sizeof(dir), "%s/c%zu", f->dir, i);
		snprintf(file, sizeof(file), "%s/state.json", dir);
		assert_int_equal(mkdir(dir, 0700), 0);
		assert_non_null(fp = fopen(file, "w"));
		fputs(docs[i], fp);
		fclose(fp);
		assert_null(urun_state_load(f->dir, dir + strlen(f->dir) + 1, true, &err));
		urun_err_free(&err);
		st = urun_state_load_salvage(f->dir, dir + strlen(f->dir) + 1, &err);
		assert_non_null(st);
		assert_true(st->damaged);
		assert_non_null(st->dir);
		assert_string_equal(st->dir, dir);
		assert_true(st->dir_fd >= 0);
		assert_int_equal(urun_state_remove(st, &err), 0);
		assert_int_equal(access(dir, F_OK), -1);
		urun_state_free(st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_field_real_out_of_int64_range),
		cmocka_unit_test(test_cgroups_path_newline),
		cmocka_unit_test_setup_teardown(test_state_salvage_keeps_the_directory, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
