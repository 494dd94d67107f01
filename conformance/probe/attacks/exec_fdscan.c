// SPDX-License-Identifier: MIT
/*
 * exec_fdscan HOSTDIR MILLISECONDS: run as a container process, scan the
 * other processes of the container for the host while a runtime execs into
 * it (CVE-2016-9962, CVE-2024-21626 classes): for MILLISECONDS, over and
 * over, every /proc/PID/fd/N, /proc/PID/cwd and /proc/PID/root of every
 * other process:
 * - a link to a directory or a regular file under HOSTDIR (the case's
 *   test directory on the host: the runtime's state directory, the pid
 *   file's directory, an fd the caller left open; stdio aside): "leak:
 *   /proc/PID/fd/N -> PATH"; a fifo or socket there (a runtime's exec fifo,
 *   its sync socket) gives no way to the host's files: "note: ...";
 * - a directory: walk up with ".." from it and append a line to
 *   HOSTDIR/canary (a file the case made writable): from a host directory
 *   the walk reaches the host's root, from a container one it stops at the
 *   container's root, where HOSTDIR does not exist: "escape: via ...".
 * Prints "ready" when it starts and "done: N passes" at the end.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *hostdir;
static int found;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void try_escape(int dirfd, const char *how)
{
	char path[PATH_MAX], line[PATH_MAX + 32];
	size_t n = 0;
	int fd;

	for (int i = 0; i < 64 && n + 3 < sizeof(path); i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "../");
	snprintf(path + n, sizeof(path) - n, "%s/canary", hostdir + 1);
	fd = openat(dirfd, path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "escaped via %s\n", how);
	if (write(fd, line, strlen(line)) < 0)
		perror("write canary");
	close(fd);
	printf("escape: via %s\n", how);
	found++;
}

/* One magic link: report a host path (not for stdio, which the caller
 * hands over on purpose), try a directory. */
static void probe_link(const char *link, int stdio)
{
	char target[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	struct stat st;
	int fd;

	if (n <= 0)
		return;
	target[n] = '\0';
	fd = open(link, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!stdio && strncmp(target, hostdir, strlen(hostdir)) == 0 && fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
			printf("leak: %s -> %s\n", link, target);
			found++;
		} else {
			printf("note: %s -> %s (neither a file nor a directory)\n", link, target);
		}
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		try_escape(fd, link);
	close(fd);
}

static void scan_pid(const char *pid)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/cwd", pid);
	probe_link(path, 0);
	snprintf(path, sizeof(path), "/proc/%s/root", pid);
	probe_link(path, 0);
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, de->d_name);
		probe_link(path, atoi(de->d_name) < 3);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	long long end;
	long passes = 0;
	char self[16];

	if (argc != 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: exec_fdscan HOSTDIR MILLISECONDS\n");
		return 2;
	}
	hostdir = argv[1];
	end = now_ms() + atol(argv[2]);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (now_ms() < end && found < 20) {
		DIR *proc = opendir("/proc");
		struct dirent *de;

		if (proc == NULL) {
			perror("opendir /proc");
			return 1;
		}
		while ((de = readdir(proc)) != NULL)
			if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
			    strcmp(de->d_name, self) != 0)
				scan_pid(de->d_name);
		closedir(proc);
		passes++;
	}
	printf("done: %ld passes\n", passes);
	return 0;
}
