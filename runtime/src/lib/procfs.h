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
/* The root of the procfs at /proc (O_PATH), opened without following a
 * symlink and checked; errors name PATH, the file it was wanted for. */
int procfs_root(const char *path, struct urun_err **err);
/* Open PATH ("/proc/...") with FLAGS (O_CLOEXEC added) beneath ROOT (from
 * procfs_root). STRICT: through no symlink and no other mount, and the file
 * must be on procfs (for writes); else the kernel's own symlinks (self, net)
 * are followed, never a magic link (for masks and readonly paths). Returns
 * the fd, or -1 with *ERR naming PATH (errnum ENOENT: PATH does not exist). */
int procfs_openat(int root, const char *path, int flags, bool strict, struct urun_err **err);
/* procfs_openat(procfs_root(), PATH, FLAGS, strict). */
int procfs_open(const char *path, int flags, struct urun_err **err);
/* Write S to PATH, opened with procfs_open. */
int procfs_write(const char *path, const char *s, struct urun_err **err);
/* Into BUF (LEN bytes): "/proc/PID/fd/FD", a path that reaches FD through the
 * procfs at /proc, after checking that /proc is a procfs whose fd directory
 * of ours holds FD (for mount(2), which takes paths). */
int procfs_fd_path(int fd, char *buf, size_t len, struct urun_err **err);

#endif
