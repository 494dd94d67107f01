/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mount_apply and the fd-based mount helpers, for real, as root in a private
 * mount namespace on a scratch tmpfs: tmpcopyup, the devpts gid retry, the
 * host instance of proc/sysfs/mqueue, remount, the cgroup view (against a fake
 * /sys/fs/cgroup, seen only by this process), and the error paths, reached
 * with injected failures (fault.h). Skipped when not root, and under valgrind
 * 3.19, which knows no openat2, open_tree or mount_setattr. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mount.h>

#include "error.h"
#include "mount.h"
#include "util.h"
#include "fault.h"

/* --- the wrapped calls ---------------------------------------------------- */

int __real_mount(const char *, const char *, const char *, unsigned long, const void *);
long __real_syscall(long, ...);
int __real_mkdirat(int, const char *, mode_t);
int __real_openat(int, const char *, int, ...);
int __real_symlinkat(const char *, int, const char *);
int __real_mknodat(int, const char *, mode_t, dev_t);

static char last_data[256];	/* the data of the last mount() */

int
__wrap_mount(const char *src, const char *target, const char *type, unsigned long flags,
	     const void *data)
{
	snprintf(last_data, sizeof(last_data), "%s", data ? (const char *)data : "");
	FAULT_CHECK("mount", 0, -1);
	return __real_mount(src, target, type, flags, data);
}

/* Every syscall(2) urun makes takes at most five arguments. */
long
__wrap_syscall(long nr, ...)
{
	va_list ap;
	long a[5];

	va_start(ap, nr);
	for (int i = 0; i < 5; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	FAULT_CHECK("syscall", nr, -1);
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4]);
}

int
__wrap_mkdirat(int dirfd, const char *path, mode_t mode)
{
	FAULT_CHECK("mkdirat", 0, -1);
	return __real_mkdirat(dirfd, path, mode);
}

int
__wrap_openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (flags & (O_CREAT | __O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	FAULT_CHECK("openat", 0, -1);
	return __real_openat(dirfd, path, flags, mode);
}

int
__wrap_symlinkat(const char *target, int dirfd, const char *path)
{
	FAULT_CHECK("symlinkat", 0, -1);
	return __real_symlinkat(target, dirfd, path);
}

int
__wrap_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	FAULT_CHECK("mknodat", 0, -1);
	return __real_mknodat(dirfd, path, mode, dev);
}

/* --- fixture: a tmpfs in a private mount namespace -------------------------- */

struct fx {
	char dir[64];
	int root;
};

static bool usable;

static int
group_setup(void **state)
{
	int fd;

	(void)state;
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    __real_mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return 0;
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/tmp", OPEN_TREE_CLOEXEC);
	usable = fd >= 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f;

	if (!usable)
		return 0;
	f = xcalloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/urun-mnt-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    __real_mount("tmpfs", f->dir, "tmpfs", 0, "mode=755") < 0) {
		free(f);
		return -1;
	}
	f->root = open(f->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fault_reset();
	if (f == NULL)
		return 0;
	close(f->root);
	umount2(f->dir, MNT_DETACH);
	rmdir(f->dir);
	free(f);
	return 0;
}

#define NEED_ROOT(state) do { \
		if (!usable) \
			skip(); \
	} while (0)

static char *
at(struct fx *f, const char *rel)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", f->dir, rel);
	return buf[k];
}

