/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input of `urun update` (update.h): runc's flags turned into a
 * linux.resources object, the --resources document, and the merge with the
 * container's current resources. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "json_get.h"
#include "log.h"
#include "update.h"
#include "util.h"

enum kind {
	K_SIZE,		/* bytes with docker's units, or -1 */
	K_U64,		/* runc ParseUint */
	K_I64,		/* runc ParseInt */
	K_STR,
	K_IGNORED,	/* obsolete: warned about, not applied (runc) */
	K_REJECTED,	/* a feature urun does not have */
};

static const struct flag {
	const char *name;
	const char *section;	/* member of linux.resources */
	const char *key;	/* member of the section */
	enum kind kind;
} flags[] = {
	{ "memory", "memory", "limit", K_SIZE },
	{ "memory-swap", "memory", "swap", K_SIZE },
	{ "memory-reservation", "memory", "reservation", K_SIZE },
	{ "kernel-memory", NULL, NULL, K_IGNORED },
	{ "kernel-memory-tcp", NULL, NULL, K_IGNORED },
	{ "cpu-share", "cpu", "shares", K_U64 },
	{ "cpu-shares", "cpu", "shares", K_U64 },	/* docker's spelling */
	{ "cpu-period", "cpu", "period", K_U64 },
	{ "cpu-quota", "cpu", "quota", K_I64 },
	{ "cpu-burst", "cpu", "burst", K_U64 },
	{ "cpu-rt-period", "cpu", "realtimePeriod", K_U64 },
	{ "cpu-rt-runtime", "cpu", "realtimeRuntime", K_I64 },
	{ "cpu-idle", "cpu", "idle", K_I64 },
	{ "cpuset-cpus", "cpu", "cpus", K_STR },
	{ "cpuset-mems", "cpu", "mems", K_STR },
	{ "pids-limit", "pids", "limit", K_I64 },
	{ "blkio-weight", "blockIO", "weight", K_U64 },
	{ "l3-cache-schema", NULL, NULL, K_REJECTED },
	{ "mem-bw-schema", NULL, NULL, K_REJECTED },
};

int
urun_parse_size(const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	const char *p = s, *u;
	long double v = 0, scale = 1;
	bool digits = false;

	for (; isdigit((unsigned char)*p); p++, digits = true)
		v = v * 10 + (*p - '0');
	if (*p == '.') {
		bool frac = false;

		for (p++; isdigit((unsigned char)*p); p++, frac = true)
			v += (*p - '0') / (scale *= 10);
		if (!frac)
			return -1;
	}
	if (!digits)
		return -1;
	if (*p == ' ')
		p++;
	if (*p && (u = strchr(units, tolower((unsigned char)*p))) != NULL) {
		for (long i = 0; i <= u - units; i++)
			v *= 1024;
		p++;
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0' || v >= (long double)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* A decimal integer in [MIN, INT64_MAX], the whole string. */
static int
parse_i64(const char *s, int64_t min, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end != '\0' || isspace((unsigned char)s[0]) || v < min)
		return -1;
	*out = v;
	return 0;
}

static json_t *
section(json_t *res, const char *name)
{
	json_t *s = json_object_get(res, name);

	if (!json_is_object(s)) {
		s = json_object();
		json_object_set_new(res, name, s);
	}
	return s;
}

static int
parse_value(const struct flag *f, const char *value, json_t **out, struct urun_err **err)
{
	int64_t n = 0;

	switch (f->kind) {
	case K_STR:
		*out = value[0] ? json_string(value) : NULL;
		return 0;
	case K_SIZE:
		if (strcmp(value, "-1") != 0 && urun_parse_size(value, &n) < 0)
			return urun_err_set(err, 0, "--%s: invalid size '%s' (bytes, or with a unit "
					    "such as 512m or 2g; -1 for no limit)", f->name, value);
		if (strcmp(value, "-1") == 0)
			n = -1;
		break;
	case K_U64:
	case K_I64:
		if (parse_i64(value, f->kind == K_U64 ? 0 : INT64_MIN, &n) < 0)
			return urun_err_set(err, 0, "--%s: invalid value '%s' (%s)", f->name, value,
					    f->kind == K_U64 ? "a number >= 0" : "a number");
		break;
	default:
		break;
	}
	/* 0 means "not given" for these, as for runc. */
	*out = n == 0 && strcmp(f->key, "idle") != 0 ? NULL : json_integer(n);
	return 0;
}

int
urun_update_flag(json_t *res, const char *name, const char *value, struct urun_err **err)
{
	const struct flag *f = NULL;
	json_t *v = NULL;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(flags[i].name, name) == 0)
			f = &flags[i];
	if (f == NULL)
		return urun_err_set(err, 0, "update: unknown option --%s", name);
	if (f->kind == K_REJECTED)
		return urun_err_set(err, 0, "--%s: not supported: urun has no Intel RDT "
				    "(linux.intelRdt)", name);
	if (f->kind == K_IGNORED) {
		if (value[0])
			log_warn("--%s: ignored: kernel memory limits were removed from Linux",
				 name);
		return 0;
	}
	if (parse_value(f, value, &v, err) < 0)
		return -1;
	if (v)
		json_object_set_new(section(res, f->section), f->key, v);
	return 0;
}

/* All of FD, at most 1 MiB (a resources object is small). */
static char *
read_fd(int fd, struct urun_err **err)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			urun_err_set(err, errno, "read standard input");
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap && cap >= 1 << 20) {
			urun_err_set(err, EFBIG, "standard input: more than 1 MiB");
			free(buf);
			return NULL;
		}
		if (len == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	buf[len] = '\0';
	return buf;
}

json_t *
urun_update_read(const char *path, struct urun_err **err)
{
	_cleanup_free_ char *text = NULL;
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	json_error_t jerr;
	json_t *doc;

	if (strcmp(path, "-") == 0)
		text = read_fd(STDIN_FILENO, err);
	else if (read_file(path, &text, NULL, err) < 0)
		text = NULL;
	if (text == NULL)
		return NULL;
	doc = json_load_config(text, &jerr);
	if (doc == NULL) {
		urun_err_set(err, 0, "--resources %s: line %d: %s", name, jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		urun_err_set(err, 0, "--resources %s: expected a linux.resources object, got %s",
			     name, json_type_name(doc));
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *
urun_resources_merge(json_t *old, json_t *patch)
{
	json_t *out = json_is_object(old) ? json_deep_copy(old) : json_object();
	const char *key;
	json_t *v;

	if (!json_is_object(patch))
		return out;
	json_object_foreach(patch, key, v) {
		if (json_is_null(v))
			json_object_del(out, key);
		else if (json_is_object(v))
			json_object_set_new(out, key, urun_resources_merge(json_object_get(out, key),
									  v));
		else
			json_object_set_new(out, key, json_deep_copy(v));
	}
	return out;
}
