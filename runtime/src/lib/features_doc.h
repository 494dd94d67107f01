/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `urun features`: what this build implements, per features.md, with the
 * support table's ignored and rejected paths as org.urun.* annotations. */
#ifndef URUN_FEATURES_DOC_H
#define URUN_FEATURES_DOC_H

#include <stdbool.h>
#include <jansson.h>

/* UNPRIV: verdicts for an unprivileged caller. Caller decrefs. */
json_t *urun_features(bool unpriv);

#endif
