/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp -> a libseccomp filter. */
#ifndef URUN_SECCOMP_H
#define URUN_SECCOMP_H

#include <jansson.h>

struct urun_err;

/* Check linux.seccomp (the JSON object) and build the filter without loading it.
 * Errors name the field: "linux.seccomp.syscalls[2].action: unknown action 'X'".
 * Unknown syscall names are skipped with a debug log (as runc and crun). */
int urun_seccomp_validate(json_t *seccomp, struct urun_err **err);
/* Build and load the filter into the calling process (the container init, just
 * before execve). */
int urun_seccomp_apply(json_t *seccomp, struct urun_err **err);
/* {"enabled":true,"actions":[...],"operators":[...],"archs":[...],"knownFlags":[...],
 *  "supportedFlags":[...]} for `urun features` (features-linux.json). Caller decrefs. */
json_t *urun_seccomp_features(void);

#endif
