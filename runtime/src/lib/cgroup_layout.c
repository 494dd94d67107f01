/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which cgroup hierarchies the host has (v1, v2 or hybrid, from mountinfo),
 * where the caller sits in them, and where a container's cgroup goes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "util.h"

static const char *const v1_names[CG_NCTRL] = {
	"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls",
	"net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
};

/* v2 names; NULL where v2 has no such controller (cpuacct is part of cpu,
 * devices and freezer are core features, net_* are gone). */
static const char *const v2_names[CG_NCTRL] = {
	"cpu", NULL, "cpuset", "memory", NULL, NULL, NULL,
	NULL, "io", "perf_event", "hugetlb", "pids", "rdma", "misc",
};

const char *
cg_ctrl_name(enum cg_ctrl c, bool v2)
{
	if ((int)c < 0 || c >= CG_NCTRL)
		return NULL;
	return v2 ? v2_names[c] : v1_names[c];
}

int
cg_ctrl_from_name(const char *name, bool v2)
{
	for (int c = 0; c < CG_NCTRL; c++) {
		const char *n = cg_ctrl_name((enum cg_ctrl)c, v2);

		if (n && strcmp(n, name) == 0)
			return c;
	}
	return -1;
}

int
cg_owner(const struct cg_layout *l, enum cg_ctrl c)
{
	int v2 = -1;

	for (size_t i = 0; i < l->n; i++) {
		if (!(l->h[i].ctrls & CG_BIT(c)))
			continue;
		if (!l->h[i].v2)
			return (int)i;
		v2 = (int)i;
	}
	return v2;
}

int
cg_v2_index(const struct cg_layout *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].v2)
			return (int)i;
	return -1;
}

bool
cg_used(const struct cg_hier *h)
{
	return h->v2 || h->ctrls != 0 || (h->name && strcmp(h->name, "systemd") == 0);
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void
unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Controllers (and name=) from a comma list: v1 super options or the middle
 * field of /proc/self/cgroup. Options such as rw or xattr are skipped. */
static unsigned
parse_ctrls(const char *list, char **name)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;
	unsigned bits = 0;

	*name = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int c = cg_ctrl_from_name(t, false);

		if (c >= 0)
			bits |= CG_BIT(c);
		else if (strncmp(t, "name=", 5) == 0 && *name == NULL)
			*name = xstrdup(t + 5);
	}
	return bits;
}

static bool
same_hier(const struct cg_hier *h, bool v2, unsigned ctrls, const char *name)
{
	if (h->v2 || v2)
		return h->v2 == v2;
	if (h->ctrls != ctrls)
		return false;
	return (h->name == NULL && name == NULL) ||
	       (h->name && name && strcmp(h->name, name) == 0);
}

static int
find_hier(const struct cg_layout *l, bool v2, unsigned ctrls, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_hier(&l->h[i], v2, ctrls, name))
			return (int)i;
	return -1;
}

