/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks (hooks.h): each hook is forked and exec'd with the state on a pipe
 * as stdin, its stdout and stderr inherited, and killed after its timeout. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "hooks.h"
#include "json_get.h"
#include "log.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const stages[] = {
	"prestart", "createRuntime", "createContainer", "startContainer",
	"poststart", "poststop",
};

struct hook {
	char *path;
	char **argv;		/* args, or { path } when args is absent or empty */
	char **env;		/* env, or {} when absent: nothing is inherited */
	int64_t timeout;	/* seconds, 0 for none */
};

static bool
known_stage(const char *stage)
{
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (strcmp(stages[i], stage) == 0)
			return true;
	return false;
}

static void
hook_release(struct hook *h)
{
	free(h->path);
	strv_freep(&h->argv);
	strv_freep(&h->env);
}

static int
check_env(char **env, const char *where, struct urun_err **err)
{
	for (size_t i = 0; env[i]; i++)
		if (strchr(env[i], '=') == NULL || env[i][0] == '=')
			return urun_err_set(err, 0, "%s.env[%zu]: expected KEY=VALUE, got '%s'",
					    where, i, env[i]);
	return 0;
}

/* Parse the hook object ENTRY, named WHERE ("hooks.poststart[1]") in errors. */
static int
hook_parse(json_t *entry, const char *where, struct hook *h, struct urun_err **err)
{
	_cleanup_free_ char *ppath = xasprintf("%s.path", where);
	_cleanup_free_ char *apath = xasprintf("%s.args", where);
	_cleanup_free_ char *epath = xasprintf("%s.env", where);
	_cleanup_free_ char *tpath = xasprintf("%s.timeout", where);

	*h = (struct hook){ 0 };
	if (!json_is_object(entry))
		return urun_err_set(err, 0, "%s: expected an object, got %s", where,
				    json_type_name(entry));
	if (json_get_str(entry, "path", ppath, JSON_REQUIRED, &h->path, err) < 0 ||
	    json_get_strv(entry, "args", apath, JSON_OPTIONAL, &h->argv, err) < 0 ||
	    json_get_strv(entry, "env", epath, JSON_OPTIONAL, &h->env, err) < 0 ||
	    json_get_int(entry, "timeout", tpath, JSON_OPTIONAL, INT64_MIN, INT_MAX,
			 &h->timeout, err) < 0)
		return -1;
	if (h->path[0] != '/')
		return urun_err_set(err, 0, "%s: must be an absolute path, got '%s'", ppath,
				    h->path);
	if (json_object_get(entry, "timeout") && !json_is_null(json_object_get(entry, "timeout")) &&
	    h->timeout <= 0)
		return urun_err_set(err, 0, "%s: must be greater than zero", tpath);
	if (h->env && check_env(h->env, where, err) < 0)
		return -1;
	if (h->argv == NULL || h->argv[0] == NULL) {
		strv_freep(&h->argv);
		h->argv = xcalloc(2, sizeof(char *));
		h->argv[0] = xstrdup(h->path);
	}
	if (h->env == NULL)
		h->env = xcalloc(1, sizeof(char *));
	return 0;
}

/* *LIST = the array of STAGE in HOOKS; NULL when HOOKS or the stage is
 * absent or null. */
static int
stage_list(json_t *hooks, const char *stage, json_t **list, struct urun_err **err)
{
	*list = NULL;
	if (hooks == NULL || json_is_null(hooks))
		return 0;
	if (!json_is_object(hooks))
		return urun_err_set(err, 0, "hooks: expected an object, got %s",
				    json_type_name(hooks));
	*list = json_object_get(hooks, stage);
	if (*list != NULL && json_is_null(*list))
		*list = NULL;
	if (*list != NULL && !json_is_array(*list))
		return urun_err_set(err, 0, "hooks.%s: expected an array, got %s", stage,
				    json_type_name(*list));
	return 0;
}

