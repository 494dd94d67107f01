/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Create handshake messages (sync.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "sync.h"
#include "util.h"

int
sync_send(int fd, enum sync_type type, const char *msg, struct urun_err **err)
{
	/* The child's phases end where it reports (phase.h); the parent marks
	 * its own. */
	static const char *const ends[] = {
		[SYNC_HOOKS] = "/dev (then asks for the runtime hooks)",
		[SYNC_READY] = "readonly root, rlimits (then ready)",
	};
	struct sync_msg m = { .type = type };

	if (type == SYNC_HOOKS || type == SYNC_READY)
		phase_mark(ends[type]);
	if (msg)
		snprintf(m.msg, sizeof(m.msg), "%s", msg);
	if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return urun_err_set(err, errno, "sync: send");
	return 0;
}

int
sync_recv(int fd, enum sync_type want, struct sync_msg *m, struct urun_err **err)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return urun_err_set(err, errno, "sync: receive");
	if (n == 0)
		return urun_err_set(err, 0, "the container process exited during create");
	if (n != (ssize_t)sizeof(*m))
		return urun_err_set(err, 0, "sync: short message");
	m->msg[sizeof(m->msg) - 1] = '\0';
	if (m->type == SYNC_ERROR)
		return urun_err_set(err, m->errnum, "%s", m->msg);
	if (m->type != (int)want)
		return urun_err_set(err, 0, "sync: expected message %d, got %d", want, m->type);
	return 0;
}

void
sync_fail(int fd, struct urun_err *err, bool hook_failed)
{
	struct sync_msg m = { .type = SYNC_ERROR, .hook_failed = hook_failed };

	if (err) {
		m.errnum = err->errnum;
		snprintf(m.msg, sizeof(m.msg), "%s", err->msg);
	} else {
		snprintf(m.msg, sizeof(m.msg), "container init failed");
	}
	send(fd, &m, sizeof(m), MSG_NOSIGNAL);
	coverage_flush();
	_exit(1);
}