/* The v2 controllers offered at the top of the mount. */
static unsigned
v2_ctrls(const char *dir)
{
	_cleanup_free_ char *s = cg_read(dir, "cgroup.controllers");
	char *save = NULL;
	unsigned bits = 0;

	if (s == NULL)
		return 0;
	for (char *t = strtok_r(s, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		int c = cg_ctrl_from_name(t, true);

		if (c >= 0)
			bits |= CG_BIT(c);
	}
	return bits;
}

/* One mountinfo line; cgroup mounts are added to L, duplicates skipped. */
static void
add_mount(struct cg_layout *l, char *line)
{
	char *f[10], *save = NULL, *sep, *name = NULL;
	unsigned ctrls = 0;
	bool v2;
	int n = 0;

	sep = strstr(line, " - ");
	if (sep == NULL)
		return;
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t && n < 5; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	for (char *t = strtok_r(sep + 3, " \n", &save); t && n < 8; t = strtok_r(NULL, " \n", &save))
		f[n++] = t;
	if (n < 8)
		return;
	if (strcmp(f[5], "cgroup2") == 0)
		v2 = true;
	else if (strcmp(f[5], "cgroup") == 0)
		v2 = false;
	else
		return;
	if (!v2)
		ctrls = parse_ctrls(f[7], &name);
	if ((!v2 && ctrls == 0 && name == NULL) || find_hier(l, v2, ctrls, name) >= 0) {
		free(name);
		return;
	}
	unescape(f[3]);
	unescape(f[4]);
	l->h = xrealloc(l->h, (l->n + 1) * sizeof(*l->h));
	l->h[l->n] = (struct cg_hier){
		.dir = xasprintf("%s%s", l->root, f[4]), .mnt_root = xstrdup(f[3]),
		.name = name, .ctrls = ctrls, .v2 = v2,
	};
	if (v2)
		l->h[l->n].ctrls = v2_ctrls(l->h[l->n].dir);
	l->n++;
}

/* PATH (from /proc/PID/cgroup) relative to the mount of H. */
static char *
mount_relative(const struct cg_hier *h, const char *path)
{
	size_t n = strlen(h->mnt_root);

	if (strcmp(h->mnt_root, "/") == 0)
		return xstrdup(path);
	if (strncmp(path, h->mnt_root, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		return xstrdup(path[n] ? path + n : "/");
	log_debug("cgroup '%s' is outside the mount at '%s'", path, h->dir);
	return xstrdup(path);
}

/* Read ROOT/proc/PID/cgroup ("self" or a number) into OUT[i] for each
 * hierarchy of L, relative to its mount; "/" where the file says nothing. */
static int
read_proc_cgroup(const struct cg_layout *l, const char *pid, char **out, struct urun_err **err)
{
	_cleanup_free_ char *file = xasprintf("%s/proc/%s/cgroup", l->root, pid);
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (read_file(file, &text, NULL, err) < 0)
		return -1;
	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(ln, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		_cleanup_free_ char *name = NULL;
		unsigned ctrls;
		int i;

		if (c2 == NULL)
			continue;
		*c2 = '\0';
		ctrls = parse_ctrls(c1 + 1, &name);
		i = find_hier(l, c1[1] == '\0', ctrls, name);
		if (i >= 0 && out[i] == NULL)
			out[i] = mount_relative(&l->h[i], c2 + 1);
	}
	for (size_t i = 0; i < l->n; i++)
		if (out[i] == NULL)
			out[i] = xstrdup("/");
	return 0;
}

int
cg_proc_paths(const struct cg_layout *l, pid_t pid, char ***paths, struct urun_err **err)
{
	_cleanup_free_ char *spid = xasprintf("%d", (int)pid);
	char **out = xcalloc(l->n, sizeof(char *));

	if (read_proc_cgroup(l, spid, out, err) < 0) {
		cg_paths_free(out, l->n);
		return -1;
	}
	*paths = out;
	return 0;
}

struct cg_layout *
cg_layout_load(const char *root, struct urun_err **err)
{
	_cleanup_layout_ struct cg_layout *l = xcalloc(1, sizeof(*l));
	_cleanup_free_ char *file = xasprintf("%s/proc/self/mountinfo", root);
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char **self = NULL;
	char *save = NULL;
	bool v1 = false, v2 = false;

	l->root = xstrdup(root);
	if (read_file(file, &text, NULL, err) < 0)
		return NULL;
	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save))
		add_mount(l, ln);
	for (size_t i = 0; i < l->n; i++) {
		v1 |= !l->h[i].v2 && l->h[i].ctrls;
		v2 |= l->h[i].v2;
	}
	if (!v1 && !v2) {
		urun_err_set(err, ENOENT, "no cgroup hierarchy is mounted");
		return NULL;
	}
	l->mode = v1 && v2 ? CG_MODE_HYBRID : v2 ? CG_MODE_V2 : CG_MODE_V1;
	self = xcalloc(l->n, sizeof(char *));
	if (read_proc_cgroup(l, "self", self, err) < 0) {
		cg_paths_free(steal_ptr(&self), l->n);
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++)
		l->h[i].self = self[i];
	return steal_ptr(&l);
}

void
cg_layout_free(struct cg_layout *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->h[i].dir);
		free(l->h[i].mnt_root);
		free(l->h[i].name);
		free(l->h[i].self);
	}
	free(l->h);
	free(l->root);
	free(l);
}

void
cg_layout_freep(struct cg_layout **l)
{
	cg_layout_free(*l);
}

