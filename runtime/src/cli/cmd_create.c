/* SPDX-License-Identifier: GPL-2.0-or-later */
/* urun create: set the container up and park it before the user process. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "error.h"
#include "util.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE,
	OPT_KEEP };

int
cli_create_opts(struct cli *cli, int argc, char **argv, bool run, struct create_opts *o,
		bool *detach, bool *keep, struct urun_err **err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = run ? "run [-d] [--keep] [-b DIR] [--pid-file F] ID"
				: "create [-b DIR] [--pid-file F] [--console-socket S] ID";
	const char *bundle = ".";
	long n;
	int c;

	memset(o, 0, sizeof(*o));
	o->root = cli->root;
	o->rootless = cli->rootless;
	while ((c = getopt_long(argc, argv, run ? "+b:d" : "+b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle = optarg; break;
		case OPT_PID_FILE: o->pid_file = optarg; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case OPT_NO_PIVOT: o->no_pivot = true; break;
		case OPT_NO_KEYRING: o->no_new_keyring = true; break;
		case OPT_PRESERVE:
			if (parse_long(optarg, 0, 1 << 20, &n) < 0)
				return urun_err_set(err, 0, "--preserve-fds: '%s' is not a count",
						    optarg);
			o->preserve_fds = (int)n;
			break;
		case 'd':
			if (!run)
				return urun_err_set(err, 0, "usage: urun %s", usage);
			*detach = true;
			break;
		case OPT_KEEP:
			if (!run)
				return urun_err_set(err, 0, "usage: urun %s", usage);
			*keep = true;
			break;
		default: return urun_err_set(err, 0, "usage: urun %s", usage);
		}
	}
	if (cli_id_arg(argc, argv, usage, &o->id, err) < 0)
		return -1;
	o->bundle = cli_abs_path(bundle);
	return 0;
}

CMD(create)
{
	struct create_opts o;
	pid_t pid;
	int r;

	if (cli_create_opts(cli, argc, argv, false, &o, NULL, NULL, err) < 0)
		return -1;
	r = urun_container_create(&o, &pid, err);
	free((char *)o.bundle);
	return r;
}
