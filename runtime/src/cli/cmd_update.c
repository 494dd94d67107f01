/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update [-r FILE|-] [runc's resource flags] ID: change a live container's
 * cgroup limits, as runc does for podman update and docker update. */
#include <getopt.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "log.h"
#include "update.h"

#define USAGE "update [-r FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N] " \
	"[--cpu-share(s) N] [--cpu-period N] [--cpu-quota N] [--cpu-burst N] " \
	"[--cpu-rt-period N] [--cpu-rt-runtime N] [--cpu-idle N] [--cpuset-cpus L] " \
	"[--cpuset-mems L] [--pids-limit N] [--blkio-weight N] ID"

enum { OPT_FLAG = 256 };

/* Every long option but --resources is a resource flag (update.h). */
static const struct option opts[] = {
	{ "resources", required_argument, NULL, 'r' },
	{ "memory", required_argument, NULL, OPT_FLAG },
	{ "memory-swap", required_argument, NULL, OPT_FLAG },
	{ "memory-reservation", required_argument, NULL, OPT_FLAG },
	{ "kernel-memory", required_argument, NULL, OPT_FLAG },
	{ "kernel-memory-tcp", required_argument, NULL, OPT_FLAG },
	{ "cpu-share", required_argument, NULL, OPT_FLAG },
	{ "cpu-shares", required_argument, NULL, OPT_FLAG },
	{ "cpu-period", required_argument, NULL, OPT_FLAG },
	{ "cpu-quota", required_argument, NULL, OPT_FLAG },
	{ "cpu-burst", required_argument, NULL, OPT_FLAG },
	{ "cpu-rt-period", required_argument, NULL, OPT_FLAG },
	{ "cpu-rt-runtime", required_argument, NULL, OPT_FLAG },
	{ "cpu-idle", required_argument, NULL, OPT_FLAG },
	{ "cpuset-cpus", required_argument, NULL, OPT_FLAG },
	{ "cpuset-mems", required_argument, NULL, OPT_FLAG },
	{ "pids-limit", required_argument, NULL, OPT_FLAG },
	{ "blkio-weight", required_argument, NULL, OPT_FLAG },
	{ "l3-cache-schema", required_argument, NULL, OPT_FLAG },
	{ "mem-bw-schema", required_argument, NULL, OPT_FLAG },
	{ NULL, 0, NULL, 0 },
};

CMD(update)
{
	_cleanup_json_ json_t *res = json_object();
	const char *file = NULL, *id, *ignored = NULL;
	int c, idx;

	while ((c = getopt_long(argc, argv, "+r:", opts, &idx)) != -1) {
		if (c == 'r') {
			file = optarg;
		} else if (c == OPT_FLAG) {
			/* Checked now, so that a bad flag fails even with -r. */
			if (urun_update_flag(res, opts[idx].name, optarg, err) < 0)
				return -1;
			ignored = opts[idx].name;
		} else {
			return urun_err_set(err, 0, "usage: urun %s", USAGE);
		}
	}
	if (cli_id_arg(argc, argv, USAGE, &id, err) < 0)
		return -1;
	if (file) {
		/* runc: with --resources the other options are ignored. */
		if (ignored)
			log_warn("--%s: ignored: --resources is given", ignored);
		json_decref(res);
		res = urun_update_read(file, err);
		if (res == NULL)
			return -1;
	}
	return urun_container_update(cli->root, id, res, err);
}
