/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time namespaces. clone() cannot create one (CLONE_NEWTIME overlaps CSIGNAL),
 * so the init unshares it for its children, writes linux.timeOffsets, and its
 * execve moves it in (Linux >= 5.11 switches to time_for_children on exec).
 * Rootless works too: the init owns its user namespace. */
#ifndef URUN_TIMENS_H
#define URUN_TIMENS_H

struct urun_err;
struct urun_spec;

/* Check linux.timeOffsets (create time). */
int timens_check(const struct urun_spec *spec, struct urun_err **err);
/* In the init: enter (path) or create the time namespace, with offsets. */
int timens_enter(const struct urun_spec *spec, struct urun_err **err);

#endif
