/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json -> struct urun_spec: typed, validated, paths named in errors.
 * Sections owned by one module (linux.seccomp, linux.resources, hooks) stay JSON
 * here and are checked by that module's *_validate(); everything the core
 * acts on is converted to plain C. */
#ifndef URUN_SPEC_H
#define URUN_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct urun_err;

enum cap_set { CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_INHERITABLE,
	CAP_SET_PERMITTED, CAP_SET_AMBIENT, CAP_SET_COUNT };

struct urun_idmap {
	uint32_t container_id, host_id, size;
};

struct urun_mount {
	char *destination;	/* as written; relative = relative to "/" */
	char *source;		/* may be NULL */
	char *type;		/* may be NULL (bind) */
	char **options;		/* NULL-terminated */
	struct urun_idmap *uid_maps, *gid_maps;	/* idmapped mount, may be NULL */
	size_t n_uid_maps, n_gid_maps;
};

struct urun_rlimit {
	int resource;
	uint64_t soft, hard;
};

struct urun_ns {
	int flag;		/* CLONE_NEW* */
	char *path;		/* NULL: create a new one */
};

struct urun_device {
	char *path;
	char type;		/* 'c', 'b', 'u', 'p' */
	long major, minor;
	mode_t mode;		/* permission bits; 0666 if absent */
	uid_t uid;
	gid_t gid;
};

struct urun_process {
	bool terminal;
	unsigned console_height, console_width;
	uid_t uid;
	gid_t gid;
	gid_t *additional_gids;
	size_t n_additional_gids;
	bool has_umask;
	mode_t umask;
	char **args;		/* NULL-terminated, at least one */
	char **env;		/* NULL-terminated */
	char *cwd;
	bool has_caps;
	uint64_t caps[CAP_SET_COUNT];
	struct urun_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_io_priority;
	int io_priority;	/* IOPRIO_PRIO_VALUE(class, level) */
	json_t *scheduler;	/* process.scheduler, checked by sched.c */
	json_t *exec_cpu_affinity;
};

struct urun_spec {
	json_t *json;		/* the whole document, owned */
	char *oci_version;
	char *root_path;	/* absolute after urun_spec_load */
	bool root_readonly;
	char *hostname;
	char *domainname;
	bool has_process;
	struct urun_process process;
	struct urun_mount *mounts;
	size_t n_mounts;
	struct urun_ns *namespaces;
	size_t n_namespaces;
	struct urun_idmap *uid_maps, *gid_maps;
	size_t n_uid_maps, n_gid_maps;
	struct urun_device *devices;
	size_t n_devices;
	char **masked_paths;	/* NULL-terminated */
	char **readonly_paths;	/* NULL-terminated */
	unsigned long rootfs_propagation;	/* MS_* or 0 for the default */
	bool has_personality;
	unsigned long personality;
	json_t *sysctl;		/* object of strings, borrowed from json */
	json_t *hooks;		/* borrowed, may be NULL */
	json_t *seccomp;	/* borrowed, may be NULL */
	json_t *linux_obj;	/* borrowed, may be NULL */
	json_t *annotations;	/* borrowed, may be NULL */
};

/* Parse and validate BUNDLE/config.json (process required unless ALLOW_NO_PROCESS).
 * root.path is made absolute against BUNDLE. Errors start "config.json: ". */
struct urun_spec *urun_spec_load(const char *bundle, struct urun_err **err);
/* Parse a config document from a string (tests, and exec --process for the
 * process object alone via urun_spec_parse_process). */
struct urun_spec *urun_spec_parse_str(const char *text, struct urun_err **err);
/* Parse a bare process object (exec --process FILE). */
int urun_spec_parse_process(json_t *obj, struct urun_process *out, struct urun_err **err);
void urun_process_release(struct urun_process *p);
void urun_spec_free(struct urun_spec *spec);
void urun_spec_freep(struct urun_spec **spec);
#define _cleanup_spec_ __attribute__((cleanup(urun_spec_freep)))

/* The namespace entry of FLAG, or NULL. */
const struct urun_ns *urun_spec_ns(const struct urun_spec *spec, int flag);
/* Capability number from "CAP_CHOWN"; -1 if unknown. */
int urun_cap_from_name(const char *name);
const char *urun_cap_name(int cap);
/* The highest capability number this build knows. */
int urun_cap_last(void);
/* This process's bounding set (bit N = capability N; those the kernel does
 * not know are absent): what a process started from here can hold. */
uint64_t urun_cap_bounding(void);

#endif
