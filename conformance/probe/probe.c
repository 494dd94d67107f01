/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe: static helper placed at /probe in conformance containers. Reports
 * what the runtime set up (ids, caps, rlimits, namespaces, mounts...) as one
 * JSON object, or does one small action (exit, write, wait for a signal...).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define JW_MAXDEPTH 16
#define USAGE (-1)	/* a subcommand's return value for "bad arguments" */

/* Minimal JSON writer: tracks where commas go, escapes every string. */
struct jw {
	FILE *f;
	int depth;
	bool used[JW_MAXDEPTH];	/* a value was already written at this level */
	bool after_key;		/* a key was just written: no comma before value */
};

/* Length of the valid UTF-8 sequence starting at s, 0 if it is invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Reject overlong forms, UTF-16 surrogates and code points > U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/*
 * Write s as a quoted JSON string. Bytes that are not valid UTF-8 are
 * written as \u00XX (read as Latin-1) so the output always parses.
 */
static void json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			n = utf8_len(s);
			if (*s < 0x20 || *s == 0x7f || n == 0) {
				fprintf(f, "\\u%04x", *s);
			} else {
				fwrite(s, 1, n, f);
				s += n;
				continue;
			}
		}
		s++;
	}
	fputc('"', f);
}

static void jw_prefix(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->used[w->depth])
		fputc(',', w->f);
	w->used[w->depth] = true;
}

static void jw_open(struct jw *w, int c)
{
	jw_prefix(w);
	fputc(c, w->f);
	if (w->depth + 1 >= JW_MAXDEPTH)
		abort();
	w->used[++w->depth] = false;
}

static void jw_close(struct jw *w, int c)
{
	w->depth--;
	fputc(c, w->f);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_prefix(w);
	json_string(w->f, key);
	fputc(':', w->f);
	w->after_key = true;
}

/* Write a string value, or null when s is NULL. */
static void jw_str(struct jw *w, const char *s)
{
	jw_prefix(w);
	if (s)
		json_string(w->f, s);
	else
		fputs("null", w->f);
}

static void jw_int(struct jw *w, long long v)
{
	jw_prefix(w);
	fprintf(w->f, "%lld", v);
}

static void jw_literal(struct jw *w, const char *lit)
{
	jw_prefix(w);
	fputs(lit, w->f);
}

static void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

