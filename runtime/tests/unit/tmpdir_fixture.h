/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A cmocka group fixture: a fresh temporary directory per test, removed after. */
#ifndef URUN_TMPDIR_FIXTURE_H
#define URUN_TMPDIR_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct fixture {
	char dir[64];
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/urun-test-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir, NULL);
	free(f);
	return 0;
}

#endif
