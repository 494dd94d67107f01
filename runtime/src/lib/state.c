/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state store (state.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "log.h"
#include "state.h"
#include "util.h"

char *
urun_state_default_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");
	/* Root of a user namespace that rootless podman or buildah made is
	 * still the user: /run/urun is the host's, not ours (runc decides its
	 * own root the same way). */
	bool as_user = geteuid() != 0 ||
		       (urun_rootless(-1) && (user == NULL || strcmp(user, "root") != 0));

	if (as_user && xdg && *xdg)
		return xasprintf("%s/urun", xdg);
	if (geteuid() == 0)
		return xstrdup("/run/urun");
	return xasprintf("/tmp/urun-%u", (unsigned)geteuid());
}

int
urun_id_check(const char *id, struct urun_err **err)
{
	if (id == NULL || *id == '\0')
		return urun_err_set(err, 0, "container id: must not be empty");
	if (strlen(id) > 1024)
		return urun_err_set(err, 0, "container id: longer than 1024 bytes");
	/* Also keeps ids apart from urun's own ".new-ID-PID" directories. */
	if (id[0] == '.')
		return urun_err_set(err, 0, "container id '%s': must not start with '.'", id);
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		/* runc's set: letters, digits, and _ + - . */
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_+-.", *p))
			return urun_err_set(err, 0, "container id: invalid character 0x%02x "
					    "(allowed: letters, digits, _ + - .)", *p);
	}
	return 0;
}

int
proc_stat(pid_t pid, uint64_t *start_time, bool *alive)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p, state;
	unsigned long long st;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: parse after the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
				"%*d %*d %*d %*d %*d %*d %llu", &state, &st) != 2)
		return -1;
	if (start_time)
		*start_time = st;
	if (alive)
		*alive = state != 'Z' && state != 'X' && state != 'x';
	return 0;
}

bool
proc_is_ours(pid_t pid, uint64_t start_time)
{
	uint64_t st;
	bool alive;

	if (pid <= 0 || proc_stat(pid, &st, &alive) < 0)
		return false;
	return alive && st == start_time;
}

const char *
urun_status_name(enum status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused",
		"stopped" };

	return names[s];
}

enum status
urun_state_status(const struct urun_state *st)
{
	struct stat sb;

	if (st->creating) {
		/* Unfinished: alive while its creator holds the lock. */
		if (st->locked || flock(st->dir_fd, LOCK_EX | LOCK_NB) < 0)
			return STATUS_CREATING;
		flock(st->dir_fd, LOCK_UN);
		return STATUS_STOPPED;
	}
	if (!proc_is_ours(st->pid, st->start_time))
		return STATUS_STOPPED;
	if (fstatat(st->dir_fd, "exec.fifo", &sb, 0) == 0)
		return STATUS_CREATED;
	if (st->cgroup_path && urun_cgroup_frozen(st->cgroup_path))
		return STATUS_PAUSED;
	return STATUS_RUNNING;
}

/* Take FD's lock; WAIT_MS: how long a busy lock is tried again. */
static int
lock_dir(int fd, const char *id, int wait_ms, struct urun_err **err)
{
	for (int ms = 0;; ms += 10) {
		struct timespec ts = { 0, 10 * 1000000L };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK)
			return urun_err_set(err, errno, "lock container '%s'", id);
		if (ms >= wait_ms)
			return urun_err_set(err, 0, "container '%s' is busy: another urun is "
					    "creating or deleting it", id);
		nanosleep(&ts, NULL);
	}
}

/* Open ROOT/ID and take its lock. */
static int
open_locked(const char *dir, const char *id, struct urun_err **err)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		if (errno == ENOENT)
			return urun_err_set(err, 0, "container '%s' does not exist", id);
		return urun_err_set(err, errno, "open '%s'", dir);
	}
	if (lock_dir(fd, id, 0, err) < 0)
		return -1;
	return take_fd(&fd);
}

static struct urun_state *
state_new(const char *id)
{
	struct urun_state *st = xcalloc(1, sizeof(*st));

	st->id = xstrdup(id);
	st->dir_fd = -1;
	return st;
}

static int
touch_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* A directory we hold locked whose create died (or that never got a
 * state.json): kill what it may have left and remove it. */
static int
clean_debris(struct urun_state *st, struct urun_err **err)
{
	log_debug("container '%s': cleaning up after an interrupted create", st->id);
	if (urun_state_reap(st, err) < 0)
		return -1;
	return urun_state_remove(st, err);
}

