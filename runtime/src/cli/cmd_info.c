/* SPDX-License-Identifier: GPL-2.0-or-later */
/* urun features and urun spec: documents about urun, not about a container. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "error.h"
#include "features_doc.h"
#include "util.h"

CMD(features)
{
	_cleanup_json_ json_t *f = NULL;

	(void)argv;
	if (argc != 1)
		return urun_err_set(err, 0, "usage: urun features");
	f = urun_features(urun_rootless(cli->rootless));
	return cli_print_json(f, err);
}

/* runc's default config, root or rootless flavour. */
static json_t *
default_spec(bool rootless)
{
	json_t *spec = json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s,"
		" s:{s:[s,s,s], s:[s,s,s], s:[s,s,s], s:[s,s,s]},"
		" s:[{s:s, s:i, s:i}], s:b}, s:{s:s, s:b}, s:s,"
		" s:[{s:s, s:s, s:s}, {s:s, s:s, s:s, s:[s,s,s,s]}, {s:s, s:s, s:s, s:[s,s,s,s,s,s]},"
		" {s:s, s:s, s:s, s:[s,s,s,s,s]}, {s:s, s:s, s:s, s:[s,s,s]}],"
		" s:{s:[s,s,s,s,s], s:[s,s,s,s,s,s,s,s,s,s], s:[s,s,s,s,s,s]}}",
		"ociVersion", "1.3.0",
		"process", "terminal", 1, "user", "uid", 0, "gid", 0, "args", "sh",
		"env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm", "cwd", "/",
		"capabilities",
		"bounding", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		"effective", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		"permitted", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		"ambient", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		"rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
		"noNewPrivileges", 1,
		"root", "path", "rootfs", "readonly", 1, "hostname", "urun",
		"mounts",
		"destination", "/proc", "type", "proc", "source", "proc",
		"destination", "/dev", "type", "tmpfs", "source", "tmpfs",
		"options", "nosuid", "strictatime", "mode=755", "size=65536k",
		"destination", "/dev/pts", "type", "devpts", "source", "devpts",
		"options", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
		"destination", "/dev/shm", "type", "tmpfs", "source", "shm",
		"options", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
		"destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
		"options", "nosuid", "noexec", "nodev",
		"linux",
		"maskedPaths", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list",
		"/sys/firmware",
		"readonlyPaths", "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger", "/proc/latency_stats", "/proc/timer_stats",
		"/proc/sched_debug", "/proc/scsi",
		"namespaces", "pid", "ipc", "uts", "mount", "network", "cgroup");
	json_t *lnx = json_object_get(spec, "linux");
	json_t *mounts = json_object_get(spec, "mounts");
	json_t *ns = json_array();
	const char *kinds[] = { "pid", "ipc", "uts", "mount", "network", "cgroup", "user" };

	for (size_t i = 0; i < (rootless ? 7 : 6); i++)
		json_array_append_new(ns, json_pack("{s:s}", "type", kinds[i]));
	json_object_set_new(lnx, "namespaces", ns);
	if (!rootless) {
		json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:[s,s,s,s]}",
				      "destination", "/sys", "type", "sysfs", "source", "sysfs",
				      "options", "nosuid", "noexec", "nodev", "ro"));
		json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s]}",
				      "destination", "/sys/fs/cgroup", "type", "cgroup", "source",
				      "cgroup", "options", "nosuid", "noexec", "nodev", "relatime",
				      "ro"));
	} else {
		/* gid 5 (tty) is not mapped in a one-id user namespace. */
		json_array_remove(json_object_get(json_array_get(mounts, 2), "options"), 5);
		json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s]}",
				      "destination", "/sys", "type", "none", "source", "/sys",
				      "options", "rbind", "nosuid", "noexec", "nodev", "ro"));
		json_object_set_new(lnx, "uidMappings", json_pack("[{s:i, s:i, s:i}]",
				    "containerID", 0, "hostID", (int)geteuid(), "size", 1));
		json_object_set_new(lnx, "gidMappings", json_pack("[{s:i, s:i, s:i}]",
				    "containerID", 0, "hostID", (int)getegid(), "size", 1));
	}
	return spec;
}

CMD(spec)
{
	static const struct option opts[] = {
		{ "rootless", no_argument, NULL, 'r' },
		{ "bundle", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_json_ json_t *spec = NULL;
	_cleanup_free_ char *path = NULL, *text = NULL;
	_cleanup_close_ int fd = -1;
	const char *bundle = ".";
	bool rootless = false;
	int c;

	(void)cli;
	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c == 'r')
			rootless = true;
		else if (c == 'b')
			bundle = optarg;
		else
			return urun_err_set(err, 0, "usage: urun spec [--rootless] [-b DIR]");
	}
	spec = default_spec(rootless);
	path = xasprintf("%s/config.json", bundle);
	text = json_dumps(spec, JSON_INDENT(2));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return urun_err_set(err, errno, "spec: create '%s'", path);
	if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0)
		return urun_err_set(err, errno, "spec: write '%s'", path);
	return 0;
}