int
urun_hooks_validate(json_t *hooks, struct urun_err **err)
{
	const char *stage;
	json_t *value;

	if (hooks == NULL || json_is_null(hooks))
		return 0;
	if (!json_is_object(hooks))
		return urun_err_set(err, 0, "hooks: expected an object, got %s",
				    json_type_name(hooks));
	json_object_foreach(hooks, stage, value) {
		json_t *list, *entry;
		size_t i;

		if (!known_stage(stage)) {
			log_warn("hooks.%s: unknown hook stage, ignored", stage);
			continue;
		}
		if (stage_list(hooks, stage, &list, err) < 0)
			return -1;
		json_array_foreach(list, i, entry) {
			_cleanup_free_ char *where = xasprintf("hooks.%s[%zu]", stage, i);
			struct hook h;
			int ret = hook_parse(entry, where, &h, err);

			hook_release(&h);
			if (ret < 0)
				return -1;
		}
	}
	return 0;
}

/* Mark every fd from 3 up close-on-exec; the exec-error pipe stays usable
 * until execve succeeds. */
static void
cloexec_from_3(void)
{
	long max;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* Before Linux 5.11: walk the fd table. */
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 1 << 20)
		max = 1 << 20;
	for (int fd = 3; fd < max; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* In the forked child: state pipe as stdin, clean signal state, exec. On
 * failure the errno goes to the parent through EXEC_ERR. Never returns. */
static void __attribute__((noreturn))
child_exec(const struct hook *h, int in_r, int exec_err)
{
	sigset_t none;
	int e;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Its own process group, so a timeout kills what the hook started too. */
	setpgid(0, 0);
	if ((in_r == 0 ? fcntl(0, F_SETFD, 0) : dup2(in_r, 0)) < 0) {
		e = errno;
		goto fail;
	}
	cloexec_from_3();
	execve(h->path, h->argv, h->env);
	e = errno;
fail:
	if (write(exec_err, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write what the pipe takes of STATE; close *FD when done or when the hook
 * closed its end (EPIPE: the hook need not read its stdin). */
static void
feed(int *fd, const char *state, size_t len, size_t *off)
{
	ssize_t n;

	if (*fd < 0)
		return;
	n = write(*fd, state + *off, len - *off);
	if (n > 0)
		*off += (size_t)n;
	if (*off == len || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(*fd);
		*fd = -1;
	}
}

struct waiter {
	pid_t pid;
	int pidfd;		/* -1 without pidfd_open (Linux < 5.3, valgrind) */
	int in_w;		/* our end of the hook's stdin, -1 once closed */
	int64_t deadline;	/* now_ms() limit, 0 for none */
};

/* Feed the state and wait for the hook to exit. 0 with *status, 1 when the
 * deadline passed (the hook is then killed and reaped), -1 on error. */
static int
feed_and_wait(struct waiter *w, const char *state, int *status, struct urun_err **err)
{
	size_t len = strlen(state), off = 0;

	for (;;) {
		struct pollfd pfd[2];
		nfds_t n = 0;
		int64_t left = -1;
		pid_t r = waitpid(w->pid, status, WNOHANG);

		if (r == w->pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return urun_err_set(err, errno, "waitpid %d", (int)w->pid);
		feed(&w->in_w, state, len, &off);
		if (w->deadline) {
			left = w->deadline - now_ms();
			if (left <= 0)
				break;
			if (left > INT_MAX)
				left = INT_MAX;
		}
		/* Without a pidfd nothing wakes us when the hook exits: nap. */
		if (w->pidfd < 0 && (left < 0 || left > 10))
			left = 10;
		if (w->pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = w->pidfd, .events = POLLIN };
		if (w->in_w >= 0)
			pfd[n++] = (struct pollfd){ .fd = w->in_w, .events = POLLOUT };
		if (poll(pfd, n, (int)left) < 0 && errno != EINTR)
			return urun_err_set(err, errno, "poll");
	}
	kill(-w->pid, SIGKILL);
	kill(w->pid, SIGKILL);
	while (waitpid(w->pid, status, 0) < 0 && errno == EINTR)
		;
	return 1;
}

/* The errno the child sent when execve failed, 0 when it exec'd. */
static int
exec_errno(int fd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static int
report(const struct hook *h, const char *where, int ret, int status, struct urun_err **err)
{
	if (ret == 1)
		return urun_err_set(err, 0, "%s: '%s' timed out after %llds", where, h->path,
				    (long long)h->timeout);
	if (WIFSIGNALED(status))
		return urun_err_set(err, 0, "%s: '%s' killed by signal %d", where, h->path,
				    WTERMSIG(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return urun_err_set(err, 0, "%s: '%s' exited with status %d", where, h->path,
				    WEXITSTATUS(status));
	return 0;
}

/* Fork and run one hook; SIGPIPE is ignored by the caller. */
static int
spawn_and_wait(const struct hook *h, const char *where, const char *state,
	       struct urun_err **err)
{
	_cleanup_close_ int in_r = -1, in_w = -1, ex_r = -1, ex_w = -1, pidfd = -1;
	struct waiter w = { .in_w = -1 };
	int fds[2], status = 0, e, ret;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return urun_err_set(err, errno, "%s: pipe", where);
	in_r = fds[0], in_w = fds[1];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return urun_err_set(err, errno, "%s: pipe", where);
	ex_r = fds[0], ex_w = fds[1];
	w.pid = fork();
	if (w.pid < 0)
		return urun_err_set(err, errno, "%s: fork", where);
	if (w.pid == 0)
		child_exec(h, in_r, ex_w);
	close(take_fd(&in_r));
	close(take_fd(&ex_w));
	e = exec_errno(ex_r);
	if (e) {
		waitpid(w.pid, NULL, 0);
		return urun_err_set(err, e, "%s: exec '%s'", where, h->path);
	}
	pidfd = (int)syscall(SYS_pidfd_open, w.pid, 0);
	if (fcntl(in_w, F_SETFL, O_NONBLOCK) < 0)
		log_debug("%s: cannot make the state pipe non-blocking", where);
	w.pidfd = pidfd;
	w.in_w = take_fd(&in_w);
	w.deadline = h->timeout ? now_ms() + h->timeout * 1000 : 0;
	ret = feed_and_wait(&w, state, &status, err);
	if (w.in_w >= 0)
		close(w.in_w);
	return ret < 0 ? -1 : report(h, where, ret, status, err);
}

static int
run_one(const struct hook *h, const char *where, const char *state, struct urun_err **err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int ret;

	/* Fail early, without forking, when the program is not there. */
	if (access(h->path, X_OK) < 0)
		return urun_err_set(err, errno, "%s: cannot execute '%s'", where, h->path);
	/* The hook may exit without reading its stdin: get EPIPE, not SIGPIPE. */
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGPIPE, &ign, &old) < 0)
		return urun_err_set(err, errno, "%s: ignore SIGPIPE", where);
	ret = spawn_and_wait(h, where, state, err);
	sigaction(SIGPIPE, &old, NULL);
	return ret;
}

/* Run STAGE; KEEP_GOING: a failing hook is logged as a warning and the rest
 * still run (poststop, runtime.md step 13). */
static int
run_stage(json_t *hooks, const char *stage, const char *state_json, bool keep_going,
	  struct urun_err **err)
{
	json_t *list, *entry;
	size_t i;

	if (!known_stage(stage))
		return urun_err_set(err, EINVAL, "hooks: unknown stage '%s'", stage);
	if (stage_list(hooks, stage, &list, err) < 0)
		return -1;
	json_array_foreach(list, i, entry) {
		_cleanup_free_ char *where = xasprintf("hooks.%s[%zu]", stage, i);
		struct hook h;
		int ret = hook_parse(entry, where, &h, err);

		if (ret == 0)
			ret = run_one(&h, where, state_json ? state_json : "", err);
		hook_release(&h);
		if (ret < 0 && keep_going) {
			log_warn("%s", (*err)->msg);
			urun_err_free(err);
		} else if (ret < 0) {
			return -1;
		}
	}
	return 0;
}

int
urun_hooks_run(json_t *hooks, const char *stage, const char *state_json,
	       struct urun_err **err)
{
	return run_stage(hooks, stage, state_json, false, err);
}

void
urun_hooks_run_warn(json_t *hooks, const char *stage, const char *state_json)
{
	struct urun_err *err = NULL;

	if (run_stage(hooks, stage, state_json, true, &err) < 0) {
		log_warn("%s", err->msg);
		urun_err_free(&err);
	}
}
