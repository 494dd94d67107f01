/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uid/gid maps: the newuidmap/newgidmap route an unprivileged caller takes
 * for more than its own id (fake helpers in PATH record their arguments), the
 * direct route, and the user namespaces of idmapped mounts. The unprivileged
 * parts run in a child that drops to nobody; they need root to start. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "idmap.h"
#include "spec.h"
#include "util.h"
#include "child_report.h"
#include "tmpdir_fixture.h"

#define NOBODY 65534

static void
script(const char *dir, const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = xasprintf("#!/bin/sh\n%s\n", body);

	assert_int_equal(write_file_atomic(path, text, strlen(text), 0755, NULL), 0);
	free(path);
	free(text);
}

static char *
slurp(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *buf = NULL;

	if (read_file(path, &buf, NULL, NULL) < 0)
		buf = NULL;
	free(path);
	return buf;
}

/* In a child as nobody with PATH=DIR: idmap_write of two ranges each for
 * pid 4242; writes the error message (or "ok") to DIR/result. */
static void
write_as_nobody(const char *dir)
{
	struct urun_idmap uids[] = { { 0, NOBODY, 1 }, { 1, 100000, 65536 } };
	struct urun_idmap gids[] = { { 0, NOBODY, 1 }, { 1, 200000, 1000 } };
	struct urun_spec s = { .uid_maps = uids, .n_uid_maps = 2, .gid_maps = gids,
			       .n_gid_maps = 2 };
	struct urun_err *err = NULL;
	char *res, *path;
	pid_t pid = fork();
	int status, fd;

	assert_true(pid >= 0);
	if (pid == 0) {
		/* nobody, but root kept as the saved uid: back to root at the
		 * end, so a coverage build can write its counters */
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, 0) < 0 ||
		    setresuid(NOBODY, NOBODY, 0) < 0)
			child_report(2);
		setenv("PATH", dir, 1);
		/* quiet: a coverage build's dump before the helper's exec fails
		 * (nobody), and says so on stderr */
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 2) < 0)
			child_report(5);
		if (idmap_direct_ok(&s))
			child_report(4);
		res = idmap_write(4242, &s, &err) == 0 ? xstrdup("ok") : urun_err_format(err);
		path = xasprintf("%s/result", dir);
		status = write_file_atomic(path, res, strlen(res), 0644, NULL) < 0 ? 3 : 0;
		free(res);
		free(path);
		/* root again: a coverage build dumps its counters at the exec */
		child_report(setresuid(0, 0, 0) == 0 ? status : 6);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_helpers(void **state)
{
	struct fixture *f = *state;
	char *s, *uid_helper;

	if (geteuid() != 0)
		skip();
	chmod(f->dir, 0777);
	/* both helpers work: each gets the pid and the triples */
	script(f->dir, "newuidmap", "echo \"$*\" > \"${0%/*}/uid.args\"");
	script(f->dir, "newgidmap", "echo \"$*\" > \"${0%/*}/gid.args\"");
	write_as_nobody(f->dir);
	s = slurp(f->dir, "result");
	assert_string_equal(s, "ok");
	free(s);
	s = slurp(f->dir, "uid.args");
	assert_string_equal(s, "4242 0 65534 1 1 100000 65536\n");
	free(s);
	s = slurp(f->dir, "gid.args");
	assert_string_equal(s, "4242 0 65534 1 1 200000 1000\n");
	free(s);
	/* newgidmap refuses: the error names the gid mapping and /etc/subgid */
	script(f->dir, "newgidmap", "exit 3");
	write_as_nobody(f->dir);
	s = slurp(f->dir, "result");
	assert_non_null(strstr(s, "linux.gidMappings: newgidmap failed (status 3)"));
	assert_non_null(strstr(s, "/etc/subgid"));
	free(s);
	/* no helper installed: exec fails (127), and the uid mapping is named */
	uid_helper = xasprintf("%s/newuidmap", f->dir);
	assert_int_equal(unlink(uid_helper), 0);
	free(uid_helper);
	write_as_nobody(f->dir);
	s = slurp(f->dir, "result");
	assert_non_null(strstr(s, "linux.uidMappings: newuidmap failed (status "));
	assert_non_null(strstr(s, "/etc/subuid"));
	free(s);
}

