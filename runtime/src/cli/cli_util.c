/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the command handlers (cli.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <jansson.h>

#include "cli.h"
#include "error.h"
#include "state.h"
#include "util.h"

int
cli_id_arg(int argc, char **argv, const char *usage, const char **id, struct urun_err **err)
{
	extern int optind;

	if (argc - optind != 1)
		return urun_err_set(err, 0, "usage: urun %s", usage);
	*id = argv[optind];
	return urun_id_check(*id, err);
}

char *
cli_abs_path(const char *dir)
{
	char *abs = realpath(dir ? dir : ".", NULL);

	return abs ? abs : xstrdup(dir ? dir : ".");
}

int
cli_print_json(void *json, struct urun_err **err)
{
	if (json_dumpf(json, stdout, JSON_INDENT(2)) < 0 || putchar('\n') == EOF)
		return urun_err_set(err, errno, "write standard output");
	return 0;
}

int
cli_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
