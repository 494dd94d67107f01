/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp -> a libseccomp filter (seccomp.h). One builder serves validate
 * (build, release) and apply (build, load); features lists what it accepts. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <seccomp_sys.h>	/* libseccomp */

#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "log.h"
#include "seccomp.h"
#include "util.h"

#define SEC "linux.seccomp"

struct action_name {
	const char *name;
	uint32_t action;	/* SCMP_ACT_*; ERRNO and TRACE get their data ORed in */
	bool takes_errno;	/* errnoRet allowed (runtime-spec: ERRNO and TRACE) */
};

static const struct action_name actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* Spec names -> libseccomp's own names; seccomp_arch_resolve_name() tells at run
 * time which ones this libseccomp knows (2.5 lacks loongarch64, m68k, sh). */
static const struct {
	const char *name;
	const char *scmp;
} archs[] = {
	{ "SCMP_ARCH_X86", "x86" },
	{ "SCMP_ARCH_X86_64", "x86_64" },
	{ "SCMP_ARCH_X32", "x32" },
	{ "SCMP_ARCH_ARM", "arm" },
	{ "SCMP_ARCH_AARCH64", "aarch64" },
	{ "SCMP_ARCH_LOONGARCH64", "loongarch64" },
	{ "SCMP_ARCH_M68K", "m68k" },
	{ "SCMP_ARCH_MIPS", "mips" },
	{ "SCMP_ARCH_MIPS64", "mips64" },
	{ "SCMP_ARCH_MIPS64N32", "mips64n32" },
	{ "SCMP_ARCH_MIPSEL", "mipsel" },
	{ "SCMP_ARCH_MIPSEL64", "mipsel64" },
	{ "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
	{ "SCMP_ARCH_PPC", "ppc" },
	{ "SCMP_ARCH_PPC64", "ppc64" },
	{ "SCMP_ARCH_PPC64LE", "ppc64le" },
	{ "SCMP_ARCH_S390", "s390" },
	{ "SCMP_ARCH_S390X", "s390x" },
	{ "SCMP_ARCH_SH", "sh" },
	{ "SCMP_ARCH_SHEB", "sheb" },
	{ "SCMP_ARCH_PARISC", "parisc" },
	{ "SCMP_ARCH_PARISC64", "parisc64" },
	{ "SCMP_ARCH_RISCV64", "riscv64" },
};

/* Filter flags map to libseccomp attributes; API is the seccomp_api_get() level
 * that libseccomp needs before it accepts the attribute. attr -1: this
 * libseccomp has no attribute for the flag. */
static const struct {
	const char *name;
	int attr;
	int api;
} flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC, 2 },
	{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG, 3 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB, 4 },
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCMP_FLTATR_CTL_WAITKILL, 7 },
#else
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", -1, 7 },
#endif
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void
filter_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* Action and errno of OBJ (the seccomp object or one syscalls[] entry). */
static int
parse_action(json_t *obj, const char *akey, const char *ekey, const char *path,
	     uint32_t *out, struct urun_err **err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_free_ char *apath = xasprintf("%s.%s", path, akey);
	_cleanup_free_ char *epath = xasprintf("%s.%s", path, ekey);
	const struct action_name *a = NULL;
	int64_t errno_ret = EPERM;

	if (json_get_str(obj, akey, apath, JSON_REQUIRED, &name, err) < 0)
		return -1;
	for (size_t i = 0; i < N_ELEMS(actions); i++)
		if (strcmp(actions[i].name, name) == 0)
			a = &actions[i];
	if (a == NULL)
		return urun_err_set(err, 0, "%s: unknown action '%s'", apath, name);
	if (a->action == SCMP_ACT_NOTIFY)
		return urun_err_set(err, 0, "%s: SCMP_ACT_NOTIFY requires %s.listenerPath, "
				    "which urun does not support", apath, SEC);
	if (json_object_get(obj, ekey) && !json_is_null(json_object_get(obj, ekey)) &&
	    !a->takes_errno)
		return urun_err_set(err, 0, "%s: not allowed with %s", epath, name);
	/* SECCOMP_RET_DATA is 16 bits wide. */
	if (json_get_int(obj, ekey, epath, JSON_OPTIONAL, 0, 0xffff, &errno_ret, err) < 0)
		return -1;
	*out = a->takes_errno ? a->action | (uint32_t)errno_ret : a->action;
	return 0;
}

