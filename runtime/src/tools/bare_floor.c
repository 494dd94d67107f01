/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's floor for `make bench`: the least a runtime must do to start a
 * process in a container, with none of the bookkeeping (no config, state,
 * cgroup, hooks, /dev).
 *
 *   bare_floor [-U] ROOTFS CMD [ARG...]   clone into new pid, net, ipc, uts and
 *       mount namespaces (-U: and a user namespace mapping the caller to 0),
 *       bind-mount ROOTFS, mount its /proc, pivot_root into it, exec CMD; wait for
 *       it and exit with its status.
 *   bare_floor -e PID CMD [ARG...]        join PID's ipc, uts, net, pid and
 *       mount namespaces (and its user namespace when it differs), fork, exec
 *       CMD in its root; wait: the floor of `exec`. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void
die(const char *what)
{
	fprintf(stderr, "bare_floor: %s: %s\n", what, strerror(errno));
	_exit(126);
}

static void
write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path);
	close(fd);
}

static int
wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In the child: enter ROOTFS and exec. */
static void
child(const char *rootfs, char **argv, int ready)
{
	char c;

	if (ready >= 0 && read(ready, &c, 1) != 1)	/* the parent wrote our id maps */
		die("wait for the id maps");
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		die("make / rslave");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind the rootfs");
	if (chdir(rootfs) < 0)
		die("chdir");
	/* Before the old root goes: in a user namespace the kernel mounts a
	 * new proc only while one is visible (mount_too_revealing). */
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount /proc");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	if (chdir("/") < 0)
		die("chdir /");
	execv(argv[0], argv);
	die(argv[0]);
}

static int
run(bool user, const char *rootfs, char **argv)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
	int p[2] = { -1, -1 };
	char path[64], map[64];
	pid_t pid;

	if (user) {
		flags |= CLONE_NEWUSER;
		if (pipe2(p, O_CLOEXEC) < 0)
			die("pipe");
	}
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(p[1]);
		child(rootfs, argv, p[0]);
	}
	if (user) {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)geteuid());
		write_str(path, map);
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		write_str(path, "deny");
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)getegid());
		write_str(path, map);
		if (write(p[1], "1", 1) != 1)
			die("release the child");
	}
	return wait_status(pid);
}

static void
join(pid_t target, const char *ns, int type)
{
	char path[64], self[64];
	struct stat a, b;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)target, ns);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", ns);
	/* setns into our own user namespace fails: skip the same one. */
	if (stat(path, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, type) < 0)
		die(path);
	close(fd);
}

static int
exec_in(pid_t target, char **argv)
{
	pid_t pid;

	join(target, "user", CLONE_NEWUSER);
	join(target, "ipc", CLONE_NEWIPC);
	join(target, "uts", CLONE_NEWUTS);
	join(target, "net", CLONE_NEWNET);
	join(target, "pid", CLONE_NEWPID);
	join(target, "mnt", CLONE_NEWNS);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (chdir("/") < 0)
			die("chdir /");
		execv(argv[0], argv);
		die(argv[0]);
	}
	return wait_status(pid);
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "-e") == 0)
		return exec_in((pid_t)atoi(argv[2]), argv + 3);
	if (argc >= 4 && strcmp(argv[1], "-U") == 0)
		return run(true, argv[2], argv + 3);
	if (argc >= 3 && argv[1][0] != '-')
		return run(false, argv[1], argv + 2);
	fprintf(stderr, "usage: bare_floor [-U] ROOTFS CMD [ARG...] | bare_floor -e PID CMD [ARG...]\n");
	return 2;
}
