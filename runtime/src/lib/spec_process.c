/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "process" object of config.json (also exec --process). */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "log.h"
#include "spec.h"
#include "util.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static int
parse_user(json_t *proc, struct urun_process *p, struct urun_err **err)
{
	json_t *user = NULL, *gids = NULL, *v;
	int64_t n;
	size_t i;

	if (json_get_obj(proc, "user", "process.user", JSON_REQUIRED, &user, err) < 0)
		return -1;
	if (json_get_int(user, "uid", "process.user.uid", JSON_REQUIRED, 0, UINT32_MAX - 1,
			 &n, err) < 0)
		return -1;
	p->uid = (uid_t)n;
	if (json_get_int(user, "gid", "process.user.gid", JSON_REQUIRED, 0, UINT32_MAX - 1,
			 &n, err) < 0)
		return -1;
	p->gid = (gid_t)n;
	n = -1;
	if (json_get_int(user, "umask", "process.user.umask", JSON_OPTIONAL, 0, 0777, &n,
			 err) < 0)
		return -1;
	p->has_umask = n >= 0;
	p->umask = p->has_umask ? (mode_t)n : 0;
	if (json_get_arr(user, "additionalGids", "process.user.additionalGids",
			 JSON_OPTIONAL, &gids, err) < 0)
		return -1;
	if (gids == NULL)
		return 0;
	p->additional_gids = xcalloc(json_array_size(gids), sizeof(gid_t));
	json_array_foreach(gids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= UINT32_MAX)
			return urun_err_set(err, 0, "process.user.additionalGids[%zu]: "
					    "expected a gid", i);
		p->additional_gids[p->n_additional_gids++] = (gid_t)json_integer_value(v);
	}
	return 0;
}

/* config.md: a capability the platform cannot grant MUST be logged as a
 * warning and SHOULD NOT fail the container. One missing from our bounding
 * set (the init and an exec process inherit it, user namespace or not) would
 * make capset fail with EPERM in the process, so it is dropped here, at
 * create or exec time, with runc's words, once per capability. */
static void
drop_unavailable(struct urun_process *p)
{
	uint64_t want = 0, missing;

	for (int s = 0; s < CAP_SET_COUNT; s++)
		want |= p->caps[s];
	missing = want & ~urun_cap_bounding();
	if (missing == 0)
		return;
	for (int c = 0; c <= urun_cap_last(); c++)
		if (missing & (1ULL << c))
			log_warn("process.capabilities: unknown or unavailable capability "
				 "%s (not in this host's bounding set), ignored", urun_cap_name(c));
	for (int s = 0; s < CAP_SET_COUNT; s++)
		p->caps[s] &= ~missing;
}

static int
parse_caps(json_t *proc, struct urun_process *p, struct urun_err **err)
{
	static const char *const sets[CAP_SET_COUNT] = {
		"bounding", "effective", "inheritable", "permitted", "ambient"
	};
	json_t *caps = NULL;

	if (json_get_obj(proc, "capabilities", "process.capabilities", JSON_OPTIONAL,
			 &caps, err) < 0)
		return -1;
	if (caps == NULL)
		return 0;
	p->has_caps = true;
	for (int s = 0; s < CAP_SET_COUNT; s++) {
		_cleanup_free_ char *path = xasprintf("process.capabilities.%s", sets[s]);
		_cleanup_strv_ char **names = NULL;

		if (json_get_strv(caps, sets[s], path, JSON_OPTIONAL, &names, err) < 0)
			return -1;
		for (char **n = names; n && *n; n++) {
			int cap = urun_cap_from_name(*n);

			/* config.md: a capability that cannot be mapped MUST be
			 * logged as a warning, and SHOULD NOT fail the container. */
			if (cap < 0) {
				log_warn("%s: unknown capability '%s', ignored", path, *n);
				continue;
			}
			p->caps[s] |= 1ULL << cap;
		}
	}
	drop_unavailable(p);
	return 0;
}

static int
parse_rlimits(json_t *proc, struct urun_process *p, struct urun_err **err)
{
	json_t *arr = NULL, *v;
	size_t i;

	if (json_get_arr(proc, "rlimits", "process.rlimits", JSON_OPTIONAL, &arr, err) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	p->rlimits = xcalloc(json_array_size(arr), sizeof(*p->rlimits));
	json_array_foreach(arr, i, v) {
		_cleanup_free_ char *type = NULL;
		_cleanup_free_ char *path = xasprintf("process.rlimits[%zu]", i);
		struct urun_rlimit *r = &p->rlimits[i];
		size_t k;

		if (!json_is_object(v))
			return urun_err_set(err, 0, "%s: expected an object", path);
		if (json_get_str(v, "type", "type", JSON_REQUIRED, &type, err) < 0 ||
		    json_get_u64(v, "soft", "soft", JSON_REQUIRED, &r->soft, err) < 0 ||
		    json_get_u64(v, "hard", "hard", JSON_REQUIRED, &r->hard, err) < 0)
			return urun_err_wrap_field(err, "%s", path);
		for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
			if (strcmp(type, rlimit_names[k].name) == 0)
				break;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return urun_err_set(err, 0, "%s.type: unknown rlimit '%s'", path, type);
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[j].resource == rlimit_names[k].resource)
				return urun_err_set(err, 0, "%s.type: duplicate rlimit '%s'", path, type);
		if (r->soft > r->hard)
			return urun_err_set(err, 0, "%s: soft limit above hard limit", path);
		r->resource = rlimit_names[k].resource;
		p->n_rlimits++;
	}
	return 0;
}