/* The fields urun refuses outright, before anything is built. */
static int
check_listener(json_t *seccomp, struct urun_err **err)
{
	json_t *lp = json_object_get(seccomp, "listenerPath");
	json_t *md = json_object_get(seccomp, "listenerMetadata");

	if (lp && !json_is_null(lp))
		return urun_err_set(err, 0, "%s.listenerPath: not supported: seccomp user "
				    "notification is not implemented", SEC);
	if (md && !json_is_null(md))
		return urun_err_set(err, 0, "%s.listenerMetadata: must not be set without "
				    "listenerPath", SEC);
	return 0;
}

static int
add_archs(scmp_filter_ctx ctx, json_t *seccomp, struct urun_err **err)
{
	_cleanup_strv_ char **names = NULL;

	if (json_get_strv(seccomp, "architectures", SEC ".architectures", JSON_OPTIONAL,
			  &names, err) < 0)
		return -1;
	for (size_t i = 0; names && names[i]; i++) {
		uint32_t arch = 0;
		size_t k;
		int rc;

		for (k = 0; k < N_ELEMS(archs); k++)
			if (strcmp(archs[k].name, names[i]) == 0)
				break;
		if (k == N_ELEMS(archs))
			return urun_err_set(err, 0, "%s.architectures[%zu]: unknown architecture "
					    "'%s'", SEC, i, names[i]);
		arch = seccomp_arch_resolve_name(archs[k].scmp);
		if (arch == 0)
			return urun_err_set(err, 0, "%s.architectures[%zu]: '%s' not supported "
					    "by libseccomp %d.%d", SEC, i, names[i],
					    SCMP_VER_MAJOR, SCMP_VER_MINOR);
		rc = seccomp_arch_add(ctx, arch);
		if (rc < 0 && rc != -EEXIST)	/* EEXIST: the native arch */
			return urun_err_set(err, -rc, "%s.architectures[%zu]: add '%s'", SEC,
					    i, names[i]);
	}
	return 0;
}

static int
set_flags(scmp_filter_ctx ctx, json_t *seccomp, struct urun_err **err)
{
	_cleanup_strv_ char **names = NULL;

	if (json_get_strv(seccomp, "flags", SEC ".flags", JSON_OPTIONAL, &names, err) < 0)
		return -1;
	for (size_t i = 0; names && names[i]; i++) {
		size_t k;
		int rc;

		for (k = 0; k < N_ELEMS(flags); k++)
			if (strcmp(flags[k].name, names[i]) == 0)
				break;
		if (k == N_ELEMS(flags))
			return urun_err_set(err, 0, "%s.flags[%zu]: unknown flag '%s'", SEC, i,
					    names[i]);
		if (flags[k].attr < 0)
			return urun_err_set(err, 0, "%s.flags[%zu]: '%s' not supported by "
					    "libseccomp %d.%d", SEC, i, names[i],
					    SCMP_VER_MAJOR, SCMP_VER_MINOR);
		rc = seccomp_attr_set(ctx, (enum scmp_filter_attr)flags[k].attr, 1);
		if (rc < 0)
			return urun_err_set(err, -rc, "%s.flags[%zu]: '%s' not supported by the "
					    "kernel", SEC, i, names[i]);
	}
	return 0;
}

