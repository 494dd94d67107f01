/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev in the container: the default devices of config-linux.md, its symlinks,
 * and linux.devices. mknod where allowed; in a user namespace the host's node is
 * bind-mounted onto an empty file instead (the kernel refuses mknod there). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "mount.h"
#include "rootfs.h"
#include "spec.h"
#include "util.h"

static const struct urun_device default_devices[] = {
	{ (char *)"/dev/null", 'c', 1, 3, 0666, 0, 0 },
	{ (char *)"/dev/zero", 'c', 1, 5, 0666, 0, 0 },
	{ (char *)"/dev/full", 'c', 1, 7, 0666, 0, 0 },
	{ (char *)"/dev/random", 'c', 1, 8, 0666, 0, 0 },
	{ (char *)"/dev/urandom", 'c', 1, 9, 0666, 0, 0 },
	{ (char *)"/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

/* config-linux.md: a file already at the path that is not the requested
 * device is an error. 1: it is that device; 0: nothing there; -1: mismatch. */
static int
existing_node(int parent, const char *name, const struct urun_device *d, mode_t type,
	      struct urun_err **err)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if ((st.st_mode & S_IFMT) == type &&
	    (type == S_IFIFO || st.st_rdev == makedev(d->major, d->minor)))
		return 1;
	return urun_err_set(err, 0, "'%s' exists and is not the requested device", d->path);
}

static int
make_node(int rootfd, const struct urun_device *d, bool in_userns, struct urun_err **err)
{
	_cleanup_close_ int parent = -1, fd = -1;
	_cleanup_free_ char *dir = xstrdup(d->path);
	char *slash = strrchr(dir, '/'), buf[32];
	const char *name = slash + 1;
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;

	*slash = '\0';
	parent = resolve_in_root(rootfd, *dir ? dir : "/", true, false, err);
	if (parent < 0)
		return -1;
	switch (existing_node(parent, name, d, type, err)) {
	case 1: return 0;	/* already the requested device */
	case -1: return -1;
	}
	if (!in_userns || d->type == 'p') {
		if (mknodat(parent, name, type | (d->mode & 07777),
			    makedev(d->major, d->minor)) < 0)
			return urun_err_set(err, errno, "mknod '%s'", d->path);
		/* mknod obeys the umask; the config's mode is exact. */
		fd = openat(parent, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
		if (fd < 0 || chmod(buf, d->mode & 07777) < 0 ||
		    fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
			return urun_err_set(err, errno, "set owner and mode of '%s'", d->path);
		return 0;
	}
	fd = openat(parent, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return urun_err_set(err, errno, "create '%s'", d->path);
	close(fd);
	fd = openat(parent, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	if (fd < 0 || mount(d->path, buf, NULL, MS_BIND, NULL) < 0)
		return urun_err_set(err, errno, "bind host device '%s'", d->path);
	return 0;
}

static int
dev_links(int rootfd, struct urun_err **err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	_cleanup_close_ int dev = resolve_in_root(rootfd, "/dev", true, false, err);

	if (dev < 0)
		return -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		struct stat st;

		/* A bind-mounted or created node wins (e.g. a config /dev/ptmx). */
		if (fstatat(dev, links[i][1], &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (symlinkat(links[i][0], dev, links[i][1]) < 0)
			return urun_err_set(err, errno, "symlink '/dev/%s'", links[i][1]);
	}
	if (access("/proc/kcore", F_OK) == 0)
		symlinkat("/proc/kcore", dev, "core");
	return 0;
}

int
dev_setup(int rootfd, const struct urun_spec *spec, bool in_userns, struct urun_err **err)
{
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		bool overridden = false;

		for (size_t j = 0; j < spec->n_devices; j++)
			if (strcmp(spec->devices[j].path, default_devices[i].path) == 0)
				overridden = true;
		if (!overridden && make_node(rootfd, &default_devices[i], in_userns, err) < 0)
			return urun_err_wrap(err, "default devices");
	}
	for (size_t j = 0; j < spec->n_devices; j++)
		if (make_node(rootfd, &spec->devices[j], in_userns, err) < 0)
			return urun_err_wrap(err, "linux.devices[%zu]", j);
	return dev_links(rootfd, err);
}