void
cg_paths_free(char **paths, size_t n)
{
	if (paths == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* "/a//b/" or "a/b" -> "/a/b"; "." and ".." components are refused, so a
 * cgroupsPath cannot climb out of its hierarchy. "/" stays "/". */
static char *
normalize(const char *p, const char *field, struct urun_err **err)
{
	_cleanup_free_ char *copy = xstrdup(p);
	char *out = xcalloc(1, strlen(p) + 2), *save = NULL;

	/* A newline would split the path kept in state.json into lines that
	 * cg_paths_decode() reads as other hierarchies' paths. */
	if (strchr(p, '\n')) {
		free(out);
		urun_err_set(err, 0, "%s: a newline is not allowed", field);
		return NULL;
	}
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0) {
			free(out);
			urun_err_set(err, 0, "%s: '%s': '.' and '..' are not allowed", field, p);
			return NULL;
		}
		strcat(strcat(out, "/"), t);
	}
	if (out[0] == '\0')
		strcpy(out, "/");
	return out;
}

/* systemd's unit name escaping is not needed: the parts become path
 * components verbatim, checked by normalize(). */
static int
expand_slice(const char *slice, char **out, struct urun_err **err)
{
	size_t n = strlen(slice);
	char *path;

	if (n == 0 || strcmp(slice, "-.slice") == 0) {
		*out = xstrdup("");
		return 0;
	}
	if (n < 7 || strcmp(slice + n - 6, ".slice") != 0 || strchr(slice, '/') ||
	    slice[0] == '-' || strstr(slice, "--") || slice[n - 7] == '-')
		return urun_err_set(err, 0, "linux.cgroupsPath: invalid slice '%s'", slice);
	/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" */
	path = xcalloc(n + 8, n + 1);
	for (size_t i = 0; i < n - 6; i++) {
		if (slice[i] != '-')
			continue;
		strcat(path, "/");
		strncat(path, slice, i);
		strcat(path, ".slice");
	}
	strcat(strcat(path, "/"), slice);
	*out = path;
	return 0;
}

/* runc's --systemd-cgroup form "slice:prefix:name" becomes the path systemd
 * would give the unit: "system.slice:docker:abc" -> "/system.slice/docker-abc.scope"
 * (an empty slice means system.slice; a NAME ending in ".slice" is a slice
 * nested under SLICE instead of a scope). urun has no systemd manager: it
 * creates these directories itself like any other path. */
int
cg_systemd_path(const char *s, char **out, struct urun_err **err)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	_cleanup_free_ char *slice = NULL, *prefix = NULL, *base = NULL;
	const char *name;

	if (s[0] == '/' || c2 == NULL || strchr(c2 + 1, ':'))
		return 0;
	slice = xasprintf("%.*s", (int)(c1 - s), s);
	prefix = xasprintf("%.*s", (int)(c2 - c1 - 1), c1 + 1);
	name = c2 + 1;
	if (slice[0] && !strstr(slice, ".slice"))
		return 0;	/* "a:b:c" that is no systemd form: a relative path */
	if (name[0] == '\0')
		return urun_err_set(err, 0, "linux.cgroupsPath: '%s': empty unit name", s);
	if (expand_slice(slice[0] ? slice : "system.slice", &base, err) < 0)
		return -1;
	if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".slice") == 0)
		*out = xasprintf("%s/%s", base, name);
	else if (prefix[0])
		*out = xasprintf("%s/%s-%s.scope", base, prefix, name);
	else
		*out = xasprintf("%s/%s.scope", base, name);
	return 1;
}

int
cg_resolve(const struct cg_layout *l, const char *cgroups_path, const char *id,
	   char ***paths, struct urun_err **err)
{
	_cleanup_free_ char *given = NULL, *norm = NULL;
	char **out;
	int sd;

	if (cgroups_path == NULL)
		given = xasprintf("/urun/%s", id);
	else if (cgroups_path[0] == '\0')
		return urun_err_set(err, 0, "linux.cgroupsPath: must not be empty");
	else if ((sd = cg_systemd_path(cgroups_path, &given, err)) < 0)
		return -1;
	else if (sd == 0)
		given = xstrdup(cgroups_path);
	norm = normalize(given, "linux.cgroupsPath", err);
	if (norm == NULL)
		return -1;
	/* "/" or a relative "x/.." would be the root or the caller's own cgroup. */
	if (strcmp(norm, "/") == 0)
		return urun_err_set(err, 0, "linux.cgroupsPath: '%s': names no cgroup of its own",
				    given);
	out = xcalloc(l->n, sizeof(char *));
	for (size_t i = 0; i < l->n; i++) {
		const char *self = l->h[i].self;

		if (!cg_used(&l->h[i]))
			continue;
		/* Absolute: from the mount point. Relative: from the caller's
		 * cgroup in this hierarchy. */
		if (given[0] == '/')
			out[i] = xstrdup(norm);
		else
			out[i] = xasprintf("%s%s", strcmp(self, "/") ? self : "", norm);
	}
	*paths = out;
	return 0;
}

