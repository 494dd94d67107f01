/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json parsing: types, ranges and cross-field rules, each error naming
 * its JSON path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "error.h"
#include "spec.h"
#include "util.h"

#define BASE_PROCESS "\"process\":{\"args\":[\"/probe\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}"
#define DOC(extra) "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}," BASE_PROCESS extra "}"

/* Parse TEXT, expect failure whose message contains WANT. */
static void
expect_error(const char *text, const char *want)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(text, &err);

	assert_null(s);
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("error '%s' does not mention '%s'", err->msg, want);
	urun_err_free(&err);
}

static void
test_minimal_config_parses(void **state)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(DOC(""), &err);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s->process.args[0], "/probe");
	assert_string_equal(s->root_path, "rootfs");
	assert_false(s->root_readonly);
	urun_spec_free(s);
}

static void
test_type_errors_name_the_path(void **state)
{
	(void)state;
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":5}}", "root.path: expected a string");
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":\"sh\","
		     "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}", "process.args: expected an array");
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[1],"
		     "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}", "process.args: expected an array of strings");
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[],"
		     "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}", "process.args: must name a program");
	expect_error("{\"ociVersion\":\"1.0.2\"}", "root: required");
	expect_error("{\"root\":{\"path\":\"r\"}}", "ociVersion: required");
	expect_error("[1]", "expected an object at the top level");
	expect_error("{\"ociVersion\":", "line 1");
}

static void
test_version_range(void **state)
{
	(void)state;
	expect_error("{\"ociVersion\":\"2.0.0\",\"root\":{\"path\":\"r\"}}", "outside the supported range");
	expect_error("{\"ociVersion\":\"banana\",\"root\":{\"path\":\"r\"}}", "not a semantic version");
	expect_error("{\"ociVersion\":\"1.4.0\",\"root\":{\"path\":\"r\"}}", "outside");
}

static void
test_process_fields(void **state)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(
		"{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"/r\",\"readonly\":true},"
		"\"process\":{\"args\":[\"a\",\"b\"],\"env\":[\"A=1\"],\"cwd\":\"/tmp\","
		"\"user\":{\"uid\":1000,\"gid\":1001,\"umask\":18,\"additionalGids\":[5,6]},"
		"\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"ambient\":[\"CAP_KILL\"]},"
		"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}],"
		"\"noNewPrivileges\":true,\"oomScoreAdj\":-17,"
		"\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":3}}}", &err);

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->process.uid, 1000);
	assert_int_equal(s->process.gid, 1001);
	assert_int_equal(s->process.umask, 18);
	assert_int_equal(s->process.n_additional_gids, 2);
	assert_true(s->process.caps[CAP_SET_BOUNDING] == ((1ULL << 5) | 1ULL));
	assert_true(s->process.caps[CAP_SET_AMBIENT] == (1ULL << 5));
	assert_int_equal(s->process.n_rlimits, 1);
	assert_int_equal(s->process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_true(s->process.no_new_privileges);
	assert_int_equal(s->process.oom_score_adj, -17);
	assert_int_equal(s->process.io_priority, (3 << 13) | 3);
	assert_true(s->root_readonly);
	urun_spec_free(s);
}

#define PROC(fields) "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{" \
	"\"args\":[\"a\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}" fields "}}"
#define LINUX(fields) DOC(",\"linux\":{" fields "}")

static void
test_process_errors(void **state)
{
	(void)state;
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],"
		     "\"cwd\":\"tmp\",\"user\":{\"uid\":0,\"gid\":0}}}", "process.cwd: must be an absolute path");
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],"
		     "\"cwd\":\"/\",\"user\":{\"uid\":\"0\",\"gid\":0}}}", "process.user.uid: expected an integer");
	expect_error(PROC(",\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]"),
		     "process.rlimits[0].type: unknown rlimit 'RLIMIT_BOGUS'");
	expect_error(PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]"),
		     "soft limit above hard limit");
	expect_error(PROC(",\"oomScoreAdj\":5000"), "process.oomScoreAdj: 5000 out of range");
	expect_error(PROC(",\"terminal\":\"yes\""), "process.terminal: expected a boolean");
	expect_error(PROC(",\"ioPriority\":{\"class\":\"FAST\"}"), "process.ioPriority.class: unknown class");
	expect_error("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],"
		     "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[-1]}}}",
		     "process.user.additionalGids[0]");
	expect_error(PROC(",\"cwd\":\"/x\""), "duplicate object key");
}

