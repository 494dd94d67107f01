/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Coverage builds only (make coverage): the glue that lets the counters of
 * every urun process reach the build directory, whatever namespaces it has
 * joined. The urun binary of a coverage build is linked with
 * --wrap=coverage_flush,--wrap=syscall (Makefile, URUN_LDFLAGS).
 *
 * - Counters are dumped relative to an O_PATH fd of the host's root, opened
 *   at startup: fchdir to it, GCOV_PREFIX ".", dump, fchdir back. No /proc is
 *   needed, so this works in the container (after pivot_root) and in a
 *   process that joined the container's mount namespace but not its pid
 *   namespace (exec's middle process, the parent of `urun exec`), where
 *   /proc/self does not resolve. It replaces util.c's coverage_flush, which
 *   goes through /proc/self/fd, for the calls before execve and _exit, and it
 *   is also the dump at a normal exit and before an exec (instead of
 *   libgcov's, which uses the current directory's view and, when the exec
 *   fails, as each try of a PATH search does, resets the counters and dumps
 *   again, inside the container, onto its stderr).
 * - A re-exec with execveat(2) (sealed.c) dumps first.
 * - close_range(2) spares fds 900-999 (fds.c closes what the init and exec
 *   inherit): that fd lives there. It is close-on-exec: no container process
 *   gets it.
 * Without these, the counters of the init, of exec's processes and of the
 * parent of `urun exec` were lost, and gcov's failed dumps wrote into the
 * container's stdio. */
#if URUN_COVERAGE
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

extern char **environ;
void __gcov_dump(void);
long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);
void __wrap_coverage_flush(void);
int __wrap___gcov_execve(const char *path, char *const argv[], char *const envp[]);
int __wrap___gcov_execvp(const char *file, char *const argv[]);

#define SPARED_FIRST 900U
#define SPARED_LAST 999U

static int host_root = -1;

static void
dump(void)
{
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (host_root >= 0 && fchdir(host_root) == 0) {
		setenv("GCOV_PREFIX", ".", 1);
		/* marks the counters dumped: later dumps of this process (gcov's
		 * at exit) do nothing; a forked child starts afresh */
		__gcov_dump();
		unsetenv("GCOV_PREFIX");
	}
	if (cwd >= 0) {
		if (fchdir(cwd) < 0)
			abort();	/* a process in the wrong directory: never */
		close(cwd);
	}
}

void
__wrap_coverage_flush(void)
{
	dump();
}

/* Not execve and execvp: in this instrumented file the compiler would make
 * them __gcov_execve and __gcov_execvp again. */
int
__wrap___gcov_execve(const char *path, char *const argv[], char *const envp[])
{
	dump();
	return (int)syscall(SYS_execve, path, argv, envp);
}

int
__wrap___gcov_execvp(const char *file, char *const argv[])
{
	dump();
	return execvpe(file, argv, environ);
}

long
__wrap_syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	/* sealed.c re-executes urun from a memfd: what ran before counts too */
	if (nr == SYS_execveat)
		dump();
	if (nr == SYS_close_range && !((unsigned long)a[2] & CLOSE_RANGE_CLOEXEC)) {
		unsigned first = (unsigned)a[0], last = (unsigned)a[1];
		long r = 0;

		if (first < SPARED_FIRST)
			r = __real_syscall(nr, first, last < SPARED_FIRST ? last : SPARED_FIRST - 1,
					   a[2]);
		if (r == 0 && last > SPARED_LAST)
			r = __real_syscall(nr, first > SPARED_LAST ? first : SPARED_LAST + 1, last,
					   a[2]);
		return r;
	}
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* A CLI object is always linked (unlike an unreferenced archive member). */
static void __attribute__((constructor))
coverage_init(void)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	host_root = fcntl(fd, F_DUPFD_CLOEXEC, (int)SPARED_FIRST + 1);
	close(fd);
	if (host_root >= 0)
		atexit(dump);
}
#else
/* ISO C wants a translation unit to declare something. */
extern int urun_coverage_unused;
#endif
