/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json errors the conformance suite does not reach: each wrong type or
 * missing field of mounts, namespaces, devices, personality, sysctl and the
 * cross-field rules fails, and the message names the JSON path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "spec.h"
#include "util.h"

#define PROC "\"process\":{\"args\":[\"/probe\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}"
#define DOC(extra) "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}," PROC extra "}"
#define LNX(extra) DOC(",\"linux\":{" extra "}")
#define NS(list) "\"namespaces\":[" list "]"
#define DEV(fields) LNX("\"devices\":[{" fields "}]")

static const struct { const char *doc, *want; } cases[] = {
	{ DOC(",\"mounts\":[5]"), "mounts[0]: expected an object" },
	{ DOC(",\"mounts\":[{\"destination\":\"\"}]"), "mounts[0].destination: must not be empty" },
	{ DOC(",\"mounts\":[{\"destination\":\"/m\",\"uidMappings\":5}]"), "mounts[0]" },
	{ LNX("\"namespaces\":5"), "linux.namespaces: expected an array" },
	{ LNX(NS("5")), "linux.namespaces[0]: expected an object" },
	{ LNX(NS("{\"path\":\"/x\"}")), "linux.namespaces[0].type: required" },
	{ LNX(NS("{\"type\":\"pid\",\"path\":5}")), "linux.namespaces[0].path" },
	{ LNX(NS("{\"type\":\"user\"}") ",\"uidMappings\":5"), "uidMappings" },
	{ LNX("\"devices\":5"), "linux.devices: expected an array" },
	{ LNX("\"devices\":[5]"), "linux.devices[0]: expected an object" },
	{ DEV("\"type\":\"c\""), "linux.devices[0].path: required" },
	{ DEV("\"path\":\"/dev/x\""), "linux.devices[0].type: required" },
	{ DEV("\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":1"), "linux.devices[0].major: required" },
	{ DEV("\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1"), "linux.devices[0].minor: required" },
	{ DEV("\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":1,\"uid\":-1"),
	  "linux.devices[0].uid" },
	{ DEV("\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":1,\"gid\":\"x\""),
	  "linux.devices[0].gid" },
	{ LNX("\"rootfsPropagation\":5"), "linux.rootfsPropagation: expected a string" },
	{ LNX("\"personality\":5"), "linux.personality: expected an object" },
	{ LNX("\"personality\":{}"), "linux.personality.domain: required" },
	{ LNX("\"personality\":{\"domain\":\"LINUX\",\"flags\":5}"),
	  "linux.personality.flags: expected an array" },
	{ LNX("\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"x\"]}"),
	  "linux.personality.flags: no flags are defined" },
	{ LNX("\"sysctl\":5"), "linux.sysctl: expected an object" },
	{ DOC(",\"linux\":5"), "linux: expected an object" },
	{ LNX("\"readonlyPaths\":5"), "linux.readonlyPaths" },
	{ LNX("\"seccomp\":5"), "linux.seccomp: expected an object" },
	{ DOC(",\"domainname\":\"d\""), "domainname: needs a new uts namespace" },
	{ LNX(NS("{\"type\":\"user\"}")), "linux.uidMappings: a new user namespace needs" },
	{ "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":5}",
	  "process: expected an object" },
};

static void
test_errors_name_the_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct urun_err *err = NULL;
		struct urun_spec *s = urun_spec_parse_str(cases[i].doc, &err);

		if (s != NULL)
			fail_msg("%s: parsed, wanted an error naming '%s'", cases[i].doc,
				 cases[i].want);
		if (err == NULL || strstr(err->msg, cases[i].want) == NULL)
			fail_msg("%s: error '%s' does not mention '%s'", cases[i].doc,
				 err ? err->msg : "(none)", cases[i].want);
		urun_err_free(&err);
	}
}

/* A bind is recognized by its options too (type "none" with "rbind"). */
static void
test_bind_by_option(void **state)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(
		DOC(",\"mounts\":[{\"destination\":\"/m\",\"type\":\"none\",\"source\":\"src\","
		    "\"options\":[\"rbind\",\"ro\"]}]"), &err);

	(void)state;
	if (s == NULL)
		fail_msg("%s", err->msg);
	assert_int_equal(s->n_mounts, 1);
	assert_string_equal(s->mounts[0].destination, "/m");
	urun_spec_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors_name_the_path),
		cmocka_unit_test(test_bind_by_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
