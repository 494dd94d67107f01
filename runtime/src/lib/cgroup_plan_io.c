/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.blockIO and linux.resources.devices -> cgroup file writes
 * (the rest of the plan is in cgroup_plan.c). */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "cgroup_int.h"
#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "util.h"

#define BIO "linux.resources.blockIO"

/* blkio weights [10, 1000] -> io.weight [1, 10000] (runc's conversion). */
static char *
io_weight(int64_t w, const char *dev)
{
	int64_t v;

	w = w < 10 ? 10 : w > 1000 ? 1000 : w;
	v = 1 + (w - 10) * 9999 / 990;
	return dev ? xasprintf("%s %" PRId64, dev, v) : xasprintf("%" PRId64, v);
}

/* A weight: v1 blkio.weight, or blkio.bfq.weight with the BFQ scheduler (CFQ
 * is gone since Linux 5.0); v2 io.bfq.weight, else io.weight. DEV is
 * "major:minor" for a per-device weight, or NULL. */
static void
add_weight(const struct cg_layout *l, int h, const char *field, int64_t w, const char *dev,
	   struct cg_plan *p)
{
	char *v = dev ? xasprintf("%s %" PRId64, dev, w) : xasprintf("%" PRId64, w);
	struct cg_op *op;

	if (l->h[h].v2) {
		op = cg_plan_add(p, h, field, "io.bfq.weight", v);
		op->alt_file = xstrdup("io.weight");
		op->alt_value = io_weight(w, dev);
	} else {
		op = cg_plan_add(p, h, field, dev ? "blkio.weight_device" : "blkio.weight", v);
		op->alt_file = xstrdup(dev ? "blkio.bfq.weight_device" : "blkio.bfq.weight");
	}
}

static int
dev_numbers(json_t *e, const char *path, char **dev, struct urun_err **err)
{
	_cleanup_free_ char *mpath = xasprintf("%s.major", path);
	_cleanup_free_ char *npath = xasprintf("%s.minor", path);
	int64_t major = 0, minor = 0;

	if (!json_is_object(e))
		return urun_err_set(err, 0, "%s: expected an object, got %s", path,
				    json_type_name(e));
	if (json_get_int(e, "major", mpath, JSON_REQUIRED, 0, UINT32_MAX, &major, err) < 0 ||
	    json_get_int(e, "minor", npath, JSON_REQUIRED, 0, UINT32_MAX, &minor, err) < 0)
		return -1;
	*dev = xasprintf("%" PRId64 ":%" PRId64, major, minor);
	return 0;
}

static int
plan_weight_device(const struct cg_layout *l, int h, json_t *e, const char *path,
		   struct cg_plan *p, struct urun_err **err)
{
	_cleanup_free_ char *dev = NULL, *wpath = xasprintf("%s.weight", path);
	_cleanup_free_ char *lpath = xasprintf("%s.leafWeight", path);
	int64_t weight = -1, leaf = -1;

	if (dev_numbers(e, path, &dev, err) < 0 ||
	    json_get_int(e, "weight", wpath, JSON_OPTIONAL, 0, 1000, &weight, err) < 0 ||
	    json_get_int(e, "leafWeight", lpath, JSON_OPTIONAL, 0, 1000, &leaf, err) < 0)
		return -1;
	if (weight < 0 && leaf < 0)
		return urun_err_set(err, 0, "%s: needs weight or leafWeight", path);
	if (weight >= 0)
		add_weight(l, h, wpath, weight, dev, p);
	if (leaf >= 0 && l->h[h].v2)
		return urun_err_set(err, 0, "%s: no leaf weights on cgroup v2", lpath);
	if (leaf >= 0)
		cg_plan_add(p, h, lpath, "blkio.leaf_weight_device",
			    xasprintf("%s %" PRId64, dev, leaf));
	return 0;
}

static const struct {
	const char *key;
	const char *v1_file;
	const char *v2_name;	/* the io.max key */
} throttles[] = {
	{ "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps" },
	{ "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps" },
	{ "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops" },
	{ "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops" },
};

static int
plan_throttle(const struct cg_layout *l, int h, json_t *bio, size_t t, struct cg_plan *p,
	      struct urun_err **err)
{
	_cleanup_free_ char *apath = xasprintf("%s.%s", BIO, throttles[t].key);
	json_t *arr = NULL, *e;
	size_t i;

