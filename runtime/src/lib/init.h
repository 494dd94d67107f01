/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container init: runs in the new namespaces from clone until execve. */
#ifndef URUN_INIT_H
#define URUN_INIT_H

#include <stdbool.h>

struct urun_spec;

struct init_ctx {
	const struct urun_spec *spec;
	const char *id;
	const char *bundle;
	int sync_fd;		/* our end of the handshake socket */
	const char *state_dir;	/* holds exec.fifo */
	int locked_fd;		/* the parent's locked state dir fd: close, never use */
	int console_fd;		/* connected console socket, or -1 */
	int preserve_fds;
	bool new_userns;
	bool userns_joined;	/* the parent already joined linux.namespaces user path */
	bool rootless;
	bool no_pivot;
	bool no_new_keyring;
	bool fakeroot;
	const int *mount_userns;	/* idmapped mounts (idmap.h), may be NULL */
};

/* Never returns: execs the user process or exits non-zero after reporting. */
void init_main(const struct init_ctx *ctx) __attribute__((noreturn));

#endif
