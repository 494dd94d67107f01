/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: global options and one handler per subcommand. */
#ifndef URUN_CLI_H
#define URUN_CLI_H

#include <stdbool.h>

struct urun_err;

struct cli {
	char *root;		/* state root (--root or the default) */
	int rootless;		/* --rootless: -1 auto, 0 false, 1 true */
	bool systemd_cgroup;	/* accepted; see docs/urun.1 */
	bool debug;
};

enum cmd_flags {
	CMD_NEEDS_ID = 1 << 0,	/* the last operand is a container id, checked */
	CMD_SEALED = 1 << 1,	/* puts processes into a container: run from a sealed copy */
};

struct cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv, struct urun_err **err);
	enum cmd_flags flags;
	const char *usage;
};

#define CMD(name) int cmd_##name(struct cli *cli, int argc, char **argv, struct urun_err **err)
CMD(create);
CMD(start);
CMD(state);
CMD(kill);
CMD(delete);
CMD(run);
CMD(exec);
CMD(list);
CMD(ps);
CMD(pause);
CMD(resume);
CMD(update);
CMD(spec);
CMD(features);
CMD(checkpoint);
CMD(restore);

struct create_opts;
/* Options create and run share; RUN adds -d/--detach and --keep. */
int cli_create_opts(struct cli *cli, int argc, char **argv, bool run,
		    struct create_opts *o, bool *detach, bool *keep, struct urun_err **err);

/* The one operand left after options, checked as a container id. */
int cli_id_arg(int argc, char **argv, const char *usage, const char **id,
	       struct urun_err **err);
/* Absolute path of DIR (default "."), for --bundle. */
char *cli_abs_path(const char *dir);
/* Print JSON to stdout, indented as runc does. */
int cli_print_json(void *json, struct urun_err **err);
/* Exit status `run` gives for a wait status: the code, or 128+signal. */
int cli_exit_status(int wstatus);

#endif
