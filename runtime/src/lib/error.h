/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors as values: library code fills a struct urun_err and returns -1; only
 * cli/main.c prints it. See STYLE.md §2.4. */
#ifndef URUN_ERROR_H
#define URUN_ERROR_H

struct urun_err {
	int errnum;	/* errno value, 0 if none */
	char *msg;	/* "what failed: context", no newline */
};

/* Set *err (if err is non-NULL and *err is NULL) and return -1. */
int urun_err_set(struct urun_err **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix "context: " to an existing error and return -1. */
int urun_err_wrap(struct urun_err **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The full one-line message, "msg: strerror" when errnum is set; caller frees. */
char *urun_err_format(const struct urun_err *err);
/* Prefix a JSON path: "mounts[2]" + "type: bad" -> "mounts[2].type: bad". */
int urun_err_wrap_field(struct urun_err **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void urun_err_free(struct urun_err **err);

#endif
