/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Console socket and pty (terminal.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "spec.h"
#include "terminal.h"

int
terminal_connect(const char *path, struct urun_err **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(addr.sun_path))
		return urun_err_set(err, 0, "console socket '%s': path too long", path);
	strcpy(addr.sun_path, path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return urun_err_set(err, errno, "connect console socket '%s'", path);
	return take_fd(&fd);
}

static int
send_fd(int sock, int fd, struct urun_err **err)
{
	char name[] = "/dev/ptmx";
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { name, sizeof(name) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return urun_err_set(err, errno, "send the pty to the console socket");
	return 0;
}

int
terminal_setup(int console_fd, const struct urun_process *p, struct urun_err **err)
{
	_cleanup_close_ int master = -1, slave = -1;
	int unlock = 0;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return urun_err_set(err, errno, "process.terminal: open /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return urun_err_set(err, errno, "process.terminal: unlock pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return urun_err_set(err, errno, "process.terminal: open pty peer");
	if (p->console_height || p->console_width) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return urun_err_set(err, errno, "process.consoleSize");
	}
	if (send_fd(console_fd, master, err) < 0)
		return -1;
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return urun_err_set(err, errno, "process.terminal: make the pty the ctty");
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			return urun_err_set(err, errno, "process.terminal: dup2");
	return 0;
}