/* One args[] entry of syscalls[I] -> a libseccomp comparison. */
static int
parse_arg(json_t *arg, const char *path, struct scmp_arg_cmp *cmp, struct urun_err **err)
{
	_cleanup_free_ char *ipath = xasprintf("%s.index", path);
	_cleanup_free_ char *vpath = xasprintf("%s.value", path);
	_cleanup_free_ char *v2path = xasprintf("%s.valueTwo", path);
	_cleanup_free_ char *opath = xasprintf("%s.op", path);
	_cleanup_free_ char *op = NULL;
	int64_t index = 0;
	uint64_t value = 0, value_two = 0;
	size_t k;

	if (!json_is_object(arg))
		return urun_err_set(err, 0, "%s: expected an object, got %s", path,
				    json_type_name(arg));
	/* libseccomp compares the six syscall arguments, 0 to 5. */
	if (json_get_int(arg, "index", ipath, JSON_REQUIRED, 0, 5, &index, err) < 0 ||
	    json_get_u64(arg, "value", vpath, JSON_REQUIRED, &value, err) < 0 ||
	    json_get_u64(arg, "valueTwo", v2path, JSON_OPTIONAL, &value_two, err) < 0 ||
	    json_get_str(arg, "op", opath, JSON_REQUIRED, &op, err) < 0)
		return -1;
	for (k = 0; k < N_ELEMS(operators); k++)
		if (strcmp(operators[k].name, op) == 0)
			break;
	if (k == N_ELEMS(operators))
		return urun_err_set(err, 0, "%s: unknown operator '%s'", opath, op);
	/* For SCMP_CMP_MASKED_EQ the spec's value is the mask and valueTwo the
	 * datum, which is libseccomp's (datum_a, datum_b) order. */
	*cmp = (struct scmp_arg_cmp){ (unsigned)index, operators[k].op, value, value_two };
	return 0;
}

/* args[] of one rule. *n is the count; *dup is set when one argument index is
 * compared twice, which libseccomp refuses inside one rule. */
static int
parse_args(json_t *rule, const char *path, struct scmp_arg_cmp **out, size_t *n, bool *dup,
	   struct urun_err **err)
{
	_cleanup_free_ char *apath = xasprintf("%s.args", path);
	_cleanup_free_ struct scmp_arg_cmp *cmps = NULL;
	unsigned seen = 0;
	json_t *args = NULL, *arg;
	size_t i;

	*n = 0;
	*dup = false;
	if (json_get_arr(rule, "args", apath, JSON_OPTIONAL, &args, err) < 0)
		return -1;
	if (args == NULL || json_array_size(args) == 0)
		return 0;
	cmps = xcalloc(json_array_size(args), sizeof(*cmps));
	json_array_foreach(args, i, arg) {
		_cleanup_free_ char *p = xasprintf("%s[%zu]", apath, i);

		if (parse_arg(arg, p, &cmps[i], err) < 0)
			return -1;
		if (seen & (1u << cmps[i].arg))
			*dup = true;
		seen |= 1u << cmps[i].arg;
	}
	*n = json_array_size(args);
	*out = steal_ptr(&cmps);
	return 0;
}

/* Add the rule for one syscall name. With a repeated argument index the
 * comparisons become one rule each (an OR), as runc does. */
static int
add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
	 const struct scmp_arg_cmp *cmps, size_t n, bool dup)
{
	int nr = seccomp_syscall_resolve_name(name);
	int rc = 0;

	if (nr == __NR_SCMP_ERROR) {
		log_debug("seccomp: syscall '%s' unknown to libseccomp, skipped", name);
		return 0;
	}
	if (!dup)
		return seccomp_rule_add_array(ctx, action, nr, (unsigned)n, cmps);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[i]);
	return rc;
}

static int
add_syscall(scmp_filter_ctx ctx, json_t *rule, size_t idx, uint32_t def_action,
	    struct urun_err **err)
{
	_cleanup_free_ char *path = xasprintf("%s.syscalls[%zu]", SEC, idx);
	_cleanup_free_ char *npath = xasprintf("%s.names", path);
	_cleanup_free_ struct scmp_arg_cmp *cmps = NULL;
	_cleanup_strv_ char **names = NULL;
	uint32_t action;
	size_t n = 0;
	bool dup;

