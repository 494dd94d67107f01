/* SPDX-License-Identifier: GPL-2.0-or-later */
/* urun exec: run a process in a running container (runc's flags). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "exec.h"
#include "state.h"
#include "util.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_CWD, OPT_PRESERVE, OPT_NNP };

static json_t *
proc_user(json_t *proc)
{
	json_t *user = json_object_get(proc, "user");

	if (!json_is_object(user)) {
		user = json_pack("{s:i, s:i}", "uid", 0, "gid", 0);
		json_object_set_new(proc, "user", user);
	}
	return user;
}

/* -u UID[:GID], as runc: only the uid (and the gid when given) change; the
 * config's other user fields (gid, additionalGids, umask) stay. */
static int
set_user(json_t *proc, const char *spec, struct urun_err **err)
{
	long uid, gid = 0;
	char *colon = strchr(spec, ':');
	_cleanup_free_ char *u = colon ? strndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	json_t *user;

	if (parse_long(u, 0, UINT32_MAX - 1, &uid) < 0 ||
	    (colon && parse_long(colon + 1, 0, UINT32_MAX - 1, &gid) < 0))
		return urun_err_set(err, 0, "--user: '%s' is not UID[:GID]", spec);
	user = proc_user(proc);
	json_object_set_new(user, "uid", json_integer(uid));
	if (colon)
		json_object_set_new(user, "gid", json_integer(gid));
	return 0;
}

/* -g GID[,GID...] (repeatable), as runc's --additional-gids: appended to the
 * config's additionalGids. */
static int
add_gids(json_t *gids, const char *list, struct urun_err **err)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;
	long gid;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (parse_long(t, 0, UINT32_MAX - 1, &gid) < 0)
			return urun_err_set(err, 0, "--additional-gids: '%s' is not a GID", t);
		json_array_append_new(gids, json_integer(gid));
	}
	return 0;
}

static void
set_gids(json_t *proc, json_t *gids)
{
	json_t *user = proc_user(proc);
	json_t *have = json_object_get(user, "additionalGids");

	if (!json_is_array(have)) {
		have = json_array();
		json_object_set_new(user, "additionalGids", have);
	}
	json_array_extend(have, gids);
}

/* --cap NAME, as runc: added to the bounding, effective and permitted sets,
 * and to ambient only when the process has an inheritable set (ambient needs
 * it); never to inheritable (CVE-2022-29162: an inheritable capability
 * survives into programs with file capabilities). */
static void
add_caps(json_t *proc, json_t *names)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
	json_t *caps = json_object_get(proc, "capabilities");

	if (!json_is_object(caps)) {
		caps = json_object();
		json_object_set_new(proc, "capabilities", caps);
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		json_t *set = json_object_get(caps, sets[i]);

		if (i == 3 && !json_is_array(json_object_get(caps, "inheritable")))
			break;
		if (!json_is_array(set)) {
			set = json_array();
			json_object_set_new(caps, sets[i], set);
		}
		json_array_extend(set, names);
	}
}

static json_t *
load_process_file(const char *path, struct urun_err **err)
{
	json_error_t jerr;
	json_t *p = json_load_file(path, 0, &jerr);

	if (p == NULL)
		urun_err_set(err, 0, "--process '%s': line %d: %s", path, jerr.line, jerr.text);
	return p;
}

CMD(exec)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' }, { "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' }, { "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' }, { "cwd", required_argument, NULL, OPT_CWD },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "cap", required_argument, NULL, 'c' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct exec_opts o = { .root = cli->root };
	_cleanup_json_ json_t *proc = NULL, *env = json_array(), *caps = json_array();
	_cleanup_json_ json_t *gids = json_array();
	const char *process_file = NULL, *user = NULL, *cwd = NULL;
	int c, tty = -1, nnp = 0;
	long n;

	while ((c = getopt_long(argc, argv, "+p:tde:u:c:g:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': process_file = optarg; break;
		case 't': tty = 1; break;
		case 'd': o.detach = true; break;
		case 'e': json_array_append_new(env, json_string(optarg)); break;
		case 'u': user = optarg; break;
		case 'c': json_array_append_new(caps, json_string(optarg)); break;
		case 'g':
			if (add_gids(gids, optarg, err) < 0)
				return -1;
			break;
		case OPT_CWD: cwd = optarg; break;
		case OPT_PID_FILE: o.pid_file = optarg; break;
		case OPT_CONSOLE: o.console_socket = optarg; break;
		case OPT_NNP: nnp = 1; break;
		case OPT_PRESERVE:
			if (parse_long(optarg, 0, 1 << 20, &n) < 0)
				return urun_err_set(err, 0, "--preserve-fds: not a count");
			o.preserve_fds = (int)n;
			break;
		default: return urun_err_set(err, 0, "usage: urun exec [options] ID [CMD...]");
		}
	}
	if (optind >= argc || (process_file == NULL && optind + 1 >= argc))
		return urun_err_set(err, 0, "usage: urun exec [-p process.json] ID [CMD ARG...]");
	o.id = argv[optind];
	if (urun_id_check(o.id, err) < 0)
		return -1;
	proc = process_file ? load_process_file(process_file, err)
			    : urun_exec_default_process(cli->root, o.id, err);
	if (proc == NULL)
		return -1;
	if (!process_file) {
		json_t *args = json_array();

		for (int i = optind + 1; i < argc; i++)
			json_array_append_new(args, json_string(argv[i]));
		json_object_set_new(proc, "args", args);
		json_object_set_new(proc, "terminal", json_boolean(tty == 1));
		json_array_extend(json_object_get(proc, "env"), env);
		if (cwd)
			json_object_set_new(proc, "cwd", json_string(cwd));
		if (nnp)
			json_object_set_new(proc, "noNewPrivileges", json_true());
		if (user && set_user(proc, user, err) < 0)
			return -1;
		if (json_array_size(gids))
			set_gids(proc, gids);
		if (json_array_size(caps))
			add_caps(proc, caps);
	}
	o.process = proc;
	return urun_container_exec(&o, err);
}
