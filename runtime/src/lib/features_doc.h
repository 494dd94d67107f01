/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `urun features`: what this build implements, per features.md, with the
 * support table's ignored and rejected paths as org.urun.* annotations. */
#ifndef URUN_FEATURES_DOC_H
#define URUN_FEATURES_DOC_H

#include <stdbool.h>
#include <jansson.h>

/* A lifecycle behaviour urun chose where runc's command line and runtime.md
 * differ, or a runc command urun does not have. */
struct urun_note {
	const char *key;	/* conform requirement id, or command name */
	const char *text;
};

/* Where urun departs from runtime.md, by conform requirement id (features:
 * org.urun.deviations; docs/urun-features.md). */
const struct urun_note *urun_deviations(size_t *n);
/* runc commands urun answers with "not supported" (features:
 * org.urun.unsupportedCommands). */
const struct urun_note *urun_unsupported_commands(size_t *n);

/* UNPRIV: verdicts for an unprivileged caller. Caller decrefs. */
json_t *urun_features(bool unpriv);

#endif