static void
put(struct fx *f, const char *rel, const char *text, mode_t mode)
{
	int fd = open(at(f, rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	fchmod(fd, mode);
	close(fd);
}

static char *
get(const char *path)
{
	char *buf = NULL;

	if (read_file(path, &buf, NULL, NULL) < 0)
		return NULL;
	return buf;
}

static long
fs_type(const char *path)
{
	struct statfs sf;

	assert_int_equal(statfs(path, &sf), 0);
	return (long)sf.f_type;
}

static unsigned long
vfs_flags(const char *path)
{
	struct statvfs sv;

	assert_int_equal(statvfs(path, &sv), 0);
	return sv.f_flag;
}

static void
expect_err(int r, struct urun_err **err, const char *want)
{
	assert_int_equal(r, -1);
	assert_non_null(*err);
	if (strstr((*err)->msg, want) == NULL)
		fail_msg("error '%s' does not mention '%s'", (*err)->msg, want);
	urun_err_free(err);
}

static int
apply(struct fx *f, struct mount_op *op, const char *cg, struct urun_err **err)
{
	return mount_apply(f->root, op, cg, err);
}

#define FS(tgt, type) { .kind = MOUNT_FS, .source = (char *)(type), .target = (char *)(tgt), \
			.fstype = (char *)(type) }
#define S(lit) ((char *)(lit))

/* --- tests ---------------------------------------------------------------- */

/* tmpcopyup: the new tmpfs starts with what it covers: files with their
 * content and mode, directories recursively, symlinks, special files. */
static void
test_tmpcopyup(void **state)
{
	struct fx *f = *state;
	struct mount_op op = FS("/data", "tmpfs");
	struct urun_err *err = NULL;
	struct stat st;
	char lnk[64] = "";
	char *s;

	NEED_ROOT(state);
	op.copy_up = true;
	assert_int_equal(mkdir(at(f, "data"), 0755), 0);
	assert_int_equal(mkdir(at(f, "data/sub"), 0700), 0);
	put(f, "data/one", "1", 0640);
	put(f, "data/sub/two", "22", 0600);
	assert_int_equal(symlink("one", at(f, "data/link")), 0);
	assert_int_equal(mkfifo(at(f, "data/fifo"), 0620), 0);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	/* a new tmpfs, not the scratch one: a file made now is not in the old dir */
	assert_int_equal(fs_type(at(f, "data")), TMPFS_MAGIC);
	put(f, "data/new", "", 0644);
	umount2(at(f, "data"), MNT_DETACH);
	assert_int_equal(access(at(f, "data/new"), F_OK), -1);
	assert_int_equal(__real_mount("tmpfs", at(f, "data"), "tmpfs", 0, NULL), 0);
	assert_int_equal(access(at(f, "data/one"), F_OK), -1);	/* fresh */
	umount2(at(f, "data"), MNT_DETACH);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	s = get(at(f, "data/one"));
	assert_string_equal(s, "1");
	free(s);
	s = get(at(f, "data/sub/two"));
	assert_string_equal(s, "22");
	free(s);
	assert_int_equal(stat(at(f, "data/one"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(stat(at(f, "data/sub"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_true(readlink(at(f, "data/link"), lnk, sizeof(lnk) - 1) == 3);
	assert_string_equal(lnk, "one");
	assert_int_equal(lstat(at(f, "data/fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

/* Each failure of the copy names what it was copying, and the directory it
 * was in; nothing is half-reported as success. */
static void
test_tmpcopyup_failures(void **state)
{
	static const struct { const char *call; int skip; const char *want; } cases[] = {
		{ "mkdirat", 0, "tmpcopyup: directory 'sub'" },
		{ "symlinkat", 0, "tmpcopyup: symlink 'link'" },
		{ "mknodat", 0, "tmpcopyup: node 'fifo'" },
	};
	struct fx *f = *state;
	struct mount_op op = FS("/data", "tmpfs");
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	op.copy_up = true;
	assert_int_equal(mkdir(at(f, "data"), 0755), 0);
	assert_int_equal(mkdir(at(f, "data/sub"), 0700), 0);
	assert_int_equal(mkdir(at(f, "data/sub/deeper"), 0700), 0);
	assert_int_equal(symlink("x", at(f, "data/link")), 0);
	assert_int_equal(mkfifo(at(f, "data/fifo"), 0620), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fault_arm(cases[i].call, 0, cases[i].skip, EIO);
		expect_err(apply(f, &op, NULL, &err), &err, cases[i].want);
		assert_true(fault_all_fired());
		umount2(at(f, "data"), MNT_DETACH);
	}
	/* the failure inside a subdirectory names it: "sub: tmpcopyup: ..." */
	fault_arm("mkdirat", 0, 1, EIO);
	assert_int_equal(apply(f, &op, NULL, &err), -1);
	assert_non_null(strstr(err->msg, "sub: tmpcopyup: directory 'deeper'"));
	urun_err_free(&err);
	umount2(at(f, "data"), MNT_DETACH);
	/* a file that cannot be opened, or created in the tmpfs */
	assert_int_equal(rmdir(at(f, "data/sub/deeper")), 0);
	assert_int_equal(rmdir(at(f, "data/sub")), 0);
	assert_int_equal(unlink(at(f, "data/link")), 0);
	assert_int_equal(unlink(at(f, "data/fifo")), 0);
	put(f, "data/file", "x", 0644);
	/* copy_up opens the covered dir, the tmpfs, then the file and its copy */
	fault_arm("openat", 0, 2, EACCES);
	expect_err(apply(f, &op, NULL, &err), &err, "tmpcopyup: open 'file'");
	umount2(at(f, "data"), MNT_DETACH);
	fault_arm("openat", 0, 3, ENOSPC);
	expect_err(apply(f, &op, NULL, &err), &err, "tmpcopyup: create 'file'");
	umount2(at(f, "data"), MNT_DETACH);
	fault_arm("openat", 0, 1, EMFILE);
	expect_err(apply(f, &op, NULL, &err), &err, "tmpcopyup: open the tmpfs");
	umount2(at(f, "data"), MNT_DETACH);
	fault_arm("openat", 0, 0, EMFILE);
	expect_err(apply(f, &op, NULL, &err), &err, "tmpcopyup: open the covered directory");
}

/* devpts with a gid= the user namespace does not map fails EINVAL: the mount
 * is retried without the gid, the other options kept. */
static void
test_devpts_gid_retry(void **state)
{
	struct fx *f = *state;
	struct mount_op op = FS("/pts", "devpts");
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	op.data = S("newinstance,gid=5,mode=620");
	fault_arm("mount", 0, 0, EINVAL);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_true(fault_all_fired());
	assert_string_equal(last_data, "newinstance,mode=620");
	assert_int_equal(fs_type(at(f, "pts")), DEVPTS_SUPER_MAGIC);
	umount2(at(f, "pts"), MNT_DETACH);
	op.data = S("mode=620,gid=5");		/* the gid last */
	fault_arm("mount", 0, 0, EINVAL);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_null(strstr(last_data, "gid="));
	umount2(at(f, "pts"), MNT_DETACH);
	/* EINVAL without a gid= to drop is the error */
	op.data = S("mode=620");
	fault_arm("mount", 0, 0, EINVAL);
	expect_err(apply(f, &op, NULL, &err), &err, "mount '/pts' (type devpts)");
}

/* proc, sysfs and mqueue refused with EPERM (a user namespace that does not
 * own the pid/net/ipc namespace): the host's instance is bound instead, with
 * the flags asked for; anything else, or a failing bind, stays EPERM. */
static void
test_host_instance(void **state)
{
	struct fx *f = *state;
	struct mount_op op = FS("/proc", "proc");
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	op.real_dir = true;
	op.proc_dest = PROC_DEST_ROOT;
	op.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	fault_arm("mount", 0, 0, EPERM);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_int_equal(fs_type(at(f, "proc/self")), PROC_SUPER_MAGIC);
	assert_true(vfs_flags(at(f, "proc")) & ST_NOEXEC);
	umount2(at(f, "proc"), MNT_DETACH);
	/* sysfs without extra flags: bound as it is */
	op = (struct mount_op)FS("/sys", "sysfs");
	op.real_dir = true;
	fault_arm("mount", 0, 0, EPERM);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_int_equal(fs_type(at(f, "sys")), SYSFS_MAGIC);
	umount2(at(f, "sys"), MNT_DETACH);
	/* the host bind fails too: the original EPERM is reported */
	op = (struct mount_op)FS("/mq", "mqueue");
	fault_arm("mount", 0, 0, EPERM);
	fault_arm("mount", 0, 0, ENOENT);
	assert_int_equal(apply(f, &op, NULL, &err), -1);
	assert_int_equal(err->errnum, EPERM);
	assert_non_null(strstr(err->msg, "mount '/mq' (type mqueue)"));
	urun_err_free(&err);
	/* no host instance for tmpfs */
	op = (struct mount_op)FS("/t", "tmpfs");
	fault_arm("mount", 0, 0, EPERM);
	assert_int_equal(apply(f, &op, NULL, &err), -1);
	assert_int_equal(err->errnum, EPERM);
	urun_err_free(&err);
	/* the remount with the flags fails: EPERM again, nothing reported twice */
	op = (struct mount_op)FS("/proc", "proc");
	op.flags = MS_NOSUID;
	fault_arm("mount", 0, 0, EPERM);
	fault_arm("mount", 0, 1, EBUSY);
	assert_int_equal(apply(f, &op, NULL, &err), -1);
	assert_int_equal(err->errnum, EPERM);
	urun_err_free(&err);
}

/* "remount": the flags of the mount already there change; a bind's per-mount
 * flags go through a bind remount when the plain one is refused. */
static void
test_remount(void **state)
{
	struct fx *f = *state;
	struct mount_op op = FS("/r", "tmpfs");
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_false(vfs_flags(at(f, "r")) & ST_RDONLY);
	op.flags = MS_REMOUNT | MS_RDONLY;
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_true(vfs_flags(at(f, "r")) & ST_RDONLY);
	op.flags = MS_REMOUNT | MS_NOEXEC | MS_RDONLY;
	fault_arm("mount", 0, 0, EPERM);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_true(vfs_flags(at(f, "r")) & ST_NOEXEC);
	fault_arm("mount", 0, 0, EPERM);
	fault_arm("mount", 0, 0, EPERM);
	expect_err(apply(f, &op, NULL, &err), &err, "remount '/r': remount");
	op.target = S("/missing");
	expect_err(apply(f, &op, NULL, &err), &err, "remount '/missing'");
	expect_err(remount_bind(-1, 0, &err), &err, "statvfs");
}

/* A bind at /proc must bring a procfs (runc's checkProcMount). */
static void
test_proc_source(void **state)
{
	struct fx *f = *state;
	struct mount_op op = { .kind = MOUNT_BIND, .source = f->dir, .target = S("/proc"),
			       .proc_dest = PROC_DEST_ROOT, .real_dir = true };
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	expect_err(apply(f, &op, NULL, &err), &err, "is not a procfs (only proc goes at /proc)");
	op.source = S("/nonexistent-proc");
	expect_err(apply(f, &op, NULL, &err), &err, "statfs '/nonexistent-proc'");
	op.source = S("/proc");
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_int_equal(fs_type(at(f, "proc/self")), PROC_SUPER_MAGIC);
	/* over the root, or on a file: refused */
	op.target = S("/");
	expect_err(apply(f, &op, NULL, &err), &err, "over the root");
	put(f, "file", "", 0644);
	op.target = S("/file/");
	expect_err(apply(f, &op, NULL, &err), &err, "must be mounted on a directory");
	op.target = S("/sys");
	fault_arm("mkdirat", 0, 0, EROFS);
	expect_err(apply(f, &op, NULL, &err), &err, "mkdir in the rootfs");
}

/* Binds by fd: the errors name the source and the call, and the idmap or
 * flag step fails before anything is attached. */
static void
test_bind_failures(void **state)
{
	struct fx *f = *state;
	struct mount_op op = { .kind = MOUNT_BIND, .source = S("/nonexistent-src"),
			       .target = S("/b") };
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	expect_err(apply(f, &op, NULL, &err), &err, "bind '/nonexistent-src'");
	op.source = f->dir;
	fault_arm("syscall", SYS_open_tree, 0, EINVAL);
	expect_err(apply(f, &op, NULL, &err), &err, "use rbind");
	op.recursive = true;
	fault_arm("syscall", SYS_open_tree, 0, EINVAL);
	assert_int_equal(apply(f, &op, NULL, &err), -1);
	assert_null(strstr(err->msg, "rbind"));
	urun_err_free(&err);
	op.idmap = true;
	op.userns_fd = -1;
	expect_err(apply(f, &op, NULL, &err), &err, "idmap '");
	op.idmap = false;
	op.flags = MS_BIND | MS_RDONLY | MS_NOATIME;
	fault_arm("syscall", SYS_mount_setattr, 0, EINVAL);
	expect_err(apply(f, &op, NULL, &err), &err, "set the bind's flags");
	fault_arm("syscall", SYS_move_mount, 0, EINVAL);
	expect_err(apply(f, &op, NULL, &err), &err, "move_mount onto '/b'");
	/* and it works: read-only, noatime */
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_true(vfs_flags(at(f, "b")) & ST_RDONLY);
	assert_true(vfs_flags(at(f, "b")) & ST_NOATIME);
	/* without ro: a read-only source tree is made writable in the copy */
	op.source = at(f, "b");
	op.target = S("/b2");
	op.flags = MS_BIND | MS_NOSUID;
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_false(vfs_flags(at(f, "b2")) & ST_RDONLY);
	assert_true(vfs_flags(at(f, "b2")) & ST_NOSUID);
}

/* Recursive attributes (rro, ...): refused EPERM in a user namespace, where
 * the host's locked flags cannot be cleared; the restricting ones are kept. */
static void
test_attrs_and_propagation(void **state)
{
	struct fx *f = *state;
	struct mount_op op = FS("/a", "tmpfs");
	struct urun_err *err = NULL;

	NEED_ROOT(state);
	op.attr_set = MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOATIME;
	op.attr_clr = MOUNT_ATTR_NODEV;
	fault_arm("syscall", SYS_mount_setattr, 0, EPERM);
	assert_int_equal(apply(f, &op, NULL, &err), 0);
	assert_true(fault_all_fired());
	assert_true(vfs_flags(at(f, "a")) & ST_NOEXEC);
	assert_false(vfs_flags(at(f, "a")) & ST_NOATIME);	/* the atime change was dropped */
	fault_arm("syscall", SYS_mount_setattr, 0, EPERM);
	fault_arm("syscall", SYS_mount_setattr, 0, EPERM);
	expect_err(apply(f, &op, NULL, &err), &err, "mount '/a': mount_setattr");
	fault_arm("syscall", SYS_mount_setattr, 0, EINVAL);
	expect_err(apply(f, &op, NULL, &err), &err, "mount_setattr");
	op.attr_set = op.attr_clr = 0;
	op.propagation = MS_SHARED | MS_PRIVATE;	/* the kernel takes one */
	expect_err(apply(f, &op, NULL, &err), &err, "mount '/a': set propagation");
	/* the new filesystem is looked up again for its propagation */
	op.propagation = MS_PRIVATE;
	fault_arm("syscall", SYS_openat2, 1, ENOENT);
	expect_err(apply(f, &op, NULL, &err), &err, "mount '/a': open '/a' in the rootfs");
}

/* The by-fd helpers used for masks, readonly paths and the root. */
static void
test_fd_helpers(void **state)
{
	struct fx *f = *state;
	struct urun_err *err = NULL;
	int d;

	NEED_ROOT(state);
	expect_err(mount_set_readonly(-1, 0, &err), &err, "make read-only (mount_setattr)");
	expect_err(mount_bind_fd(-1, f->root, &err), &err, "open_tree");
	expect_err(mount_bind_fd(f->root, -1, &err), &err, "move_mount");
	expect_err(mount_bind_ro_fd(-1, 0, &err), &err, "open_tree");
	expect_err(mount_tmpfs_ro_fd(-1, &err), &err, "move_mount");
	assert_int_equal(mkdir(at(f, "m"), 0755), 0);
	d = open(at(f, "m"), O_PATH | O_CLOEXEC);
	fault_arm("syscall", SYS_mount_setattr, 0, EPERM);
	expect_err(mount_bind_ro_fd(d, 0, &err), &err, "make read-only (mount_setattr)");
	fault_arm("syscall", SYS_move_mount, 0, EPERM);
	expect_err(mount_bind_ro_fd(d, 0, &err), &err, "move_mount");
	fault_arm("syscall", SYS_fsopen, 0, ENODEV);
	expect_err(mount_tmpfs_ro_fd(d, &err), &err, "fsopen tmpfs");
	fault_arm("syscall", SYS_fsconfig, 3, EINVAL);
	expect_err(mount_tmpfs_ro_fd(d, &err), &err, "fsconfig tmpfs");
	fault_arm("syscall", SYS_fsmount, 0, ENOMEM);
	expect_err(mount_tmpfs_ro_fd(d, &err), &err, "fsmount tmpfs");
	assert_int_equal(mount_tmpfs_ro_fd(d, &err), 0);
	assert_true(vfs_flags(at(f, "m")) & ST_RDONLY);
	assert_int_equal(fs_type(at(f, "m")), TMPFS_MAGIC);
	close(d);
}

/* resolve_in_root: missing components are made one by one; each failure
 * names the component. */
static void
test_resolve(void **state)
{
	struct fx *f = *state;
	struct urun_err *err = NULL;
	struct stat st;
	int fd;

	NEED_ROOT(state);
	fd = resolve_in_root(f->root, "/x/y/", true, false, &err);	/* trailing slash */
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(at(f, "x/y"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(symlink("/nowhere", at(f, "dangling")), 0);
	expect_err(resolve_in_root(f->root, "/dangling", true, true, &err), &err,
		   "create '/dangling' in the rootfs");
	fault_arm("mkdirat", 0, 0, EROFS);
	expect_err(resolve_in_root(f->root, "/n/m", true, false, &err), &err,
		   "mkdir '/n' in the rootfs");
	/* the first lookup fails ENOENT, then the walk meets other errors */
	fault_arm("syscall", SYS_openat2, 0, ENOENT);
	fault_arm("syscall", SYS_openat2, 0, EACCES);
	expect_err(resolve_in_root(f->root, "/x/z", true, false, &err), &err,
		   "open '/x' in the rootfs");
	fault_arm("syscall", SYS_openat2, 3, EACCES);
	expect_err(resolve_in_root(f->root, "/x/p/q", true, false, &err), &err,
		   "open parent of '/x/p'");
}

/* type "cgroup" on a v1/hybrid host: a tmpfs with each hierarchy's container
 * directory (or the hierarchy's root when the container has none there)
 * bound in read-only, and the co-mount symlinks copied. */
static void
test_cgroup_v1(void **state)
{
	struct fx *f = *state;
	struct mount_op op = { .kind = MOUNT_CGROUP, .source = S("cgroup"), .target = S("/sys/fs/cgroup"),
			       .fstype = S("cgroup"), .flags = MS_RDONLY };
	struct urun_err *err = NULL;
	char lnk[64] = "";
	char *s;

	NEED_ROOT(state);
	/* a fake /sys/fs/cgroup, seen by this process only */
	assert_int_equal(__real_mount("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, NULL), 0);
	assert_int_equal(mkdir_p("/sys/fs/cgroup/cpu,cpuacct/urun/c1", 0755, NULL), 0);
	assert_int_equal(mkdir_p("/sys/fs/cgroup/pids", 0755, NULL), 0);
	assert_int_equal(symlink("cpu,cpuacct", "/sys/fs/cgroup/cpu"), 0);
	assert_int_equal(write_file_atomic("/sys/fs/cgroup/cpu,cpuacct/urun/c1/mine", "c1", 2, 0644,
				    NULL), 0);
	assert_int_equal(write_file_atomic("/sys/fs/cgroup/pids/top", "t", 1, 0644, NULL), 0);
	assert_int_equal(apply(f, &op, "/urun/c1", &err), 0);
	s = get(at(f, "sys/fs/cgroup/cpu,cpuacct/mine"));
	assert_non_null(s);
	assert_string_equal(s, "c1");
	free(s);
	s = get(at(f, "sys/fs/cgroup/pids/top"));	/* no container dir: the root */
	assert_non_null(s);
	free(s);
	assert_true(readlink(at(f, "sys/fs/cgroup/cpu"), lnk, sizeof(lnk) - 1) > 0);
	assert_string_equal(lnk, "cpu,cpuacct");
	assert_true(vfs_flags(at(f, "sys/fs/cgroup")) & ST_RDONLY);
	assert_true(vfs_flags(at(f, "sys/fs/cgroup/pids")) & ST_RDONLY);
	umount2(at(f, "sys/fs/cgroup"), MNT_DETACH);
	/* without ro the top stays writable, the hierarchies are read-only anyway */
	op.flags = 0;
	assert_int_equal(apply(f, &op, "/urun/c1", &err), 0);
	assert_false(vfs_flags(at(f, "sys/fs/cgroup")) & ST_RDONLY);
	assert_true(vfs_flags(at(f, "sys/fs/cgroup/pids")) & ST_RDONLY);
	umount2(at(f, "sys/fs/cgroup"), MNT_DETACH);
	op.flags = MS_RDONLY;
	/* failures name the hierarchy */
	fault_arm("mount", 0, 1, EACCES);
	expect_err(apply(f, &op, "/urun/c1", &err), &err, "bind '/sys/fs/cgroup/");
	umount2(at(f, "sys/fs/cgroup"), MNT_DETACH);
	fault_arm("mount", 0, 0, ENOMEM);
	expect_err(apply(f, &op, "/urun/c1", &err), &err, "mount '/sys/fs/cgroup': mount tmpfs");
	fault_arm("mkdirat", 0, 0, ENOSPC);
	expect_err(apply(f, &op, "/urun/c1", &err), &err, "mkdir '/sys/fs/cgroup/");
	umount2(at(f, "sys/fs/cgroup"), MNT_DETACH);
	fault_arm("mount", 0, 2, EACCES);	/* the remount after the first bind */
	expect_err(apply(f, &op, "/urun/c1", &err), &err, "remount");
	umount2(at(f, "sys/fs/cgroup"), MNT_DETACH);
	umount2("/sys/fs/cgroup", MNT_DETACH);
}

/* On a pure v2 host: the container's own cgroup2 directory, read-only. */
static void
test_cgroup_v2(void **state)
{
	struct fx *f = *state;
	struct mount_op op = { .kind = MOUNT_CGROUP, .source = S("cgroup"), .target = S("/cg"),
			       .fstype = S("cgroup") };
	struct urun_err *err = NULL;
	char *s;

	NEED_ROOT(state);
	assert_int_equal(__real_mount("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, NULL), 0);
	assert_int_equal(write_file_atomic("/sys/fs/cgroup/cgroup.controllers", "cpu", 3, 0644, NULL), 0);
	assert_int_equal(mkdir_p("/sys/fs/cgroup/urun/c2", 0755, NULL), 0);
	assert_int_equal(write_file_atomic("/sys/fs/cgroup/urun/c2/cgroup.procs", "", 0, 0644, NULL), 0);
	assert_int_equal(apply(f, &op, "/urun/c2", &err), 0);
	s = get(at(f, "cg/cgroup.procs"));
	assert_non_null(s);
	free(s);
	assert_true(vfs_flags(at(f, "cg")) & ST_RDONLY);
	umount2(at(f, "cg"), MNT_DETACH);
	expect_err(apply(f, &op, "/urun/none", &err), &err, "bind '/sys/fs/cgroup/urun/none'");
	op.target = S("/proc");	/* a procfs where the plan expects none: refused */
	op.proc_dest = PROC_DEST_REFUSED;
	assert_int_equal(mkdir(at(f, "proc"), 0755), 0);
	assert_int_equal(__real_mount("proc", at(f, "proc"), "proc", 0, NULL), 0);
	expect_err(apply(f, &op, "/urun/c2", &err), &err, "resolves into procfs");
	umount2(at(f, "proc"), MNT_DETACH);
	umount2("/sys/fs/cgroup", MNT_DETACH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tmpcopyup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tmpcopyup_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devpts_gid_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attrs_and_propagation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_v2, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