static void
test_linux_errors(void **state)
{
	(void)state;
	expect_error(LINUX("\"namespaces\":[{\"type\":\"bogus\"}]"),
		     "linux.namespaces[0].type: unknown namespace type 'bogus'");
	expect_error(LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]"),
		     "linux.namespaces[1].type: duplicate namespace 'pid'");
	expect_error(LINUX("\"namespaces\":[{\"type\":\"pid\",\"path\":\"rel\"}]"),
		     "linux.namespaces[0].path: must be absolute");
	expect_error(LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
		     "linux.uidMappings: mappings need a new user namespace");
	expect_error(LINUX("\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":"
			   "[{\"containerID\":0,\"hostID\":1,\"size\":\"1\"}]"),
		     "linux.uidMappings[0].size: expected an integer");
	expect_error(LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"z\"}]"),
		     "linux.devices[0].type: unknown device type 'z'");
	expect_error(LINUX("\"rootfsPropagation\":\"sideways\""), "linux.rootfsPropagation: unknown mode");
	expect_error(LINUX("\"personality\":{\"domain\":\"WIN32\"}"), "linux.personality.domain");
	expect_error(LINUX("\"sysctl\":{\"net.ipv4.ip_forward\":1}"),
		     "linux.sysctl.net.ipv4.ip_forward: expected a string");
	expect_error(LINUX("\"sysctl\":{\"../../etc\":\"1\"}"), "linux.sysctl: bad name");
	expect_error(DOC(",\"hostname\":\"h\""), "hostname: needs a new uts namespace");
	expect_error(DOC(",\"mounts\":[{\"type\":\"tmpfs\"}]"), "mounts[0].destination: required");
	expect_error(DOC(",\"mounts\":[{\"destination\":\"/x\",\"options\":\"ro\"}]"),
		     "mounts[0].options: expected an array");
}

static void
test_linux_fields(void **state)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(LINUX(
		"\"namespaces\":[{\"type\":\"user\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}],"
		"\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		"\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		"\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}],"
		"\"rootfsPropagation\":\"rshared\",\"maskedPaths\":[\"/proc/kcore\"],"
		"\"personality\":{\"domain\":\"LINUX32\"}"), &err);

	(void)state;
	assert_non_null(s);
	assert_non_null(urun_spec_ns(s, CLONE_NEWUSER));
	assert_string_equal(urun_spec_ns(s, CLONE_NEWNET)->path, "/proc/1/ns/net");
	assert_null(urun_spec_ns(s, CLONE_NEWPID));
	assert_int_equal(s->uid_maps[0].host_id, 1000);
	assert_int_equal(s->devices[0].minor, 229);
	assert_int_equal(s->devices[0].mode, 0666);
	assert_int_equal(s->rootfs_propagation, MS_SHARED | MS_REC);
	assert_string_equal(s->masked_paths[0], "/proc/kcore");
	assert_true(s->has_personality);
	urun_spec_free(s);
}

static void
test_load_makes_root_absolute(void **state)
{
	char dir[] = "/tmp/urun-test-XXXXXX";
	struct urun_err *err = NULL;
	struct urun_spec *s;
	char *path;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	f = fopen(path, "w");
	fputs(DOC(""), f);
	fclose(f);
	s = urun_spec_load(dir, &err);
	assert_non_null(s);
	assert_true(strncmp(s->root_path, dir, strlen(dir)) == 0);
	urun_spec_free(s);
	f = fopen(path, "w");
	fputs("{\"ociVersion\": \"1.0.2\",\n \"root\": {\"path\": 7}}", f);
	fclose(f);
	assert_null(urun_spec_load(dir, &err));
	assert_string_equal(err->msg, "config.json: root.path: expected a string, got an integer");
	urun_err_free(&err);
	f = fopen(path, "w");
	fputs("{\"ociVersion\": \"1.0.2\",\n \"root\": ", f);
	fclose(f);
	assert_null(urun_spec_load(dir, &err));
	assert_non_null(strstr(err->msg, "config.json: line 2"));
	urun_err_free(&err);
	unlink(path);
	rmdir(dir);
	free(path);
	assert_null(urun_spec_load("/nonexistent-bundle", &err));
	assert_non_null(strstr(err->msg, "/nonexistent-bundle/config.json"));
	urun_err_free(&err);
}

static void
test_uint64_values(void **state)
{
	struct urun_err *err = NULL;
	struct urun_spec *s = urun_spec_parse_str(PROC(",\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
		"\"soft\":18446744073709551615,\"hard\":18446744073709551615}]"), &err);

	(void)state;
	assert_non_null(s);
	assert_true(s->process.rlimits[0].hard == UINT64_MAX);
	assert_int_equal(s->process.uid, 0);
	urun_spec_free(s);
}

static void
test_cap_names(void **state)
{
	(void)state;
	assert_int_equal(urun_cap_from_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(urun_cap_from_name("cap_chown"), 0);
	assert_int_equal(urun_cap_from_name("CAP_NOPE"), -1);
	assert_string_equal(urun_cap_name(urun_cap_last()), "CAP_CHECKPOINT_RESTORE");
	assert_null(urun_cap_name(99));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_config_parses),
		cmocka_unit_test(test_type_errors_name_the_path),
		cmocka_unit_test(test_version_range),
		cmocka_unit_test(test_process_fields),
		cmocka_unit_test(test_process_errors),
		cmocka_unit_test(test_linux_errors),
		cmocka_unit_test(test_linux_fields),
		cmocka_unit_test(test_load_makes_root_absolute),
		cmocka_unit_test(test_uint64_values),
		cmocka_unit_test(test_cap_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
