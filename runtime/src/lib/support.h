/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The support table: for every runtime-spec config field, what urun does with it
 * as root and unprivileged. create consults it; `urun features` and docs/ are
 * generated from it; the conformance suite checks it. */
#ifndef URUN_SUPPORT_H
#define URUN_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct urun_err;

enum verdict { SUPPORTED, IGNORED, REJECTED };

struct support_row {
	const char *path;	/* dotted; arrays without brackets; "path=value" for one value */
	enum verdict root;
	enum verdict unpriv;
	const char *reason;	/* why, for ignored and rejected; what, for supported */
};

/* The table and its length. */
const struct support_row *support_table(size_t *n);
/* The row for PATH, or NULL. */
const struct support_row *support_find(const char *path);
const char *verdict_name(enum verdict v);
/* Walk config DOC: warn once per ignored field present, fail on the first
 * rejected one ("linux.intelRdt: not supported: <reason>"). Fields the table
 * does not know are left to the parser (the spec says to ignore unknown ones). */
int support_check(json_t *doc, bool unpriv, struct urun_err **err);
/* JSON array of the paths with verdict V for the given privilege. */
json_t *support_paths(enum verdict v, bool unpriv);

#endif
