/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The end of a forked test child: report N through the exit status by
 * exec'ing sh. An exec'd child is not leak-checked by valgrind (an _exit()ing
 * fork would be, and fail on the parent's heap it still holds), and a
 * coverage build dumps the child's counters before the exec. */
#ifndef URUN_CHILD_REPORT_H
#define URUN_CHILD_REPORT_H

#include <stdio.h>
#include <unistd.h>

static void __attribute__((noreturn, unused))
child_report(int n)
{
	char code[32];

	snprintf(code, sizeof(code), "exit %d", n);
	execl("/bin/sh", "sh", "-c", code, (char *)NULL);
	_exit(127);
}

#endif
