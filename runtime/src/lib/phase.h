/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A per-phase clock for finding where urun's time goes (`make bench`,
 * scripts/bench-phases.sh). Off unless URUN_PHASES is set: to an absolute
 * path, marks are appended to that file; to "1", written to standard error.
 * Each mark is one line, "MONOTONIC_NS ROLE NAME", written with one write(2)
 * as the mark is taken; the file is opened once, close-on-exec, above the fds
 * a container may inherit, so the container init (a clone of urun) writes its
 * marks there too until it execs. A mark ends a phase: NAME says what was
 * done since the previous mark of any process (the create handshake runs one
 * side at a time, so marks are taken only where the other side waits). */
#ifndef URUN_PHASE_H
#define URUN_PHASE_H

/* ROLE for this process's marks ("create", "start", ...); children that have
 * not exec'd mark as "init". Call once, early in main. */
void phase_start(const char *role);
/* Mark the end of phase NAME (a string literal: it is not copied). */
void phase_mark(const char *name);
/* The marks' fd (close-on-exec), -1 when off: for the init's list of fds
 * it keeps while it closes the others. */
int phase_fd(void);

#endif
