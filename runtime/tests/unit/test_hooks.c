/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: validation messages; running hooks through /bin/sh: the state on
 * stdin, env, exit status, signals, timeouts, fds. */
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
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "hooks.h"
#include "util.h"
#include "tmpdir_fixture.h"

#define STATE "{\"ociVersion\":\"1.3.0\",\"id\":\"t1\",\"status\":\"created\",\"pid\":1}"


/* {"STAGE": [ {"path": "/bin/sh", "args": ["sh", "-c", SCRIPT, "sh", ARG]} ]}
 * with EXTRA (a JSON fragment or "") appended to the hook object. */
static json_t *
sh_hook(const char *stage, const char *script, const char *arg, const char *extra)
{
	json_t *h = json_pack("{s:s, s:[s, s, s, s, s]}", "path", "/bin/sh", "args", "sh", "-c",
			      script, "sh", arg ? arg : "");
	json_t *hooks;

	if (extra && *extra) {
		json_t *more = json_loads(extra, 0, NULL);

		assert_non_null(more);
		json_object_update(h, more);
		json_decref(more);
	}
	hooks = json_pack("{s:[o]}", stage, h);
	assert_non_null(hooks);
	return hooks;
}

static char *
slurp(const char *path)
{
	char *buf = NULL;
	struct urun_err *err = NULL;

	if (read_file(path, &buf, NULL, &err) < 0) {
		urun_err_free(&err);
		return NULL;
	}
	return buf;
}