	if (json_get_arr(bio, throttles[t].key, apath, JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	json_array_foreach(arr, i, e) {
		_cleanup_free_ char *path = xasprintf("%s[%zu]", apath, i);
		_cleanup_free_ char *rpath = xasprintf("%s.rate", path);
		_cleanup_free_ char *dev = NULL;
		uint64_t rate = 0;

		if (dev_numbers(e, path, &dev, err) < 0 ||
		    json_get_u64(e, "rate", rpath, JSON_REQUIRED, &rate, err) < 0)
			return -1;
		if (!l->h[h].v2)
			cg_plan_add(p, h, path, throttles[t].v1_file,
				    xasprintf("%s %" PRIu64, dev, rate));
		else if (rate == 0)	/* 0 drops the v1 rule: no limit */
			cg_plan_add(p, h, path, "io.max",
				    xasprintf("%s %s=max", dev, throttles[t].v2_name));
		else
			cg_plan_add(p, h, path, "io.max",
				    xasprintf("%s %s=%" PRIu64, dev, throttles[t].v2_name, rate));
	}
	return 0;
}

int
cg_plan_blkio(const struct cg_layout *l, json_t *res, struct cg_plan *p, struct urun_err **err)
{
	json_t *bio = NULL, *arr = NULL, *e;
	int64_t weight = 0, leaf = 0;
	size_t i;
	int h;

	if (json_get_obj(res, "blockIO", BIO, JSON_OPTIONAL, &bio, err) < 0)
		return -1;
	if (bio == NULL || json_object_size(bio) == 0)
		return 0;
	if ((h = cg_owner(l, CG_BLKIO)) < 0)
		return urun_err_set(err, 0, "%s: the blkio cgroup controller is not available on "
				    "this host", BIO);
	if (l->h[h].v2)
		p->v2_ctrls |= CG_BIT(CG_BLKIO);
	if (json_get_int(bio, "weight", BIO ".weight", JSON_OPTIONAL, 0, 1000, &weight, err) < 0 ||
	    json_get_int(bio, "leafWeight", BIO ".leafWeight", JSON_OPTIONAL, 0, 1000, &leaf,
			 err) < 0 ||
	    json_get_arr(bio, "weightDevice", BIO ".weightDevice", JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	if (weight)
		add_weight(l, h, BIO ".weight", weight, NULL, p);
	if (leaf && l->h[h].v2)
		return urun_err_set(err, 0, "%s.leafWeight: no leaf weights on cgroup v2", BIO);
	if (leaf)
		cg_plan_add(p, h, BIO ".leafWeight", "blkio.leaf_weight",
			    xasprintf("%" PRId64, leaf));
	json_array_foreach(arr, i, e) {
		_cleanup_free_ char *path = xasprintf("%s.weightDevice[%zu]", BIO, i);

		if (plan_weight_device(l, h, e, path, p, err) < 0)
			return -1;
	}
	for (size_t t = 0; t < sizeof(throttles) / sizeof(throttles[0]); t++)
		if (plan_throttle(l, h, bio, t, p, err) < 0)
			return -1;
	return 0;
}

/* "*" for an absent or -1 device number. */
static int
dev_number(json_t *e, const char *key, const char *path, char **out, struct urun_err **err)
{
	_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
	int64_t v = -1;

	if (json_get_int(e, key, kpath, JSON_OPTIONAL, -1, UINT32_MAX, &v, err) < 0)
		return -1;
	*out = v < 0 ? xstrdup("*") : xasprintf("%" PRId64, v);
	return 0;
}

/* One devices[] entry as devices.allow/deny lines: "c 1:3 rwm". Type "a" with
 * numbers or partial access becomes a "c" and a "b" rule, since the kernel
 * reads a bare "a" as every device with every access. */
static int
plan_device_rule(int h, json_t *e, const char *path, struct cg_plan *p, struct urun_err **err)
{
	_cleanup_free_ char *type = NULL, *access = NULL, *major = NULL, *minor = NULL;
	_cleanup_free_ char *tpath = xasprintf("%s.type", path);
	_cleanup_free_ char *apath = xasprintf("%s.access", path);
	_cleanup_free_ char *alpath = xasprintf("%s.allow", path);
	const char *file;
	bool allow = false;

	if (!json_is_object(e))
		return urun_err_set(err, 0, "%s: expected an object, got %s", path,
				    json_type_name(e));
	if (!json_is_boolean(json_object_get(e, "allow")))
		return urun_err_set(err, 0, "%s: required, a boolean", alpath);
	if (json_get_bool(e, "allow", alpath, &allow, err) < 0 ||
	    json_get_str(e, "type", tpath, JSON_OPTIONAL, &type, err) < 0 ||
	    json_get_str(e, "access", apath, JSON_OPTIONAL, &access, err) < 0 ||
	    dev_number(e, "major", path, &major, err) < 0 ||
	    dev_number(e, "minor", path, &minor, err) < 0)
		return -1;
	if (type && strcmp(type, "a") && strcmp(type, "b") && strcmp(type, "c"))
		return urun_err_set(err, 0, "%s: '%s' is not a, b or c", tpath, type);
	if (access && strspn(access, "rwm") != strlen(access))
		return urun_err_set(err, 0, "%s: '%s' is not made of r, w and m", apath, access);
	if (access == NULL || access[0] == '\0') {
		free(access);
		access = xstrdup("rwm");
	}
	file = allow ? "devices.allow" : "devices.deny";
	if (type && strcmp(type, "a")) {
		cg_plan_add(p, h, path, file, xasprintf("%s %s:%s %s", type, major, minor, access));
	} else if (!strcmp(major, "*") && !strcmp(minor, "*") && strchr(access, 'r') &&
		   strchr(access, 'w') && strchr(access, 'm')) {
		cg_plan_add(p, h, path, file, xstrdup("a"));
	} else {
		cg_plan_add(p, h, path, file, xasprintf("c %s:%s %s", major, minor, access));
		cg_plan_add(p, h, path, file, xasprintf("b %s:%s %s", major, minor, access));
	}
	return 0;
}

int
cg_plan_devices(const struct cg_layout *l, json_t *res, struct cg_plan *p,
		struct urun_err **err)
{
	json_t *arr = NULL, *e;
	size_t i;
	int h;

	if (json_get_arr(res, "devices", "linux.resources.devices", JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	h = cg_owner(l, CG_DEVICES);
	if (h < 0 && l->mode == CG_MODE_V2)
		return urun_err_set(err, 0, "linux.resources.devices: not supported on cgroup v2: "
				    "device rules need an eBPF program, which urun does not load");
	if (h < 0)
		return urun_err_set(err, 0, "linux.resources.devices: the devices cgroup controller "
				    "is not available on this host");
	/* In order, as the spec says: later rules refine earlier ones. */
	json_array_foreach(arr, i, e) {
		_cleanup_free_ char *path = xasprintf("linux.resources.devices[%zu]", i);

		if (plan_device_rule(h, e, path, p, err) < 0)
			return -1;
	}
	return 0;
}
