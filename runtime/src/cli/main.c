/* SPDX-License-Identifier: GPL-2.0-or-later */
/* urun: global options, the command table, and the one place errors are printed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "log.h"
#include "phase.h"
#include "sealed.h"
#include "state.h"
#include "util.h"

static const struct cmd cmds[] = {
	{ "create", cmd_create, CMD_NEEDS_ID | CMD_SEALED, "create [-b DIR] [--pid-file F] [--console-socket S] "
	  "[--no-pivot] [--no-new-keyring] [--preserve-fds N] ID" },
	{ "start", cmd_start, CMD_NEEDS_ID, "start ID" },
	{ "state", cmd_state, CMD_NEEDS_ID, "state ID" },
	{ "kill", cmd_kill, 0, "kill [-a|--all] ID [SIGNAL]" },
	{ "delete", cmd_delete, CMD_NEEDS_ID, "delete [-f|--force] ID" },
	{ "run", cmd_run, CMD_NEEDS_ID | CMD_SEALED, "run [-d] [--keep] [-b DIR] [--pid-file F] "
	  "[--console-socket S] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID" },
	{ "exec", cmd_exec, CMD_SEALED, "exec [-p process.json] [-t] [-d] [--pid-file F] "
	  "[--console-socket S] [--cwd DIR] [-e K=V]... [-u UID[:GID]] [-g GID]... [-c CAP]... "
	  "[--preserve-fds N] ID [CMD ARG...]" },
	{ "list", cmd_list, 0, "list [-f table|json] [-q]" },
	{ "ps", cmd_ps, 0, "ps [-f table|json] ID" },
	{ "pause", cmd_pause, CMD_NEEDS_ID, "pause ID" },
	{ "resume", cmd_resume, CMD_NEEDS_ID, "resume ID" },
	{ "update", cmd_update, CMD_NEEDS_ID, "update [-r FILE|-] [--memory N] [--cpu-quota N] "
	  "[--pids-limit N] [...: runc's resource flags] ID" },
	{ "spec", cmd_spec, 0, "spec [--rootless] [-b DIR]" },
	{ "features", cmd_features, 0, "features" },
	{ "checkpoint", cmd_checkpoint, 0, "checkpoint ID (not supported: no CRIU)" },
	{ "restore", cmd_restore, 0, "restore ID (not supported: no CRIU)" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: urun [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
		"            [--systemd-cgroup] [--rootless auto|true|false] COMMAND ...\n"
		"       urun --version | --help\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  urun %s\n", cmds[i].usage);
}

static int
parse_rootless(const char *v)
{
	if (strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "auto") == 0)
		return -1;
	return -2;
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS,
	OPT_CRIU };

/* Global options; returns the index of the command word. */
static int
parse_globals(int argc, char **argv, struct cli *cli, struct urun_err **err)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "criu", required_argument, NULL, OPT_CRIU },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log_path = NULL;
	enum log_format fmt = LOG_TEXT;
	int c;

	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: free(cli->root); cli->root = xstrdup(optarg); break;
		case OPT_LOG: log_path = optarg; break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return urun_err_set(err, 0, "--log-format: '%s' is not text or json",
						    optarg);
			fmt = strcmp(optarg, "json") == 0 ? LOG_JSON : LOG_TEXT;
			break;
		case OPT_DEBUG: cli->debug = true; break;
		case OPT_SYSTEMD: cli->systemd_cgroup = true; break;
		case OPT_CRIU: break;	/* accepted for runc compatibility; no checkpointing */
		case OPT_ROOTLESS:
			cli->rootless = parse_rootless(optarg);
			if (cli->rootless == -2)
				return urun_err_set(err, 0, "--rootless: '%s' is not auto, true or "
						    "false", optarg);
			break;
		case 'v':
			printf("urun version %s\nspec: 1.3.0\n", URUN_VERSION);
			exit(0);
		case 'h': usage(stdout); exit(0);
		default: return urun_err_set(err, 0, "bad global option (see urun --help)");
		}
	}
	if (log_init(log_path, fmt, cli->debug) < 0)
		return urun_err_set(err, errno, "--log '%s'", log_path);
	if (optind >= argc)
		return urun_err_set(err, 0, "no command given (see urun --help)");
	return optind;
}

static const struct cmd *
find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static int
dispatch(int argc, char **argv, struct cli *cli, struct urun_err **err)
{
	const struct cmd *cmd;
	int first = parse_globals(argc, argv, cli, err);

	if (first < 0)
		return -1;
	cmd = find_cmd(argv[first]);
	if (cmd == NULL)
		return urun_err_set(err, 0, "unknown command '%s' (see urun --help)", argv[first]);
	/* Before the sealed re-exec too (its fd is close-on-exec): the copy
	 * starts again and marks "started" a second time. */
	phase_start(cmd->name);
	/* sealed.h: before anything is opened (the log is close-on-exec). */
	if ((cmd->flags & CMD_SEALED) && sealed_reexec(argv, err) < 0)
		return -1;
	if (cli->root == NULL)
		cli->root = urun_state_default_root();
	/* Each command parses from its own argv[0] = the command word. */
	optind = 0;
	return cmd->fn(cli, argc - first, argv + first, err);
}

int
main(int argc, char **argv)
{
	struct cli cli = { .rootless = -1 };
	struct urun_err *err = NULL;
	int ret = dispatch(argc, argv, &cli, &err);

	/* Output errors count (`urun state x > /dev/full` must fail). */
	if (fflush(stdout) != 0 && ret >= 0)
		ret = urun_err_set(&err, errno, "write standard output");
	if (ret < 0) {
		_cleanup_free_ char *msg = err ? urun_err_format(err) : xstrdup("failed");

		log_msg(LOG_ERROR, "%s", msg);
		urun_err_free(&err);
	}
	free(cli.root);
	log_close();
	phase_mark("exiting");
	/* Commands return their exit code (run: the container's) as ret > 0. */
	return ret < 0 ? 1 : ret;
}
