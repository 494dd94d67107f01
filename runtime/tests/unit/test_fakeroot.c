/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake-root filter (annotation run.oci.urun.fakeroot): the calls it
 * covers succeed without effect, the rest are untouched; its own failures are
 * named after the annotation. The filter is loaded in a child (root, to see
 * that the effect is really missing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <grp.h>
#include <seccomp_sys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "fakeroot.h"
#include "util.h"
#include "child_report.h"
#include "fault.h"
#include "tmpdir_fixture.h"

scmp_filter_ctx __real_seccomp_init(uint32_t);
int __real_seccomp_load(const scmp_filter_ctx);

scmp_filter_ctx
__wrap_seccomp_init(uint32_t action)
{
	FAULT_CHECK("seccomp_init", 0, NULL);
	return __real_seccomp_init(action);
}

/* libseccomp returns -errno */
int
__wrap_seccomp_load(const scmp_filter_ctx ctx)
{
	int e = fault_take("seccomp_load", 0);

	return e ? -e : __real_seccomp_load(ctx);
}

enum { BAD_LOAD = 1, BAD_CHOWN = 2, BAD_SETUID = 4, BAD_MKNOD = 8, BAD_FIFO = 16,
       BAD_OTHER = 32 };

/* In the child: what went wrong, as bits. */
static int
check_filtered(const char *dir)
{
	char *file = xasprintf("%s/f", dir), *dev = xasprintf("%s/null", dir);
	char *fifo = xasprintf("%s/fifo", dir), *other = xasprintf("%s/other", dir);
	struct urun_err *err = NULL;
	struct stat st;
	int bad = 0, fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	close(fd);
	if (fakeroot_apply(&err) < 0)
		return BAD_LOAD;
	/* chown "works", the owner stays */
	if (chown(file, 1234, 1234) != 0 || stat(file, &st) != 0 || st.st_uid != 0)
		bad |= BAD_CHOWN;
	if (setuid(1234) != 0 || getuid() != 0 || setgroups(0, NULL) != 0)
		bad |= BAD_SETUID;
	/* a device node "works" and is not there; a fifo is real */
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0 || access(dev, F_OK) == 0)
		bad |= BAD_MKNOD;
	if (mknod(fifo, S_IFIFO | 0600, 0) != 0 || stat(fifo, &st) != 0 || !S_ISFIFO(st.st_mode))
		bad |= BAD_FIFO;
	/* untouched: a real error still fails */
	if (rename(other, file) == 0)
		bad |= BAD_OTHER;
	free(file);
	free(dev);
	free(fifo);
	free(other);
	return bad;
}

static void
test_filter(void **state)
{
	struct fixture *f = *state;
	int status;
	pid_t pid;

	/* valgrind passes no seccomp(2) through: libseccomp sees level 1 */
	if (geteuid() != 0 || seccomp_api_get() < 2)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_report(check_filtered(f->dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_failures(void **state)
{
	struct urun_err *err = NULL;

	(void)state;
	fault_arm("seccomp_init", 0, 0, ENOMEM);
	assert_int_equal(fakeroot_apply(&err), -1);
	assert_string_equal(err->msg, "run.oci.urun.fakeroot: seccomp_init");
	assert_int_equal(err->errnum, ENOMEM);
	urun_err_free(&err);
	fault_arm("seccomp_load", 0, 0, EINVAL);
	assert_int_equal(fakeroot_apply(&err), -1);
	assert_string_equal(err->msg, "run.oci.urun.fakeroot: load the filter");
	assert_int_equal(err->errnum, EINVAL);
	urun_err_free(&err);
	assert_true(fault_all_fired());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
