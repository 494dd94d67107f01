/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The features document (features.h). */
#include "cgroup.h"
#include "cleanup.h"
#include "features_doc.h"
#include "seccomp.h"
#include "spec.h"
#include "support.h"
#include "util.h"

/* The mount options mount_plan.c understands (kept in step by a unit test). */
static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
	"iversion", "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime", "noexec",
	"noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid",
	"nosymfollow", "private", "ratime", "rbind", "idmap", "ridmap", "rdev", "rdiratime",
	"relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
	"rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow",
	"ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime",
	"rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave",
	"strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
};

static const struct urun_note deviations[] = {
	{ "delete.not-stopped", "delete of a created container (without --force) kills its "
	  "parked init and deletes it, as runc and crun do: its process never ran, and engines "
	  "rely on it (buildah deletes created containers on its error paths); refusing would "
	  "leave them behind. A running or paused container still needs --force." },
};

static const struct urun_note unsupported[] = {
	{ "checkpoint", "no CRIU support: fails with \"checkpoint: not supported\"" },
	{ "restore", "no CRIU support: fails with \"restore: not supported\"" },
};

const struct urun_note *
urun_deviations(size_t *n)
{
	*n = sizeof(deviations) / sizeof(deviations[0]);
	return deviations;
}

const struct urun_note *
urun_unsupported_commands(size_t *n)
{
	*n = sizeof(unsupported) / sizeof(unsupported[0]);
	return unsupported;
}

/* NOTES as the JSON text of an object key -> text (an annotation value). */
static char *
notes_string(const struct urun_note *notes, size_t n)
{
	_cleanup_json_ json_t *o = json_object();

	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, notes[i].key, json_string(notes[i].text));
	return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
}

static json_t *
strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
linux_features(bool unpriv)
{
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "time",
		"user", "uts" };
	json_t *caps = json_array();
	const struct support_row *idmap = support_find("mounts.options=idmap");

	for (int c = 0; c <= urun_cap_last(); c++)
		json_array_append_new(caps, json_string(urun_cap_name(c)));
	return json_pack("{s:o, s:o, s:o, s:o, s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}, s:{s:b}}",
			 "namespaces", strings(ns, sizeof(ns) / sizeof(ns[0])),
			 "capabilities", caps,
			 "cgroup", urun_cgroup_features(),
			 "seccomp", urun_seccomp_features(),
			 "apparmor", "enabled", 0, "selinux", "enabled", 0,
			 "intelRdt", "enabled", 0,
			 "mountExtensions", "idmap", "enabled",
			 (unpriv ? idmap->unpriv : idmap->root) != REJECTED,
			 "netDevices", "enabled", !unpriv);
}

static char *
paths_string(enum verdict v, bool unpriv)
{
	_cleanup_json_ json_t *a = support_paths(v, unpriv);

	return json_dumps(a, JSON_COMPACT);
}

json_t *
urun_features(bool unpriv)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
		"startContainer", "poststart", "poststop" };
	_cleanup_free_ char *ignored = paths_string(IGNORED, unpriv);
	_cleanup_free_ char *rejected = paths_string(REJECTED, unpriv);
	_cleanup_free_ char *dev = notes_string(deviations, sizeof(deviations) /
						sizeof(deviations[0]));
	_cleanup_free_ char *cmds = notes_string(unsupported, sizeof(unsupported) /
						 sizeof(unsupported[0]));

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s, s:s, s:s, s:s, s:s}}",
			 "ociVersionMin", "1.0.0", "ociVersionMax", "1.3.0",
			 "hooks", strings(hooks, 6),
			 "mountOptions", strings(mount_options,
						 sizeof(mount_options) / sizeof(mount_options[0])),
			 "linux", linux_features(unpriv),
			 "annotations",
			 "org.urun.version", URUN_VERSION,
			 "org.urun.privilege", unpriv ? "unprivileged" : "root",
			 "org.urun.ignored", ignored, "org.urun.rejected", rejected,
			 "org.urun.deviations", dev, "org.urun.unsupportedCommands", cmds);
}