/* Make the state root, 0700 and ours. Nobody else has anything to do in it:
 * config.json holds the process environment (secrets), and the container's
 * init, whatever host uid it runs as, reaches its exec fifo through a
 * directory fd opened before it changed identity. Unprivileged it may sit in
 * a shared directory (/tmp/urun-UID) where another user could have planted
 * it or a symlink. */
static int
check_root(const char *root, struct urun_err **err)
{
	struct stat st;

	if (mkdir_p(root, 0700, err) < 0)
		return -1;
	if (lstat(root, &st) < 0)
		return urun_err_set(err, errno, "state root '%s'", root);
	if (!S_ISDIR(st.st_mode))
		return urun_err_set(err, 0, "state root '%s': not a directory", root);
	if (st.st_uid != geteuid())
		return urun_err_set(err, 0, "state root '%s': owned by uid %u, not us", root,
				    (unsigned)st.st_uid);
	/* Ours but too open (0711 from an older urun, or made by hand): tighten. */
	if ((st.st_mode & 077) && chmod(root, 0700) < 0)
		return urun_err_set(err, errno, "state root '%s': chmod 0700", root);
	return 0;
}

int
state_root_lock(const char *root, int how)
{
	_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || flock(fd, how) < 0)
		return -1;
	return take_fd(&fd);
}

/* Make ROOT/.new-ID-PID, locked (see state_root_lock). */
static int
make_temp_dir(const char *root, const char *tmp, struct urun_err **err)
{
	_cleanup_close_ int rootfd = state_root_lock(root, LOCK_SH);
	_cleanup_close_ int fd = -1;

	if (rootfd < 0)
		return urun_err_set(err, errno, "lock state root '%s'", root);
	remove_tree(tmp, NULL);
	/* 0711: the init reaches its fifo from inside its user namespace. */
	if (mkdir(tmp, 0711) < 0)
		return urun_err_set(err, errno, "mkdir '%s'", tmp);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		urun_err_set(err, errno, "lock '%s'", tmp);
		rmdir(tmp);
		return -1;
	}
	return take_fd(&fd);
}

/* ROOT/ID exists: fail if it is a container, clean it if it is debris.
 * Returns 1 when the caller should look again. */
static int
existing_dir(const char *root, const char *id, struct urun_err **err)
{
	_cleanup_state_ struct urun_state *old = urun_state_load_salvage(root, id, err);

	if (old == NULL)
		return *err && (*err)->errnum == ENOENT ? (urun_err_free(err), 1) : -1;
	if (old->damaged && (old->pid > 0 || old->cgroup_path))
		return urun_err_set(err, 0, "container '%s' already exists (its state.json is "
				    "damaged: `urun delete --force %s` removes it)", id, id);
	if (!old->damaged && !old->creating)
		return urun_err_set(err, 0, "container '%s' already exists", id);
	/* A create that died: before its first save, or before it finished. */
	if (clean_debris(old, err) < 0)
		return -1;
	return 1;
}

struct urun_state *
urun_state_create(const char *root, const char *id, struct urun_err **err)
{
	_cleanup_free_ char *tmp = NULL, *dir = NULL;
	_cleanup_close_ int fd = -1;
	struct urun_state *st;

	if (check_root(root, err) < 0)
		return NULL;
	phase_mark("state root checked");
	urun_state_clean_temps(root, id);
	phase_mark("stale temporaries checked");
	dir = xasprintf("%s/%s", root, id);
	while (access(dir, F_OK) == 0) {
		if (existing_dir(root, id, err) < 0)
			return NULL;
	}
	tmp = xasprintf("%s/.new-%s-%d", root, id, (int)getpid());
	fd = make_temp_dir(root, tmp, err);
	if (fd < 0)
		return NULL;
	st = state_new(id);
	st->dir = steal_ptr(&dir);
	st->creating = true;
	st->locked = true;
	st->owner = geteuid();
	/* A marker so the directory is never empty: rename(2) then refuses to
	 * replace a concurrent winner's directory. */
	if (touch_at(fd, "creating") < 0 || rename(tmp, st->dir) < 0) {
		urun_err_set(err, errno == ENOTEMPTY || errno == EEXIST ? 0 : errno,
			     errno == ENOTEMPTY || errno == EEXIST ?
			     "container '%s' already exists" : "create state of '%s'", id);
		remove_tree(tmp, NULL);
		urun_state_free(st);
		return NULL;
	}
	st->dir_fd = take_fd(&fd);
	phase_mark("state directory made");
	return st;
}

