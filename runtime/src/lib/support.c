/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Applying the support table (support.h) to a config document. */
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "support.h"
#include "util.h"

const char *
verdict_name(enum verdict v)
{
	static const char *const names[] = { "supported", "ignored", "rejected" };

	return names[v];
}

static int
row_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct support_row *)row)->path);
}

const struct support_row *
support_find(const char *path)
{
	size_t n;
	const struct support_row *rows = support_table(&n);

	/* support_check looks up every node of the config: a linear scan was
	 * most of its time (and of fuzz_config's). The table is sorted by
	 * strcmp (test_table_sorted_and_unique). */
	return bsearch(path, rows, n, sizeof(*rows), row_cmp);
}

struct walk {
	bool unpriv;
	json_t *warned;		/* set of paths already warned about */
	struct urun_err **err;
};

static int walk_value(struct walk *w, const char *path, json_t *v);

/* The first leaf under V, as a path below PATH ("linux.intelRdt" with
 * {"closID": ..} gives "linux.intelRdt.closID"): errors name the exact field. */
static char *
first_leaf(const char *path, json_t *v)
{
	const char *key;
	json_t *child;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			_cleanup_free_ char *sub = xasprintf("%s.%s", path, key);

			return first_leaf(sub, child);
		}
	}
	if (json_is_array(v) && json_array_size(v) > 0 && json_is_object(json_array_get(v, 0)))
		return first_leaf(path, json_array_get(v, 0));
	return xstrdup(path);
}

/* Whether the value of an ignored field would do anything. Engines send empty
 * sections whatever the setting (podman: "resources": {} for every rootless
 * container): null, "", {} and [] warn about nothing. linux.resources is
 * judged by its cgroup plan; below it a 0 means "leave as is" (runc), as for
 * memory.kernel. */
static bool
value_effect(json_t *v, bool zero_unset)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			if (value_effect(child, zero_unset))
				return true;
		return false;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if (value_effect(child, zero_unset))
				return true;
		return false;
	}
	if (json_is_string(v))
		return json_string_value(v)[0] != '\0';
	if (zero_unset && json_is_number(v))
		return json_number_value(v) != 0;
	return !json_is_null(v);
}

static bool
has_effect(const char *path, json_t *v)
{
	if (v == NULL)		/* a "path=value" row: the value is the setting */
		return true;
	if (strcmp(path, "linux.resources") == 0)
		return urun_cgroup_resources_effective(v);
	return value_effect(v, strncmp(path, "linux.resources.", 16) == 0);
}

/* Judge PATH (present in the document, value V); 1 = descend, 0 = stop,
 * -1 = rejected. */
static int
judge(struct walk *w, const char *path, const char *shown, json_t *v_json)
{
	const struct support_row *row = support_find(path);
	enum verdict v;

	if (row == NULL)
		return 1;
	v = w->unpriv ? row->unpriv : row->root;
	if (v == REJECTED) {
		_cleanup_free_ char *leaf = v_json ? first_leaf(shown, v_json) : xstrdup(shown);

		return urun_err_set(w->err, 0, "%s: not supported%s: %s", leaf,
				    w->unpriv ? " unprivileged" : "", row->reason);
	}
	if (v == IGNORED) {
		if (!json_object_get(w->warned, path) && has_effect(path, v_json)) {
			log_warn("%s: ignored%s: %s", path, w->unpriv ? " unprivileged" : "",
				 row->reason);
			json_object_set_new(w->warned, path, json_true());
		}
		return 0;
	}
	return 1;
}

static int
walk_value(struct walk *w, const char *path, json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_string(v)) {
		_cleanup_free_ char *pv = xasprintf("%s=%s", path, json_string_value(v));
		_cleanup_free_ char *shown = xasprintf("%s: '%s'", path, json_string_value(v));

		return judge(w, pv, shown, NULL) < 0 ? -1 : 0;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if (walk_value(w, path, child) < 0)
				return -1;
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	json_object_foreach(v, key, child) {
		_cleanup_free_ char *sub = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
		int r = judge(w, sub, sub, child);

		if (r < 0)
			return -1;
		/* Maps (annotations, sysctl, unified) have no rows below them. */
		if (r > 0 && walk_value(w, sub, child) < 0)
			return -1;
	}
	return 0;
}

int
support_check(json_t *doc, bool unpriv, struct urun_err **err)
{
	struct walk w = { unpriv, json_object(), err };
	int r = walk_value(&w, "", doc);

	json_decref(w.warned);
	return r;
}

json_t *
support_paths(enum verdict v, bool unpriv)
{
	size_t n;
	const struct support_row *rows = support_table(&n);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		if ((unpriv ? rows[i].unpriv : rows[i].root) == v)
			json_array_append_new(arr, json_string(rows[i].path));
	return arr;
}
