/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names and numbers for `kill`. */
#ifndef URUN_SIGNALS_H
#define URUN_SIGNALS_H

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+2" -> the number; -1 if unknown. */
int urun_signal_parse(const char *s);

#endif
