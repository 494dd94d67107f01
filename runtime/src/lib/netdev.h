/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.netDevices: move host network devices into the container's network
 * namespace (rtnetlink), keeping their permanent global addresses, and set
 * them up, as config-linux.md asks. They are never moved back. */
#ifndef URUN_NETDEV_H
#define URUN_NETDEV_H

#include <sys/types.h>
#include <jansson.h>

struct urun_err;

/* Create time: every device exists on the host, names are valid, and the
 * container gets a new network namespace (NEW_NETNS). */
int netdev_check(json_t *netdevs, int new_netns, struct urun_err **err);
/* From the runtime namespace, after clone: move each device to PID's netns. */
int netdev_move(json_t *netdevs, pid_t pid, struct urun_err **err);

#endif
