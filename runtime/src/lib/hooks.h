/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: run each hook of one stage with the container state on stdin. */
#ifndef URUN_HOOKS_H
#define URUN_HOOKS_H

#include <jansson.h>

struct urun_err;

/* Check the "hooks" object: known stages, each an array of {path (absolute),
 * args, env, timeout (>0)}. Errors name the field ("hooks.poststart[1].path: ..."). */
int urun_hooks_validate(json_t *hooks, struct urun_err **err);
/* Run hooks.<stage> in order (HOOKS is the "hooks" object, may be NULL), each with
 * STATE_JSON on stdin, its args and env (no env inherited), killed after its
 * timeout. Fails on the first hook that cannot start, exits non-zero, is killed
 * or times out: "hooks.poststart[1]: '/bin/x' exited with status 3". */
int urun_hooks_run(json_t *hooks, const char *stage, const char *state_json,
		   struct urun_err **err);

/* Run every hook of STAGE; each failure is logged as a warning (poststop). */
void urun_hooks_run_warn(json_t *hooks, const char *stage, const char *state_json);

#endif
