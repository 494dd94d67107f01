// SPDX-License-Identifier: MIT
/*
 * exec_escape HOSTDIR: run as a container process, look for the host
 * through what this process itself was given: every fd >= 3 and the
 * working directory (CVE-2016-9962, CVE-2024-21626 classes).
 *
 * - an fd whose /proc/self/fd link names a path under HOSTDIR (the case's
 *   test directory on the host): "leak: fd N -> PATH";
 * - a regular file fd: its first bytes, "read: fd N: TEXT" (a host file the
 *   caller left open must not be readable here);
 * - a directory fd and the cwd: walking up with ".." from a host directory
 *   reaches the host's root, from which HOSTDIR/canary (a file the case made
 *   writable) is appended to: "escape: via fd N" / "escape: via cwd".
 * Inside the container the same walk stops at the container's root, where
 * HOSTDIR does not exist. Prints "done" last; exit status 0.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *hostdir;

/* Append a line to HOSTDIR/canary through DIRFD's ".." chain. */
static int try_escape(int dirfd, const char *how)
{
	char path[PATH_MAX], line[256];
	size_t n = 0;
	int fd;

	for (int i = 0; i < 64 && n + 3 < sizeof(path); i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "../");
	snprintf(path + n, sizeof(path) - n, "%s/canary", hostdir + 1);
	fd = openat(dirfd, path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(line, sizeof(line), "escaped via %s\n", how);
	if (write(fd, line, strlen(line)) < 0)
		perror("write canary");
	close(fd);
	printf("escape: via %s\n", how);
	return 1;
}

int main(int argc, char **argv)
{
	char link[64], target[PATH_MAX], how[64], buf[128];
	struct stat st;
	ssize_t n;

	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: exec_escape HOSTDIR\n");
		return 2;
	}
	hostdir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int fd = 3; fd < 1024; fd++) {
		if (fstat(fd, &st) < 0)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strncmp(target, hostdir, strlen(hostdir)) == 0)
				printf("leak: fd %d -> %s\n", fd, target);
		}
		if (S_ISREG(st.st_mode) && (n = pread(fd, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			printf("read: fd %d: %s\n", fd, buf);
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(how, sizeof(how), "fd %d", fd);
			try_escape(fd, how);
		}
	}
	try_escape(AT_FDCWD, "cwd");
	printf("done\n");
	return 0;
}
