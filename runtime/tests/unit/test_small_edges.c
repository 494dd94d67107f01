/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small modules' edges: JSON getters (type names, NUL bytes, u64 range),
 * scheduler/affinity/memory-policy checks and their application, update's
 * --resources from standard input, console socket errors, the documented
 * deviations, and the support table's verdict names and ignored-value rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "features_doc.h"
#include "json_get.h"
#include "proc_sched.h"
#include "support.h"
#include "terminal.h"
#include "update.h"
#include "util.h"

static json_t *
j(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (v == NULL)
		fail_msg("%s: %s", text, jerr.text);
	return v;
}

static void
expect_err_at(int r, struct urun_err **err, const char *want, int line)
{
	if (r != -1 || *err == NULL)
		fail_msg("line %d: %d, no error; wanted one naming '%s'", line, r, want);
	if (strstr((*err)->msg, want) == NULL)
		fail_msg("line %d: error '%s' does not mention '%s'", line, (*err)->msg, want);
	urun_err_free(err);
}
#define expect_err(r, err, want) expect_err_at(r, err, want, __LINE__)

static void
test_json_get(void **state)
{
	json_t *o = j("{\"b\": true, \"f\": false, \"n\": null, \"nul\": \"a\\u0000b\", "
		      "\"neg\": -1, \"frac\": 1.5, \"big\": 1e30, \"s\": \"x\"}");
	struct urun_err *err = NULL;
	char *s = NULL;
	uint64_t u = 0;
	int64_t i = 0;

	(void)state;
	expect_err(json_get_int(o, "b", "x.b", JSON_REQUIRED, 0, 9, &i, &err), &err,
		   "x.b: expected an integer, got a boolean");
	expect_err(json_get_int(o, "f", "x.f", JSON_REQUIRED, 0, 9, &i, &err), &err,
		   "got a boolean");
	expect_err(json_get_str(o, "n", "x.n", JSON_REQUIRED, &s, &err), &err, "x.n");
	expect_err(json_get_str(o, "nul", "x.nul", JSON_REQUIRED, &s, &err), &err,
		   "x.nul: contains a NUL byte");
	assert_null(s);
	expect_err(json_get_u64(o, "neg", "x.neg", JSON_REQUIRED, &u, &err), &err, "x.neg");
	expect_err(json_get_u64(o, "frac", "x.frac", JSON_REQUIRED, &u, &err), &err,
		   "x.frac: not an unsigned 64-bit integer");
	expect_err(json_get_u64(o, "big", "x.big", JSON_REQUIRED, &u, &err), &err,
		   "not an unsigned 64-bit integer");
	expect_err(json_get_u64(o, "s", "x.s", JSON_REQUIRED, &u, &err), &err,
		   "x.s: expected an integer, got a string");
	assert_string_equal(json_type_name(json_true()), "a boolean");
	assert_string_equal(json_type_name(json_null()), "null");
	json_decref(o);
}

static void
test_sched(void **state)
{
	static const struct { const char *sch, *aff, *mp, *want; } bad[] = {
		{ "{\"policy\": 5}", NULL, NULL, "process.scheduler.policy" },
		{ "{\"policy\": \"SCHED_OTHER\", \"nice\": 40}", NULL, NULL, "process.scheduler.nice" },
		{ "{\"policy\": \"SCHED_OTHER\", \"priority\": 100}", NULL, NULL,
		  "process.scheduler.priority" },
		{ "{\"policy\": \"SCHED_OTHER\", \"runtime\": -1}", NULL, NULL,
		  "process.scheduler.runtime" },
		{ "{\"policy\": \"SCHED_OTHER\", \"flags\": 5}", NULL, NULL, "process.scheduler.flags" },
		{ NULL, "[]", NULL, "process.execCPUAffinity: expected an object" },
		{ NULL, "{\"initial\": 5}", NULL, "process.execCPUAffinity.initial" },
		{ NULL, NULL, "{\"mode\": 5}", "linux.memoryPolicy.mode" },
		{ NULL, NULL, "{\"mode\": \"MPOL_BIND\", \"flags\": [\"MPOL_F_NOPE\"]}",
		  "linux.memoryPolicy.flags[0]: unknown flag" },
		{ NULL, NULL, "{\"mode\": \"MPOL_BIND\", \"nodes\": \"1-0\"}",
		  "linux.memoryPolicy.nodes: bad node list '1-0'" },
	};
	struct urun_err *err = NULL;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		json_t *s = bad[k].sch ? j(bad[k].sch) : NULL, *a = bad[k].aff ? j(bad[k].aff) : NULL;
		json_t *m = bad[k].mp ? j(bad[k].mp) : NULL;

		expect_err(sched_check(s, a, m, &err), &err, bad[k].want);
		json_decref(s);
		json_decref(a);
		json_decref(m);
	}
}

