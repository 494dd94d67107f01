/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opt-in fake root for one-id containers (annotation run.oci.urun.fakeroot =
 * "seccomp"): a seccomp filter makes the calls a package manager needs but a
 * one-id user namespace refuses (chown family, set*id, setgroups, mknod of
 * devices) succeed without effect, in the spirit of Charliecloud's
 * ch-run --seccomp. Everything else is untouched. */
#ifndef URUN_FAKEROOT_H
#define URUN_FAKEROOT_H

#include <stdbool.h>
#include <jansson.h>

struct urun_err;

#define FAKEROOT_ANNOTATION "run.oci.urun.fakeroot"

/* Whether ANNOTATIONS ask for it; an unknown value is an error naming the key. */
int fakeroot_wanted(json_t *annotations, bool *wanted, struct urun_err **err);
/* Load the filter into the calling process. */
int fakeroot_apply(struct urun_err **err);

#endif
