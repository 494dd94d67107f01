/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container ids, the state store, its lock and debris of interrupted creates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "state.h"
#include "util.h"

static void
test_ids(void **state)
{
	const char *good[] = { "a", "abc-DEF_1.2+3", "0123456789abcdef" };
	const char *bad[] = { "", ".", "..", "a/b", "/", "a\nb", "tab\t", "sp ace", "x\x7f" };
	struct urun_err *err = NULL;
	char *longid = xcalloc(1100, 1);

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_int_equal(urun_id_check(good[i], NULL), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(urun_id_check(bad[i], &err), -1);
		assert_non_null(strstr(err->msg, "container id"));
		urun_err_free(&err);
	}
	memset(longid, 'a', 1025);
	assert_int_equal(urun_id_check(longid, &err), -1);
	assert_non_null(strstr(err->msg, "longer than 1024"));
	urun_err_free(&err);
	free(longid);
}

static char *
temp_root(void)
{
	char tmpl[] = "/tmp/urun-state-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void
test_create_save_load_remove(void **state)
{
	char *root = temp_root();
	struct urun_err *err = NULL;
	struct urun_state *st, *again, *loaded;

	(void)state;
	st = urun_state_create(root, "c1", &err);
	assert_non_null(st);
	st->pid = getpid();
	assert_int_equal(proc_stat(getpid(), &st->start_time, NULL), 0);
	st->bundle = xstrdup("/b \"quoted\"");
	/* While it is being created, a second create sees it busy. */
	assert_null(urun_state_create(root, "c1", &err));
	assert_non_null(strstr(err->msg, "busy"));
	urun_err_free(&err);
	st->creating = false;
	assert_int_equal(urun_state_save(st, &err), 0);
	urun_state_free(st);
	/* Done: now it exists. */
	again = urun_state_create(root, "c1", &err);
	assert_null(again);
	assert_non_null(strstr(err->msg, "already exists"));
	urun_err_free(&err);
	loaded = urun_state_load(root, "c1", false, &err);
	assert_non_null(loaded);
	assert_string_equal(loaded->bundle, "/b \"quoted\"");
	assert_int_equal(urun_state_status(loaded), STATUS_RUNNING);
	assert_int_equal(urun_state_remove(loaded, &err), 0);
	urun_state_free(loaded);
	assert_null(urun_state_load(root, "c1", false, &err));
	assert_non_null(strstr(err->msg, "does not exist"));
	urun_err_free(&err);
	rmdir(root);
	free(root);
}

/* A create killed before it finished leaves "creating" state under a free
 * lock: the next create of the id cleans it and succeeds. */
static void
test_debris_is_cleaned(void **state)
{
	char *root = temp_root();
	struct urun_err *err = NULL;
	struct urun_state *st, *next;

	(void)state;
	st = urun_state_create(root, "c2", &err);
	assert_non_null(st);
	st->pid = 999999;	/* no such process */
	assert_int_equal(urun_state_save(st, &err), 0);
	urun_state_free(st);	/* the lock goes with the "killed" creator */
	st = urun_state_load(root, "c2", false, &err);
	assert_non_null(st);
	assert_int_equal(urun_state_status(st), STATUS_STOPPED);
	urun_state_free(st);
	next = urun_state_create(root, "c2", &err);
	assert_non_null(next);
	assert_true(next->creating);
	urun_state_remove(next, NULL);
	urun_state_free(next);
	rmdir(root);
	free(root);
}

static void
test_stale_pid_is_stopped(void **state)
{
	struct urun_state st = { .pid = getpid(), .dir_fd = -1 };
	uint64_t start;

	(void)state;
	assert_int_equal(proc_stat(getpid(), &start, NULL), 0);
	st.start_time = start + 1;	/* a reused pid */
	assert_int_equal(urun_state_status(&st), STATUS_STOPPED);
	assert_false(proc_is_ours(-1, 0));
	assert_int_equal(proc_stat(0, NULL, NULL), -1);
}

static void
test_state_json(void **state)
{
	struct urun_state st = { .id = (char *)"x", .bundle = (char *)"/b", .pid = 42,
				 .dir_fd = -1 };
	json_t *o = urun_state_to_json(&st, STATUS_RUNNING);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(o, "status")), "running");
	assert_int_equal(json_integer_value(json_object_get(o, "pid")), 42);
	assert_true(json_is_object(json_object_get(o, "annotations")));
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_create_save_load_remove),
		cmocka_unit_test(test_debris_is_cleaned),
		cmocka_unit_test(test_stale_pid_is_stopped),
		cmocka_unit_test(test_state_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
