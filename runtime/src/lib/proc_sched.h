/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scheduling of the container process: process.scheduler (sched_setattr),
 * process.execCPUAffinity, linux.memoryPolicy (set_mempolicy). Each has a
 * check (create time, errors name the field) and an apply (in the process). */
#ifndef URUN_PROC_SCHED_H
#define URUN_PROC_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct urun_err;

int sched_check(json_t *scheduler, json_t *affinity, json_t *mempolicy, struct urun_err **err);
int sched_apply_scheduler(json_t *scheduler, struct urun_err **err);
/* WHICH: "initial" (early in the init) or "final" (just before exec). */
int sched_apply_affinity(json_t *affinity, const char *which, struct urun_err **err);
int sched_apply_mempolicy(json_t *mempolicy, struct urun_err **err);
/* Parse a Linux CPU or node list ("0-3,7") into a bitmask of NBITS bits. */
int parse_cpu_list(const char *s, unsigned long *mask, size_t nbits);

#endif
