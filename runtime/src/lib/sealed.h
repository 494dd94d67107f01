/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run from a sealed copy of our own binary, as runc's cloned binary does.
 * The processes urun puts into a container (the init until it execs, the
 * exec child) are otherwise running the host's urun file: a container
 * process that reaches their /proc/PID/exe (CAP_SYS_PTRACE of the host user
 * namespace overrides non-dumpable) can reopen it for writing once they have
 * exec'd, and replace the runtime on the host (CVE-2019-5736). From a
 * sealed memfd, /proc/PID/exe is a file nobody can write. */
#ifndef URUN_SEALED_H
#define URUN_SEALED_H

#include <stdbool.h>

struct urun_err;

/* Whether the file FD is a memfd with every seal urun sets (F_GET_SEALS). */
bool sealed_fd(int fd);
/* Unless /proc/self/exe is such a copy already: copy it into a memfd, seal
 * it, and execveat it with ARGV and the same environment (our fds stay,
 * close-on-exec ones aside). Returns 0 when already sealed; never returns on
 * success; -1 with *ERR when the copy cannot be made or run. */
int sealed_reexec(char **argv, struct urun_err **err);

#endif