static int
parse_io_priority(json_t *proc, struct urun_process *p, struct urun_err **err)
{
	static const char *const classes[] = { "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT",
		"IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
	json_t *io = NULL;
	_cleanup_free_ char *cls = NULL;
	int64_t prio = 0;

	if (json_get_obj(proc, "ioPriority", "process.ioPriority", JSON_OPTIONAL, &io, err) < 0)
		return -1;
	if (io == NULL)
		return 0;
	if (json_get_str(io, "class", "process.ioPriority.class", JSON_REQUIRED, &cls, err) < 0 ||
	    json_get_int(io, "priority", "process.ioPriority.priority", JSON_OPTIONAL, 0, 7,
			 &prio, err) < 0)
		return -1;
	for (int c = 0; c < 4; c++) {
		if (strcmp(cls, classes[c]) == 0) {
			p->has_io_priority = true;
			p->io_priority = (c << 13) | (int)prio;	/* IOPRIO_PRIO_VALUE */
			return 0;
		}
	}
	return urun_err_set(err, 0, "process.ioPriority.class: unknown class '%s'", cls);
}

static int
parse_console(json_t *proc, struct urun_process *p, struct urun_err **err)
{
	json_t *cs = NULL;
	int64_t h = 0, w = 0;

	if (json_get_bool(proc, "terminal", "process.terminal", &p->terminal, err) < 0 ||
	    json_get_obj(proc, "consoleSize", "process.consoleSize", JSON_OPTIONAL, &cs, err) < 0)
		return -1;
	if (cs == NULL)
		return 0;
	if (json_get_int(cs, "height", "process.consoleSize.height", JSON_REQUIRED, 0,
			 UINT16_MAX, &h, err) < 0 ||
	    json_get_int(cs, "width", "process.consoleSize.width", JSON_REQUIRED, 0,
			 UINT16_MAX, &w, err) < 0)
		return -1;
	p->console_height = (unsigned)h;
	p->console_width = (unsigned)w;
	return 0;
}

int
urun_spec_parse_process(json_t *proc, struct urun_process *p, struct urun_err **err)
{
	int64_t oom = INT64_MIN;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(proc))
		return urun_err_set(err, 0, "process: expected an object");
	if (json_get_strv(proc, "args", "process.args", JSON_REQUIRED, &p->args, err) < 0)
		return -1;
	if (p->args[0] == NULL || p->args[0][0] == '\0')
		return urun_err_set(err, 0, "process.args: must name a program");
	if (json_get_strv(proc, "env", "process.env", JSON_OPTIONAL, &p->env, err) < 0 ||
	    json_get_str(proc, "cwd", "process.cwd", JSON_REQUIRED, &p->cwd, err) < 0)
		return -1;
	if (p->env == NULL)
		p->env = xcalloc(1, sizeof(char *));
	if (p->cwd[0] != '/')
		return urun_err_set(err, 0, "process.cwd: must be an absolute path");
	if (parse_console(proc, p, err) < 0 || parse_user(proc, p, err) < 0 ||
	    parse_caps(proc, p, err) < 0 || parse_rlimits(proc, p, err) < 0 ||
	    parse_io_priority(proc, p, err) < 0)
		return -1;
	if (json_get_bool(proc, "noNewPrivileges", "process.noNewPrivileges",
			  &p->no_new_privileges, err) < 0 ||
	    json_get_int(proc, "oomScoreAdj", "process.oomScoreAdj", JSON_OPTIONAL, -1000,
			 1000, &oom, err) < 0)
		return -1;
	p->has_oom_score_adj = oom != INT64_MIN;
	p->oom_score_adj = p->has_oom_score_adj ? (int)oom : 0;
	p->scheduler = json_object_get(proc, "scheduler");
	p->exec_cpu_affinity = json_object_get(proc, "execCPUAffinity");
	return 0;
}

void
urun_process_release(struct urun_process *p)
{
	strv_freep(&p->args);
	strv_freep(&p->env);
	free(p->cwd);
	free(p->additional_gids);
	free(p->rlimits);
	memset(p, 0, sizeof(*p));
}
