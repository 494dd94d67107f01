/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection for unit tests, without touching production code: a test
 * links with -Wl,--wrap=NAME for the calls it wants to fail (LDFLAGS_test_x
 * in the Makefile), defines __wrap_NAME with FAULT_CHECK, and arms a fault:
 * fault_arm("mount", 0, 1, EPERM) fails the second mount() from now with EPERM
 * (NR picks one syscall(2) number; 0 for other calls). Calls that are not
 * armed go to __real_NAME. */
#ifndef URUN_FAULT_H
#define URUN_FAULT_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>

struct fault {
	const char *name;
	long nr;
	int skip;	/* matching calls to let through first */
	int err;
	bool armed;
};

static struct fault fault_tab[8];

static inline void
fault_arm(const char *name, long nr, int skip, int err)
{
	for (size_t i = 0; i < sizeof(fault_tab) / sizeof(fault_tab[0]); i++)
		if (!fault_tab[i].armed) {
			fault_tab[i] = (struct fault){ name, nr, skip, err, true };
			return;
		}
}

static inline void
fault_reset(void)
{
	memset(fault_tab, 0, sizeof(fault_tab));
}

/* True when every armed fault has fired (the test reached what it aimed at). */
static inline bool
fault_all_fired(void)
{
	for (size_t i = 0; i < sizeof(fault_tab) / sizeof(fault_tab[0]); i++)
		if (fault_tab[i].armed)
			return false;
	return true;
}

/* The errno this call must fail with, or 0. */
static inline int
fault_take(const char *name, long nr)
{
	for (size_t i = 0; i < sizeof(fault_tab) / sizeof(fault_tab[0]); i++) {
		struct fault *f = &fault_tab[i];

		if (!f->armed || strcmp(f->name, name) != 0 || (f->nr && f->nr != nr))
			continue;
		if (f->skip-- > 0)
			continue;
		f->armed = false;
		return f->err;
	}
	return 0;
}

/* In a wrapper: fail as armed, returning RET with errno set. */
#define FAULT_CHECK(name, nr, ret) do { \
		int fault_e_ = fault_take(name, nr); \
		if (fault_e_) { \
			errno = fault_e_; \
			return ret; \
		} \
	} while (0)

#endif
