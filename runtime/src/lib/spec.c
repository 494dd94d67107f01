/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json -> struct urun_spec (spec.h): the document, root, mounts, linux. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "spec.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* Parse "major.minor.patch[-suffix]" and check it is a 1.x this runtime reads. */
static int
check_version(const char *v, struct urun_err **err)
{
	unsigned major, minor, patch;
	char tail;

	if (sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &tail) < 3)
		return urun_err_set(err, 0, "ociVersion: '%s' is not a semantic version", v);
	if (major != 1 || minor > 3)
		return urun_err_set(err, 0, "ociVersion: '%s' is outside the supported "
				    "range 1.0.0 to 1.3.x", v);
	return 0;
}

static int
parse_root(json_t *doc, const char *bundle, struct urun_spec *s, struct urun_err **err)
{
	json_t *root = NULL;

	if (json_get_obj(doc, "root", "root", JSON_REQUIRED, &root, err) < 0 ||
	    json_get_str(root, "path", "root.path", JSON_REQUIRED, &s->root_path, err) < 0 ||
	    json_get_bool(root, "readonly", "root.readonly", &s->root_readonly, err) < 0)
		return -1;
	if (s->root_path[0] == '\0')
		return urun_err_set(err, 0, "root.path: must not be empty");
	if (s->root_path[0] != '/' && bundle) {
		char *abs = xasprintf("%s/%s", bundle, s->root_path);

		free(s->root_path);
		s->root_path = abs;
	}
	return 0;
}

static int parse_idmaps_at(json_t *obj, const char *where, const char *key,
			   struct urun_idmap **out, size_t *n, struct urun_err **err);

static int
parse_mount_idmaps(json_t *m, size_t i, struct urun_mount *mt, struct urun_err **err)
{
	_cleanup_free_ char *where = xasprintf("mounts[%zu]", i);

	return parse_idmaps_at(m, where, "uidMappings", &mt->uid_maps, &mt->n_uid_maps, err) < 0 ||
	       parse_idmaps_at(m, where, "gidMappings", &mt->gid_maps, &mt->n_gid_maps, err) < 0
	       ? -1 : 0;
}

static bool
is_bind(const struct urun_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (char **o = m->options; o && *o; o++)
		if (strcmp(*o, "bind") == 0 || strcmp(*o, "rbind") == 0)
			return true;
	return false;
}

