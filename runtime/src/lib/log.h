/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Warnings and debug messages, as runc routes them: without --log to stderr;
 * with --log to that file only (errors to stderr too), as text or as one JSON
 * object per line {"level","msg","time"} (runc's --log-format). During create
 * stderr is also the container's (conmon logs it as container output), so
 * urun warns only about settings it really ignores. */
#ifndef URUN_LOG_H
#define URUN_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_TEXT, LOG_JSON };

/* Configure once from main(); path NULL = stderr only. Returns -1 if the file
 * cannot be opened. */
int log_init(const char *path, enum log_format fmt, int debug);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
void log_close(void);
/* The --log file's fd, -1 without one (for the fd lists of fds.h). */
int log_fd(void);

#endif
