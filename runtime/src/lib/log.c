/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Warnings and debug output (log.h). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "log.h"
#include "util.h"

static struct {
	FILE *file;
	enum log_format format;
	int debug;
} log_cfg;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
log_init(const char *path, enum log_format fmt, int debug)
{
	log_cfg.format = fmt;
	log_cfg.debug = debug;
	if (path == NULL)
		return 0;
	log_cfg.file = fopen(path, "ae");
	return log_cfg.file ? 0 : -1;
}

static void
log_json(FILE *f, const char *level, const char *msg)
{
	char stamp[64];
	struct timespec ts;
	struct tm tm;
	json_t *o;
	char *s;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", stamp);
	s = json_dumps(o, JSON_COMPACT);
	fprintf(f, "%s\n", s);
	free(s);
	json_decref(o);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (level == LOG_DEBUG && !log_cfg.debug)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0) {
		va_end(ap);
		return;
	}
	va_end(ap);
	/* With --log the file is the only sink but for errors, as runc (its
	 * fatal() prints to both): callers such as containerd read the file,
	 * and stderr may be the container's own (create hands it to the
	 * container; conmon logs it). Without --log, stderr, as runc. */
	if (log_cfg.file) {
		if (log_cfg.format == LOG_JSON)
			log_json(log_cfg.file, level_names[level], msg);
		else
			fprintf(log_cfg.file, "%s: %s\n", level_names[level], msg);
		fflush(log_cfg.file);
	}
	if (!log_cfg.file || level == LOG_ERROR) {
		if (log_cfg.format == LOG_JSON && !log_cfg.file)
			log_json(stderr, level_names[level], msg);
		else if (level == LOG_ERROR)
			fprintf(stderr, "urun: %s\n", msg);
		else
			fprintf(stderr, "urun: %s: %s\n", level_names[level], msg);
	}
	free(msg);
}

void
log_close(void)
{
	if (log_cfg.file)
		fclose(log_cfg.file);
	log_cfg.file = NULL;
}

int
log_fd(void)
{
	return log_cfg.file ? fileno(log_cfg.file) : -1;
}
