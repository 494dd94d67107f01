/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Coverage builds only: the counters of a urun that exits after joining a
 * container's mount namespace (the parent of `urun exec`) still reach the build
 * directory. gcov's own exit dump opens the absolute .gcda paths in the
 * container's tree and fails; coverage_flush's /proc/self/fd prefix fails too,
 * as this process is not in the container's pid namespace, so /proc/self does
 * not resolve there. A directory fd needs no /proc: at exit, fchdir to the
 * host root kept since startup and dump with the relative prefix ".". */
#if URUN_COVERAGE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

void __gcov_dump(void);

static int host_root = -1;

static void
coverage_exit_dump(void)
{
	if (host_root < 0 || fchdir(host_root) < 0)
		return;
	setenv("GCOV_PREFIX", ".", 1);
	setenv("GCOV_ERROR_FILE", "/dev/null", 1);
	/* marks the counters dumped: gcov's own exit handler then does nothing */
	__gcov_dump();
}

/* A CLI object is always linked (unlike an unreferenced archive member). High
 * and close-on-exec, so no container process keeps it. */
static void __attribute__((constructor))
coverage_exit_init(void)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	host_root = fcntl(fd, F_DUPFD_CLOEXEC, 901);
	close(fd);
	if (host_root >= 0)
		atexit(coverage_exit_dump);
}
#else
/* ISO C wants a translation unit to declare something. */
extern int urun_coverage_exit_unused;
#endif
