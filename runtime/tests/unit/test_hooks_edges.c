/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hooks on the paths a modern host does not take: no close_range (Linux
 * < 5.11) and no pidfd (< 5.3), played by a wrapped syscall(2); a pipe that
 * cannot be made; an executable that execve refuses; hooks that are not an
 * object; a timeout too large for poll; poststop's warnings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "hooks.h"
#include "log.h"
#include "util.h"
#include "fault.h"
#include "tmpdir_fixture.h"

#define STATE "{\"ociVersion\":\"1.3.0\",\"id\":\"t1\",\"status\":\"created\",\"pid\":1}"

long __real_syscall(long, ...);
int __real_pipe2(int fds[2], int flags);

long
__wrap_syscall(long nr, ...)
{
	va_list ap;
	long a[5];

	va_start(ap, nr);
	for (int i = 0; i < 5; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	FAULT_CHECK("syscall", nr, -1);
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4]);
}

int
__wrap_pipe2(int fds[2], int flags)
{
	FAULT_CHECK("pipe2", 0, -1);
	return __real_pipe2(fds, flags);
}

/* {"STAGE": [{"path": "/bin/sh", "args": ["sh", "-c", SCRIPT]} + EXTRA]} */
static json_t *
sh_hook(const char *stage, const char *script, const char *extra)
{
	char *text = xasprintf("{\"%s\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
			       "\"%s\"]%s}]}", stage, script, extra);
	json_t *h = json_loads(text, 0, NULL);

	assert_non_null(h);
	free(text);
	return h;
}

static char *
slurp(const char *path)
{
	char *buf = NULL;

	if (read_file(path, &buf, NULL, NULL) < 0)
		return NULL;
	return buf;
}

/* Without close_range the fds are marked close-on-exec one by one: the hook
 * still sees none of ours; without a pidfd the wait naps instead. */
static void
test_old_kernel(void **state)
{
	struct fixture *f = *state;
	char *out = xasprintf("%s/fds", f->dir), *script, *s;
	struct urun_err *err = NULL;
	int null = open("/dev/null", O_RDONLY);
	int leak = fcntl(null, F_DUPFD, 57);	/* no close-on-exec: must not reach the hook */
	json_t *h;

	close(null);
	assert_int_equal(leak, 57);
	script = xasprintf("ls /proc/self/fd | tr '\\\\n' ' ' > %s; cat > /dev/null", out);
	h = sh_hook("prestart", script, "");
	fault_arm("syscall", SYS_close_range, 0, ENOSYS);	/* fires in the hook's child */
	fault_arm("syscall", SYS_pidfd_open, 0, ENOSYS);
	if (urun_hooks_run(h, "prestart", STATE, &err) < 0)
		fail_msg("%s", err->msg);
	s = slurp(out);
	assert_non_null(s);
	if (strstr(s, " 57 ") != NULL)
		fail_msg("fd 57 reached the hook: %s", s);
	assert_non_null(strstr(s, "0 1 2 "));
	free(s);
	close(leak);
	json_decref(h);
	free(script);
	free(out);
	fault_reset();
}

/* A timeout beyond poll's range: the hook still runs to its end. */
static void
test_huge_timeout(void **state)
{
	struct urun_err *err = NULL;
	json_t *h = sh_hook("poststart", "exit 0", ", \"timeout\": 2147483647");

	(void)state;
	if (urun_hooks_run(h, "poststart", STATE, &err) < 0)
		fail_msg("%s", err->msg);
	json_decref(h);
}

static void
test_failures(void **state)
{
	struct fixture *f = *state;
	char *bad = xasprintf("%s/not-a-program", f->dir);
	char *text = xasprintf("{\"prestart\": [{\"path\": \"%s\"}]}", bad);
	json_t *h = json_loads(text, 0, NULL), *num = json_integer(5);
	json_t *ok = sh_hook("prestart", "exit 0", "");
	struct urun_err *err = NULL;

	/* executable, but no format execve knows */
	assert_int_equal(write_file_atomic(bad, "\x01\x02garbage", 9, 0755, NULL), 0);
	assert_int_equal(urun_hooks_run(h, "prestart", STATE, &err), -1);
	assert_non_null(strstr(err->msg, "hooks.prestart[0]: exec '"));
	assert_int_equal(err->errnum, ENOEXEC);
	urun_err_free(&err);
	/* the pipes */
	fault_arm("pipe2", 0, 0, EMFILE);
	assert_int_equal(urun_hooks_run(ok, "prestart", STATE, &err), -1);
	assert_string_equal(err->msg, "hooks.prestart[0]: pipe");
	assert_int_equal(err->errnum, EMFILE);
	urun_err_free(&err);
	fault_arm("pipe2", 0, 1, EMFILE);
	assert_int_equal(urun_hooks_run(ok, "prestart", STATE, &err), -1);
	assert_string_equal(err->msg, "hooks.prestart[0]: pipe");
	urun_err_free(&err);
	/* hooks that are not an object */
	assert_int_equal(urun_hooks_run(num, "prestart", STATE, &err), -1);
	assert_string_equal(err->msg, "hooks: expected an object, got an integer");
	urun_err_free(&err);
	json_decref(h);
	json_decref(num);
	json_decref(ok);
	free(bad);
	free(text);
}

/* The warnings of run_warn, in a log file: one per failing hook, and the
 * stage's own error. */
static void
test_warnings_logged(void **state)
{
	struct fixture *f = *state;
	char *log = xasprintf("%s/log", f->dir), *s;
	json_t *fails = sh_hook("poststop", "exit 3", "");

	assert_int_equal(log_init(log, LOG_TEXT, 0), 0);
	urun_hooks_run_warn(fails, "poststop", STATE);
	urun_hooks_run_warn(fails, "no-such-stage", STATE);
	log_close();
	s = slurp(log);
	assert_non_null(s);
	assert_non_null(strstr(s, "warning: hooks.poststop[0]: '/bin/sh' exited with status 3"));
	assert_non_null(strstr(s, "warning: hooks: unknown stage 'no-such-stage'"));
	free(s);
	free(log);
	json_decref(fails);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_old_kernel, setup, teardown),
		cmocka_unit_test(test_huge_timeout),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_logged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
