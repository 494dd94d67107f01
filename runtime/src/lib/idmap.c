/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uid_map / gid_map (idmap.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "idmap.h"
#include "spec.h"
#include "util.h"

bool
idmap_direct_ok(const struct urun_spec *s)
{
	if (geteuid() == 0)
		return true;
	return s->n_uid_maps == 1 && s->n_gid_maps == 1 && s->uid_maps[0].size == 1 &&
	       s->gid_maps[0].size == 1 && s->uid_maps[0].host_id == geteuid() &&
	       s->gid_maps[0].host_id == getegid();
}

static char *
map_text(const struct urun_idmap *m, size_t n)
{
	char *text = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%u %u %u\n", text, m[i].container_id, m[i].host_id,
				    m[i].size);

		free(text);
		text = t;
	}
	return text;
}

/* Run newuidmap/newgidmap PID c h s ...; they check /etc/subuid for us. */
static int
run_helper(const char *helper, pid_t pid, const struct urun_idmap *m, size_t n,
	   struct urun_err **err)
{
	_cleanup_free_ char **argv = xcalloc(3 * n + 3, sizeof(char *));
	char *pidstr = xasprintf("%d", pid);
	int status = 0, k = 0;
	pid_t child;

	argv[k++] = (char *)helper;
	argv[k++] = pidstr;
	for (size_t i = 0; i < n; i++) {
		argv[k++] = xasprintf("%u", m[i].container_id);
		argv[k++] = xasprintf("%u", m[i].host_id);
		argv[k++] = xasprintf("%u", m[i].size);
	}
	child = fork();
	if (child == 0) {
		execvp(helper, argv);
		_exit(127);
	}
	if (child > 0)
		waitpid(child, &status, 0);
	for (int i = 1; i < k; i++)
		free(argv[i]);
	if (child < 0)
		return urun_err_set(err, errno, "fork %s", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return urun_err_set(err, 0, "%s failed (status %d): is it installed, and does "
				    "/etc/sub%cid grant these ids?", helper,
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				    helper[3] == 'u' ? 'u' : 'g');
	return 0;
}

static int
write_map(pid_t pid, const char *file, const struct urun_idmap *m, size_t n,
	  struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/%s", pid, file);
	_cleanup_free_ char *text = map_text(m, n);

	return write_file_str(path, text, err);
}

int
idmap_write(pid_t pid, const struct urun_spec *s, struct urun_err **err)
{
	if (!idmap_direct_ok(s)) {
		if (run_helper("newuidmap", pid, s->uid_maps, s->n_uid_maps, err) < 0)
			return urun_err_wrap(err, "linux.uidMappings");
		if (run_helper("newgidmap", pid, s->gid_maps, s->n_gid_maps, err) < 0)
			return urun_err_wrap(err, "linux.gidMappings");
		return 0;
	}
	if (write_map(pid, "uid_map", s->uid_maps, s->n_uid_maps, err) < 0)
		return urun_err_wrap(err, "linux.uidMappings");
	/* An unprivileged writer must give up setgroups before writing gid_map. */
	if (geteuid() != 0) {
		_cleanup_free_ char *sg = xasprintf("/proc/%d/setgroups", pid);

		if (write_file_str(sg, "deny", err) < 0)
			return -1;
	}
	if (write_map(pid, "gid_map", s->gid_maps, s->n_gid_maps, err) < 0)
		return urun_err_wrap(err, "linux.gidMappings");
	return 0;
}

int
idmap_userns_fd(const struct urun_idmap *uids, size_t nu, const struct urun_idmap *gids,
		size_t ng, struct urun_err **err)
{
	_cleanup_free_ char *ns = NULL;
	int pipefd[2], fd = -1;
	pid_t child;
	char c;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return urun_err_set(err, errno, "pipe");
	child = fork();
	if (child == 0) {
		/* Hold a fresh user namespace open until the parent has its fd. */
		close(pipefd[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		_exit(read(pipefd[0], &c, 1) < 0);
	}
	close(pipefd[0]);
	if (child < 0) {
		close(pipefd[1]);
		return urun_err_set(err, errno, "fork");
	}
	ns = xasprintf("/proc/%d/ns/user", child);
	/* Wait until the child has unshared: its user ns differs from ours. */
	for (int i = 0; i < 1000; i++) {
		struct stat a, b;

		if (stat(ns, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_ino != b.st_ino)
			break;
		usleep(100);
	}
	if (write_map(child, "uid_map", uids, nu, err) == 0 &&
	    write_map(child, "gid_map", gids, ng, err) == 0) {
		fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			urun_err_set(err, errno, "open '%s'", ns);
	}
	close(pipefd[1]);
	waitpid(child, NULL, 0);
	return fd;
}

int
idmap_mount_fds(const struct urun_spec *s, int **fds, struct urun_err **err)
{
	*fds = xcalloc(s->n_mounts ? s->n_mounts : 1, sizeof(int));
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct urun_mount *m = &s->mounts[i];
		bool wanted = m->n_uid_maps || m->n_gid_maps;

		(*fds)[i] = -1;
		for (char **o = m->options; o && *o; o++)
			wanted |= strcmp(*o, "idmap") == 0 || strcmp(*o, "ridmap") == 0;
		if (!wanted)
			continue;
		if (m->n_uid_maps)
			(*fds)[i] = idmap_userns_fd(m->uid_maps, m->n_uid_maps, m->gid_maps,
						    m->n_gid_maps, err);
		else if (s->n_uid_maps)
			(*fds)[i] = idmap_userns_fd(s->uid_maps, s->n_uid_maps, s->gid_maps,
						    s->n_gid_maps, err);
		else
			urun_err_set(err, 0, "idmap needs uidMappings and gidMappings on the mount "
				     "or the container");
		if ((*fds)[i] < 0) {
			idmap_close_fds(*fds, i);
			*fds = NULL;
			return urun_err_wrap(err, "mounts[%zu]", i);
		}
	}
	return 0;
}

void
idmap_close_fds(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}
