/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `urun update` input: runc's flags, docker's sizes, --resources documents,
 * and the merge with the container's resources (update.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "update.h"
#include "util.h"
#include "tmpdir_fixture.h"

static void
expect_size(const char *s, int64_t want)
{
	int64_t got = 0;

	if (urun_parse_size(s, &got) < 0)
		fail_msg("'%s' refused", s);
	if (got != want)
		fail_msg("'%s': %lld, want %lld", s, (long long)got, (long long)want);
}

static void
test_sizes(void **state)
{
	static const char *const bad[] = { "", "m", "-5", "1.", ".5", "12x", "1 2", "10mm",
					   "1e3", " 10", "99999999999999999999", "9e" };
	int64_t v;

	(void)state;
	expect_size("0", 0);
	expect_size("4096", 4096);
	expect_size("512k", 512 * 1024);
	expect_size("128m", 128 << 20);
	expect_size("128M", 128 << 20);
	expect_size("1g", 1 << 30);
	expect_size("1.5g", 3 << 29);
	expect_size("2 GiB", 2LL << 30);
	expect_size("1tb", 1LL << 40);
	expect_size("10b", 10);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (urun_parse_size(bad[i], &v) == 0)
			fail_msg("'%s' accepted as %lld", bad[i], (long long)v);
}

/* Flags -> the JSON runc would build; compared as compact JSON. */
static void
expect_flags(const char *const *kv, const char *want)
{
	json_t *res = json_object(), *w = json_loads(want, 0, NULL);
	struct urun_err *err = NULL;

	assert_non_null(w);
	for (; kv[0]; kv += 2)
		if (urun_update_flag(res, kv[0], kv[1], &err) < 0)
			fail_msg("--%s %s: %s", kv[0], kv[1], err->msg);
	if (!json_equal(res, w)) {
		char *got = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);

		fail_msg("got %s, want %s", got, want);
	}
	json_decref(res);
	json_decref(w);
}

static void
expect_flag_error(const char *name, const char *value, const char *want)
{
	json_t *res = json_object();
	struct urun_err *err = NULL;

	assert_int_equal(urun_update_flag(res, name, value, &err), -1);
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", err->msg, want);
	urun_err_free(&err);
	json_decref(res);
}

static void
test_flags(void **state)
{
	static const char *const all[] = {
		"memory", "128m", "memory-swap", "-1", "memory-reservation", "64m",
		"cpu-share", "512", "cpu-period", "100000", "cpu-quota", "-1",
		"cpu-rt-period", "1000000", "cpu-rt-runtime", "950000", "cpu-burst", "10",
		"cpu-idle", "0", "cpuset-cpus", "0-1", "cpuset-mems", "0",
		"pids-limit", "20", "blkio-weight", "300", NULL,
	};
	static const char *const unset[] = {
		"memory", "0", "cpu-shares", "0", "pids-limit", "0", "blkio-weight", "0",
		"cpuset-cpus", "", "kernel-memory", "10m", "kernel-memory-tcp", "1m", NULL,
	};
	static const char *const shares[] = { "cpu-shares", "256", NULL };

	(void)state;
	expect_flags(all, "{\"memory\": {\"limit\": 134217728, \"swap\": -1, "
		     "\"reservation\": 67108864}, \"cpu\": {\"shares\": 512, \"period\": 100000, "
		     "\"quota\": -1, \"realtimePeriod\": 1000000, \"realtimeRuntime\": 950000, "
		     "\"burst\": 10, \"idle\": 0, \"cpus\": \"0-1\", \"mems\": \"0\"}, "
		     "\"pids\": {\"limit\": 20}, \"blockIO\": {\"weight\": 300}}");
	/* 0 and "" are "not given", as in runc; kernel memory is only warned about. */
	expect_flags(unset, "{}");
	expect_flags(shares, "{\"cpu\": {\"shares\": 256}}");
	expect_flag_error("memory", "lots", "--memory: invalid size 'lots'");
	expect_flag_error("memory-swap", "-2", "--memory-swap: invalid size '-2'");
	expect_flag_error("cpu-share", "-5", "--cpu-share: invalid value '-5' (a number >= 0)");
	expect_flag_error("cpu-quota", "1e3", "--cpu-quota: invalid value '1e3'");
	expect_flag_error("pids-limit", "", "--pids-limit: invalid value ''");
	expect_flag_error("l3-cache-schema", "L3:0=ff", "--l3-cache-schema: not supported");
	expect_flag_error("mem-bw-schema", "MB:0=70", "--mem-bw-schema: not supported");
	expect_flag_error("cpu-weight", "5", "update: unknown option --cpu-weight");
}

