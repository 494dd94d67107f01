/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network devices over rtnetlink (netdev.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "cleanup.h"
#include "error.h"
#include "netdev.h"
#include "util.h"

struct nlreq {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[512];
};

static void
add_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Send one request and read its ACK. */
static int
nl_call(int fd, struct nlreq *r, struct urun_err **err)
{
	char buf[4096];
	ssize_t n;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;

	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		return urun_err_set(err, errno, "netlink send");
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return urun_err_set(err, errno, "netlink receive");
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);

		if (e->error)
			return urun_err_set(err, -e->error, "netlink");
	}
	return 0;
}

static int
nl_open(struct urun_err **err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return urun_err_set(err, errno, "netlink socket");
	return fd;
}

/* The permanent, global addresses of IFINDEX: the kernel drops addresses when
 * a device changes namespace, so they are read first and added back. */
static int
save_addresses(int fd, int ifindex, json_t *out, struct urun_err **err)
{
	struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
				  .nlmsg_type = RTM_GETADDR, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP } };
	char buf[16384];

	if (send(fd, &r, r.h.nlmsg_len, 0) < 0)
		return urun_err_set(err, errno, "netlink dump addresses");
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			return urun_err_set(err, errno, "netlink receive");
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			struct ifaddrmsg *ifa = NLMSG_DATA(h);
			int len = (int)IFA_PAYLOAD(h);

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return urun_err_set(err, EIO, "netlink dump addresses");
			if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
			    !(ifa->ifa_flags & IFA_F_PERMANENT))
				continue;
			for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
				if (a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS &&
								  ifa->ifa_family == AF_INET6))
					/* raw bytes, not UTF-8: "s%" would refuse
					 * 192.168.* and most IPv6 addresses */
					json_array_append_new(out, json_pack("{s:i, s:i, s:o}",
						"family", ifa->ifa_family, "prefix", ifa->ifa_prefixlen,
						"addr", json_stringn_nocheck(RTA_DATA(a),
									     RTA_PAYLOAD(a))));
		}
	}
}

static int
move_one(int fd, const char *host, const char *name, pid_t pid, struct urun_err **err)
{
	struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
				  .nlmsg_type = RTM_NEWLINK } };
	uint32_t p = (uint32_t)pid;

	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = (int)if_nametoindex(host);
	if (r.ifi.ifi_index == 0)
		return urun_err_set(err, errno, "no device '%s'", host);
	add_attr(&r, IFLA_NET_NS_PID, &p, sizeof(p));
	add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_call(fd, &r, err);
}

/* Inside the container netns: addresses back, device up. */
static int
restore(int fd, const char *name, json_t *addrs, struct urun_err **err)
{
	struct nlreq up = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
				   .nlmsg_type = RTM_NEWLINK } };
	size_t i;
	json_t *a;
	int idx = (int)if_nametoindex(name);

	if (idx == 0)
		return urun_err_set(err, errno, "device '%s' after the move", name);
	json_array_foreach(addrs, i, a) {
		struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
					  .nlmsg_type = RTM_NEWADDR,
					  .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL } };
		const char *bytes = json_string_value(json_object_get(a, "addr"));
		size_t len = json_string_length(json_object_get(a, "addr"));

		r.ifa.ifa_family = (unsigned char)json_integer_value(json_object_get(a, "family"));
		r.ifa.ifa_prefixlen = (unsigned char)json_integer_value(json_object_get(a, "prefix"));
		r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
		r.ifa.ifa_index = (unsigned)idx;
		add_attr(&r, IFA_LOCAL, bytes, len);
		add_attr(&r, IFA_ADDRESS, bytes, len);
		if (nl_call(fd, &r, err) < 0)
			return urun_err_wrap(err, "add address to '%s'", name);
	}
	up.ifi.ifi_index = idx;
	up.ifi.ifi_flags = IFF_UP;
	up.ifi.ifi_change = IFF_UP;
	return nl_call(fd, &up, err) < 0 ? urun_err_wrap(err, "set '%s' up", name) : 0;
}

int
netdev_check(json_t *netdevs, int new_netns, struct urun_err **err)
{
	const char *host;
	json_t *v;

	if (netdevs == NULL)
		return 0;
	if (!json_is_object(netdevs))
		return urun_err_set(err, 0, "linux.netDevices: expected an object");
	if (json_object_size(netdevs) && !new_netns)
		return urun_err_set(err, 0, "linux.netDevices: needs a new network namespace");
	json_object_foreach(netdevs, host, v) {
		json_t *name = json_object_get(v, "name");

		if (!json_is_object(v) || (name && !json_is_string(name)))
			return urun_err_set(err, 0, "linux.netDevices.%s: expected {\"name\": string}",
					    host);
		if (name && (json_string_length(name) == 0 || json_string_length(name) >= IFNAMSIZ ||
			     strchr(json_string_value(name), '/')))
			return urun_err_set(err, 0, "linux.netDevices.%s.name: not a device name", host);
		if (if_nametoindex(host) == 0)
			return urun_err_set(err, 0, "linux.netDevices.%s: no such device on the host",
					    host);
	}
	return 0;
}

int
netdev_move(json_t *netdevs, pid_t pid, struct urun_err **err)
{
	_cleanup_close_ int host_ns = -1, ctr_ns = -1, fd = -1;
	_cleanup_json_ json_t *saved = json_object();
	_cleanup_free_ char *nspath = xasprintf("/proc/%d/ns/net", pid);
	const char *host;
	json_t *v;
	int r = 0;

	if (netdevs == NULL || json_object_size(netdevs) == 0)
		return 0;
	host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ctr_ns = open(nspath, O_RDONLY | O_CLOEXEC);
	fd = nl_open(err);
	if (host_ns < 0 || ctr_ns < 0 || fd < 0)
		return fd < 0 ? -1 : urun_err_set(err, errno, "linux.netDevices: open netns");
	json_object_foreach(netdevs, host, v) {
		json_t *addrs = json_array();
		const char *name = json_string_value(json_object_get(v, "name"));

		json_object_set_new(saved, name ? name : host, addrs);
		if (save_addresses(fd, (int)if_nametoindex(host), addrs, err) < 0 ||
		    move_one(fd, host, name ? name : host, pid, err) < 0)
			return urun_err_wrap(err, "linux.netDevices.%s", host);
	}
	/* Into the container's netns for the rest, and back whatever happens. */
	close(fd);
	fd = -1;
	if (setns(ctr_ns, CLONE_NEWNET) < 0)
		return urun_err_set(err, errno, "linux.netDevices: enter the container netns");
	fd = nl_open(err);
	json_object_foreach(saved, host, v)
		if (r == 0 && (fd < 0 || restore(fd, host, v, err) < 0))
			r = urun_err_wrap(err, "linux.netDevices");
	if (setns(host_ns, CLONE_NEWNET) < 0 && r == 0)
		r = urun_err_set(err, errno, "linux.netDevices: back to the host netns");
	return r;
}