static void
expect_error(int ret, struct urun_err **err, const char *want)
{
	assert_int_equal(ret, -1);
	assert_non_null(*err);
	if (strstr((*err)->msg, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", (*err)->msg, want);
	urun_err_free(err);
}

static void
test_state_on_stdin_and_env(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	char *out = xasprintf("%s/out", f->dir);
	json_t *hooks = sh_hook("createRuntime",
				"/bin/cat > \"$1\" && printf '%s|%s' \"$FOO\" \"${HOME-unset}\" "
				"> \"$1.env\"", out, "{\"env\": [\"FOO=bar baz\"]}");
	char *got, *env_path = xasprintf("%s.env", out);

	if (urun_hooks_run(hooks, "createRuntime", STATE, &err) < 0)
		fail_msg("%s", err->msg);
	got = slurp(out);
	assert_non_null(got);
	assert_string_equal(got, STATE);
	free(got);
	/* Only the configured env: HOME is not inherited. */
	got = slurp(env_path);
	assert_non_null(got);
	assert_string_equal(got, "bar baz|unset");
	free(got);
	free(env_path);
	free(out);
	json_decref(hooks);
}

/* A state bigger than a pipe buffer reaches a hook that reads it all. */
static void
test_large_state(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	size_t n = 300 * 1024;
	char *big = xmalloc(n + 1), *out = xasprintf("%s/big", f->dir), *got;
	json_t *hooks = sh_hook("poststop", "/bin/cat > \"$1\"", out, "");

	memset(big, 'x', n);
	big[n] = '\0';
	if (urun_hooks_run(hooks, "poststop", big, &err) < 0)
		fail_msg("%s", err->msg);
	got = slurp(out);
	assert_non_null(got);
	assert_int_equal(strlen(got), n);
	free(got);
	json_decref(hooks);
	/* A hook that ignores its stdin and exits: EPIPE is no error, and no
	 * SIGPIPE kills us. */
	hooks = sh_hook("poststop", "exit 0", NULL, "");
	if (urun_hooks_run(hooks, "poststop", big, &err) < 0)
		fail_msg("%s", err->msg);
	json_decref(hooks);
	free(out);
	free(big);
}

static void
test_exit_status_stops_the_stage(void **state)
{
	struct fixture *f = *state;
	struct urun_err *err = NULL;
	char *marker = xasprintf("%s/third", f->dir);
	json_t *hooks = json_pack("{s:[{s:s}, {s:s, s:[s, s, s]}, {s:s, s:[s, s, s, s, s]}]}",
				  "poststart", "path", "/bin/true",
				  "path", "/bin/sh", "args", "sh", "-c", "exit 3",
				  "path", "/bin/sh", "args", "sh", "-c", ": > \"$1\"", "sh", marker);

	expect_error(urun_hooks_run(hooks, "poststart", STATE, &err), &err,
		     "hooks.poststart[1]: '/bin/sh' exited with status 3");
	assert_int_equal(access(marker, F_OK), -1);
	free(marker);
	json_decref(hooks);
}

static void
test_killed_by_signal(void **state)
{
	struct urun_err *err = NULL;
	json_t *hooks = sh_hook("prestart", "kill -9 $$", NULL, "");

	(void)state;
	expect_error(urun_hooks_run(hooks, "prestart", STATE, &err), &err,
		     "hooks.prestart[0]: '/bin/sh' killed by signal 9");
	json_decref(hooks);
}

static void
test_timeout_kills(void **state)
{
	struct urun_err *err = NULL;
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	json_t *hooks = sh_hook("createContainer", "sleep 30", NULL, "{\"timeout\": 1}");
	time_t start = time(NULL);

	(void)state;
	/* The hook does not read a state larger than the pipe: the timeout must
	 * still fire, not a blocked write. */
	memset(big, 'y', n);
	big[n] = '\0';
	expect_error(urun_hooks_run(hooks, "createContainer", big, &err), &err,
		     "hooks.createContainer[0]: '/bin/sh' timed out after 1s");
	assert_true(time(NULL) - start < 10);
	free(big);
	json_decref(hooks);
}

/* Our fds other than 0-2 are not passed to the hook. */
static void
test_fds_closed(void **state)
{
	struct urun_err *err = NULL;
	int fd = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC on purpose */
	char *script = xasprintf("test ! -e /proc/self/fd/%d", fd);
	json_t *hooks = sh_hook("startContainer", script, NULL, "");

	(void)state;
	assert_true(fd > 2);
	if (urun_hooks_run(hooks, "startContainer", STATE, &err) < 0)
		fail_msg("%s", err->msg);
	close(fd);
	free(script);
	json_decref(hooks);
}

static void
test_missing_program(void **state)
{
	struct urun_err *err = NULL;
	json_t *hooks = json_pack("{s:[{s:s}]}", "poststart", "path", "/nonexistent/hook");

	(void)state;
	expect_error(urun_hooks_run(hooks, "poststart", STATE, &err), &err,
		     "hooks.poststart[0]: cannot execute '/nonexistent/hook'");
	json_decref(hooks);
}

static void
test_nothing_to_run(void **state)
{
	struct urun_err *err = NULL;
	json_t *hooks = json_pack("{s:[]}", "poststart");

	(void)state;
	assert_int_equal(urun_hooks_run(NULL, "poststart", STATE, &err), 0);
	assert_int_equal(urun_hooks_run(hooks, "poststart", STATE, &err), 0);
	assert_int_equal(urun_hooks_run(hooks, "prestart", STATE, &err), 0);
	expect_error(urun_hooks_run(hooks, "postmortem", STATE, &err), &err,
		     "unknown stage 'postmortem'");
	assert_null(err);
	json_decref(hooks);
}

static void
expect_invalid(const char *text, const char *want)
{
	struct urun_err *err = NULL;
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	expect_error(urun_hooks_validate(v, &err), &err, want);
	json_decref(v);
}

static void
test_validate(void **state)
{
	struct urun_err *err = NULL;
	json_t *ok = json_loads("{\"prestart\": [{\"path\": \"/bin/true\", \"args\": [\"true\"], "
				"\"env\": [\"A=1\"], \"timeout\": 5}], \"poststop\": [], "
				"\"x-unknown\": 3}", 0, NULL);

	(void)state;
	assert_int_equal(urun_hooks_validate(ok, &err), 0);
	assert_int_equal(urun_hooks_validate(NULL, &err), 0);
	json_decref(ok);
	expect_invalid("[]", "hooks: expected an object");
	expect_invalid("{\"poststart\": {}}", "hooks.poststart: expected an array");
	expect_invalid("{\"poststart\": [3]}", "hooks.poststart[0]: expected an object");
	expect_invalid("{\"poststart\": [{\"args\": []}]}", "hooks.poststart[0].path: required");
	expect_invalid("{\"poststop\": [{\"path\": \"/a\"}, {\"path\": \"bin/x\"}]}",
		       "hooks.poststop[1].path: must be an absolute path");
	expect_invalid("{\"createRuntime\": [{\"path\": \"/a\", \"timeout\": 0}]}",
		       "hooks.createRuntime[0].timeout: must be greater than zero");
	expect_invalid("{\"createRuntime\": [{\"path\": \"/a\", \"timeout\": \"5\"}]}",
		       "hooks.createRuntime[0].timeout: expected an integer");
	expect_invalid("{\"startContainer\": [{\"path\": \"/a\", \"env\": [\"NOEQUALS\"]}]}",
		       "hooks.startContainer[0].env[0]: expected KEY=VALUE");
	expect_invalid("{\"createContainer\": [{\"path\": \"/a\", \"args\": [\"a\", 1]}]}",
		       "hooks.createContainer[0].args: expected an array of strings");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_on_stdin_and_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_status_stops_the_stage, setup, teardown),
		cmocka_unit_test(test_killed_by_signal),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_fds_closed),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_nothing_to_run),
		cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
