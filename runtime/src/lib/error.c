/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error values (error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"

int
urun_err_set(struct urun_err **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	struct urun_err *e;

	if (err == NULL || *err != NULL)
		return -1;
	e = xmalloc(sizeof(*e));
	e->errnum = errnum;
	va_start(ap, fmt);
	if (vasprintf(&e->msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	*err = e;
	return -1;
}

static int
wrap(struct urun_err **err, const char *sep, const char *fmt, va_list ap)
{
	char *prefix, *msg;

	if (err == NULL || *err == NULL)
		return -1;
	if (vasprintf(&prefix, fmt, ap) < 0)
		abort();
	msg = xasprintf("%s%s%s", prefix, sep, (*err)->msg);
	free(prefix);
	free((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

int
urun_err_wrap(struct urun_err **err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = wrap(err, ": ", fmt, ap);
	va_end(ap);
	return r;
}

int
urun_err_wrap_field(struct urun_err **err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = wrap(err, ".", fmt, ap);
	va_end(ap);
	return r;
}

char *
urun_err_format(const struct urun_err *err)
{
	if (err->errnum)
		return xasprintf("%s: %s", err->msg, strerror(err->errnum));
	return xstrdup(err->msg);
}

void
urun_err_free(struct urun_err **err)
{
	if (err == NULL || *err == NULL)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}
