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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "state.h"
#include "util.h"
#include "tmpdir_fixture.h"

static void
test_ids(void **state)
{
	const char *good[] = { "a", "abc-DEF_1.2+3", "0123456789abcdef" };
	const char *bad[] = { "", ".", "..", "a/b", "/", "a\nb", "tab\t", "sp ace", "x\x7f",
			      ".hidden", ".new-a-1" };
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
	assert_int_equal(urun_id_check(".x", &err), -1);
	assert_non_null(strstr(err->msg, "must not start with '.'"));
	urun_err_free(&err);
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
	assert_int_equal(urun_state_save(st, &err), 0);
	assert_int_equal(urun_state_mark_created(st, &err), 0);
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
	assert_true(st->creating);	/* the mark is still there */
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

static mode_t
mode_of(const char *dir, const char *name)
{
	char path[256];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(lstat(path, &sb), 0);
	return sb.st_mode & 07777;
}

/* A new state with a pid (ours) saved, its lock dropped as if its creator
 * had finished (CREATING false) or died (true). */
static void
make_saved(const char *root, const char *id, bool creating)
{
	struct urun_err *err = NULL;
	struct urun_state *st = urun_state_create(root, id, &err);

	assert_non_null(st);
	st->pid = getpid();
	assert_int_equal(proc_stat(getpid(), &st->start_time, NULL), 0);
	st->bundle = xstrdup("/b");
	assert_int_equal(urun_state_save(st, &err), 0);
	if (!creating)
		assert_int_equal(urun_state_mark_created(st, &err), 0);
	urun_state_free(st);
}

static void
truncate_state(const char *root, const char *id)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"pid\":", 7), 7);
	close(fd);
}

/* An older urun left the root 0711: create tightens it; files are 0600. */
static void
test_root_and_files_private(void **state)
{
	struct fixture *f = *state;
	char root[128], dir[160];

	snprintf(root, sizeof(root), "%s/root", f->dir);
	assert_int_equal(mkdir(root, 0711), 0);
	make_saved(root, "p1", false);
	assert_int_equal(mode_of(f->dir, "root"), 0700);
	snprintf(dir, sizeof(dir), "%s/p1", root);
	assert_int_equal(mode_of(dir, "state.json"), 0600);
	assert_int_equal(mode_of(dir, "journal.json"), 0600);
}

/* A truncated state.json: load says so and names delete --force; the
 * salvage load still knows the pid from journal.json. */
static void
test_damaged_state_salvaged(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	struct urun_state *st;

	make_saved(f->dir, "d1", false);
	truncate_state(f->dir, "d1");
	assert_null(urun_state_load(f->dir, "d1", false, &err));
	assert_non_null(strstr(err->msg, "damaged"));
	assert_non_null(strstr(err->msg, "delete --force d1"));
	urun_err_free(&err);
	st = urun_state_load_salvage(f->dir, "d1", &err);
	assert_non_null(st);
	assert_true(st->damaged);
	assert_int_equal(st->pid, getpid());
	assert_int_equal(urun_state_status(st), STATUS_RUNNING);
	urun_state_free(st);
	/* a live container with a damaged state is not debris: create refuses */
	assert_null(urun_state_create(f->dir, "d1", &err));
	assert_non_null(strstr(err->msg, "damaged"));
	urun_err_free(&err);
}

/* A create that died before its first save leaves a directory without
 * state.json: salvage gives an empty, stopped state; create cleans it. */
static void
test_no_state_is_debris(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	struct urun_state *st = urun_state_create(f->dir, "n1", &err);

	assert_non_null(st);
	urun_state_free(st);
	st = urun_state_load_salvage(f->dir, "n1", &err);
	assert_non_null(st);
	assert_true(st->damaged);
	assert_int_equal(st->pid, 0);
	assert_null(st->cgroup_path);
	assert_int_equal(urun_state_status(st), STATUS_STOPPED);
	urun_state_free(st);
	st = urun_state_create(f->dir, "n1", &err);
	assert_non_null(st);
	urun_state_free(st);
	/* and a missing one is ENOENT, for delete --force */
	assert_null(urun_state_load_salvage(f->dir, "nosuch", &err));
	assert_int_equal(err->errnum, ENOENT);
	urun_err_free(&err);
}

/* .new-ID-PID directories: removed when their lock is free, kept while a
 * create holds it; other ids' left alone. */
static void
test_clean_temps(void **state)
{
	struct fixture *f = *state;
	const char *names[] = { ".new-t1-123", ".new-t1-77", ".new-t1x-5", ".new-t1-1-9" };
	char path[160];
	int held;

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	snprintf(path, sizeof(path), "%s/.new-t1-77", f->dir);
	held = open(path, O_RDONLY | O_DIRECTORY);
	assert_int_equal(flock(held, LOCK_EX), 0);
	urun_state_clean_temps(f->dir, "t1");
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		assert_int_equal(access(path, F_OK) == 0, i != 0);
	}
	close(held);
}

/* reap kills the init it recorded (no cgroup here). */
static void
test_reap_kills_init(void **state)
{
	struct urun_state st = { .id = (char *)"r1", .dir_fd = -1 };
	struct urun_err *err = NULL;
	pid_t child = fork();
	int ws;

	(void)state;
	if (child == 0) {
		pause();
		_exit(0);
	}
	st.pid = child;
	assert_int_equal(proc_stat(child, &st.start_time, NULL), 0);
	assert_int_equal(urun_state_reap(&st, &err), 0);
	assert_int_equal(waitpid(child, &ws, 0), child);
	assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
}

/* Files another user planted under the temporary names are never used. */
static void
test_atomic_write_fresh_temp(void **state)
{
	struct fixture *f = *state;
	char path[160], *text = NULL;
	const char *planted[] = { "pid.tmp", ".pid" };
	size_t n = 0;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	struct urun_err *err = NULL;

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, planted[i]);
		assert_int_equal(write_file_atomic(path, "planted", 7, 0666, &err), 0);
	}
	snprintf(path, sizeof(path), "%s/pid", f->dir);
	assert_int_equal(write_file_atomic(path, "42", 2, 0644, &err), 0);
	assert_int_equal(read_file(path, &text, NULL, &err), 0);
	assert_string_equal(text, "42");
	free(text);
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, planted[i]);
		assert_int_equal(read_file(path, &text, NULL, &err), 0);
		assert_string_equal(text, "planted");
		free(text);
	}
	/* no temporary file is left */
	d = opendir(f->dir);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	assert_int_equal(n, 3);	/* pid, pid.tmp, .pid */
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
		cmocka_unit_test_setup_teardown(test_root_and_files_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_state_salvaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_state_is_debris, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_temps, setup, teardown),
		cmocka_unit_test(test_reap_kills_init),
		cmocka_unit_test_setup_teardown(test_atomic_write_fresh_temp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
