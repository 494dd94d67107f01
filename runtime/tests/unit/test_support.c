/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The support table against the runtime-spec schemas, and its use by create. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "features_doc.h"
#include "log.h"
#include "support.h"
#include "util.h"

#ifndef SCHEMA_DIR
#define SCHEMA_DIR "conformance/schema"
#endif

/* Non-Linux platform sections: one row each, their insides are not walked. */
static const char *const other_platforms[] = { "windows", "solaris", "vm", "zos", "freebsd" };

struct walker {
	json_t *files;		/* file name -> document */
	json_t *paths;		/* set of field paths found */
};

static json_t *
load_schema(struct walker *w, const char *file)
{
	json_t *doc = json_object_get(w->files, file);

	if (doc == NULL) {
		char *path = xasprintf("%s/%s", SCHEMA_DIR, file);

		doc = json_load_file(path, JSON_DECODE_INT_AS_REAL, NULL);
		if (doc == NULL)
			fprintf(stderr, "cannot load schema %s\n", path);
		free(path);
		assert_non_null(doc);
		json_object_set_new(w->files, file, doc);
	}
	return doc;
}

/* Follow a "$ref" ("defs.json#/definitions/X" or "#/..."); *FILE becomes the
 * file the target lives in (a key of w->files, so it stays valid). */
static json_t *
resolve(struct walker *w, const char *ref, const char **file)
{
	char *copy = xstrdup(ref), *hash = strchr(copy, '#'), *part, *save = NULL;
	json_t *node;

	if (hash)
		*hash = '\0';
	if (*copy) {
		void *iter;

		load_schema(w, copy);
		iter = json_object_iter_at(w->files, copy);
		*file = json_object_iter_key(iter);
	}
	node = load_schema(w, *file);
	for (part = hash ? strtok_r(hash + 1, "/", &save) : NULL; part;
	     part = strtok_r(NULL, "/", &save))
		node = json_object_get(node, part);
	free(copy);
	return node;
}

static void
walk(struct walker *w, json_t *node, const char *file, const char *path, int depth)
{
	const char *k;
	json_t *v;
	size_t i;

	if (node == NULL || depth > 25)
		return;
	if (json_is_string(json_object_get(node, "$ref"))) {
		const char *f = file;
		json_t *target = resolve(w, json_string_value(json_object_get(node, "$ref")), &f);

		walk(w, target, f, path, depth + 1);
	}
	for (const char *const *kw = (const char *const[]){ "allOf", "anyOf", "oneOf", NULL };
	     *kw; kw++)
		json_array_foreach(json_object_get(node, *kw), i, v)
			walk(w, v, file, path, depth + 1);
	if (json_is_object(json_object_get(node, "items")))
		walk(w, json_object_get(node, "items"), file, path, depth + 1);
	json_object_foreach(json_object_get(node, "properties"), k, v) {
		char *sub = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);
		bool other = false;

		for (size_t p = 0; p < sizeof(other_platforms) / sizeof(*other_platforms); p++)
			other |= !*path && strcmp(k, other_platforms[p]) == 0;
		json_object_set_new(w->paths, sub, json_true());
		if (!other)
			walk(w, v, file, sub, depth + 1);
		free(sub);
	}
}

