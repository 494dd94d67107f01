/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake-root seccomp filter (fakeroot.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <seccomp_sys.h>

#include "error.h"
#include "fakeroot.h"

int
fakeroot_wanted(json_t *annotations, bool *wanted, struct urun_err **err)
{
	json_t *v = json_object_get(annotations, FAKEROOT_ANNOTATION);

	*wanted = false;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) || strcmp(json_string_value(v), "seccomp") != 0)
		return urun_err_set(err, 0, "annotations.%s: the only value is \"seccomp\"",
				    FAKEROOT_ANNOTATION);
	*wanted = true;
	return 0;
}

int
fakeroot_apply(struct urun_err **err)
{
	static const int calls[] = {
		SCMP_SYS(chown), SCMP_SYS(fchown), SCMP_SYS(lchown), SCMP_SYS(fchownat),
		SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid), SCMP_SYS(setregid),
		SCMP_SYS(setresuid), SCMP_SYS(setresgid), SCMP_SYS(setfsuid), SCMP_SYS(setfsgid),
		SCMP_SYS(setgroups),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = 0;

	if (ctx == NULL)
		return urun_err_set(err, ENOMEM, "%s: seccomp_init", FAKEROOT_ANNOTATION);
	/* Leave no_new_privs to process.noNewPrivileges. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), calls[i], 0);
	/* Device nodes only: mknod of a fifo or a regular file still works. */
	for (int t = 0; t < 2 && r == 0; t++) {
		int type = t ? S_IFBLK : S_IFCHR;

		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(mknod), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, type));
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(mknodat), 1,
					     SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, type));
	}
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return urun_err_set(err, -r, "%s: load the filter", FAKEROOT_ANNOTATION);
	return 0;
}
