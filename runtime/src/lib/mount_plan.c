/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config mount -> struct mount_op (mount.h). Pure: no kernel calls. */
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

#include "cleanup.h"
#include "error.h"
#include "mount.h"
#include "spec.h"
#include "util.h"

struct mount_flag {
	const char *name;
	bool clear;		/* the option clears FLAG */
	unsigned long flag;
};

static const struct mount_flag flag_opts[] = {
	{ "defaults", true, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS },
	{ "ro", false, MS_RDONLY }, { "rw", true, MS_RDONLY },
	{ "suid", true, MS_NOSUID }, { "nosuid", false, MS_NOSUID },
	{ "dev", true, MS_NODEV }, { "nodev", false, MS_NODEV },
	{ "exec", true, MS_NOEXEC }, { "noexec", false, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS }, { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC }, { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK }, { "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME }, { "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME }, { "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME }, { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "lazytime", false, MS_LAZYTIME }, { "nolazytime", true, MS_LAZYTIME },
	{ "silent", false, MS_SILENT }, { "loud", true, MS_SILENT },
	{ "iversion", false, MS_I_VERSION }, { "noiversion", true, MS_I_VERSION },
	{ "nosymfollow", false, 256 /* MS_NOSYMFOLLOW */ },
	{ "symfollow", true, 256 },
};

static const struct mount_flag propagation_opts[] = {
	{ "private", false, MS_PRIVATE }, { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "shared", false, MS_SHARED }, { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE }, { "rslave", false, MS_SLAVE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

/* Recursive mount attributes of mount_setattr(2) (runtime-spec "rro" & co). */
static const struct mount_flag attr_opts[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY }, { "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID }, { "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV }, { "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC }, { "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME }, { "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME }, { "rrelatime", false, MOUNT_ATTR_RELATIME },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME },
	/* The negations of an atime mode pick another mode: the field holds
	 * one, and mount_setattr cannot clear a mode only where it is set.
	 * "atime" and "nostrictatime" mean the kernel's default, relatime;
	 * "norelatime" means strictatime, as mount(8) describes it. */
	{ "ratime", false, MOUNT_ATTR_RELATIME }, { "rnostrictatime", false, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", false, MOUNT_ATTR_STRICTATIME },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

static const struct mount_flag *
find_opt(const struct mount_flag *tab, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

#define FIND(tab, name) find_opt(tab, sizeof(tab) / sizeof(tab[0]), name)

static void
append_data(char **data, const char *opt)
{
	char *n = *data ? xasprintf("%s,%s", *data, opt) : xstrdup(opt);

	free(*data);
	*data = n;
}

static void
apply_option(struct mount_op *op, const char *o)
{
	const struct mount_flag *f;

	if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
		op->idmap = true;
		op->idmap_recursive = o[0] == 'r';
	} else if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
		op->kind = MOUNT_BIND;
		op->recursive = o[0] == 'r';
	} else if ((f = FIND(flag_opts, o)) != NULL) {
		if (f->clear)
			op->flags &= ~f->flag;
		else
			op->flags |= f->flag;
	} else if ((f = FIND(propagation_opts, o)) != NULL) {
		op->propagation = f->flag;
	} else if ((f = FIND(attr_opts, o)) != NULL) {
		/* The atime modes share one field, and RELATIME is 0 in it:
		 * clear the whole field, then set the mode. */
		if (f->flag == MOUNT_ATTR_RELATIME || f->flag == MOUNT_ATTR_NOATIME ||
		    f->flag == MOUNT_ATTR_STRICTATIME)
			op->attr_clr |= MOUNT_ATTR__ATIME;
		if (f->clear)
			op->attr_clr |= f->flag;
		else
			op->attr_set |= f->flag;
	} else if (strcmp(o, "tmpcopyup") == 0) {
		op->copy_up = true;
	} else {
		/* Anything else is filesystem data (size=, mode=, gid=, ...). */
		append_data(&op->data, o);
	}
}

/* Files lxcfs emulates, which may be bound over procfs's own (runc's list). */
static const char *const proc_emulated[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
	"/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/sys/kernel/ns_last_pid",
	"/proc/sys/crypto/fips_enabled",
};

/* DEST with repeated slashes, "." components and a trailing slash dropped. */
static char *
clean_path(const char *dest)
{
	char *out = xmalloc(strlen(dest) + 2);
	size_t len = 0;

	for (const char *p = dest; *(p += strspn(p, "/")) != '\0';) {
		size_t n = strcspn(p, "/");

		if (n != 1 || p[0] != '.') {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

enum proc_dest
mount_proc_dest(const char *dest)
{
	_cleanup_free_ char *c = clean_path(dest);

	if (strcmp(c, "/proc") == 0)
		return PROC_DEST_ROOT;
	if (strncmp(c, "/proc/", 6) != 0)
		return PROC_DEST_OUTSIDE;
	for (size_t i = 0; i < sizeof(proc_emulated) / sizeof(proc_emulated[0]); i++)
		if (strcmp(c, proc_emulated[i]) == 0)
			return PROC_DEST_EMULATED;
	return PROC_DEST_REFUSED;
}

/* CVE-2019-16884: nothing but proc covers /proc, nothing covers its insides
 * but the files lxcfs emulates (a bind's source is checked when mounting). */
static int
check_proc_dest(struct mount_op *op, const char *dest, struct urun_err **err)
{
	_cleanup_free_ char *c = clean_path(op->target);

	op->proc_dest = mount_proc_dest(op->target);
	/* CVE-2023-27561: an image's /proc or /sys symlink would carry the
	 * mount elsewhere, where masks and readonly paths miss it. */
	op->real_dir = strcmp(c, "/proc") == 0 || strcmp(c, "/sys") == 0 ||
		       (op->kind == MOUNT_FS && (strcmp(op->fstype, "proc") == 0 ||
						 strcmp(op->fstype, "sysfs") == 0));
	if (op->proc_dest == PROC_DEST_REFUSED)
		return urun_err_set(err, 0, "destination '%s': inside /proc, where only the files "
				    "lxcfs emulates (/proc/meminfo, ...) may be mounted over", dest);
	if (op->proc_dest == PROC_DEST_ROOT && !(op->flags & MS_REMOUNT) &&
	    (op->kind == MOUNT_CGROUP ||
	     (op->kind == MOUNT_FS && strcmp(op->fstype, "proc") != 0)))
		return urun_err_set(err, 0, "destination '%s': only a proc filesystem or a bind of "
				    "one may be mounted at /proc, not type '%s'", dest, op->fstype);
	return 0;
}

int
mount_plan(const struct urun_mount *m, struct mount_op *op, struct urun_err **err)
{
	memset(op, 0, sizeof(*op));
	op->userns_fd = -1;
	op->target = m->destination[0] == '/' ? xstrdup(m->destination)
					       : xasprintf("/%s", m->destination);
	size_t len = strlen(op->target);

	if (strstr(op->target, "/../") || (len >= 3 && strcmp(op->target + len - 3, "/..") == 0)) {
		/* Harmless under RESOLVE_IN_ROOT, but almost surely a mistake. */
		mount_op_release(op);
		return urun_err_set(err, 0, "destination '%s': contains '..'", m->destination);
	}
	op->source = xstrdup(m->source ? m->source : (m->type ? m->type : "none"));
	op->fstype = m->type ? xstrdup(m->type) : NULL;
	for (char **o = m->options; o && *o; o++)
		apply_option(op, *o);
	if (op->fstype && strcmp(op->fstype, "bind") == 0)
		op->kind = MOUNT_BIND;
	if (op->kind == MOUNT_FS && op->fstype && strcmp(op->fstype, "cgroup") == 0)
		op->kind = MOUNT_CGROUP;
	if (op->kind == MOUNT_FS && (op->fstype == NULL || strcmp(op->fstype, "none") == 0)) {
		mount_op_release(op);
		return urun_err_set(err, 0, "destination '%s': no type and no bind option",
				    m->destination);
	}
	if (m->n_uid_maps || m->n_gid_maps)
		op->idmap = true;
	if (op->idmap && op->kind != MOUNT_BIND) {
		mount_op_release(op);
		return urun_err_set(err, 0, "destination '%s': idmapped mounts must be bind mounts",
				    m->destination);
	}
	if (op->copy_up && (op->fstype == NULL || strcmp(op->fstype, "tmpfs") != 0)) {
		mount_op_release(op);
		return urun_err_set(err, 0, "destination '%s': tmpcopyup needs a tmpfs",
				    m->destination);
	}
	if (op->kind == MOUNT_BIND && op->source[0] != '/') {
		mount_op_release(op);
		return urun_err_set(err, 0, "destination '%s': bind source '%s' must be "
				    "absolute", m->destination, m->source ? m->source : "");
	}
	if (check_proc_dest(op, m->destination, err) < 0) {
		mount_op_release(op);
		return -1;
	}
	return 0;
}

void
mount_op_release(struct mount_op *op)
{
	free(op->source);
	free(op->target);
	free(op->fstype);
	free(op->data);
	memset(op, 0, sizeof(*op));
}