static int
parse_mounts(json_t *doc, const char *bundle, struct urun_spec *s, struct urun_err **err)
{
	json_t *arr = NULL, *m;
	size_t i;

	if (json_get_arr(doc, "mounts", "mounts", JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	s->mounts = xcalloc(json_array_size(arr), sizeof(*s->mounts));
	json_array_foreach(arr, i, m) {
		struct urun_mount *mt = &s->mounts[i];

		s->n_mounts = i + 1;
		if (!json_is_object(m))
			return urun_err_set(err, 0, "mounts[%zu]: expected an object", i);
		if (json_get_str(m, "destination", "destination", JSON_REQUIRED,
				 &mt->destination, err) < 0 ||
		    json_get_str(m, "source", "source", JSON_OPTIONAL, &mt->source, err) < 0 ||
		    json_get_str(m, "type", "type", JSON_OPTIONAL, &mt->type, err) < 0 ||
		    json_get_strv(m, "options", "options", JSON_OPTIONAL, &mt->options, err) < 0)
			return urun_err_wrap_field(err, "mounts[%zu]", i);
		if (mt->destination[0] == '\0')
			return urun_err_set(err, 0, "mounts[%zu].destination: must not be empty", i);
		if (mt->options == NULL)
			mt->options = xcalloc(1, sizeof(char *));
		if (parse_mount_idmaps(m, i, mt, err) < 0)
			return -1;
		/* config.md: a relative bind source is relative to the bundle. */
		if (bundle && mt->source && mt->source[0] != '/' && is_bind(mt)) {
			char *abs = xasprintf("%s/%s", bundle, mt->source);

			free(mt->source);
			mt->source = abs;
		}
	}
	return 0;
}

static int
parse_namespaces(json_t *lnx, struct urun_spec *s, struct urun_err **err)
{
	json_t *arr = NULL, *n;
	size_t i, k;

	if (json_get_arr(lnx, "namespaces", "linux.namespaces", JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	s->namespaces = xcalloc(json_array_size(arr), sizeof(*s->namespaces));
	json_array_foreach(arr, i, n) {
		_cleanup_free_ char *type = NULL;
		struct urun_ns *ns = &s->namespaces[i];

		s->n_namespaces = i + 1;
		if (!json_is_object(n))
			return urun_err_set(err, 0, "linux.namespaces[%zu]: expected an object", i);
		if (json_get_str(n, "type", "type", JSON_REQUIRED, &type, err) < 0 ||
		    json_get_str(n, "path", "path", JSON_OPTIONAL, &ns->path, err) < 0)
			return urun_err_wrap_field(err, "linux.namespaces[%zu]", i);
		for (k = 0; k < sizeof(ns_types) / sizeof(ns_types[0]); k++)
			if (strcmp(type, ns_types[k].name) == 0)
				break;
		if (k == sizeof(ns_types) / sizeof(ns_types[0]))
			return urun_err_set(err, 0, "linux.namespaces[%zu].type: unknown "
					    "namespace type '%s'", i, type);
		for (size_t j = 0; j < i; j++)
			if (s->namespaces[j].flag == ns_types[k].flag)
				return urun_err_set(err, 0, "linux.namespaces[%zu].type: duplicate "
						    "namespace '%s'", i, type);
		if (ns->path && ns->path[0] != '/')
			return urun_err_set(err, 0, "linux.namespaces[%zu].path: must be "
					    "absolute", i);
		ns->flag = ns_types[k].flag;
	}
	return 0;
}

static int
parse_idmaps_at(json_t *obj, const char *where, const char *key, struct urun_idmap **out,
		size_t *n, struct urun_err **err)
{
	json_t *arr = NULL, *m;
	size_t i;

	if (json_get_arr(obj, key, key, JSON_OPTIONAL, &arr, err) < 0)
		return urun_err_wrap_field(err, "%s", where);
	if (arr == NULL)
		return 0;
	*out = xcalloc(json_array_size(arr), sizeof(**out));
	json_array_foreach(arr, i, m) {
		int64_t c, h, sz;

		if (!json_is_object(m))
			return urun_err_set(err, 0, "%s.%s[%zu]: expected an object", where, key, i);
		if (json_get_int(m, "containerID", "containerID", JSON_REQUIRED, 0, UINT32_MAX,
				 &c, err) < 0 ||
		    json_get_int(m, "hostID", "hostID", JSON_REQUIRED, 0, UINT32_MAX, &h, err) < 0 ||
		    json_get_int(m, "size", "size", JSON_REQUIRED, 1, UINT32_MAX, &sz, err) < 0)
			return urun_err_wrap_field(err, "%s.%s[%zu]", where, key, i);
		(*out)[i] = (struct urun_idmap){ (uint32_t)c, (uint32_t)h, (uint32_t)sz };
		*n = i + 1;
	}
	return 0;
}

static int
parse_idmaps(json_t *lnx, const char *key, struct urun_idmap **out, size_t *n,
	     struct urun_err **err)
{
	return parse_idmaps_at(lnx, "linux", key, out, n, err);
}

/* fileMode: podman sends the file type bits too (0o20666 for a character
 * device). As runc: keep the permission bits; refuse a type that contradicts
 * TYPE (bits that are neither are out of range already). */
static int
device_file_mode(char type, mode_t v, mode_t *mode, struct urun_err **err)
{
	mode_t want = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;

	if ((v & S_IFMT) != 0 && (v & S_IFMT) != want)
		return urun_err_set(err, 0, "fileMode: file type bits 0%o contradict type '%c'",
				    (unsigned)(v & S_IFMT), type);
	*mode = v & 07777;
	return 0;
}

static int
parse_device(json_t *d, struct urun_device *dev, struct urun_err **err)
{
	_cleanup_free_ char *type = NULL;
	int64_t v;

	if (json_get_str(d, "path", "path", JSON_REQUIRED, &dev->path, err) < 0 ||
	    json_get_str(d, "type", "type", JSON_REQUIRED, &type, err) < 0)
		return -1;
	if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
		return urun_err_set(err, 0, "type: unknown device type '%s'", type);
	if (dev->path[0] != '/')
		return urun_err_set(err, 0, "path: must be absolute");
	dev->type = type[0];
	dev->major = dev->minor = 0;
	if (dev->type != 'p' &&
	    (json_get_int(d, "major", "major", JSON_REQUIRED, 0, 0xfff, &dev->major, err) < 0 ||
	     json_get_int(d, "minor", "minor", JSON_REQUIRED, 0, 0xfffff, &dev->minor, err) < 0))
		return -1;
	v = 0666;
	if (json_get_int(d, "fileMode", "fileMode", JSON_OPTIONAL, 0, S_IFMT | 07777, &v, err) < 0)
		return -1;
	if (device_file_mode(dev->type, (mode_t)v, &dev->mode, err) < 0)
		return -1;
	v = 0;
	if (json_get_int(d, "uid", "uid", JSON_OPTIONAL, 0, UINT32_MAX - 1, &v, err) < 0)
		return -1;
	dev->uid = (uid_t)v;
	v = 0;
	if (json_get_int(d, "gid", "gid", JSON_OPTIONAL, 0, UINT32_MAX - 1, &v, err) < 0)
		return -1;
	dev->gid = (gid_t)v;
	return 0;
}

static int
parse_devices(json_t *lnx, struct urun_spec *s, struct urun_err **err)
{
	json_t *arr = NULL, *d;
	size_t i;

	if (json_get_arr(lnx, "devices", "linux.devices", JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	s->devices = xcalloc(json_array_size(arr), sizeof(*s->devices));
	json_array_foreach(arr, i, d) {
		s->n_devices = i + 1;
		if (!json_is_object(d))
			return urun_err_set(err, 0, "linux.devices[%zu]: expected an object", i);
		if (parse_device(d, &s->devices[i], err) < 0)
			return urun_err_wrap_field(err, "linux.devices[%zu]", i);
	}
	return 0;
}

static int
parse_propagation(json_t *lnx, struct urun_spec *s, struct urun_err **err)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} modes[] = {
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};
	_cleanup_free_ char *p = NULL;

	if (json_get_str(lnx, "rootfsPropagation", "linux.rootfsPropagation", JSON_OPTIONAL,
			 &p, err) < 0)
		return -1;
	if (p == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(p, modes[i].name) == 0) {
			s->rootfs_propagation = modes[i].flags;
			return 0;
		}
	}
	return urun_err_set(err, 0, "linux.rootfsPropagation: unknown mode '%s'", p);
}

static int
parse_personality(json_t *lnx, struct urun_spec *s, struct urun_err **err)
{
	json_t *pers = NULL, *flags = NULL;
	_cleanup_free_ char *domain = NULL;

	if (json_get_obj(lnx, "personality", "linux.personality", JSON_OPTIONAL, &pers, err) < 0)
		return -1;
	if (pers == NULL)
		return 0;
	if (json_get_str(pers, "domain", "linux.personality.domain", JSON_REQUIRED, &domain,
			 err) < 0 ||
	    json_get_arr(pers, "flags", "linux.personality.flags", JSON_OPTIONAL, &flags, err) < 0)
		return -1;
	if (strcmp(domain, "LINUX") == 0)
		s->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		s->personality = PER_LINUX32;
	else
		return urun_err_set(err, 0, "linux.personality.domain: unknown domain '%s'", domain);
	/* The spec defines no flag names yet; refuse rather than drop them. */
	if (flags && json_array_size(flags) > 0)
		return urun_err_set(err, 0, "linux.personality.flags: no flags are defined");
	s->has_personality = true;
	return 0;
}

static int
parse_sysctl(json_t *lnx, struct urun_spec *s, struct urun_err **err)
{
	const char *k;
	json_t *v;

	if (json_get_obj(lnx, "sysctl", "linux.sysctl", JSON_OPTIONAL, &s->sysctl, err) < 0)
		return -1;
	json_object_foreach(s->sysctl, k, v) {
		if (!json_is_string(v))
			return urun_err_set(err, 0, "linux.sysctl.%s: expected a string", k);
		if (k[0] == '\0' || strstr(k, "..") || k[0] == '.' || k[0] == '/')
			return urun_err_set(err, 0, "linux.sysctl: bad name '%s'", k);
	}
	return 0;
}

static int
parse_linux(json_t *doc, struct urun_spec *s, struct urun_err **err)
{
	json_t *lnx = NULL;

	if (json_get_obj(doc, "linux", "linux", JSON_OPTIONAL, &lnx, err) < 0)
		return -1;
	s->linux_obj = lnx;
	if (lnx == NULL)
		return 0;
	if (parse_namespaces(lnx, s, err) < 0 ||
	    parse_idmaps(lnx, "uidMappings", &s->uid_maps, &s->n_uid_maps, err) < 0 ||
	    parse_idmaps(lnx, "gidMappings", &s->gid_maps, &s->n_gid_maps, err) < 0 ||
	    parse_devices(lnx, s, err) < 0 || parse_propagation(lnx, s, err) < 0 ||
	    parse_personality(lnx, s, err) < 0 || parse_sysctl(lnx, s, err) < 0)
		return -1;
	if (json_get_strv(lnx, "maskedPaths", "linux.maskedPaths", JSON_OPTIONAL,
			  &s->masked_paths, err) < 0 ||
	    json_get_strv(lnx, "readonlyPaths", "linux.readonlyPaths", JSON_OPTIONAL,
			  &s->readonly_paths, err) < 0 ||
	    json_get_obj(lnx, "seccomp", "linux.seccomp", JSON_OPTIONAL, &s->seccomp, err) < 0)
		return -1;
	return 0;
}

/* Cross-field rules of config.md and config-linux.md. */
static int
check_consistency(struct urun_spec *s, struct urun_err **err)
{
	const struct urun_ns *user = urun_spec_ns(s, CLONE_NEWUSER);

	if (s->hostname && !urun_spec_ns(s, CLONE_NEWUTS))
		return urun_err_set(err, 0, "hostname: needs a new uts namespace");
	if (s->domainname && !urun_spec_ns(s, CLONE_NEWUTS))
		return urun_err_set(err, 0, "domainname: needs a new uts namespace");
	if ((s->n_uid_maps || s->n_gid_maps) && (!user || user->path))
		return urun_err_set(err, 0, "linux.uidMappings: mappings need a new user "
				    "namespace");
	if (user && !user->path && (!s->n_uid_maps || !s->n_gid_maps))
		return urun_err_set(err, 0, "linux.uidMappings: a new user namespace needs "
				    "uidMappings and gidMappings");
	return 0;
}

static int
parse_doc(json_t *doc, const char *bundle, struct urun_spec *s, struct urun_err **err)
{
	json_t *proc = NULL;

	if (!json_is_object(doc))
		return urun_err_set(err, 0, "expected an object at the top level");
	if (json_get_str(doc, "ociVersion", "ociVersion", JSON_REQUIRED, &s->oci_version,
			 err) < 0 || check_version(s->oci_version, err) < 0)
		return -1;
	if (parse_root(doc, bundle, s, err) < 0 || parse_mounts(doc, bundle, s, err) < 0)
		return -1;
	if (json_get_obj(doc, "process", "process", JSON_OPTIONAL, &proc, err) < 0)
		return -1;
	if (proc && urun_spec_parse_process(proc, &s->process, err) < 0)
		return -1;
	s->has_process = proc != NULL;
	if (json_get_str(doc, "hostname", "hostname", JSON_OPTIONAL, &s->hostname, err) < 0 ||
	    json_get_str(doc, "domainname", "domainname", JSON_OPTIONAL, &s->domainname, err) < 0 ||
	    json_get_obj(doc, "hooks", "hooks", JSON_OPTIONAL, &s->hooks, err) < 0 ||
	    json_get_obj(doc, "annotations", "annotations", JSON_OPTIONAL, &s->annotations, err) < 0)
		return -1;
	if (parse_linux(doc, s, err) < 0)
		return -1;
	return check_consistency(s, err);
}

static struct urun_spec *
spec_from_json(json_t *doc, const char *bundle, struct urun_err **err)
{
	struct urun_spec *s = xcalloc(1, sizeof(*s));

	s->json = doc;
	if (parse_doc(doc, bundle, s, err) < 0) {
		urun_spec_free(s);
		return NULL;
	}
	return s;
}

struct urun_spec *
urun_spec_parse_str(const char *text, struct urun_err **err)
{
	json_error_t jerr;
	json_t *doc = json_load_config(text, &jerr);

	if (doc == NULL) {
		urun_err_set(err, 0, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	return spec_from_json(doc, NULL, err);
}

struct urun_spec *
urun_spec_load(const char *bundle, struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	json_t *doc;
	struct urun_spec *s;

	if (read_file(path, &text, NULL, err) < 0)
		return NULL;
	doc = json_load_config(text, &jerr);
	if (doc == NULL) {
		urun_err_set(err, 0, "config.json: line %d column %d: %s", jerr.line,
			     jerr.column, jerr.text);
		return NULL;
	}
	s = spec_from_json(doc, bundle, err);
	if (s == NULL)
		urun_err_wrap(err, "config.json");
	return s;
}

const struct urun_ns *
urun_spec_ns(const struct urun_spec *spec, int flag)
{
	for (size_t i = 0; i < spec->n_namespaces; i++)
		if (spec->namespaces[i].flag == flag)
			return &spec->namespaces[i];
	return NULL;
}

void
urun_spec_free(struct urun_spec *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].source);
		free(s->mounts[i].type);
		strv_freep(&s->mounts[i].options);
		free(s->mounts[i].uid_maps);
		free(s->mounts[i].gid_maps);
	}
	free(s->mounts);
	for (size_t i = 0; i < s->n_namespaces; i++)
		free(s->namespaces[i].path);
	free(s->namespaces);
	for (size_t i = 0; i < s->n_devices; i++)
		free(s->devices[i].path);
	free(s->devices);
	free(s->uid_maps);
	free(s->gid_maps);
	strv_freep(&s->masked_paths);
	strv_freep(&s->readonly_paths);
	urun_process_release(&s->process);
	free(s->oci_version);
	free(s->root_path);
	free(s->hostname);
	free(s->domainname);
	json_decref(s->json);
	free(s);
}

void
urun_spec_freep(struct urun_spec **s)
{
	urun_spec_free(*s);
}