static void jw_kint(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

static void jw_kbool(struct jw *w, const char *key, bool b)
{
	jw_key(w, key);
	jw_literal(w, b ? "true" : "false");
}

/* Read a whole file (including /proc files that report size 0). */
static char *slurp(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL, *tmp;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || len + 1 >= cap) {
			cap = buf ? cap * 2 : cap;
			tmp = realloc(buf, cap);
			if (!tmp)
				goto fail;
			buf = tmp;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* Value of "Name:\tvalue" in /proc/self/status contents, or NULL. */
static const char *status_field(const char *status, const char *name)
{
	size_t n = strlen(name);
	const char *line = status;

	while (line && *line) {
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			return line + n + 1 + strspn(line + n + 1, " \t");
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* Write the hex capability mask of status field NAME as an array of names. */
static void report_capset(struct jw *w, const char *status, const char *key,
			  const char *field)
{
	const char *val = status ? status_field(status, field) : NULL;
	unsigned long long mask;
	char buf[16];
	unsigned int bit;

	jw_key(w, key);
	if (!val) {
		jw_literal(w, "null");
		return;
	}
	mask = strtoull(val, NULL, 16);
	jw_open(w, '[');
	for (bit = 0; bit < 64; bit++) {
		if (!(mask & (1ULL << bit)))
			continue;
		if (bit < sizeof(cap_names) / sizeof(cap_names[0])) {
			jw_str(w, cap_names[bit]);
		} else {
			snprintf(buf, sizeof(buf), "CAP_%u", bit);
			jw_str(w, buf);
		}
	}
	jw_close(w, ']');
}

static void report_caps(struct jw *w, const char *status)
{
	jw_key(w, "caps");
	jw_open(w, '{');
	report_capset(w, status, "bounding", "CapBnd");
	report_capset(w, status, "effective", "CapEff");
	report_capset(w, status, "permitted", "CapPrm");
	report_capset(w, status, "inheritable", "CapInh");
	report_capset(w, status, "ambient", "CapAmb");
	jw_close(w, '}');
}

/* Write a numeric status field (base 8, 10 or 16 per strtoll) or null. */
static void report_status_num(struct jw *w, const char *status,
			      const char *key, const char *field, int base)
{
	const char *val = status ? status_field(status, field) : NULL;

	jw_key(w, key);
	if (val)
		jw_int(w, strtoll(val, NULL, base));
	else
		jw_literal(w, "null");
}

static void report_ids(struct jw *w)
{
	gid_t *groups;
	int i, n;

	jw_kint(w, "uid", getuid());
	jw_kint(w, "gid", getgid());
	jw_kint(w, "euid", geteuid());
	jw_kint(w, "egid", getegid());
	jw_key(w, "groups");
	jw_open(w, '[');
	n = getgroups(0, NULL);
	groups = n > 0 ? calloc(n, sizeof(*groups)) : NULL;
	if (groups)
		n = getgroups(n, groups);
	for (i = 0; groups && i < n; i++)
		jw_int(w, groups[i]);
	free(groups);
	jw_close(w, ']');
}

static void report_env(struct jw *w)
{
	char **e;

	jw_key(w, "env");
	jw_open(w, '[');
	for (e = environ; e && *e; e++)
		jw_str(w, *e);
	jw_close(w, ']');
}

#define RL(r) { r, #r }
static const struct {
	int resource;
	const char *name;
} rlimits[] = {
	RL(RLIMIT_CPU), RL(RLIMIT_FSIZE), RL(RLIMIT_DATA), RL(RLIMIT_STACK),
	RL(RLIMIT_CORE), RL(RLIMIT_RSS), RL(RLIMIT_NPROC), RL(RLIMIT_NOFILE),
	RL(RLIMIT_MEMLOCK), RL(RLIMIT_AS), RL(RLIMIT_LOCKS),
	RL(RLIMIT_SIGPENDING), RL(RLIMIT_MSGQUEUE), RL(RLIMIT_NICE),
	RL(RLIMIT_RTPRIO), RL(RLIMIT_RTTIME),
};
#undef RL

static long long rlim_num(rlim_t v)
{
	return v == RLIM_INFINITY ? -1 : (long long)v;
}

static void report_rlimits(struct jw *w)
{
	struct rlimit rl;
	size_t i;

	jw_key(w, "rlimits");
	jw_open(w, '{');
	for (i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		jw_key(w, rlimits[i].name);
		if (getrlimit(rlimits[i].resource, &rl) < 0) {
			jw_literal(w, "null");
			continue;
		}
		jw_open(w, '{');
		jw_kint(w, "soft", rlim_num(rl.rlim_cur));
		jw_kint(w, "hard", rlim_num(rl.rlim_max));
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

static void report_namespaces(struct jw *w)
{
	static const char *const names[] = {
		"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts",
	};
	char path[64];
	struct stat st;
	size_t i;

	jw_key(w, "namespaces");
	jw_open(w, '{');
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		jw_key(w, names[i]);
		if (stat(path, &st) < 0)
			jw_literal(w, "null");
		else
			jw_int(w, (long long)st.st_ino);
	}
	jw_close(w, '}');
}

/* Decode mountinfo's \ooo octal escapes (space, tab, newline, backslash). */
static char *unescape_octal(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
		    in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') << 6 | (in[2] - '0') << 3 |
					(in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return s;
}

/*
 * One /proc/self/mountinfo line:
 * ID PARENT MAJ:MIN ROOT TARGET OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
 */
static void report_mount_line(struct jw *w, char *line)
{
	char *f[6], *opt, *fstype, *source, *super, *save = NULL;
	char optional[1024] = "";
	int i;

	for (i = 0; i < 6; i++) {
		f[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!f[i])
			return;
	}
	while ((opt = strtok_r(NULL, " ", &save)) && strcmp(opt, "-") != 0) {
		if (optional[0])
			strncat(optional, " ", sizeof(optional) - strlen(optional) - 1);
		strncat(optional, opt, sizeof(optional) - strlen(optional) - 1);
	}
	fstype = strtok_r(NULL, " ", &save);
	source = strtok_r(NULL, " ", &save);
	super = strtok_r(NULL, " ", &save);
	jw_open(w, '{');
	jw_kint(w, "id", strtoll(f[0], NULL, 10));
	jw_kint(w, "parent", strtoll(f[1], NULL, 10));
	jw_kstr(w, "root", unescape_octal(f[3]));
	jw_kstr(w, "target", unescape_octal(f[4]));
	jw_kstr(w, "options", f[5]);
	jw_kstr(w, "propagation", optional);
	jw_kstr(w, "fstype", fstype);
	jw_kstr(w, "source", source ? unescape_octal(source) : NULL);
	jw_kstr(w, "super_options", super);
	jw_close(w, '}');
}

/* Write KEY: an array with fn(line) for each line of PATH, or null. */
static void report_lines(struct jw *w, const char *key, const char *path,
			 void (*fn)(struct jw *, char *))
{
	char *buf = slurp(path);
	char *line, *save = NULL;

	jw_key(w, key);
	if (!buf) {
		jw_literal(w, "null");
		return;
	}
	jw_open(w, '[');
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fn(w, line);
	jw_close(w, ']');
	free(buf);
}

static void report_cgroup_line(struct jw *w, char *line)
{
	jw_str(w, line);
}

static void report_sysctl(struct jw *w, const char *name)
{
	char path[PATH_MAX], *p, *val;
	size_t len;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	jw_key(w, name);
	val = slurp(path);
	if (!val) {
		jw_literal(w, "null");
		return;
	}
	len = strlen(val);
	while (len > 0 && strchr(" \t\n", val[len - 1]))
		val[--len] = '\0';
	jw_str(w, val + strspn(val, " \t\n"));
	free(val);
}

static const char *file_type(mode_t mode)
{
	if (S_ISREG(mode))
		return "file";
	if (S_ISDIR(mode))
		return "dir";
	if (S_ISCHR(mode))
		return "chardev";
	if (S_ISLNK(mode))
		return "symlink";
	return "other";
}

static bool can_open(const char *path, int flags)
{
	int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Whether a file can be created (and is then removed) in directory DIR. */
static bool dir_writable(const char *dir)
{
	char tmpl[PATH_MAX];
	int fd;

	if (snprintf(tmpl, sizeof(tmpl), "%s/.probe-XXXXXX", dir) >=
	    (int)sizeof(tmpl))
		return false;
	fd = mkstemp(tmpl);
	if (fd < 0)
		return false;
	close(fd);
	unlink(tmpl);
	return true;
}

static bool dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

/* Type and mode come from lstat; readable/writable/empty follow symlinks. */
static void report_path(struct jw *w, const char *path)
{
	struct stat st, target;
	bool is_dir;

	jw_key(w, path);
	jw_open(w, '{');
	if (lstat(path, &st) < 0) {
		jw_kbool(w, "exists", false);
		jw_close(w, '}');
		return;
	}
	is_dir = stat(path, &target) == 0 && S_ISDIR(target.st_mode);
	jw_kbool(w, "exists", true);
	jw_kstr(w, "type", file_type(st.st_mode));
	jw_kbool(w, "readable", can_open(path, O_RDONLY));
	jw_kbool(w, "writable", is_dir ? dir_writable(path) :
		 can_open(path, O_WRONLY));
	jw_kbool(w, "empty", is_dir ? dir_empty(path) :
		 stat(path, &target) == 0 && target.st_size == 0);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		jw_kint(w, "rdev_major", major(st.st_rdev));
		jw_kint(w, "rdev_minor", minor(st.st_rdev));
	}
	jw_kint(w, "mode", st.st_mode & 07777);
	jw_close(w, '}');
}

static void report_oom_score_adj(struct jw *w)
{
	char *val = slurp("/proc/self/oom_score_adj");

	jw_key(w, "oom_score_adj");
	if (val)
		jw_int(w, strtoll(val, NULL, 10));
	else
		jw_literal(w, "null");
	free(val);
}

/* Everything about the process that does not come from /proc/self/status. */
static void report_process(struct jw *w)
{
	char cwd[PATH_MAX];
	struct utsname u;
	bool have_uname = uname(&u) == 0;

	jw_kstr(w, "cwd", getcwd(cwd, sizeof(cwd)));
	report_env(w);
	jw_kstr(w, "hostname", have_uname ? u.nodename : NULL);
	jw_kstr(w, "domainname", have_uname ? u.domainname : NULL);
	jw_kint(w, "pid", getpid());
	jw_kint(w, "ppid", getppid());
}

static void report_list(struct jw *w, const char *key, char **names, int n,
			void (*fn)(struct jw *, const char *))
{
	int i;

	jw_key(w, key);
	jw_open(w, '{');
	for (i = 0; i < n; i++)
		fn(w, names[i]);
	jw_close(w, '}');
}

static int finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("probe: write stdout");
		return 1;
	}
	return 0;
}

/* probe report [--sysctl NAME]... [--path PATH]... */
static int cmd_report(int argc, char **argv)
{
	struct jw w = { .f = stdout };
	char **sysctls = calloc(argc + 1, sizeof(char *));
	char **paths = calloc(argc + 1, sizeof(char *));
	int i, nsysctl = 0, npath = 0;
	char *status;

	if (!sysctls || !paths)
		abort();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sysctl") == 0 && i + 1 < argc) {
			sysctls[nsysctl++] = argv[++i];
		} else if (strcmp(argv[i], "--path") == 0 && i + 1 < argc) {
			paths[npath++] = argv[++i];
		} else {
			free(sysctls);
			free(paths);
			return USAGE;
		}
	}
	status = slurp("/proc/self/status");
	jw_open(&w, '{');
	report_ids(&w);
	report_status_num(&w, status, "umask", "Umask", 8);
	report_process(&w);
	report_caps(&w, status);
	report_rlimits(&w);
	jw_kint(&w, "no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	report_status_num(&w, status, "seccomp", "Seccomp", 10);
	report_oom_score_adj(&w);
	jw_kint(&w, "personality", personality(0xffffffff));
	report_namespaces(&w);
	report_lines(&w, "mounts", "/proc/self/mountinfo", report_mount_line);
	report_list(&w, "sysctls", sysctls, nsysctl, report_sysctl);
	report_list(&w, "paths", paths, npath, report_path);
	report_lines(&w, "cgroup", "/proc/self/cgroup", report_cgroup_line);
	jw_close(&w, '}');
	fputc('\n', stdout);
	free(status);
	free(sysctls);
	free(paths);
	return finish_stdout();
}

/* probe exit N */
static int cmd_exit(int argc, char **argv)
{
	char *end;
	long n;

	if (argc != 2)
		return USAGE;
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || n < 0 || n > 255)
		return USAGE;
	return (int)n;
}

/* probe sleep SECONDS (fractions allowed) */
static int cmd_sleep(int argc, char **argv)
{
	struct timespec ts;
	double secs;
	char *end;

	if (argc != 2)
		return USAGE;
	secs = strtod(argv[1], &end);
	if (end == argv[1] || *end || !(secs >= 0 && secs <= 1e9))
		return USAGE;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create or truncate PATH and write CONTENT; 0, or -1 with a message. */
static int write_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write_all(fd, content, strlen(content)) < 0 ||
	    close(fd) < 0) {
		fprintf(stderr, "probe: write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* probe write PATH CONTENT */
static int cmd_write(int argc, char **argv)
{
	if (argc != 3)
		return USAGE;
	return write_file(argv[1], argv[2]) < 0 ? 1 : 0;
}

/* probe cat PATH */
static int cmd_cat(int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if (argc != 2)
		return USAGE;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			goto fail;
	}
	close(fd);
	return 0;
fail:
	fprintf(stderr, "probe: cat '%s': %s\n", argv[1], strerror(errno));
	if (fd >= 0)
		close(fd);
	return 1;
}

/*
 * probe wait-signal [READY_PATH]: print the name of the first signal.
 * READY_PATH is created once the mask is in place, so a harness can wait
 * for it instead of racing the signal against the setup.
 */
static int cmd_wait_signal(int argc, char **argv)
{
	const char *abbrev;
	sigset_t all;
	int sig;

	if (argc > 2)
		return USAGE;
	/* Blocked signals are delivered even to a pid namespace init. */
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		return 1;
	if (argc == 2 && write_file(argv[1], "ready\n") < 0)
		return 1;
	do
		sig = sigwaitinfo(&all, NULL);
	while (sig < 0 && errno == EINTR);
	if (sig < 0) {
		perror("probe: sigwaitinfo");
		return 1;
	}
	abbrev = sigabbrev_np(sig);
	if (abbrev)
		printf("SIG%s\n", abbrev);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		printf("SIGRTMIN+%d\n", sig - SIGRTMIN);
	else
		printf("SIG%d\n", sig);
	return finish_stdout();
}

/* probe ignore-term [READY_PATH]: ignore SIGTERM and sleep forever. */
static int cmd_ignore_term(int argc, char **argv)
{
	if (argc > 2)
		return USAGE;
	if (signal(SIGTERM, SIG_IGN) == SIG_ERR)
		return 1;
	if (argc == 2 && write_file(argv[1], "ready\n") < 0)
		return 1;
	for (;;)
		pause();
}

/*
 * probe tick PATH [MS]: every MS milliseconds (default 10) write the number
 * of ticks so far to PATH, through a rename so that a reader never sees a
 * partial number. A harness reads PATH from outside to see whether the
 * process makes progress (pause freezes it).
 */
static int cmd_tick(int argc, char **argv)
{
	char tmp[PATH_MAX], num[32];
	struct timespec ts;
	unsigned long long n;
	long ms = 10;
	char *end;

	if (argc < 2 || argc > 3)
		return USAGE;
	if (argc == 3) {
		ms = strtol(argv[2], &end, 10);
		if (end == argv[2] || *end || ms < 1 || ms > 60000)
			return USAGE;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]) >= (int)sizeof(tmp))
		return USAGE;
	for (n = 1;; n++) {
		snprintf(num, sizeof(num), "%llu\n", n);
		if (write_file(tmp, num) < 0)
			return 1;
		if (rename(tmp, argv[1]) < 0) {
			fprintf(stderr, "probe: rename '%s': %s\n", tmp, strerror(errno));
			return 1;
		}
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

/*
 * chown a fresh file in /tmp (or /dev/shm if /tmp is read-only). 0:0 needs
 * CAP_CHOWN only for a non-root caller; 65534:65534 always needs it (and
 * fails with EINVAL where 65534 is not mapped in the user namespace).
 */
static long try_chown(uid_t uid, gid_t gid)
{
	char path[64];
	long ret;
	int fd, err;

	snprintf(path, sizeof(path), "/tmp/probe-chown-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(path, sizeof(path), "/dev/shm/probe-chown-XXXXXX");
		fd = mkstemp(path);
	}
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "probe: chown: no scratch file: %s\n", strerror(err));
		errno = err;
		return -1;
	}
	close(fd);
	ret = chown(path, uid, gid);
	err = errno;
	unlink(path);
	errno = err;
	return ret;
}

/* mount needs an existing target; /mnt is the fallback when /tmp is ro. */
static long try_mount(void)
{
	const char *target = "/tmp/probe-mnt";
	bool made = mkdir(target, 0755) == 0;
	long ret;
	int err;

	if (!made && errno != EEXIST)
		target = "/mnt";
	ret = mount("tmpfs", target, "tmpfs", 0, "size=64k");
	err = errno;
	if (ret == 0)
		umount2(target, MNT_DETACH);
	if (made)
		rmdir(target);
	errno = err;
	return ret;
}

/* Run the call NAME; -1 with errno set on failure, -2 if NAME is unknown. */
static long do_syscall(const char *name)
{
	char buf[PATH_MAX];
	long ret;

	if (strcmp(name, "mkdir") == 0) {
		ret = mkdir("/tmp/probe-x", 0755);
		if (ret == 0)
			rmdir("/tmp/probe-x");
		return ret;
	}
	if (strcmp(name, "chown") == 0)
		return try_chown(0, 0);
	if (strcmp(name, "chown-other") == 0)
		return try_chown(65534, 65534);
	if (strcmp(name, "getcwd") == 0)
		return getcwd(buf, sizeof(buf)) ? 0 : -1;
	if (strcmp(name, "sethostname") == 0)
		return gethostname(buf, sizeof(buf)) < 0 ? -1 :
		       sethostname(buf, strlen(buf));
	if (strcmp(name, "unshare") == 0)
		return unshare(CLONE_NEWUTS);
	if (strcmp(name, "mount") == 0)
		return try_mount();
	if (strcmp(name, "setuid") == 0)
		return setuid(getuid());
	if (strcmp(name, "kill") == 0)
		return kill(getpid(), 0);
	if (strcmp(name, "personality") == 0)
		return personality(0xffffffff);
	/* A persona engines' seccomp profiles do not allow (only 0, 8, 0x20000,
	 * 0x20008 and the query); harmless in a process about to exit. */
	if (strcmp(name, "personality-noaslr") == 0)
		return personality(ADDR_NO_RANDOMIZE);
	/* futex_waitv with no waiters: EINVAL from the kernel (5.16+), and
	 * absent from docker 20.10's and podman 4.3's profiles, so a filter's
	 * default action answers instead (docker: EPERM, podman: ENOSYS). */
	if (strcmp(name, "futex_waitv") == 0)
		return syscall(SYS_futex_waitv, NULL, 0, 0, NULL, 0);
	return -2;
}

/* probe syscall NAME: {"syscall":NAME,"ret":N,"errno":"EPERM"|null} */
static int cmd_syscall(int argc, char **argv)
{
	struct jw w = { .f = stdout };
	const char *ename = NULL;
	long ret;

	if (argc != 2)
		return USAGE;
	errno = 0;
	ret = do_syscall(argv[1]);
	if (ret == -2)
		return USAGE;
	if (ret < 0) {
		ename = strerrorname_np(errno);
		if (!ename)
			ename = "EUNKNOWN";
	}
	jw_open(&w, '{');
	jw_kstr(&w, "syscall", argv[1]);
	jw_kint(&w, "ret", ret);
	jw_kstr(&w, "errno", ename);
	jw_close(&w, '}');
	fputc('\n', stdout);
	finish_stdout();
	return 0;
}

/* probe pidns-init: {"pid":N,"init":true|false} */
static int cmd_pidns_init(int argc, char **argv)
{
	struct jw w = { .f = stdout };

	(void)argv;
	if (argc != 1)
		return USAGE;
	jw_open(&w, '{');
	jw_kint(&w, "pid", getpid());
	jw_kbool(&w, "init", getpid() == 1);
	jw_close(&w, '}');
	fputc('\n', stdout);
	return finish_stdout();
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "report", cmd_report, "report [--sysctl NAME]... [--path PATH]..." },
	{ "exit", cmd_exit, "exit N" },
	{ "sleep", cmd_sleep, "sleep SECONDS" },
	{ "write", cmd_write, "write PATH CONTENT" },
	{ "cat", cmd_cat, "cat PATH" },
	{ "wait-signal", cmd_wait_signal, "wait-signal [READY_PATH]" },
	{ "ignore-term", cmd_ignore_term, "ignore-term [READY_PATH]" },
	{ "tick", cmd_tick, "tick PATH [MS]" },
	{ "syscall", cmd_syscall, "syscall mkdir|chown|chown-other|getcwd|"
	  "sethostname|unshare|mount|setuid|kill|personality|"
	  "personality-noaslr|futex_waitv" },
	{ "pidns-init", cmd_pidns_init, "pidns-init" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	for (i = 0; argc >= 2 && i < NCMDS; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		ret = cmds[i].fn(argc - 1, argv + 1);
		if (ret != USAGE)
			return ret;
		fprintf(stderr, "usage: probe %s\n", cmds[i].usage);
		return 2;
	}
	fputs("usage:\n", stderr);
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "  probe %s\n", cmds[i].usage);
	return 2;
}
