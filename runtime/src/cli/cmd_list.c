/* SPDX-License-Identifier: GPL-2.0-or-later */
/* urun list and urun ps. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "error.h"
#include "log.h"
#include "state.h"
#include "util.h"

static int
format_opt(int argc, char **argv, bool allow_quiet, bool *json, bool *quiet,
	   const char *usage, struct urun_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, allow_quiet ? "+f:q" : "+f:", opts, NULL)) != -1) {
		if (c == 'q' && allow_quiet) {
			*quiet = true;
		} else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table"))) {
			*json = strcmp(optarg, "json") == 0;
		} else {
			return urun_err_set(err, 0, "usage: urun %s", usage);
		}
	}
	return 0;
}

/* ID has a state.json that does not load (not merely a create in progress). */
static bool
damaged(int rootfd, const char *id)
{
	_cleanup_free_ char *path = xasprintf("%s/state.json", id);

	return faccessat(rootfd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static json_t *
collect(const char *root)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	json_t *all = json_array();
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		struct urun_err *err = NULL;
		struct urun_state *st;

		if (urun_id_check(de->d_name, NULL) < 0)
			continue;	/* urun's own ".new-ID-PID" and strangers */
		st = urun_state_load(root, de->d_name, false, &err);
		if (st == NULL && damaged(dirfd(d), de->d_name))
			log_warn("%s", err->msg);	/* as runc: the others are listed */
		urun_err_free(&err);
		if (st == NULL)
			continue;	/* being created */
		json_array_append_new(all, urun_state_to_json(st, urun_state_status(st)));
		urun_state_free(st);
	}
	return all;
}

/* The name of UID in PASSWD (the text of /etc/passwd), "#" if none: read
 * directly, as runc does, rather than through NSS (urun is linked
 * statically, where getpwuid needs glibc's shared NSS modules). */
static void
user_name(const char *passwd, uid_t uid, char *name, size_t size)
{
	for (const char *l = passwd; l && *l;) {
		const char *eol = strchrnul(l, '\n'), *c1 = memchr(l, ':', (size_t)(eol - l));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		char *end;

		if (c2 && strtoul(c2 + 1, &end, 10) == uid && end != c2 + 1 && *end == ':' &&
		    (size_t)(c1 - l) < size) {
			memcpy(name, l, (size_t)(c1 - l));
			name[c1 - l] = '\0';
			return;
		}
		l = *eol ? eol + 1 : eol;
	}
	snprintf(name, size, "#");
}

static void
print_table(json_t *all, bool quiet)
{
	_cleanup_free_ char *passwd = NULL;
	size_t i;
	json_t *c;

	if (!quiet)
		read_file("/etc/passwd", &passwd, NULL, NULL);

	if (!quiet)
		printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	json_array_foreach(all, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		char name[64];
		uid_t owner = (uid_t)json_integer_value(json_object_get(c, "owner"));

		if (quiet) {
			printf("%s\n", id);
			continue;
		}
		user_name(passwd, owner, name, sizeof(name));
		printf("%-20s %-8lld %-10s %-40s %-30s %s\n", id,
		       json_integer_value(json_object_get(c, "pid")),
		       json_string_value(json_object_get(c, "status")),
		       json_string_value(json_object_get(c, "bundle")),
		       json_string_value(json_object_get(c, "created")),
		       name);
	}
}

CMD(list)
{
	_cleanup_json_ json_t *all = NULL;
	bool json = false, quiet = false;

	if (format_opt(argc, argv, true, &json, &quiet, "list [-f table|json] [-q]", err) < 0)
		return -1;
	if (optind != argc)
		return urun_err_set(err, 0, "usage: urun list [-f table|json] [-q]");
	all = collect(cli->root);
	if (json)
		return cli_print_json(all, err);
	print_table(all, quiet);
	return 0;
}

CMD(ps)
{
	_cleanup_free_ pid_t *pids = NULL;
	bool json = false, quiet = false;
	const char *id;
	size_t n = 0;

	if (format_opt(argc, argv, false, &json, &quiet, "ps [-f table|json] ID", err) < 0 ||
	    cli_id_arg(argc, argv, "ps [-f table|json] ID", &id, err) < 0)
		return -1;
	if (urun_container_pids(cli->root, id, &pids, &n, err) < 0)
		return -1;
	if (json) {
		_cleanup_json_ json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_integer(pids[i]));
		return cli_print_json(arr, err);
	}
	printf("PID\n");
	for (size_t i = 0; i < n; i++)
		printf("%d\n", pids[i]);
	return 0;
}
