/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the bytes as ROOT/ID/state.json, loaded as every command
 * after create loads it (urun_state_load, with and without the lock), then
 * what `state` and `list` do with it: the live status (with the cgroup path
 * decoded as for a live container) and the state document.
 * Nothing that signals, removes or joins (kill, delete, exec) is called: those
 * act on the pid and cgroup the file names. The state root is a directory made
 * at start under $FUZZ_TMPDIR (default /tmp) and removed at exit; `make fuzz`
 * removes it after a crash too. See docs/fuzzing.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <jansson.h>

#include "cgroup.h"
#include "error.h"
#include "state.h"
#include "fuzz_common.h"

#define ID "fuzz"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[4096];
static char file[4200];

static void
remove_root(void)
{
	char dir[4200];

	snprintf(dir, sizeof(dir), "%s/%s", root, ID);
	unlink(file);
	rmdir(dir);
	rmdir(root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("FUZZ_TMPDIR");
	char dir[4200];

	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	snprintf(root, sizeof(root), "%s/urun-fuzz-state-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(dir, sizeof(dir), "%s/%s", root, ID);
	snprintf(file, sizeof(file), "%s/state.json", dir);
	if (mkdir(dir, 0700) < 0) {
		perror("fuzz: mkdir");
		abort();
	}
	atexit(remove_root);
	return 0;
}

static void
write_state(const uint8_t *data, size_t size)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size)) {
		perror("fuzz: write state.json");
		abort();
	}
	close(fd);
}

static void
use_state(const struct urun_state *st)
{
	enum status s = urun_state_status(st);
	json_t *doc;
	char *text;

	(void)urun_status_name(s);
	/* What status asks of a live container's cgroup (the fuzzer cannot
	 * match a live pid and start time): decode urun_cgroup, read freezer. */
	if (st->cgroup_path)
		(void)urun_cgroup_frozen(st->cgroup_path);
	for (int i = STATUS_CREATING; i <= STATUS_STOPPED; i++) {
		doc = urun_state_to_json(st, (enum status)i);
		text = json_dumps(doc, JSON_COMPACT);
		free(text);
		json_decref(doc);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_lowest_fd();

	write_state(data, size);
	for (int lock = 0; lock < 2; lock++) {
		struct urun_err *err = NULL;
		struct urun_state *st = urun_state_load(root, ID, lock, &err);

		if (st)
			use_state(st);
		urun_state_free(st);
		urun_err_free(&err);
	}
	fuzz_check_fds(fd);
	return 0;
}
