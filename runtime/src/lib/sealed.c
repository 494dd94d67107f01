/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A sealed copy of the urun binary to run from (sealed.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "sealed.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool
sealed_fd(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	return seals >= 0 && (seals & SEALS) == SEALS;
}

/* A memfd that may be executed: MFD_EXEC says so to kernels with
 * vm.memfd_noexec (6.3 on), older ones refuse the flag. */
static int
exec_memfd(void)
{
	int fd = memfd_create("urun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("urun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd;
}

static int
copy_all(int to, int from, off_t size)
{
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile(to, from, NULL, (size_t)(size - done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : (errno = EIO, -1);
		done += n;
	}
	return 0;
}

int
sealed_reexec(char **argv, struct urun_err **err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int copy = -1;
	struct stat st;

	if (self < 0)
		return urun_err_set(err, errno, "read our own binary (/proc/self/exe) for a "
				    "sealed copy");
	if (sealed_fd(self)) {
		/* execveat named us after the fd ("3"): our name again, for ps
		 * and for start, which watches the init's name change at execve */
		prctl(PR_SET_NAME, "urun", 0, 0, 0);
		return 0;
	}
	copy = exec_memfd();
	if (copy < 0)
		return urun_err_set(err, errno, "memfd_create for a sealed copy of urun");
	if (fstat(self, &st) < 0 || copy_all(copy, self, st.st_size) < 0)
		return urun_err_set(err, errno, "copy urun into a memfd");
	if (fcntl(copy, F_ADD_SEALS, SEALS) < 0)
		return urun_err_set(err, errno, "seal the copy of urun");
	syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
	return urun_err_set(err, errno, "run the sealed copy of urun (is vm.memfd_noexec set?)");
}
