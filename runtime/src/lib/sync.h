/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The create handshake between urun and the container init over a
 * SOCK_SEQPACKET socketpair (docs/design.md has the sequence). Errors in the
 * child travel as a message; the parent turns them into its own error. */
#ifndef URUN_SYNC_H
#define URUN_SYNC_H

#include <stdbool.h>

struct urun_err;

enum sync_type {
	SYNC_MAPPED = 1,	/* parent -> child: id maps and cgroup done; msg = cgroup path */
	SYNC_HOOKS,		/* child -> parent: mounts done, run createRuntime hooks */
	SYNC_HOOKS_DONE,	/* parent -> child: go on */
	SYNC_READY,		/* child -> parent: parked on the exec fifo */
	SYNC_ERROR,		/* child -> parent: msg, errnum */
};

struct sync_msg {
	int type;
	int errnum;
	int hook_failed;	/* SYNC_ERROR came from a hook: poststop still runs */
	char msg[1024];
};

int sync_send(int fd, enum sync_type type, const char *msg, struct urun_err **err);
/* Receive one message; an ERROR message becomes *err (returns -1); EOF too. */
int sync_recv(int fd, enum sync_type want, struct sync_msg *m, struct urun_err **err);
/* Child side: report ERR to the parent and _exit(1). */
void sync_fail(int fd, struct urun_err *err, bool hook_failed) __attribute__((noreturn));

#endif
