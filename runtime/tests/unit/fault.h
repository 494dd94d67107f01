/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection for unit tests, without touching production code: a test
 * links with -Wl,--wrap=NAME for the calls it wants to fail (LDFLAGS_test_x
 * in the Makefile), defines __wrap_NAME with FAULT_CHECK, and arms faults:
 * fault_arm("mount", 0, 1, EPERM) fails the second mount() from now with
 * EPERM (NR picks one syscall(2) number; 0 for other calls);
 * fault_arm_match("cg_write", "cgroup.procs", 0, EINVAL) only counts the calls
 * whose key (a wrapper's choice: a path, a file name) contains the text;
 * fault_arm_times(..., SKIP, TIMES, ERR) fails TIMES calls in a row. Each
 * armed fault counts its matching calls on its own. Calls not failed go to
 * __real_NAME. */
#ifndef URUN_FAULT_H
#define URUN_FAULT_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>

struct fault {
	const char *name;
	long nr;
	const char *match;
	int skip;	/* matching calls to let through first */
	int times;	/* calls to fail then */
	int err;
	bool armed;
};

static struct fault fault_tab[16];

static inline void
fault_arm_full(const char *name, long nr, const char *match, int skip, int times, int err)
{
	for (size_t i = 0; i < sizeof(fault_tab) / sizeof(fault_tab[0]); i++)
		if (!fault_tab[i].armed) {
			fault_tab[i] = (struct fault){ name, nr, match, skip, times, err, true };
			return;
		}
}

static inline void
fault_arm(const char *name, long nr, int skip, int err)
{
	fault_arm_full(name, nr, NULL, skip, 1, err);
}

static inline void
fault_arm_match(const char *name, const char *match, int skip, int err)
{
	fault_arm_full(name, 0, match, skip, 1, err);
}

static inline void
fault_arm_times(const char *name, const char *match, int skip, int times, int err)
{
	fault_arm_full(name, 0, match, skip, times, err);
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

/* The errno this call (of NAME, syscall NR, with KEY) must fail with, or 0. */
static inline int
fault_take_key(const char *name, long nr, const char *key)
{
	int e = 0;

	for (size_t i = 0; i < sizeof(fault_tab) / sizeof(fault_tab[0]); i++) {
		struct fault *f = &fault_tab[i];

		if (!f->armed || strcmp(f->name, name) != 0 || (f->nr && f->nr != nr) ||
		    (f->match && (key == NULL || strstr(key, f->match) == NULL)))
			continue;
		if (f->skip > 0) {
			f->skip--;
			continue;
		}
		if (e)
			continue;
		f->armed = --f->times > 0;
		e = f->err;
	}
	return e;
}

static inline int
fault_take(const char *name, long nr)
{
	return fault_take_key(name, nr, NULL);
}

/* In a wrapper: fail as armed, returning RET with errno set. */
#define FAULT_CHECK_KEY(name, nr, key, ret) do { \
		int fault_e_ = fault_take_key(name, nr, key); \
		if (fault_e_) { \
			errno = fault_e_; \
			return ret; \
		} \
	} while (0)
#define FAULT_CHECK(name, nr, ret) FAULT_CHECK_KEY(name, nr, NULL, ret)

#endif
