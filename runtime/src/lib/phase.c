/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-phase clock (phase.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "phase.h"

/* File-scope on purpose: a probe any module can call without plumbing; set
 * once by phase_start before anything forks. */
static struct {
	int fd;			/* -1: off */
	pid_t pid;		/* the process that called phase_start */
	const char *role;
} phase = { -1, 0, NULL };

void
phase_start(const char *role)
{
	const char *where = getenv("URUN_PHASES");
	int fd;

	if (where == NULL || *where == '\0' || phase.fd >= 0)
		return;
	if (strcmp(where, "1") == 0)
		fd = fcntl(2, F_DUPFD_CLOEXEC, 0);
	else if (*where == '/')
		fd = open(where, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	else
		return;
	if (fd < 0)
		return;
	/* High, so that --preserve-fds never hands it to the container. */
	phase.fd = fcntl(fd, F_DUPFD_CLOEXEC, 800);
	close(fd);
	phase.pid = getpid();
	phase.role = role;
	phase_mark("started");
}

int
phase_fd(void)
{
	return phase.fd;
}

void
phase_mark(const char *name)
{
	struct timespec ts;
	char line[160];
	int n;

	if (phase.fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "%lld %s %s\n",
		     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
		     getpid() == phase.pid ? phase.role : "init", name);
	if (n > 0 && write(phase.fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		return;
}
