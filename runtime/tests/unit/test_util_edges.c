/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file helpers' failures: a file past read_file's 16 MiB cap, atomic
 * writes whose temporary file cannot be made, written or renamed (nothing is
 * left behind), every candidate name taken, mkdir -p through a file,
 * remove_tree's stat/unlink/open/rmdir refusals (wrapped calls, fault.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"
#include "fault.h"
#include "tmpdir_fixture.h"

ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __real_getrandom(void *buf, size_t len, unsigned flags);
int __real_unlinkat(int dirfd, const char *path, int flags);
int __real_fstatat(int dirfd, const char *path, struct stat *st, int flags);
int __real_openat(int dirfd, const char *path, int flags, ...);

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	FAULT_CHECK("write", 0, -1);
	return __real_write(fd, buf, len);
}

ssize_t
__wrap_getrandom(void *buf, size_t len, unsigned flags)
{
	FAULT_CHECK("getrandom", 0, -1);
	return __real_getrandom(buf, len, flags);
}

int
__wrap_unlinkat(int dirfd, const char *path, int flags)
{
	FAULT_CHECK_KEY(flags & AT_REMOVEDIR ? "rmdir" : "unlinkat", 0, path, -1);
	return __real_unlinkat(dirfd, path, flags);
}

int
__wrap_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	FAULT_CHECK_KEY("fstatat", 0, path, -1);
	return __real_fstatat(dirfd, path, st, flags);
}

int
__wrap_openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (flags & (O_CREAT | __O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	FAULT_CHECK_KEY("openat", 0, path, -1);
	return __real_openat(dirfd, path, flags, mode);
}

static char *
at(const char *dir, const char *rel)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, "..") != 0);
	closedir(d);
	return n;
}

static void
expect_err_at(int r, struct urun_err **err, const char *want, int line)
{
	if (r != -1 || *err == NULL)
		fail_msg("line %d: %d, no error; wanted one naming '%s'", line, r, want);
	if (strstr((*err)->msg, want) == NULL)
		fail_msg("line %d: error '%s' does not mention '%s'", line, (*err)->msg, want);
	urun_err_free(err);
}
#define expect_err(r, err, want) expect_err_at(r, err, want, __LINE__)

static void
test_read_file(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	char *buf = NULL;
	size_t len = 0;
	int fd = open(at(f->dir, "big"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (17 << 20)), 0);	/* sparse, past the cap */
	close(fd);
	assert_int_equal(read_file(at(f->dir, "big"), &buf, &len, &err), -1);
	assert_int_equal(err->errnum, EFBIG);
	assert_null(buf);
	urun_err_free(&err);
	assert_int_equal(write_file_atomic(at(f->dir, "small"), "abc", 3, 0644, &err), 0);
	assert_int_equal(read_file(at(f->dir, "small"), &buf, &len, &err), 0);
	assert_int_equal(len, 3);
	assert_string_equal(buf, "abc");
	free(buf);
	buf = NULL;
	expect_err(read_file(f->dir, &buf, NULL, &err), &err, "read '");	/* EISDIR */
}

static void
test_write_atomic(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;

	expect_err(write_file_atomic(at(f->dir, "none/x"), "a", 1, 0644, &err), &err,
		   "create a temporary file for '");
	fault_arm("write", 0, 0, EIO);
	expect_err(write_file_atomic(at(f->dir, "x"), "a", 1, 0644, &err), &err, "write '");
	assert_int_equal(entries(f->dir), 0);	/* the temporary file went */
	assert_int_equal(mkdir(at(f->dir, "d"), 0755), 0);
	assert_int_equal(mkdir(at(f->dir, "d/sub"), 0755), 0);
	expect_err(write_file_atomic(at(f->dir, "d"), "a", 1, 0644, &err), &err, "rename '");
	assert_int_equal(entries(f->dir), 1);	/* only d */
	/* without getrandom the names follow the pid: all 100 taken is EEXIST,
	 * not an endless loop */
	for (int i = 0; i < 100; i++) {
		char name[64];
		uint32_t r = (uint32_t)getpid() * 2654435761u + (uint32_t)i;

		snprintf(name, sizeof(name), ".y.%08x", r);
		assert_int_equal(write_file_atomic(at(f->dir, name), "", 0, 0644, NULL), 0);
	}
	fault_arm_times("getrandom", NULL, 0, 100, ENOSYS);
	assert_int_equal(write_file_atomic(at(f->dir, "y"), "a", 1, 0644, &err), -1);
	assert_int_equal(err->errnum, EEXIST);
	urun_err_free(&err);
	fault_reset();
	/* write_file_str: a file that is not there, a value the kernel refuses */
	expect_err(write_file_str(at(f->dir, "nothere"), "1", &err), &err, "open '");
	expect_err(write_file_str("/proc/self/oom_score_adj", "not a number", &err), &err,
		   "write '/proc/self/oom_score_adj'");
}

static void
test_mkdir_and_remove(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;

	assert_int_equal(write_file_atomic(at(f->dir, "file"), "", 0, 0644, NULL), 0);
	expect_err(mkdir_p(at(f->dir, "file/sub/deeper"), 0755, &err), &err, "mkdir '");
	assert_int_equal(remove_tree(at(f->dir, "missing"), &err), 0);
	/* a tree: a file refused, then its directory, then opening a directory */
	assert_int_equal(mkdir_p(at(f->dir, "tree/dir-one/dir-two"), 0755, NULL), 0);
	assert_int_equal(write_file_atomic(at(f->dir, "tree/dir-one/dir-two/file-x"), "", 0,
					   0644, NULL), 0);
	fault_arm_match("unlinkat", "file-x", 0, EACCES);
	expect_err(remove_tree(at(f->dir, "tree"), &err), &err,
		   "tree: dir-one: dir-two: unlink 'file-x'");
	fault_arm_match("rmdir", "dir-two", 0, EBUSY);
	expect_err(remove_tree(at(f->dir, "tree"), &err), &err, "tree: dir-one: rmdir 'dir-two'");
	fault_arm_match("openat", "dir-one", 0, EMFILE);
	expect_err(remove_tree(at(f->dir, "tree"), &err), &err, "tree: open 'dir-one'");
	fault_arm_match("fstatat", "dir-one", 0, EIO);
	expect_err(remove_tree(at(f->dir, "tree"), &err), &err, "tree: stat 'dir-one'");
	assert_int_equal(remove_tree(at(f->dir, "tree"), &err), 0);
	assert_int_equal(access(at(f->dir, "tree"), F_OK), -1);
	/* a plain file is removed too */
	assert_int_equal(remove_tree(at(f->dir, "file"), &err), 0);
	assert_int_equal(access(at(f->dir, "file"), F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_and_remove, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
