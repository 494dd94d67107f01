/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands that take only an id: start, state, pause, resume, and delete
 * and kill with their one flag each; checkpoint and restore, which urun does
 * not have. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "error.h"
#include "signals.h"
#include "state.h"

static int
id_only(int argc, char **argv, const char *usage, const char **id, struct urun_err **err)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	if (getopt_long(argc, argv, "+", none, NULL) != -1)
		return urun_err_set(err, 0, "usage: urun %s", usage);
	return cli_id_arg(argc, argv, usage, id, err);
}

CMD(start)
{
	const char *id;

	if (id_only(argc, argv, "start ID", &id, err) < 0)
		return -1;
	return urun_container_start(cli->root, id, err);
}

CMD(state)
{
	_cleanup_state_ struct urun_state *st = NULL;
	_cleanup_json_ json_t *doc = NULL;
	const char *id;
	enum status s;

	if (id_only(argc, argv, "state ID", &id, err) < 0)
		return -1;
	st = urun_state_load(cli->root, id, false, err);
	if (st == NULL)
		return -1;
	s = urun_state_status(st);
	doc = urun_state_to_json(st, s);
	return cli_print_json(doc, err);
}

CMD(pause)
{
	const char *id;

	if (id_only(argc, argv, "pause ID", &id, err) < 0)
		return -1;
	return urun_container_pause(cli->root, id, true, err);
}

CMD(resume)
{
	const char *id;

	if (id_only(argc, argv, "resume ID", &id, err) < 0)
		return -1;
	return urun_container_pause(cli->root, id, false, err);
}

CMD(delete)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	bool force = false;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return urun_err_set(err, 0, "usage: urun delete [-f] ID");
		force = true;
	}
	if (cli_id_arg(argc, argv, "delete [-f] ID", &id, err) < 0)
		return -1;
	return urun_container_delete(cli->root, id, force, err);
}

CMD(kill)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 },
	};
	const char *usage = "kill [-a|--all] ID [SIGNAL]";
	bool all = false;
	int c, sig = SIGTERM;

	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return urun_err_set(err, 0, "usage: urun %s", usage);
		all = true;
	}
	if (argc - optind == 2) {
		sig = urun_signal_parse(argv[optind + 1]);
		if (sig < 0)
			return urun_err_set(err, 0, "kill: unknown signal '%s'", argv[optind + 1]);
		argc--;
	}
	if (cli_id_arg(argc, argv, usage, (const char **)&argv[0], err) < 0)
		return -1;
	return urun_container_kill(cli->root, argv[0], sig, all, err);
}

/* runc's checkpoint and restore need CRIU; urun has none. Engines call them
 * only on request: the answer names the command (features:
 * org.urun.unsupportedCommands). */
CMD(checkpoint)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return urun_err_set(err, 0, "checkpoint: not supported by urun (no CRIU support)");
}

CMD(restore)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return urun_err_set(err, 0, "restore: not supported by urun (no CRIU support)");
}
