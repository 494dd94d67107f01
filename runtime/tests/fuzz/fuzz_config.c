/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the bytes as BUNDLE/config.json, through everything
 * `urun create` does with it before it touches the system: parse and convert
 * (spec.c, spec_process.c, json_get.c), then urun_container_validate() as root
 * and as unprivileged (support table, seccomp filter build, hooks, cgroup plan
 * and cgroupsPath, mount plans, sysctl, scheduler, time offsets, netDevices).
 * The same bytes also go through urun_spec_parse_process() the way
 * `exec --process FILE` reads them. See docs/fuzzing.md. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "container.h"
#include "error.h"
#include "spec.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	return 0;
}

static void
as_config(const char *text)
{
	struct urun_err *err = NULL;
	struct urun_spec *spec = urun_spec_parse_str(text, &err);

	if (spec == NULL) {
		urun_err_free(&err);
		return;
	}
	/* Root first, then unprivileged on the same spec, as a second create
	 * would see it (complete_namespaces is idempotent). */
	for (int rootless = 0; rootless < 2; rootless++) {
		urun_container_validate(spec, rootless, &err);
		urun_err_free(&err);
	}
	urun_spec_free(spec);
}

/* exec --process: json_load_file without flags, then the process parser. */
static void
as_process(const char *text)
{
	struct urun_err *err = NULL;
	struct urun_process p;
	json_t *doc = json_loads(text, 0, NULL);

	if (doc == NULL)
		return;
	urun_spec_parse_process(doc, &p, &err);
	urun_process_release(&p);
	urun_err_free(&err);
	json_decref(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_lowest_fd();
	char *text = fuzz_text(data, size);

	as_config(text);
	as_process(text);
	free(text);
	fuzz_check_fds(fd);
	return 0;
}
