/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `urun update` on a container (update.h): the status check, the support
 * table and cgroup validation create applies, the cgroup writes, and the
 * merged resources saved in the container's config.json. */
#include <errno.h>
#include <string.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "log.h"
#include "state.h"
#include "support.h"
#include "update.h"
#include "util.h"

/* The sections PATCH names, from the merged MERGED: "memory": {"limit"}
 * alone still rewrites the swap that depends on it. devices are left out:
 * update cannot replace rules already loaded (runc skips them too), and
 * engines resend the container's own list every time. */
static json_t *
sections_to_apply(json_t *merged, json_t *patch, json_t *old)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach(patch, key, v) {
		if (strcmp(key, "devices") == 0) {
			if (!json_equal(v, json_object_get(old, "devices")))
				log_warn("linux.resources.devices: not changed by update");
			continue;
		}
		v = json_object_get(merged, key);
		if (v)
			json_object_set(out, key, v);
	}
	return out;
}

/* A memory limit of -1 without a swap setting means both unlimited (runc):
 * otherwise the saved memory+swap limit would stay below it. */
static json_t *
patch_fixup(json_t *patch)
{
	json_t *p = json_deep_copy(patch), *mem = json_object_get(p, "memory");
	json_t *limit = json_object_get(mem, "limit");

	if (json_is_integer(limit) && json_integer_value(limit) == -1 &&
	    json_object_get(mem, "swap") == NULL)
		json_object_set_new(mem, "swap", json_integer(-1));
	return p;
}

static json_t *
load_config(const struct urun_state *st, struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", st->dir);
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	json_t *doc;

	if (read_file(path, &text, NULL, err) < 0)
		return NULL;
	doc = json_load_config(text, &jerr);
	if (doc == NULL || !json_is_object(doc)) {
		json_decref(doc);
		urun_err_set(err, 0, "'%s': %s", path, doc ? "not an object" : jerr.text);
		return NULL;
	}
	return doc;
}

/* The create-time checks on the changed sections: the support table (a
 * rejected field fails, an ignored one warns) and the cgroup plan. */
static int
validate(json_t *apply, bool rootless, struct urun_err **err)
{
	_cleanup_json_ json_t *doc = json_pack("{s:{s:O}}", "linux", "resources", apply);
	_cleanup_json_ json_t *lnx = json_pack("{s:O}", "resources", apply);

	/* Unprivileged there is no cgroup: update_locked says so. */
	if (rootless)
		return 0;
	if (support_check(doc, false, err) < 0)
		return -1;
	return urun_cgroup_validate(lnx, err);
}

static int
save_resources(const struct urun_state *st, json_t *config, json_t *merged,
	       struct urun_err **err)
{
	_cleanup_free_ char *text = NULL;
	json_t *lnx = json_object_get(config, "linux");

	if (!json_is_object(lnx)) {
		lnx = json_object();
		json_object_set_new(config, "linux", lnx);
	}
	json_object_set(lnx, "resources", merged);
	text = json_dumps(config, JSON_COMPACT);
	return write_file_atomic_at(st->dir_fd, "config.json", text, strlen(text), 0600, err);
}

static int
update_locked(struct urun_state *st, json_t *patch, struct urun_err **err)
{
	_cleanup_json_ json_t *config = NULL, *merged = NULL, *apply = NULL;
	_cleanup_json_ json_t *fixed = patch_fixup(patch);
	json_t *old;
	bool rootless = st->rootless || st->cgroup_path == NULL;

	config = load_config(st, err);
	if (config == NULL)
		return -1;
	old = json_object_get(json_object_get(config, "linux"), "resources");
	merged = urun_resources_merge(old, fixed);
	apply = sections_to_apply(merged, fixed, old);
	if (validate(apply, rootless, err) < 0)
		return -1;
	if (st->cgroup_path == NULL && urun_cgroup_resources_effective(apply))
		return urun_err_set(err, 0, "container '%s' has no cgroup (it runs unprivileged): "
				    "its resources cannot be changed", st->id);
	if (st->cgroup_path && urun_cgroup_apply(st->cgroup_path, apply, err) < 0)
		return -1;
	return save_resources(st, config, merged, err);
}

int
urun_container_update(const char *root, const char *id, json_t *resources,
		      struct urun_err **err)
{
	_cleanup_state_ struct urun_state *st = urun_state_load(root, id, true, err);
	enum status s;

	if (st == NULL)
		return -1;
	if (!json_is_object(resources))
		return urun_err_set(err, 0, "update: linux.resources must be an object");
	s = st->creating ? STATUS_CREATING : urun_state_status(st);
	if (s == STATUS_STOPPED || s == STATUS_CREATING)
		return urun_err_set(err, 0, "cannot update container '%s': it is %s", id,
				    s == STATUS_STOPPED ? "stopped" : "being created");
	if (update_locked(st, resources, err) < 0)
		return urun_err_wrap(err, "update '%s'", id);
	return 0;
}
