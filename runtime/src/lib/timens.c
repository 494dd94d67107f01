/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time namespaces (timens.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "spec.h"
#include "timens.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const clocks[] = { "monotonic", "boottime" };

/* "monotonic 10 0\nboottime 5 0\n" from linux.timeOffsets. */
static int
offsets_text(const struct urun_spec *spec, char **out, struct urun_err **err)
{
	json_t *offs = NULL;
	char *text = xstrdup("");

	if (spec->linux_obj && json_get_obj(spec->linux_obj, "timeOffsets", "linux.timeOffsets",
					     JSON_OPTIONAL, &offs, err) < 0)
		goto fail;
	for (size_t i = 0; offs && i < 2; i++) {
		_cleanup_free_ char *path = xasprintf("linux.timeOffsets.%s", clocks[i]);
		json_t *c = NULL;
		int64_t secs = 0, ns = 0;
		char *t;

		if (json_get_obj(offs, clocks[i], path, JSON_OPTIONAL, &c, err) < 0)
			goto fail;
		if (c == NULL)
			continue;
		if (json_get_int(c, "secs", "secs", JSON_OPTIONAL, INT64_MIN / 2, INT64_MAX / 2,
				 &secs, err) < 0 ||
		    json_get_int(c, "nanosecs", "nanosecs", JSON_OPTIONAL, 0, 999999999, &ns, err) < 0) {
			urun_err_wrap_field(err, "%s", path);
			goto fail;
		}
		t = xasprintf("%s%s %lld %lld\n", text, clocks[i], (long long)secs, (long long)ns);
		free(text);
		text = t;
	}
	*out = text;
	return 0;
fail:
	free(text);
	return -1;
}

int
timens_check(const struct urun_spec *spec, struct urun_err **err)
{
	_cleanup_free_ char *text = NULL;
	const struct urun_ns *ns = urun_spec_ns(spec, CLONE_NEWTIME);

	if (offsets_text(spec, &text, err) < 0)
		return -1;
	if (*text && (ns == NULL || ns->path))
		return urun_err_set(err, 0, "linux.timeOffsets: needs a new time namespace");
	return 0;
}

int
timens_enter(const struct urun_spec *spec, struct urun_err **err)
{
	const struct urun_ns *ns = urun_spec_ns(spec, CLONE_NEWTIME);
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;

	if (ns == NULL)
		return 0;
	if (ns->path) {
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
			return urun_err_set(err, errno, "linux.namespaces: join '%s'", ns->path);
		return 0;
	}
	if (unshare(CLONE_NEWTIME) < 0)
		return urun_err_set(err, errno, "linux.namespaces: new time namespace");
	if (offsets_text(spec, &text, err) < 0)
		return -1;
	if (*text && write_file_str("/proc/self/timens_offsets", text, err) < 0)
		return urun_err_wrap(err, "linux.timeOffsets");
	return 0;
}
