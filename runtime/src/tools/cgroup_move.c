/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What putting a new process into a cgroup costs, for `make bench`:
 *
 *   cgroup_move DIR N PAUSE_MS
 *
 * N times, PAUSE_MS apart (a migration shortly after another is cheaper: the
 * kernel's cgroup threadgroup rwsem stays in its writer-ready state for a
 * grace period): fork a child and write its pid to DIR/mN/cgroup.procs, as
 * urun's create does; then clone3(CLONE_INTO_CGROUP) a child straight into
 * DIR/mN, as crun does; and a plain fork for reference. Prints the median and
 * quartiles of each in ms. DIR: a cgroup2 directory we may make children in. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX 1000

static long long
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-36s median %7.3f ms  p25 %7.3f  p75 %7.3f\n", what, v[n / 2] / 1e6,
	       v[n / 4] / 1e6, v[3 * n / 4] / 1e6);
}

static void
stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int
main(int argc, char **argv)
{
	static long long by_write[MAX], by_clone3[MAX], by_fork[MAX];
	int n = argc == 4 ? atoi(argv[2]) : 0, pause_ms = argc == 4 ? atoi(argv[3]) : 0;

	if (n <= 0 || n > MAX) {
		fprintf(stderr, "usage: cgroup_move CGROUP2_DIR N PAUSE_MS (N <= %d)\n", MAX);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char dir[512], procs[600], pid_s[16];
		struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
		long long t0;
		pid_t pid;
		int fd, dfd;

		snprintf(dir, sizeof(dir), "%s/m%d", argv[1], i);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			perror(dir);
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
		t0 = now_ns();
		if (fd < 0 || write(fd, pid_s, strlen(pid_s)) < 0) {
			perror(procs);
			stop(pid);
			return 1;
		}
		by_write[i] = now_ns() - t0;
		close(fd);
		stop(pid);

		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ca.cgroup = (uint64_t)dfd;
		t0 = now_ns();
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid == 0) {
			pause();
			_exit(0);
		}
		by_clone3[i] = now_ns() - t0;
		if (pid < 0) {
			perror("clone3(CLONE_INTO_CGROUP)");
			return 1;
		}
		stop(pid);
		close(dfd);

		t0 = now_ns();
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		by_fork[i] = now_ns() - t0;
		stop(pid);
		rmdir(dir);
		usleep((useconds_t)pause_ms * 1000);
	}
	report("fork, then write pid to cgroup.procs", by_write, n);
	report("clone3(CLONE_INTO_CGROUP)", by_clone3, n);
	report("fork (no cgroup)", by_fork, n);
	return 0;
}
