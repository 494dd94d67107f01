/* SPDX-License-Identifier: GPL-2.0-or-later */
/* urun run: create, start, and (unless -d) wait, forwarding signals; the exit
 * status is the container's, 128+N when it died of signal N. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "container.h"
#include "error.h"
#include "phase.h"

static volatile sig_atomic_t forward_pid;

static void
forward(int sig)
{
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

static void
forward_signals(pid_t pid)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
		SIGWINCH };
	struct sigaction sa = { .sa_handler = forward };

	forward_pid = pid;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int
wait_container(pid_t pid, struct urun_err **err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return urun_err_set(err, errno, "wait for the container");
	return cli_exit_status(status);
}

CMD(run)
{
	struct create_opts o;
	bool detach = false, keep = false;
	pid_t pid;
	int code;

	if (cli_create_opts(cli, argc, argv, true, &o, &detach, &keep, err) < 0)
		return -1;
	code = urun_container_create(&o, &pid, err);
	free((char *)o.bundle);
	if (code < 0)
		return -1;
	phase_mark("create done");
	if (!detach)
		forward_signals(pid);
	if (urun_container_start(cli->root, o.id, err) < 0) {
		if (!keep)
			urun_container_delete(cli->root, o.id, true, NULL);
		return -1;
	}
	phase_mark("start done");
	if (detach)
		return 0;
	code = wait_container(pid, err);
	if (code < 0)
		return -1;
	phase_mark("container exited");
	if (!keep && urun_container_delete(cli->root, o.id, false, err) < 0)
		return -1;
	return code;
}
