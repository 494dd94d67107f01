/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `urun update`: change the resources of a live container, as `runc update`
 * does for podman update and docker update. The input is a linux.resources
 * object (--resources FILE|-) or runc's flags turned into one. */
#ifndef URUN_UPDATE_H
#define URUN_UPDATE_H

#include <stdint.h>
#include <jansson.h>

struct urun_err;

/* Set runc's update flag NAME (without "--", e.g. "memory", "cpu-quota") to
 * VALUE in RES, a linux.resources object under construction. Sizes take
 * docker's units ("512m", "1.5g"; binary) and "-1"; 0 leaves a value as it is,
 * as runc. Unknown flags, bad values and the Intel RDT flags (urun has no
 * RDT) fail naming the flag; the obsolete kernel memory flags only warn. */
int urun_update_flag(json_t *res, const char *name, const char *value, struct urun_err **err);
/* docker's RAMInBytes: digits with an optional fraction, an optional space,
 * then an optional k/m/g/t/p, "i" and "b", case-insensitive. -1 if invalid
 * or out of range. */
int urun_parse_size(const char *s, int64_t *out);
/* Read a linux.resources object from PATH ("-": standard input). */
json_t *urun_update_read(const char *path, struct urun_err **err);
/* PATCH over OLD (either may be NULL), as JSON merge patch (RFC 7386):
 * objects merge member by member, a null removes, anything else replaces.
 * Returns a new object. */
json_t *urun_resources_merge(json_t *old, json_t *patch);
/* Apply RESOURCES to container ID under ROOT: the sections it names
 * (memory, cpu, pids, ...) are planned from the merged settings, so that
 * values that depend on each other (v2 swap = memory+swap - limit, cpu.max
 * quota and period) stay right; linux.resources.devices is not changed by
 * update (as runc). Validated as create validates. The merged resources are
 * saved in the container's config.json. Fails for a stopped container. */
int urun_container_update(const char *root, const char *id, json_t *resources,
			  struct urun_err **err);

#endif
