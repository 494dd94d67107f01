/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fds.h: which fds a process entering a container closes, which of the
 * --preserve-fds range it keeps, and the check that its cwd is inside its
 * root; process_setgroups_allowed; sealed_fd. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "error.h"
#include "fds.h"
#include "process.h"
#include "sealed.h"

static void
expect_range(const struct fd_range *r, unsigned first, unsigned last)
{
	assert_int_equal(r->first, first);
	assert_int_equal(r->last, last);
}

static void
test_ranges_nothing_kept(void **state)
{
	struct fd_range r[1];

	(void)state;
	assert_int_equal(fds_close_ranges(3, NULL, 0, r), 1);
	expect_range(&r[0], 3, ~0U);
}

static void
test_ranges_around_kept(void **state)
{
	/* unsorted, a duplicate, -1, one below FROM, two adjacent */
	const int keep[] = { 12, 7, -1, 2, 7, 13, 5 };
	struct fd_range r[8];

	(void)state;
	assert_int_equal(fds_close_ranges(5, keep, 7, r), 3);
	expect_range(&r[0], 6, 6);
	expect_range(&r[1], 8, 11);
	expect_range(&r[2], 14, ~0U);
}

static void
test_ranges_first_kept(void **state)
{
	const int keep[] = { 3, 4 };
	struct fd_range r[3];

	(void)state;
	assert_int_equal(fds_close_ranges(3, keep, 2, r), 1);
	expect_range(&r[0], 5, ~0U);
}

static void
test_close_from_keeps(void **state)
{
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
	int c = open("/dev/null", O_RDONLY);
	int keep[] = { b };

	(void)state;
	assert_true(a >= 3 && b > a && c > b);
	/* everything above a-1 but b: a and c go, b stays (so do the test's
	 * lower fds) */
	assert_int_equal(fds_close_from((unsigned)a, keep, 1), 0);
	assert_int_equal(fcntl(a, F_GETFD), -1);
	assert_int_equal(fcntl(c, F_GETFD), -1);
	assert_true(fcntl(b, F_GETFD) >= 0);
	close(b);
}

static void
test_move_above(void **state)
{
	int fd = open("/dev/null", O_RDONLY), moved;

	(void)state;
	moved = fd_move_above(fd, 100);
	assert_true(moved >= 100);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(fcntl(moved, F_GETFD), FD_CLOEXEC);
	assert_int_equal(fd_move_above(moved, 100), moved);
	assert_int_equal(fd_move_above(-1, 100), -1);
	close(moved);
}

/* /dev/null open at exactly FD. */
static void
null_at(int fd, int flags)
{
	int tmp = open("/dev/null", O_RDONLY | flags);

	assert_true(tmp >= 0);
	assert_int_equal(dup3(tmp, fd, flags), fd);
	close(tmp);
}

/* Of the range [3, 3 + n), the caller's fds stay (close-on-exec cleared), our
 * own and those opened after the note are closed. The fds used here, 200 to
 * 203, are clear of the test's own. */
static void
test_preserve(void **state)
{
	struct fd_preserve pr;
	int ours = 201;

	(void)state;
	null_at(200, O_CLOEXEC);	/* the caller's */
	null_at(201, O_CLOEXEC);	/* ours */
	null_at(203, 0);		/* beyond the range */
	fd_preserve_note(&pr, 200, &ours, 1);	/* [3, 203) */
	assert_true(pr.theirs[200 - 3]);
	assert_false(pr.theirs[201 - 3]);
	assert_false(pr.theirs[202 - 3]);	/* not open */
	null_at(202, 0);		/* opened after the note */
	fd_preserve_apply(&pr);
	assert_null(pr.theirs);
	assert_int_equal(fcntl(200, F_GETFD), 0);
	assert_int_equal(fcntl(201, F_GETFD), -1);
	assert_int_equal(fcntl(202, F_GETFD), -1);
	assert_int_equal(fcntl(203, F_GETFD), 0);	/* untouched */
	close(200);
	close(203);
}

static void
test_cwd_inside_root(void **state)
{
	(void)state;
	assert_true(cwd_inside_root(2, "/"));
	assert_true(cwd_inside_root(5, "/tmp"));
	assert_false(cwd_inside_root(20, "(unreachable)/srv/x"));
	assert_false(cwd_inside_root(-1, ""));
	assert_false(cwd_inside_root(0, ""));
}

static void
test_cwd_verify_here(void **state)
{
	struct urun_err *err = NULL;

	(void)state;
	assert_int_equal(cwd_verify("/", &err), 0);
	assert_null(err);
}

static void
test_setgroups_allowed(void **state)
{
	char path[] = "/tmp/urun-test-setgroups-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "deny\n", 5), 5);
	assert_false(process_setgroups_allowed(path, true));
	assert_int_equal(pwrite(fd, "allow\n", 6, 0), 6);
	assert_true(process_setgroups_allowed(path, false));
	close(fd);
	unlink(path);
	assert_true(process_setgroups_allowed(path, true));
	assert_false(process_setgroups_allowed(path, false));
}

/* sealed.h: only a memfd with all of urun's seals counts as the copy. */
static void
test_sealed_fd(void **state)
{
	int fd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int plain = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_false(sealed_fd(plain));
	assert_false(sealed_fd(fd));
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
	assert_false(sealed_fd(fd));
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW), 0);
	assert_true(sealed_fd(fd));
	close(fd);
	close(plain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges_nothing_kept),
		cmocka_unit_test(test_ranges_around_kept),
		cmocka_unit_test(test_ranges_first_kept),
		cmocka_unit_test(test_close_from_keeps),
		cmocka_unit_test(test_move_above),
		cmocka_unit_test(test_preserve),
		cmocka_unit_test(test_cwd_inside_root),
		cmocka_unit_test(test_cwd_verify_here),
		cmocka_unit_test(test_setgroups_allowed),
		cmocka_unit_test(test_sealed_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
