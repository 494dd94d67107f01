/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state store's refusals: a root that is a file, belongs to someone
 * else, or is too open (tightened); a state.json with wrong types; a
 * container directory that cannot be opened; and the default roots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "state.h"
#include "util.h"
#include "child_report.h"
#include "tmpdir_fixture.h"

static char *
at(const char *dir, const char *rel)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

static void
expect_create_error(const char *root, const char *want)
{
	struct urun_err *err = NULL;
	struct urun_state *st = urun_state_create(root, "c", &err);

	if (st != NULL)
		fail_msg("state root '%s' accepted, wanted '%s'", root, want);
	if (strstr(err->msg, want) == NULL)
		fail_msg("error '%s' does not mention '%s'", err->msg, want);
	urun_err_free(&err);
}

static void
test_root_checks(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	struct urun_state *st;
	struct stat sb;

	assert_int_equal(write_file_atomic(at(f->dir, "file"), "", 0, 0644, NULL), 0);
	expect_create_error(at(f->dir, "file"), "not a directory");
	expect_create_error(at(f->dir, "file/sub"), "mkdir '");
	assert_int_equal(symlink(f->dir, at(f->dir, "link")), 0);
	expect_create_error(at(f->dir, "link"), "not a directory");	/* not followed */
	if (geteuid() == 0) {
		assert_int_equal(mkdir(at(f->dir, "theirs"), 0700), 0);
		assert_int_equal(chown(at(f->dir, "theirs"), 65534, 65534), 0);
		expect_create_error(at(f->dir, "theirs"), "owned by uid 65534, not us");
	}
	/* ours but 0755: tightened to 0700, then used */
	assert_int_equal(mkdir(at(f->dir, "open"), 0755), 0);
	assert_int_equal(chmod(at(f->dir, "open"), 0755), 0);
	st = urun_state_create(at(f->dir, "open"), "c", &err);
	if (st == NULL)
		fail_msg("%s", err->msg);
	assert_int_equal(stat(at(f->dir, "open"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(urun_state_remove(st, &err), 0);
	urun_state_free(st);
}

#define WRONG "{\"pid\": \"x\", \"bundle\": \"/b\"}"

static void
test_damaged_state(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	struct urun_state *st;
	char *path;

	/* a state.json of the wrong shape (pid a string): the error names the
	 * container and what is wrong (jansson's words: not the field) */
	assert_int_equal(mkdir_p(at(f->dir, "root/c"), 0700, NULL), 0);
	path = at(f->dir, "root/c/state.json");
	assert_int_equal(write_file_atomic(path, WRONG, strlen(WRONG), 0600, NULL), 0);
	assert_null(urun_state_load(at(f->dir, "root"), "c", false, &err));
	if (strstr(err->msg, "state.json of 'c':") == NULL || strstr(err->msg, "Expected integer") == NULL)
		fail_msg("%s", err->msg);
	urun_err_free(&err);
	/* a container "directory" that is a file */
	assert_int_equal(write_file_atomic(at(f->dir, "root/notdir"), "", 0, 0600, NULL), 0);
	assert_null(urun_state_load(at(f->dir, "root"), "notdir", false, &err));
	assert_non_null(strstr(err->msg, "open '"));
	assert_int_equal(err->errnum, ENOTDIR);
	urun_err_free(&err);
	assert_null(urun_state_load(at(f->dir, "root"), "notdir", true, &err));
	assert_non_null(strstr(err->msg, "open '"));
	urun_err_free(&err);
	assert_null(urun_state_load_salvage(at(f->dir, "root"), "notdir", &err));
	assert_non_null(strstr(err->msg, "open '"));
	urun_err_free(&err);
	st = urun_state_load_salvage(at(f->dir, "root"), "gone", &err);
	assert_null(st);
	assert_int_equal(err->errnum, ENOENT);
	urun_err_free(&err);
}

/* The default root: $XDG_RUNTIME_DIR/urun for a user, else /run/urun for
 * root, else /tmp/urun-UID (a user, in a child). */
static void
test_default_root(void **state)
{
	char *old = getenv("XDG_RUNTIME_DIR") ? xstrdup(getenv("XDG_RUNTIME_DIR")) : NULL;
	int status;
	char *r;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	unsetenv("XDG_RUNTIME_DIR");
	r = urun_state_default_root();
	assert_string_equal(r, "/run/urun");
	free(r);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int bad = setresuid(65534, 65534, 0) < 0;

		r = urun_state_default_root();
		bad |= strcmp(r, "/tmp/urun-65534") != 0;
		free(r);
		setenv("XDG_RUNTIME_DIR", "/run/user/65534", 1);
		r = urun_state_default_root();
		bad |= strcmp(r, "/run/user/65534/urun") != 0;
		free(r);
		child_report(setresuid(0, 0, 0) == 0 ? bad : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (old) {
		setenv("XDG_RUNTIME_DIR", old, 1);
		free(old);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_state, setup, teardown),
		cmocka_unit_test(test_default_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