static int
state_from_json(struct urun_state *st, json_t *doc, struct urun_err **err)
{
	json_int_t pid = 0, start = 0, owner = 0;
	const char *bundle = NULL, *rootfs = NULL, *created = NULL, *ver = NULL;
	const char *cgroup = NULL, *owned = NULL;
	int rootless = 0, late_hooks = 1;
	json_t *ann = NULL;
	json_error_t jerr;

	if (json_unpack_ex(doc, &jerr, 0, "{s:I, s?I, s:s, s?s, s?s, s?I, s?s, s?s, s?s, s?b, s?b, s?o}",
			   "pid", &pid, "urun_start_time", &start, "bundle", &bundle,
			   "rootfs", &rootfs, "created", &created, "owner", &owner,
			   "ociVersion", &ver, "urun_cgroup", &cgroup, "urun_cgroup_owned", &owned,
			   "urun_rootless", &rootless, "urun_late_hooks", &late_hooks,
			   "annotations", &ann) < 0)
		return urun_err_set(err, 0, "state.json of '%s': %s", st->id, jerr.text);
	st->pid = (pid_t)pid;
	st->start_time = (uint64_t)start;
	st->bundle = xstrdup(bundle);
	st->rootfs = xstrdup(rootfs ? rootfs : "");
	st->created = xstrdup(created ? created : "");
	st->owner = (uid_t)owner;
	st->oci_version = xstrdup(ver ? ver : "1.3.0");
	st->cgroup_path = cgroup ? xstrdup(cgroup) : NULL;
	st->cgroup_owned = owned ? xstrdup(owned) : NULL;
	st->rootless = rootless;
	/* Missing (an older urun's state): maybe. */
	st->late_hooks = late_hooks;
	st->annotations = json_incref(ann);
	return 0;
}

/* journal.json: the fields delete needs, apart from state.json. */
static void
journal_read(struct urun_state *st)
{
	_cleanup_free_ char *path = xasprintf("%s/journal.json", st->dir);
	_cleanup_json_ json_t *doc = json_load_file(path, 0, NULL);
	json_int_t pid = 0, start = 0;
	const char *cgroup = NULL, *owned = NULL;

	if (doc == NULL || json_unpack(doc, "{s?I, s?I, s?s, s?s}", "pid", &pid, "start_time",
				       &start, "cgroup", &cgroup, "cgroup_owned", &owned) < 0)
		return;
	st->pid = pid > 0 && pid <= INT32_MAX ? (pid_t)pid : 0;
	st->start_time = (uint64_t)start;
	st->cgroup_path = cgroup ? xstrdup(cgroup) : NULL;
	st->cgroup_owned = owned ? xstrdup(owned) : NULL;
}

static int
journal_write(const struct urun_state *st, struct urun_err **err)
{
	_cleanup_json_ json_t *o = json_pack("{s:I, s:I}", "pid", (json_int_t)st->pid,
					     "start_time", (json_int_t)st->start_time);
	_cleanup_free_ char *text = NULL;

	if (st->cgroup_path)
		json_object_set_new(o, "cgroup", json_string(st->cgroup_path));
	if (st->cgroup_owned)
		json_object_set_new(o, "cgroup_owned", json_string(st->cgroup_owned));
	text = json_dumps(o, JSON_COMPACT);
	return write_file_atomic_at(st->dir_fd, "journal.json", text, strlen(text), 0600, err);
}

/* Read DIR_FD's state.json into a new state; *DOC_ERR says why not. */
static struct urun_state *
load_at(const char *id, char **dir, int *dir_fd, bool locked, struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("%s/state.json", *dir);
	_cleanup_json_ json_t *doc = NULL;
	json_error_t jerr;
	struct urun_state *st;

	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL) {
		if (access(path, F_OK) < 0)
			urun_err_set(err, 0, "container '%s' does not exist (no state: an "
				     "interrupted create? `urun delete --force %s` cleans it)", id, id);
		else
			urun_err_set(err, 0, "state.json of '%s' is damaged (%s): `urun delete "
				     "--force %s` removes the container", id, jerr.text, id);
		return NULL;
	}
	st = state_new(id);
	st->locked = locked;
	if (state_from_json(st, doc, err) < 0) {
		urun_state_free(st);
		return NULL;
	}
	/* Only now: on failure the caller keeps them (salvage needs both). */
	st->dir = steal_ptr(dir);
	st->dir_fd = take_fd(dir_fd);
	/* The mark create made first and removes last (urun_state_create). */
	st->creating = faccessat(st->dir_fd, "creating", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	return st;
}