	if (!json_is_object(rule))
		return urun_err_set(err, 0, "%s: expected an object, got %s", path,
				    json_type_name(rule));
	if (json_get_strv(rule, "names", npath, JSON_REQUIRED, &names, err) < 0 ||
	    parse_action(rule, "action", "errnoRet", path, &action, err) < 0 ||
	    parse_args(rule, path, &cmps, &n, &dup, err) < 0)
		return -1;
	if (names[0] == NULL)
		return urun_err_set(err, 0, "%s: must not be empty", npath);
	for (size_t i = 0; names[i]; i++) {
		int rc;

		if (names[i][0] == '\0')
			return urun_err_set(err, 0, "%s[%zu]: empty syscall name", npath, i);
		/* libseccomp refuses a rule that repeats the default action. */
		if (action == def_action)
			continue;
		rc = add_rule(ctx, action, names[i], cmps, n, dup);
		if (rc < 0)
			return urun_err_set(err, -rc, "%s: add rule for '%s'", path, names[i]);
	}
	return 0;
}

/* Build the filter for SECCOMP into *out (not loaded). */
static int
build(json_t *seccomp, scmp_filter_ctx *out, struct urun_err **err)
{
	_cleanup_(filter_releasep) scmp_filter_ctx ctx = NULL;
	json_t *syscalls = NULL, *rule;
	uint32_t def_action;
	size_t i;

	if (!json_is_object(seccomp))
		return urun_err_set(err, 0, "%s: expected an object", SEC);
	if (check_listener(seccomp, err) < 0 ||
	    parse_action(seccomp, "defaultAction", "defaultErrnoRet", SEC, &def_action, err) < 0)
		return -1;
	ctx = seccomp_init(def_action);
	if (ctx == NULL)
		return urun_err_set(err, 0, "%s.defaultAction: not supported by the kernel "
				    "or libseccomp", SEC);
	/* No implicit PR_SET_NO_NEW_PRIVS: process.noNewPrivileges decides. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
		return urun_err_set(err, 0, "%s: cannot clear the no_new_privs attribute", SEC);
	if (add_archs(ctx, seccomp, err) < 0 || set_flags(ctx, seccomp, err) < 0 ||
	    json_get_arr(seccomp, "syscalls", SEC ".syscalls", JSON_OPTIONAL, &syscalls,
			 err) < 0)
		return -1;
	json_array_foreach(syscalls, i, rule) {
		if (add_syscall(ctx, rule, i, def_action, err) < 0)
			return -1;
	}
	*out = steal_ptr(&ctx);
	return 0;
}

int
urun_seccomp_validate(json_t *seccomp, struct urun_err **err)
{
	_cleanup_(filter_releasep) scmp_filter_ctx ctx = NULL;

	return build(seccomp, &ctx, err);
}

int
urun_seccomp_apply(json_t *seccomp, struct urun_err **err)
{
	_cleanup_(filter_releasep) scmp_filter_ctx ctx = NULL;
	int rc;

	if (build(seccomp, &ctx, err) < 0)
		return -1;
	rc = seccomp_load(ctx);
	if (rc == -EACCES)
		return urun_err_set(err, EACCES, "load seccomp filter (needs CAP_SYS_ADMIN "
				    "or process.noNewPrivileges)");
	if (rc < 0)
		return urun_err_set(err, -rc, "load seccomp filter");
	return 0;
}

json_t *
urun_seccomp_features(void)
{
	json_t *acts = json_array(), *ops = json_array(), *arch = json_array();
	json_t *known = json_array(), *supported = json_array();
	int api = (int)seccomp_api_get();

	for (size_t i = 0; i < N_ELEMS(actions); i++)
		json_array_append_new(acts, json_string(actions[i].name));
	for (size_t i = 0; i < N_ELEMS(operators); i++)
		json_array_append_new(ops, json_string(operators[i].name));
	for (size_t i = 0; i < N_ELEMS(archs); i++)
		if (seccomp_arch_resolve_name(archs[i].scmp) != 0)
			json_array_append_new(arch, json_string(archs[i].name));
	for (size_t i = 0; i < N_ELEMS(flags); i++) {
		json_array_append_new(known, json_string(flags[i].name));
		if (flags[i].attr >= 0 && api >= flags[i].api)
			json_array_append_new(supported, json_string(flags[i].name));
	}
	return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", 1, "actions", acts,
			 "operators", ops, "archs", arch, "knownFlags", known,
			 "supportedFlags", supported);
}