static void
expect_merge(const char *old, const char *patch, const char *want)
{
	json_t *o = old ? json_loads(old, 0, NULL) : NULL, *p = json_loads(patch, 0, NULL);
	json_t *w = json_loads(want, 0, NULL), *got = urun_resources_merge(o, p);

	assert_non_null(w);
	if (!json_equal(got, w)) {
		char *s = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);

		fail_msg("got %s, want %s", s, want);
	}
	json_decref(o);
	json_decref(p);
	json_decref(w);
	json_decref(got);
}

static void
test_merge(void **state)
{
	(void)state;
	expect_merge(NULL, "{\"pids\": {\"limit\": 5}}", "{\"pids\": {\"limit\": 5}}");
	/* docker update --memory: only the limit changes. */
	expect_merge("{\"memory\": {\"limit\": 1, \"swap\": 2}, \"pids\": {\"limit\": 5}}",
		     "{\"memory\": {\"limit\": 3}}",
		     "{\"memory\": {\"limit\": 3, \"swap\": 2}, \"pids\": {\"limit\": 5}}");
	/* Arrays replace; null removes. */
	expect_merge("{\"devices\": [{\"allow\": false}], \"cpu\": {\"cpus\": \"0\"}}",
		     "{\"devices\": [], \"cpu\": {\"cpus\": null}}",
		     "{\"devices\": [], \"cpu\": {}}");
	expect_merge("{\"unified\": {\"a.b\": \"1\"}}", "{\"unified\": {\"c.d\": \"2\"}}",
		     "{\"unified\": {\"a.b\": \"1\", \"c.d\": \"2\"}}");
}

static void
test_read(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/r.json", f->dir);
	struct urun_err *err = NULL;
	json_t *doc;
	FILE *out;

	out = fopen(path, "w");
	assert_non_null(out);
	fputs("{\"memory\": {\"limit\": 1048576}}", out);
	fclose(out);
	doc = urun_update_read(path, &err);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "memory"),
							    "limit")), 1048576);
	json_decref(doc);
	out = fopen(path, "w");
	fputs("[1]", out);
	fclose(out);
	assert_null(urun_update_read(path, &err));
	assert_non_null(strstr(err->msg, "expected a linux.resources object, got an array"));
	urun_err_free(&err);
	out = fopen(path, "w");
	fputs("{\"pids\": {\"limit\": 1}, \"pids\": {}}", out);
	fclose(out);
	assert_null(urun_update_read(path, &err));
	assert_non_null(strstr(err->msg, "duplicate"));
	urun_err_free(&err);
	free(path);
	assert_null(urun_update_read("/nonexistent/r.json", &err));
	assert_non_null(err);
	urun_err_free(&err);
}

static void
test_update_missing_container(void **state)
{
	struct fixture *f = *state;
	json_t *res = json_object();
	struct urun_err *err = NULL;

	assert_int_equal(urun_container_update(f->dir, "nope", res, &err), -1);
	assert_non_null(strstr(err->msg, "container 'nope' does not exist"));
	urun_err_free(&err);
	json_decref(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_merge),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_missing_container, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