static char *
hier_key(const struct cg_hier *h)
{
	char *key = xstrdup("");

	if (h->v2)
		return key;
	for (int c = 0; c < CG_NCTRL; c++) {
		char *k;

		if (!(h->ctrls & CG_BIT(c)))
			continue;
		k = xasprintf("%s%s%s", key, key[0] ? "," : "", v1_names[c]);
		free(key);
		key = k;
	}
	if (h->name) {
		char *k = xasprintf("%s%sname=%s", key, key[0] ? "," : "", h->name);

		free(key);
		key = k;
	}
	return key;
}

/* "key:path" lines for the non-NULL entries of V. */
static char *
encode_lines(const struct cg_layout *l, char **v)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < l->n; i++) {
		_cleanup_free_ char *key = NULL;
		char *next;

		if (v[i] == NULL)
			continue;
		key = hier_key(&l->h[i]);
		next = xasprintf("%s%s%s:%s", s, s[0] ? "\n" : "", key, v[i]);
		free(s);
		s = next;
	}
	return s;
}

char *
cg_paths_encode(const struct cg_layout *l, char **paths)
{
	const char *first = NULL;
	bool uniform = true;

	for (size_t i = 0; i < l->n; i++) {
		if (paths[i] == NULL)
			continue;
		if (first && strcmp(first, paths[i]) != 0)
			uniform = false;
		if (first == NULL)
			first = paths[i];
	}
	if (uniform)
		return xstrdup(first ? first : "/");
	return encode_lines(l, paths);
}

/* Uniform only when every hierarchy the container uses has the same owned
 * directory: a NULL among them (a cgroup that was already there) must stay
 * NULL after decoding. */
char *
cg_owned_encode(const struct cg_layout *l, char **paths, char **owned)
{
	const char *first = NULL;
	bool uniform = true, any = false;

	for (size_t i = 0; i < l->n; i++) {
		if (paths[i] == NULL)
			continue;
		any |= owned[i] != NULL;
		if (owned[i] == NULL || (first && strcmp(first, owned[i]) != 0))
			uniform = false;
		if (first == NULL)
			first = owned[i];
	}
	if (!any)
		return xstrdup("");
	if (uniform)
		return xstrdup(first);
	return encode_lines(l, owned);
}

int
cg_owned_decode(const struct cg_layout *l, const char *s, char ***owned, struct urun_err **err)
{
	if (s[0] == '\0') {
		*owned = xcalloc(l->n, sizeof(char *));
		return 0;
	}
	return cg_paths_decode(l, s, owned, err);
}

int
cg_paths_decode(const struct cg_layout *l, const char *s, char ***paths, struct urun_err **err)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char **out = xcalloc(l->n, sizeof(char *)), *save = NULL;

	*paths = out;
	if (s[0] == '/') {
		for (size_t i = 0; i < l->n; i++)
			if (cg_used(&l->h[i]))
				out[i] = xstrdup(s);
		return 0;
	}
	for (char *ln = strtok_r(copy, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(ln, ':');
		_cleanup_free_ char *name = NULL;
		unsigned ctrls;
		int i;

		if (colon == NULL || colon[1] != '/')
			return urun_err_set(err, 0, "bad cgroup path '%s'", s);
		*colon = '\0';
		/* parse_ctrls sets NAME: call it before NAME is read. */
		ctrls = parse_ctrls(ln, &name);
		i = find_hier(l, ln[0] == '\0', ctrls, name);
		if (i >= 0 && out[i] == NULL)
			out[i] = xstrdup(colon + 1);
		else if (i < 0)
			log_debug("cgroup hierarchy '%s' is gone, skipped", ln);
	}
	return 0;
}

char *
cg_dir(const struct cg_layout *l, size_t i, const char *path)
{
	return xasprintf("%s%s", l->h[i].dir, strcmp(path, "/") ? path : "");
}

int
cg_write(const char *dir, const char *file, const char *value)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return write_all(fd, value, strlen(value));
}

char *
cg_read(const char *dir, const char *file)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
	char *buf = NULL;

	if (read_file(path, &buf, NULL, NULL) < 0)
		return NULL;
	return buf;
}
