/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state store: ROOT/ID/ holds state.json, journal.json (what the container
 * owns, again: see below), config.json (the copy create used), exec.fifo
 * while the container is "created", and the mark "creating" until create has
 * finished (its removal is create's commit); ROOT is 0700 and every file 0600.
 * A directory appears only already locked (built under a temporary name
 * ROOT/.new-ID-PID, flocked, then renamed), so a lock that can be taken on a
 * directory still marked creating, or without state.json, means its creator
 * died: the directory is debris and is cleaned (see docs/design.md). */
#ifndef URUN_STATE_H
#define URUN_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

struct urun_err;

enum status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED, STATUS_STOPPED };

struct urun_state {
	char *id;
	char *dir;		/* ROOT/ID */
	int dir_fd;		/* locked when taken with urun_state_lock/create */
	pid_t pid;
	uint64_t start_time;	/* /proc/PID/stat field 22, guards against pid reuse */
	char *bundle;
	char *rootfs;
	char *created;		/* RFC 3339 */
	uid_t owner;
	char *oci_version;
	char *cgroup_path;	/* NULL when no cgroup was set up */
	char *cgroup_owned;	/* the cgroup directories urun made (cgroup.h); NULL: unknown */
	bool rootless;
	bool late_hooks;	/* the config has poststart or poststop hooks (only
				 * then is its copy read again) */
	bool creating;		/* create has not finished (or died: see the lock) */
	bool locked;		/* we hold dir_fd's flock */
	bool damaged;		/* state.json unreadable: pid, start_time and
				 * cgroup_path come from journal.json, if any */
	json_t *annotations;	/* owned, may be NULL */
};

/* Default state root: $XDG_RUNTIME_DIR/urun for a user (also as root of a user
 * namespace that someone else made, unless USER=root), else /run/urun as root,
 * else /tmp/urun-UID. */
char *urun_state_default_root(void);
/* Reject ids runc would reject and more: empty, a leading "." (urun's own
 * temporary names start with one), "/", control characters, over 1024 bytes. */
int urun_id_check(const char *id, struct urun_err **err);
/* Make ROOT/ID exist and be locked by us, cleaning debris of a dead create.
 * Fails if the container exists or is busy. */
struct urun_state *urun_state_create(const char *root, const char *id, struct urun_err **err);
/* Load ROOT/ID/state.json; LOCK: also take the directory's lock (non-blocking). */
struct urun_state *urun_state_load(const char *root, const char *id, bool lock,
				   struct urun_err **err);
/* Write journal.json, then state.json, atomically (0600; not fsynced: see
 * write_file_atomic). Called before each thing create makes that delete must
 * find (the cgroup path is saved with the pid, before the cgroup exists), so
 * a create killed at any point leaves a record. */
int urun_state_save(const struct urun_state *st, struct urun_err **err);
/* Create's commit: remove the "creating" mark (state.json must be complete:
 * nothing is saved after it). */
int urun_state_mark_created(struct urun_state *st, struct urun_err **err);
/* For delete: urun_state_load with the lock, but a missing or unreadable
 * state.json still gives a state (damaged = true) with what journal.json
 * recorded: a create that died before its first save, or a state.json that
 * was truncated, must not make the container undeletable. Fails only when the
 * directory does not exist (ENOENT in errnum) or is busy. */
struct urun_state *urun_state_load_salvage(const char *root, const char *id,
					   struct urun_err **err);
/* Kill everything the container may still have (thaw it, SIGKILL every process
 * of its cgroup and the init if it is still ours), wait until they are gone,
 * then remove its cgroup. For delete and for the debris of a dead create. */
int urun_state_reap(const struct urun_state *st, struct urun_err **err);
/* Remove ROOT/.new-ID-PID directories of creates of ID that died before
 * renaming them into place (their lock is free). */
void urun_state_clean_temps(const char *root, const char *id);
/* The state document as the `state` command prints it (status computed live). */
json_t *urun_state_to_json(const struct urun_state *st, enum status status);
/* Live status from the init pid, its start time, the exec fifo and the freezer. */
enum status urun_state_status(const struct urun_state *st);
const char *urun_status_name(enum status s);
/* Remove the state directory (the caller holds the lock). */
int urun_state_remove(struct urun_state *st, struct urun_err **err);
void urun_state_free(struct urun_state *st);
void urun_state_freep(struct urun_state **st);
#define _cleanup_state_ __attribute__((cleanup(urun_state_freep)))

/* /proc/PID/stat: the start time, and whether the process is alive (not a
 * zombie: PID 1 here does not reap orphans). -1 if there is no such process. */
int proc_stat(pid_t pid, uint64_t *start_time, bool *alive);
/* True when PID is alive and started at START_TIME. */
bool proc_is_ours(pid_t pid, uint64_t start_time);

/* Internal, shared by state.c and state_debris.c: an fd on ROOT holding its
 * flock HOW (LOCK_SH or LOCK_EX; close to drop it), -1 on failure. A create
 * holds it shared from the mkdir of its temporary directory to the flock of
 * that directory, so a cleaner holding it exclusive never sees one unlocked
 * that is still alive. */
int state_root_lock(const char *root, int how);

#endif
