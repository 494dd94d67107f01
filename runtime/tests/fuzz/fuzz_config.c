/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the bytes as BUNDLE/config.json, through everything
 * `urun create` does with it before it touches the system: parse and convert
 * (spec.c, spec_process.c, json_get.c), then urun_container_validate() as root
 * and as unprivileged (support table, seccomp filter build, hooks, cgroup plan
 * and cgroupsPath, mount plans, sysctl, scheduler, time offsets, netDevices).
 * The cgroup part only sees this host's layout, so linux.resources and
 * cgroupsPath are also planned against a pure v1 and a pure v2 layout, and the
 * cgroup paths kept in state.json must decode to what was encoded. The same
 * bytes also go through urun_spec_parse_process() the way `exec --process
 * FILE` reads them. See docs/fuzzing.md. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cgroup_int.h"
#include "container.h"
#include "error.h"
#include "spec.h"
#include "util.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* v1: one hierarchy per controller, the caller in a different cgroup in
 * every other one (so the state encodes one path per hierarchy), and a named
 * systemd hierarchy; v2: every v2 controller. */
static struct cg_hier v1_hiers[CG_NCTRL + 1], v2_hier;
static struct cg_layout layouts[2] = {
	{ .mode = CG_MODE_V1, .h = v1_hiers, .n = CG_NCTRL + 1 },
	{ .mode = CG_MODE_V2, .h = &v2_hier, .n = 1 },
};

static void
fake_layouts(void)
{
	for (int c = 0; c < CG_NCTRL; c++) {
		struct cg_hier *h = &v1_hiers[c];

		h->dir = xasprintf("/sys/fs/cgroup/%s", cg_ctrl_name((enum cg_ctrl)c, false));
		h->mnt_root = xstrdup("/");
		h->self = xstrdup(c % 2 ? "/user.slice/session-1.scope" : "/");
		h->ctrls = CG_BIT(c);
	}
	v1_hiers[CG_NCTRL] = (struct cg_hier){ xstrdup("/sys/fs/cgroup/systemd"), xstrdup("/"),
		xstrdup("systemd"), xstrdup("/user.slice"), 0, false };
	v2_hier = (struct cg_hier){ xstrdup("/sys/fs/cgroup"), xstrdup("/"), NULL,
		xstrdup("/user.slice"), 0, true };
	for (int c = 0; c < CG_NCTRL; c++)
		if (cg_ctrl_name((enum cg_ctrl)c, true))
			v2_hier.ctrls |= CG_BIT(c);
	layouts[0].root = xstrdup("");
	layouts[1].root = xstrdup("");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	fake_layouts();
	return 0;
}

/* state.json keeps cg_paths_encode(); delete, kill and exec act on what
 * cg_paths_decode() gives back: it must be the same cgroups. */
static void
check_round_trip(const struct cg_layout *l, char **paths)
{
	char *text = cg_paths_encode(l, paths), **back = NULL;
	struct urun_err *err = NULL;

	if (cg_paths_decode(l, text, &back, &err) < 0) {
		fprintf(stderr, "fuzz: cgroup path '%s' does not decode: %s\n", text, err->msg);
		abort();
	}
	for (size_t i = 0; i < l->n; i++) {
		if ((paths[i] == NULL) != (back[i] == NULL) ||
		    (paths[i] && strcmp(paths[i], back[i]) != 0)) {
			fprintf(stderr, "fuzz: cgroup path of hierarchy %zu: '%s' decodes as '%s'\n",
				i, paths[i] ? paths[i] : "(none)", back[i] ? back[i] : "(none)");
			abort();
		}
	}
	cg_paths_free(back, l->n);
	free(text);
}

static void
as_cgroups(json_t *linux_obj)
{
	json_t *res = json_object_get(linux_obj, "resources");
	json_t *path = json_object_get(linux_obj, "cgroupsPath");

	if (path && !json_is_string(path))
		return;
	for (size_t k = 0; k < sizeof(layouts) / sizeof(layouts[0]); k++) {
		struct urun_err *err = NULL;
		struct cg_plan plan;
		char **paths = NULL;

		if (json_is_object(res) && cg_plan_build(&layouts[k], res, &plan, &err) == 0)
			cg_plan_release(&plan);
		urun_err_free(&err);
		if (cg_resolve(&layouts[k], path ? json_string_value(path) : NULL, "id", &paths,
			       &err) == 0)
			check_round_trip(&layouts[k], paths);
		cg_paths_free(paths, layouts[k].n);
		urun_err_free(&err);
	}
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
	as_cgroups(spec->linux_obj);
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
