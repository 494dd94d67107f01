/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.terminal: a pty whose master goes to the caller's --console-socket
 * (SCM_RIGHTS, as runc), whose slave becomes the process's stdio and ctty. */
#ifndef URUN_TERMINAL_H
#define URUN_TERMINAL_H

struct urun_err;
struct urun_process;

/* In the container after pivot_root: make the pty and send its master. */
int terminal_setup(int console_fd, const struct urun_process *p, struct urun_err **err);
/* Connect to the console socket PATH; returns the fd. */
int terminal_connect(const char *path, struct urun_err **err);

#endif
