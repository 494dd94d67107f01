/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state store: ROOT/ID/ holds state.json, config.json (the copy create used)
 * and exec.fifo while the container is "created". A directory appears only
 * already locked (built under a temporary name, flocked, then renamed), so a lock
 * that can be taken on a directory without state.json means its creator died:
 * the directory is debris and is cleaned (see docs/design.md). */
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
	bool creating;		/* create has not finished (or died: see the lock) */
	bool locked;		/* we hold dir_fd's flock */
	json_t *annotations;	/* owned, may be NULL */
};

/* Default state root: $XDG_RUNTIME_DIR/urun for a user (also as root of a user
 * namespace that someone else made, unless USER=root), else /run/urun as root,
 * else /tmp/urun-UID. */
char *urun_state_default_root(void);
/* Reject ids runc would reject and more: empty, ".", "..", "/", control
 * characters, over 1024 bytes. */
int urun_id_check(const char *id, struct urun_err **err);
/* Make ROOT/ID exist and be locked by us, cleaning debris of a dead create.
 * Fails if the container exists or is busy. */
struct urun_state *urun_state_create(const char *root, const char *id, struct urun_err **err);
/* Load ROOT/ID/state.json; LOCK: also take the directory's lock (non-blocking). */
struct urun_state *urun_state_load(const char *root, const char *id, bool lock,
				   struct urun_err **err);
/* Write state.json atomically. */
int urun_state_save(const struct urun_state *st, struct urun_err **err);
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

#endif
