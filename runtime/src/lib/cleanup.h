/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scope-bound cleanup (gcc/clang cleanup attribute), after crun and bubblewrap. */
#ifndef URUN_CLEANUP_H
#define URUN_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>
#include <jansson.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_json_ _cleanup_(json_decrefp)	/* jansson provides json_decrefp */
#define _cleanup_strv_ _cleanup_(strv_freep)

static inline void freep(void *p) { free(*(void **)p); }
/* close() is never retried: on Linux the fd is gone even after EINTR. */
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
static inline void strv_freep(char ***v)
{
	if (*v == NULL)
		return;
	for (char **p = *v; *p; p++)
		free(*p);
	free(*v);
}

/* Hand an fd out of a _cleanup_close_ variable (crun's get_and_reset). */
static inline int take_fd(int *fd) { int r = *fd; *fd = -1; return r; }
/* Hand a pointer out of a _cleanup_ variable. */
static inline void *(steal_ptr)(void *pp)
{
	void **p = pp, *r = *p;
	*p = NULL;
	return r;
}
#define steal_ptr(pp) (0 ? *(pp) : (steal_ptr)(pp))

#endif