/* The direct route: root writes any map; a pid that is gone is an error
 * naming the uid mapping. */
static void
test_direct(void **state)
{
	struct urun_idmap uids[] = { { 0, 100000, 10 } }, gids[] = { { 0, 200000, 20 } };
	struct urun_spec s = { .uid_maps = uids, .n_uid_maps = 1, .gid_maps = gids,
			       .n_gid_maps = 1 };
	struct urun_err *err = NULL;
	int pipefd[2];
	char *path, *map = NULL;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(idmap_direct_ok(&s));
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a fresh user namespace, held until a line arrives */
		close(pipefd[1]);
		if (unshare(CLONE_NEWUSER) < 0 || dup2(pipefd[0], 0) < 0)
			child_report(1);
		execl("/bin/sh", "sh", "-c", "read x", (char *)NULL);
		_exit(127);
	}
	close(pipefd[0]);
	/* wait for the unshare: the child's user namespace differs from ours */
	path = xasprintf("/proc/%d/uid_map", (int)pid);
	for (int i = 0; i < 2000; i++) {
		free(map);
		map = NULL;
		if (read_file(path, &map, NULL, NULL) == 0 && map[0] == '\0')
			break;	/* a fresh namespace has an empty map */
		usleep(1000);
	}
	assert_int_equal(idmap_write(pid, &s, &err), 0);
	free(map);
	assert_int_equal(read_file(path, &map, NULL, NULL), 0);
	assert_non_null(strstr(map, "100000"));
	assert_non_null(strstr(map, "10"));
	free(map);
	free(path);
	path = xasprintf("/proc/%d/gid_map", (int)pid);
	assert_int_equal(read_file(path, &map, NULL, NULL), 0);
	assert_non_null(strstr(map, "200000"));
	free(map);
	free(path);
	/* written once: a second write is refused, and named */
	assert_int_equal(idmap_write(pid, &s, &err), -1);
	assert_non_null(strstr(err->msg, "linux.uidMappings"));
	urun_err_free(&err);
	assert_int_equal(write(pipefd[1], "x\n", 2), 2);
	close(pipefd[1]);
	waitpid(pid, NULL, 0);
}

/* Idmapped mounts: the mount's own mappings, else the container's; a mount
 * that asks for none gets -1. */
static void
test_mount_fds(void **state)
{
	struct urun_idmap ids[] = { { 0, 300000, 100 } };
	char *idmap_opts[] = { (char *)"rbind", (char *)"idmap", NULL };
	char *plain_opts[] = { (char *)"rbind", NULL };
	struct urun_mount mounts[] = {
		{ .destination = (char *)"/a", .options = plain_opts },
		{ .destination = (char *)"/b", .options = idmap_opts },
		{ .destination = (char *)"/c", .uid_maps = ids, .gid_maps = ids, .n_uid_maps = 1,
		  .n_gid_maps = 1 },
	};
	struct urun_spec s = { .mounts = mounts, .n_mounts = 3, .uid_maps = ids,
			       .gid_maps = ids, .n_uid_maps = 1, .n_gid_maps = 1 };
	struct urun_err *err = NULL;
	struct stat a, b;
	int *fds = NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(idmap_mount_fds(&s, &fds, &err), 0);
	assert_int_equal(fds[0], -1);
	assert_true(fds[1] >= 0 && fds[2] >= 0);
	/* each a user namespace, not ours */
	assert_int_equal(fstat(fds[1], &a), 0);
	assert_int_equal(stat("/proc/self/ns/user", &b), 0);
	assert_true(a.st_ino != b.st_ino);
	idmap_close_fds(fds, 3);
	/* without the container's mappings, "idmap" alone is refused */
	s.n_uid_maps = s.n_gid_maps = 0;
	assert_int_equal(idmap_mount_fds(&s, &fds, &err), -1);
	assert_null(fds);
	assert_non_null(strstr(err->msg, "mounts[1]: idmap needs uidMappings"));
	urun_err_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_helpers, setup, teardown),
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_mount_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