struct urun_state *
urun_state_load(const char *root, const char *id, bool lock, struct urun_err **err)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", root, id);
	_cleanup_close_ int fd = -1;

	if (lock)
		fd = open_locked(dir, id, err);
	else
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (!lock && errno == ENOENT)
			urun_err_set(err, 0, "container '%s' does not exist", id);
		else if (!lock)
			urun_err_set(err, errno, "open '%s'", dir);
		return NULL;
	}
	return load_at(id, &dir, &fd, lock, err);
}

struct urun_state *
urun_state_load_salvage(const char *root, const char *id, struct urun_err **err)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", root, id);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct urun_err *lerr = NULL;
	struct urun_state *st;

	if (fd < 0 && errno == ENOENT)
		return urun_err_set(err, ENOENT, "container '%s' does not exist", id), NULL;
	if (fd < 0)
		return urun_err_set(err, errno, "open '%s'", dir), NULL;
	/* A create killed just after clone: its init holds a copy of the lock
	 * until it dies of PDEATHSIG, a moment later. */
	if (lock_dir(fd, id, 2000, err) < 0)
		return NULL;
	st = load_at(id, &dir, &fd, true, &lerr);
	if (st)
		return st;
	/* No or no readable state.json, under a free lock. */
	log_debug("%s", lerr->msg);
	urun_err_free(&lerr);
	st = state_new(id);
	st->dir = steal_ptr(&dir);
	st->dir_fd = take_fd(&fd);
	st->locked = true;
	st->damaged = true;
	journal_read(st);
	return st;
}

json_t *
urun_state_to_json(const struct urun_state *st, enum status status)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
			      "ociVersion", st->oci_version ? st->oci_version : "1.3.0",
			      "id", st->id, "status", urun_status_name(status),
			      "bundle", st->bundle ? st->bundle : "",
			      "rootfs", st->rootfs ? st->rootfs : "",
			      "created", st->created ? st->created : "",
			      "owner", (json_int_t)st->owner);

	/* pid is REQUIRED while created or running; a stopped container has none. */
	if (status != STATUS_STOPPED)
		json_object_set_new(o, "pid", json_integer(st->pid));
	else
		json_object_set_new(o, "pid", json_integer(0));
	json_object_set_new(o, "annotations", st->annotations ? json_deep_copy(st->annotations)
			    : json_object());
	return o;
}

int
urun_state_save(const struct urun_state *st, struct urun_err **err)
{
	_cleanup_json_ json_t *o = urun_state_to_json(st, STATUS_CREATED);
	_cleanup_free_ char *text = NULL;

	json_object_set_new(o, "urun_start_time", json_integer((json_int_t)st->start_time));
	json_object_set_new(o, "urun_rootless", json_boolean(st->rootless));
	json_object_set_new(o, "urun_late_hooks", json_boolean(st->late_hooks));
	json_object_del(o, "status");
	if (st->cgroup_path)
		json_object_set_new(o, "urun_cgroup", json_string(st->cgroup_path));
	if (st->cgroup_owned)
		json_object_set_new(o, "urun_cgroup_owned", json_string(st->cgroup_owned));
	if (journal_write(st, err) < 0)
		return -1;
	text = json_dumps(o, JSON_COMPACT);
	return write_file_atomic_at(st->dir_fd, "state.json", text, strlen(text), 0600, err);
}

int
urun_state_mark_created(struct urun_state *st, struct urun_err **err)
{
	if (unlinkat(st->dir_fd, "creating", 0) < 0 && errno != ENOENT)
		return urun_err_set(err, errno, "state of '%s': remove the creating mark", st->id);
	st->creating = false;
	return 0;
}

int
urun_state_remove(struct urun_state *st, struct urun_err **err)
{
	return remove_tree(st->dir, err);
}

void
urun_state_free(struct urun_state *st)
{
	if (st == NULL)
		return;
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	free(st->id);
	free(st->dir);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->oci_version);
	free(st->cgroup_path);
	free(st->cgroup_owned);
	json_decref(st->annotations);
	free(st);
}

void
urun_state_freep(struct urun_state **st)
{
	urun_state_free(*st);
}