static void
test_table_covers_every_schema_field(void **state)
{
	struct walker w = { json_object(), json_object() };
	const char *path;
	json_t *v;
	int missing = 0;

	(void)state;
	walk(&w, load_schema(&w, "config-schema.json"), "config-schema.json", "", 0);
	assert_true(json_object_size(w.paths) > 200);
	json_object_foreach(w.paths, path, v) {
		if (support_find(path) == NULL) {
			fprintf(stderr, "support table lacks '%s'\n", path);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	json_decref(w.files);
	json_decref(w.paths);
}

static void
test_table_sorted_and_unique(void **state)
{
	size_t n;
	const struct support_row *rows = support_table(&n);

	(void)state;
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(rows[i - 1].path, rows[i].path) < 0);
	for (size_t i = 0; i < n; i++)
		assert_true(rows[i].reason && *rows[i].reason);
}

static void
test_rejected_field_fails_naming_it(void **state)
{
	json_t *doc = json_loads("{\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", 0, NULL);
	struct urun_err *err = NULL;

	(void)state;
	assert_int_equal(support_check(doc, false, &err), -1);
	/* The exact field present, not just the rejected object. */
	assert_non_null(strstr(err->msg, "linux.intelRdt.closID: not supported"));
	urun_err_free(&err);
	json_decref(doc);
}

static void
test_value_row_rejects_one_value(void **state)
{
	json_t *ok = json_loads("{\"linux\":{\"seccomp\":{\"syscalls\":[{\"action\":"
				"\"SCMP_ACT_ERRNO\"}]}}}", 0, NULL);
	json_t *bad = json_loads("{\"linux\":{\"seccomp\":{\"syscalls\":[{\"action\":"
				 "\"SCMP_ACT_NOTIFY\"}]}}}", 0, NULL);
	struct urun_err *err = NULL;

	(void)state;
	assert_int_equal(support_check(ok, false, &err), 0);
	assert_int_equal(support_check(bad, false, &err), -1);
	assert_non_null(strstr(err->msg, "linux.seccomp.syscalls.action: 'SCMP_ACT_NOTIFY'"));
	urun_err_free(&err);
	json_decref(ok);
	json_decref(bad);
}

static void
test_ignored_unprivileged_runs(void **state)
{
	json_t *doc = json_loads("{\"linux\":{\"resources\":{\"memory\":{\"limit\":1}}}}", 0, NULL);
	struct urun_err *err = NULL;

	(void)state;
	assert_int_equal(support_check(doc, true, &err), 0);
	assert_null(err);
	json_decref(doc);
}


/* The warnings support_check writes, through a --log file (log.h: with a
 * file, warnings go there only). */
static char *
warnings_for(const char *config, bool unpriv)
{
	char path[] = "/tmp/urun-test-log-XXXXXX";
	int fd = mkstemp(path);
	json_t *doc = json_loads(config, 0, NULL);
	struct urun_err *err = NULL;
	char *text = NULL;

	assert_true(fd >= 0);
	close(fd);
	assert_non_null(doc);
	assert_int_equal(log_init(path, LOG_TEXT, 0), 0);
	assert_int_equal(support_check(doc, unpriv, &err), 0);
	log_close();
	assert_int_equal(read_file(path, &text, NULL, NULL), 0);
	unlink(path);
	json_decref(doc);
	return text;
}

/* Only settings that would do something are warned about: podman sends
 * "resources": {} for every rootless container. */
static void
test_ignored_without_effect_is_quiet(void **state)
{
	static const char *const quiet[] = {
		"{\"linux\":{\"resources\":{}}}",
		"{\"linux\":{\"resources\":null}}",
		"{\"linux\":{\"resources\":{\"memory\":{}, \"cpu\":{\"cpus\":\"\"}, "
		"\"devices\":[]}}}",
		"{\"linux\":{\"resources\":{\"memory\":{\"limit\":0,\"kernel\":0}}}}",
		"{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[]}}}",
		"{\"windows\":{}}",
	};
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		text = warnings_for(quiet[i], true);
		if (text[0] != '\0')
			fail_msg("%s: warned '%s'", quiet[i], text);
		free(text);
	}
	text = warnings_for("{\"linux\":{\"resources\":{\"pids\":{\"limit\":10}}}}", true);
	assert_non_null(strstr(text, "warning: linux.resources: ignored unprivileged"));
	free(text);
	text = warnings_for("{\"linux\":{\"cgroupsPath\":\"/x\"}}", true);
	assert_non_null(strstr(text, "linux.cgroupsPath: ignored unprivileged"));
	free(text);
	/* As root: memory.kernel is ignored when set, quiet when 0. */
	text = warnings_for("{\"linux\":{\"resources\":{\"memory\":{\"kernel\":1048576}}}}",
			    false);
	assert_non_null(strstr(text, "linux.resources.memory.kernel: ignored"));
	free(text);
	text = warnings_for("{\"linux\":{\"resources\":{\"memory\":{\"kernel\":0}}}}", false);
	assert_string_equal(text, "");
	free(text);
}

static void
test_features_declares_table(void **state)
{
	json_t *f = urun_features(false);
	const char *rej = json_string_value(json_object_get(json_object_get(f, "annotations"),
							    "org.urun.rejected"));
	json_t *list = json_loads(rej, 0, NULL);
	json_t *ignored = support_paths(IGNORED, true);
	json_t *ignored_root = support_paths(IGNORED, false);

	(void)state;
	assert_non_null(list);
	assert_true(json_array_size(list) > 0);
	assert_string_equal(json_string_value(json_object_get(f, "ociVersionMax")), "1.3.0");
	/* Unprivileged, cgroup limits are ignored: more rows than as root. */
	assert_true(json_array_size(ignored) > json_array_size(ignored_root));
	json_decref(list);
	json_decref(ignored);
	json_decref(ignored_root);
	json_decref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_covers_every_schema_field),
		cmocka_unit_test(test_table_sorted_and_unique),
		cmocka_unit_test(test_rejected_field_fails_naming_it),
		cmocka_unit_test(test_value_row_rejects_one_value),
		cmocka_unit_test(test_ignored_unprivileged_runs),
		cmocka_unit_test(test_ignored_without_effect_is_quiet),
		cmocka_unit_test(test_features_declares_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
