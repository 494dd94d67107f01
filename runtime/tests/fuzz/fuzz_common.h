/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the libFuzzer targets: a NUL-terminated copy of the input, quiet
 * logging, and a check that one input leaves no file descriptor open. */
#ifndef URUN_FUZZ_COMMON_H
#define URUN_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* Warnings (ignored fields, unknown capabilities) go to /dev/null: stderr is
 * for sanitizer reports. FUZZ_VERBOSE=1 keeps them. */
static inline void
fuzz_quiet_logs(void)
{
	if (getenv("FUZZ_VERBOSE") == NULL)
		log_init("/dev/null", LOG_TEXT, 0);
}

/* The lowest free fd: the same before and after an input, or a loader leaked
 * one (which would end in EMFILE after enough `urun list` entries). */
static inline int
fuzz_lowest_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static inline void
fuzz_check_fds(int before)
{
	int after = fuzz_lowest_fd();

	if (after != before) {
		fprintf(stderr, "fuzz: file descriptor leak (lowest free fd %d, was %d)\n",
			after, before);
		abort();
	}
}

#endif