/* The apply calls, in a child: the process gets what was asked. */
static void
test_sched_apply(void **state)
{
	json_t *sch = j("{\"policy\": \"SCHED_BATCH\", \"nice\": 5}");
	json_t *aff = j("{\"initial\": \"0\", \"final\": \"0\"}");
	json_t *empty_aff = j("{}");
	json_t *mp = j("{\"mode\": \"MPOL_DEFAULT\"}");
	json_t *bad_mp = j("{\"mode\": \"MPOL_BIND\", \"nodes\": \"1000\"}");
	json_t *bad_sch = j("{\"policy\": \"SCHED_DEADLINE\", \"runtime\": 10, \"deadline\": 5, "
			    "\"period\": 1}");
	struct urun_err *err = NULL;
	int status = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(sched_apply_scheduler(NULL, &err), 0);
	assert_int_equal(sched_apply_mempolicy(NULL, &err), 0);
	assert_int_equal(sched_apply_affinity(empty_aff, "initial", &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		cpu_set_t set;
		int bad = 0;

		if (sched_apply_scheduler(sch, &err) < 0 || sched_getscheduler(0) != SCHED_BATCH)
			bad |= 1;
		if (sched_apply_affinity(aff, "final", &err) < 0 ||
		    sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) != 1 ||
		    !CPU_ISSET(0, &set))
			bad |= 2;
		if (sched_apply_mempolicy(mp, &err) < 0)
			bad |= 4;
		/* refused by the kernel: the errors name the field */
		if (sched_apply_mempolicy(bad_mp, &err) != -1 ||
		    !strstr(err->msg, "linux.memoryPolicy") || (urun_err_free(&err), 0))
			bad |= 8;
		if (sched_apply_scheduler(bad_sch, &err) != -1 ||
		    !strstr(err->msg, "process.scheduler: sched_setattr") || (urun_err_free(&err), 0))
			bad |= 16;
		execl("/bin/sh", "sh", "-c", bad ? "exit 1" : "exit 0", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	json_decref(sch);
	json_decref(aff);
	json_decref(empty_aff);
	json_decref(mp);
	json_decref(bad_mp);
	json_decref(bad_sch);
}

/* --resources -: standard input, of any size up to 1 MiB. */
static void
read_stdin(const char *text, size_t len, json_t **out, struct urun_err **err)
{
	int p[2], saved = dup(0);
	pid_t writer;

	assert_int_equal(pipe(p), 0);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		close(p[0]);
		(void)!write_all(p[1], text, len);
		execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	*out = urun_update_read("-", err);
	dup2(saved, 0);
	close(saved);
	waitpid(writer, NULL, 0);
}

static void
test_update_stdin(void **state)
{
	size_t big = (1 << 20) + 10, mid = 10000;
	char *text = xmalloc(big + 1);
	struct urun_err *err = NULL;
	json_t *doc = NULL;

	(void)state;
	/* larger than the first buffer: {"pids": {"limit": 5}} padded with spaces */
	memset(text, ' ', big);
	memcpy(text, "{\"pids\": {\"limit\": 5}}", 22);
	read_stdin(text, mid, &doc, &err);
	if (doc == NULL)
		fail_msg("%s", err->msg);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "pids"),
							    "limit")), 5);
	json_decref(doc);
	read_stdin(text, big, &doc, &err);
	assert_null(doc);
	assert_non_null(strstr(err->msg, "standard input: more than 1 MiB"));
	urun_err_free(&err);
	read_stdin("[1]", 3, &doc, &err);
	assert_null(doc);
	assert_non_null(strstr(err->msg, "--resources standard input: expected a linux.resources "
				    "object, got an array"));
	urun_err_free(&err);
	free(text);
}

static void
test_console_socket(void **state)
{
	char longpath[200];
	struct urun_err *err = NULL;

	(void)state;
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	expect_err(terminal_connect(longpath, &err), &err, "path too long");
	expect_err(terminal_connect("/nonexistent/console.sock", &err), &err,
		   "connect console socket '/nonexistent/console.sock'");
}

static void
test_docs_and_verdicts(void **state)
{
	const struct urun_note *d;
	size_t n = 0;

	(void)state;
	d = urun_deviations(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		assert_true(d[i].key[0] && d[i].text[0]);
	d = urun_unsupported_commands(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].key, "checkpoint") == 0)
			return;
	fail_msg("checkpoint is not listed as unsupported");
}

static void
test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(verdict_name(SUPPORTED), "supported");
	assert_string_equal(verdict_name(IGNORED), "ignored");
	assert_string_equal(verdict_name(REJECTED), "rejected");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_get),
		cmocka_unit_test(test_sched),
		cmocka_unit_test(test_sched_apply),
		cmocka_unit_test(test_update_stdin),
		cmocka_unit_test(test_console_socket),
		cmocka_unit_test(test_docs_and_verdicts),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
