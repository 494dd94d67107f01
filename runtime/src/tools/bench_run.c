/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The driver of `make bench` (scripts/bench.sh): runs workloads against
 * several runtimes interleaved (iteration i starts with runtime i mod R, so no
 * runtime always goes first after an idle moment) and prints one line per
 * measurement:
 *
 *   WORKLOAD RUNTIME ITERATION MICROSECONDS MAXRSS_KB EXIT_CODE CPU_MICROSECONDS
 *
 * MAXRSS_KB is the largest peak RSS among the processes the workload started
 * and reaped (wait4's rusage: the runtime, and the container init it
 * waited for, or that we reaped as their subreaper, as a shim would);
 * CPU_MICROSECONDS their user and system time, summed: less disturbed than
 * wall time by a loaded machine, blind to what they wait for.
 *
 *   run    RT run --bundle B ID
 *   cycle  RT create --bundle B --pid-file F ID; RT start ID; wait for the
 *          init (we are the subreaper); RT delete ID
 *   exec   RT exec ID CMD into a container created and started before the
 *          timed runs (its bundle: -x) and deleted after them
 *
 * A floor (-F BIN -R ROOTFS) takes part in run (BIN [-U] ROOTFS CMD) and exec
 * (BIN -e PID CMD, PID: the first runtime's exec container). With URUN_PHASES
 * set, each workload is framed by "bench" marks in that file (phase.h).
 *
 *   bench_run -S CMD [ARG...]   run CMD as its subreaper, reaping every
 *          orphan as a shim would (PID 1 here does not), until CMD exits;
 *          exit with its status (scripts/bench-scale.sh). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RT 8
#define MAX_WORDS 32

struct runtime {
	char *name;
	char *words[MAX_WORDS];	/* the command prefix, NULL-terminated */
	bool floor;
	pid_t exec_pid;		/* init of the exec container */
	char exec_id[64];
};

struct bench {
	struct runtime rt[MAX_RT];
	int n_rt;
	int iterations;
	const char *bundle, *exec_bundle, *dir, *cmd, *floor_root;
	bool floor_user;
	bool w_run, w_cycle, w_exec;
	int errfd;
	int phase_fd;
};

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
mark(const struct bench *b, const char *what, const char *wl, const char *rt)
{
	char line[256];
	int n;

	if (b->phase_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%lld bench %s %s %s\n", now_ns(), what, wl, rt);
	if (write(b->phase_fd, line, (size_t)n) < 0)
		perror("bench_run: phase file");
}

/* What the processes of one workload used. */
struct usage {
	long rss;		/* largest peak RSS, KB */
	long long cpu_us;	/* user + system */
};

static void
account(struct usage *u, const struct rusage *ru)
{
	if (ru->ru_maxrss > u->rss)
		u->rss = ru->ru_maxrss;
	u->cpu_us += (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000LL +
		     ru->ru_utime.tv_usec + ru->ru_stime.tv_usec;
}

/* Run PREFIX + ARGS, wait, account for it in *U. Exit code, or 128+N when
 * killed by signal N, or 255 when it could not run. */
static int
run_cmd(const struct bench *b, char *const prefix[], const char *const args[], struct usage *u)
{
	char *argv[MAX_WORDS * 2];
	struct rusage ru;
	int n = 0, st;
	pid_t pid;

	for (int i = 0; prefix[i]; i++)
		argv[n++] = prefix[i];
	for (int i = 0; args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return 255;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		if (b->errfd >= 0)
			dup2(b->errfd, 2);
		execvp(argv[0], argv);
		_exit(255);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return 255;
	account(u, &ru);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static pid_t
read_pid(const char *path)
{
	FILE *f = fopen(path, "re");
	int pid = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%d", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

/* Wait for PID, orphaned to us (the subreaper). */
static void
reap(pid_t pid, struct usage *u)
{
	struct rusage ru;

	if (pid <= 0)
		return;
	while (wait4(pid, NULL, 0, &ru) < 0)
		if (errno != EINTR)
			return;
	account(u, &ru);
}

/* Zombies of others that ended up with us (e.g. a runtime's helpers). */
static void
reap_strays(const struct bench *b)
{
	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		bool ours = false;

		if (p <= 0)
			return;
		for (int i = 0; i < b->n_rt; i++)
			ours |= p == b->rt[i].exec_pid;
		if (ours)
			fprintf(stderr, "bench_run: an exec container died early (pid %d)\n", (int)p);
	}
}

/* create + start: the init's pid, or -1. */
static pid_t
create_start(const struct bench *b, const struct runtime *r, const char *bundle,
	     const char *id, struct usage *use)
{
	char pidf[512];
	const char *create[] = { "create", "--bundle", bundle, "--pid-file", pidf, id, NULL };
	const char *start[] = { "start", id, NULL };
	pid_t pid;

	snprintf(pidf, sizeof(pidf), "%s/pid-%s", b->dir, id);
	unlink(pidf);
	if (run_cmd(b, r->words, create, use) != 0)
		return -1;
	pid = read_pid(pidf);
	if (pid <= 0 || run_cmd(b, r->words, start, use) != 0)
		return -1;
	return pid;
}

static int
wl_cycle(const struct bench *b, const struct runtime *r, const char *id, struct usage *use)
{
	const char *del[] = { "delete", id, NULL };
	pid_t pid = create_start(b, r, b->bundle, id, use);

	if (pid < 0) {
		const char *force[] = { "delete", "-f", id, NULL };

		run_cmd(b, r->words, force, use);
		return 1;
	}
	reap(pid, use);
	return run_cmd(b, r->words, del, use);
}

static int
wl_run(const struct bench *b, const struct runtime *r, const char *id, struct usage *use)
{
	const char *args[] = { "run", "--bundle", b->bundle, id, NULL };
	const char *floor[] = { b->floor_user ? "-U" : b->floor_root,
				b->floor_user ? b->floor_root : b->cmd,
				b->floor_user ? b->cmd : NULL, NULL };

	return run_cmd(b, r->words, r->floor ? floor : args, use);
}

static int
wl_exec(const struct bench *b, const struct runtime *r, struct usage *use)
{
	const char *args[] = { "exec", r->exec_id, b->cmd, NULL };
	char pid[16];
	const char *floor[] = { "-e", pid, b->cmd, NULL };
	const struct runtime *host = &b->rt[0];

	if (r->floor) {
		if (host->exec_pid <= 0)
			return 1;
		snprintf(pid, sizeof(pid), "%d", (int)host->exec_pid);
		return run_cmd(b, r->words, floor, use);
	}
	if (r->exec_pid <= 0)
		return 1;
	return run_cmd(b, r->words, args, use);
}

static void
exec_containers(struct bench *b, bool up)
{
	for (int i = 0; i < b->n_rt; i++) {
		struct runtime *r = &b->rt[i];
		struct usage use = { 0, 0 };

		if (r->floor)
			continue;
		if (up) {
			snprintf(r->exec_id, sizeof(r->exec_id), "bx%d-%d", (int)getpid(), i);
			r->exec_pid = create_start(b, r, b->exec_bundle, r->exec_id, &use);
			if (r->exec_pid < 0)
				fprintf(stderr, "bench_run: %s: no exec container\n", r->name);
		} else {
			const char *kill_[] = { "kill", r->exec_id, "KILL", NULL };
			const char *del[] = { "delete", "-f", r->exec_id, NULL };

			if (r->exec_pid > 0) {
				/* Never wait forever on a kill that failed. */
				if (run_cmd(b, r->words, kill_, &use) != 0)
					kill(r->exec_pid, SIGKILL);
				reap(r->exec_pid, &use);
			}
			run_cmd(b, r->words, del, &use);
		}
	}
}

static void
measure(const struct bench *b, const char *wl, int it, const struct runtime *r)
{
	char id[64];
	struct usage use = { 0, 0 };
	long long t0, t1;
	int rc;

	snprintf(id, sizeof(id), "b%d-%d-%s-%c", (int)getpid(), it, r->name, wl[0]);
	mark(b, "start", wl, r->name);
	t0 = now_ns();
	if (strcmp(wl, "run") == 0)
		rc = wl_run(b, r, id, &use);
	else if (strcmp(wl, "cycle") == 0)
		rc = wl_cycle(b, r, id, &use);
	else
		rc = wl_exec(b, r, &use);
	t1 = now_ns();
	mark(b, "end", wl, r->name);
	printf("%s %s %d %lld %ld %d %lld\n", wl, r->name, it, (t1 - t0) / 1000, use.rss, rc,
	       use.cpu_us);
	fflush(stdout);
	reap_strays(b);
}

static int
add_runtime(struct bench *b, char *spec, bool floor)
{
	char *eq = strchr(spec, '='), *save = NULL;
	struct runtime *r;
	int n = 0;

	if (eq == NULL || b->n_rt == MAX_RT)
		return -1;
	r = &b->rt[b->n_rt++];
	*eq = '\0';
	r->name = spec;
	r->floor = floor;
	for (char *w = strtok_r(eq + 1, " ", &save); w && n < MAX_WORDS - 1;
	     w = strtok_r(NULL, " ", &save))
		r->words[n++] = w;
	r->words[n] = NULL;
	return n ? 0 : -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_run -n N -b BUNDLE [-x EXEC_BUNDLE] [-w run,cycle,exec] "
		"[-d DIR] [-e ERRLOG] [-c CMD] [-F FLOORBIN -R ROOTFS [-U]] -r NAME='CMD...' ...\n");
	exit(2);
}

static int
parse(struct bench *b, int argc, char **argv)
{
	const char *wl = "run,cycle,exec", *floor = NULL;
	int c;

	while ((c = getopt(argc, argv, "n:b:x:w:d:e:c:F:R:Ur:")) != -1) {
		switch (c) {
		case 'n': b->iterations = atoi(optarg); break;
		case 'b': b->bundle = optarg; break;
		case 'x': b->exec_bundle = optarg; break;
		case 'w': wl = optarg; break;
		case 'd': b->dir = optarg; break;
		case 'e':
			b->errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			break;
		case 'c': b->cmd = optarg; break;
		case 'F': floor = optarg; break;
		case 'R': b->floor_root = optarg; break;
		case 'U': b->floor_user = true; break;
		case 'r': if (add_runtime(b, optarg, false) < 0) usage(); break;
		default: usage();
		}
	}
	if (floor && b->floor_root) {
		char *spec = malloc(strlen(floor) + 8);

		sprintf(spec, "floor=%s", floor);
		if (add_runtime(b, spec, true) < 0)
			usage();
	}
	b->w_run = strstr(wl, "run") != NULL;
	b->w_cycle = strstr(wl, "cycle") != NULL;
	b->w_exec = strstr(wl, "exec") != NULL && b->exec_bundle;
	if (b->bundle == NULL || b->n_rt == 0 || b->iterations <= 0)
		usage();
	return 0;
}

static int
subreaper(char **argv)
{
	pid_t cmd, p;
	int st, code = 255;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	cmd = fork();
	if (cmd < 0)
		return 255;
	if (cmd == 0) {
		execvp(argv[0], argv);
		_exit(255);
	}
	while ((p = wait(&st)) >= 0 || errno == EINTR) {
		if (p == cmd) {
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return code;
}

int
main(int argc, char **argv)
{
	struct bench b = { .dir = "/tmp", .cmd = "/bin/true", .errfd = -1, .phase_fd = -1 };
	const char *phases = getenv("URUN_PHASES");
	static const char *const wls[] = { "run", "cycle", "exec" };

	if (argc >= 3 && strcmp(argv[1], "-S") == 0)
		return subreaper(argv + 2);
	parse(&b, argc, argv);
	if (phases && *phases == '/')
		b.phase_fd = open(phases, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	/* The inits of create become ours when create exits, as with a shim. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (b.w_exec)
		exec_containers(&b, true);
	for (int it = 0; it < b.iterations; it++) {
		for (int w = 0; w < 3; w++) {
			if ((w == 0 && !b.w_run) || (w == 1 && !b.w_cycle) || (w == 2 && !b.w_exec))
				continue;
			for (int k = 0; k < b.n_rt; k++) {
				const struct runtime *r = &b.rt[(it + k) % b.n_rt];

				/* The floor has no create/start/delete. */
				if (r->floor && w == 1)
					continue;
				measure(&b, wls[w], it, r);
			}
		}
	}
	if (b.w_exec)
		exec_containers(&b, false);
	reap_strays(&b);
	return 0;
}
