/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libseccomp's <seccomp.h>. Our own seccomp.h shadows it on the -I path, so
 * include this one as <seccomp_sys.h>: include_next resumes the search after
 * runtime/src/lib and finds the system header. */
#ifndef URUN_SECCOMP_SYS_H
#define URUN_SECCOMP_SYS_H

#include_next <seccomp.h>

#endif
