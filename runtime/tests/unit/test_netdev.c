/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.netDevices for real: a veth end with IPv4 and IPv6 addresses moves
 * into a "container" network namespace under its new name, with its
 * addresses (also those with bytes >= 0x80, 192.168.* and IPv6, which were
 * lost) and up; the errors name the device. All of it inside a private
 * network namespace of a child (root, and ip(8) to make the veth). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "netdev.h"
#include "child_report.h"
#include "util.h"
#include "tmpdir_fixture.h"

enum { BAD_SETUP = 1, BAD_MOVE = 2, BAD_SEEN = 4, BAD_HOST = 8, BAD_ERRORS = 16 };

static bool
has_msg(struct urun_err **err, const char *want)
{
	bool ok = *err && strstr((*err)->msg, want);

	if (!ok)
		fprintf(stderr, "error '%s' does not mention '%s'\n", *err ? (*err)->msg : "",
			want);
	urun_err_free(err);
	return ok;
}

/* The container: a process in its own network namespace that, when told
 * (a line on its stdin, the GO pipe), writes what it sees of eth9 to OUT. */
static pid_t
container(int go[2], int ready[2], const char *out)
{
	pid_t pid = fork();
	char cmd[512];

	if (pid != 0)
		return pid;
	close(go[1]);
	close(ready[0]);
	snprintf(cmd, sizeof(cmd), "read x; { ip -o addr show dev eth9; ip -o link show eth9; } "
		 ">%s 2>&1", out);
	if (unshare(CLONE_NEWNET) < 0 || write(ready[1], "r", 1) != 1 || dup2(go[0], 0) < 0)
		child_report(1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static int
in_host_netns(const char *dir)
{
	json_t *devs = json_pack("{s:{s:s}}", "v0", "name", "eth9");
	json_t *again = json_pack("{s:{s:s}}", "v1", "name", "eth9");
	json_t *missing = json_pack("{s:{}}", "nosuch0");
	struct urun_err *err = NULL;
	char *out = xasprintf("%s/seen", dir), *seen = NULL, c;
	int go[2], ready[2], bad = 0, status;
	pid_t ct;

	if (unshare(CLONE_NEWNET) < 0 ||
	    system("ip link add v0 type veth peer name v1 && "
		   "ip addr add 10.9.8.7/24 dev v0 && "
		   "ip addr add 192.168.77.7/24 dev v0 && "
		   "ip -6 addr add fd00::7/64 dev v0 nodad") != 0 ||
	    pipe(go) < 0 || pipe(ready) < 0)
		return BAD_SETUP;
	ct = container(go, ready, out);
	close(go[0]);
	close(ready[1]);
	if (ct < 0 || read(ready[0], &c, 1) != 1)
		return BAD_SETUP;
	if (netdev_move(devs, ct, &err) < 0) {
		fprintf(stderr, "netdev_move: %s\n", err->msg);
		urun_err_free(&err);
		bad |= BAD_MOVE;
	}
	if (if_nametoindex("v0") != 0)
		bad |= BAD_HOST;	/* moved, not copied */
	/* a second eth9 in the same namespace: the kernel's refusal, named */
	if (netdev_move(again, ct, &err) != -1 || !has_msg(&err, "linux.netDevices.v1"))
		bad |= BAD_ERRORS;
	if (netdev_move(missing, ct, &err) != -1 ||
	    !has_msg(&err, "linux.netDevices.nosuch0: no device 'nosuch0'"))
		bad |= BAD_ERRORS;
	if (netdev_move(missing, 999999999, &err) != -1 ||
	    !has_msg(&err, "linux.netDevices: open netns"))
		bad |= BAD_ERRORS;
	if (write(go[1], "g\n", 2) != 2 || waitpid(ct, &status, 0) != ct)
		return bad | BAD_SETUP;
	if (read_file(out, &seen, NULL, NULL) < 0 || !strstr(seen, "10.9.8.7/24") ||
	    !strstr(seen, "192.168.77.7/24") || !strstr(seen, "fd00::7/64") ||
	    !strstr(seen, ",UP"))
		bad |= BAD_SEEN;
	if (bad & BAD_SEEN)
		fprintf(stderr, "the container sees: %s\n", seen ? seen : "nothing");
	free(seen);
	free(out);
	json_decref(devs);
	json_decref(again);
	json_decref(missing);
	return bad;
}

static void
test_move(void **state)
{
	struct fixture *f = *state;
	int status;
	pid_t pid;

	if (geteuid() != 0 || system("command -v ip >/dev/null") != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_report(in_host_netns(f->dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
