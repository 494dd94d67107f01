/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files under /proc used after pivot_root. There /proc is whatever the
 * container's root holds (no proc mount: the image's own directory, symlinks
 * or files), so every such path is opened beneath a verified procfs root,
 * through no symlink and no other mount, and checked with fstatfs. */
#ifndef URUN_PROCFS_H
#define URUN_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

struct stat;
struct statfs;
struct urun_err;

/* Whether ST and SF (fstat and fstatfs of one fd) are the root directory of a
 * procfs: procfs type, and the inode only a procfs root has. */
bool procfs_is_root(const struct stat *st, const struct statfs *sf);
/* PATH ("/proc" or "/proc/...") relative to the procfs root, with a first
 * component "self" replaced by SELF (our pid as that procfs names it) and
 * repeated slashes and "." dropped. NULL when PATH is not under /proc or has a
 * ".." component. Pure; the caller frees. */
char *procfs_rel(const char *path, const char *self);
/* Open PATH ("/proc/...") with FLAGS (O_CLOEXEC added): resolved beneath the
 * procfs mounted at /proc with no symlink and no mount crossed, and checked to
 * be on procfs. Returns the fd, or -1 with *ERR naming PATH. */
int procfs_open(const char *path, int flags, struct urun_err **err);
/* Write S to PATH, opened with procfs_open. */
int procfs_write(const char *path, const char *s, struct urun_err **err);
/* Into BUF (LEN bytes): "/proc/PID/fd/FD", a path that reaches FD through the
 * procfs at /proc, after checking that /proc is a procfs whose fd directory
 * of ours holds FD (for mount(2), which takes paths). */
int procfs_fd_path(int fd, char *buf, size_t len, struct urun_err **err);

#endif
