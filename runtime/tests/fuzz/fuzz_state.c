/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the bytes as ROOT/ID/state.json, loaded as every command
 * after create loads it (urun_state_load, with and without the lock, and
 * urun_state_load_salvage as delete does), then as journal.json next to no
 * state.json (what delete salvages after a create died). A loaded state must
 * name its directory and hold it open. Then what `state` and `list` do with
 * it: the live status (with the cgroup path decoded as for a live container)
 * and the state document. Nothing that signals, removes or joins (kill,
 * delete, exec) is called: those act on the pid and cgroup the file names.
 * The state root is a directory made under $FUZZ_TMPDIR (default /tmp) and
 * removed at exit; after a crash `make fuzz` removes it with its own
 * temporary directory. See docs/fuzzing.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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
static char dir[4200], state_file[4300], journal_file[4300];

static void
remove_root(void)
{
	unlink(state_file);
	unlink(journal_file);
	rmdir(dir);
	rmdir(root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("FUZZ_TMPDIR");

	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(root, sizeof(root), "%s/urun-fuzz-state-XXXXXX", tmp);
	if (mkdtemp(root) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(dir, sizeof(dir), "%s/%s", root, ID);
	snprintf(state_file, sizeof(state_file), "%s/state.json", dir);
	snprintf(journal_file, sizeof(journal_file), "%s/journal.json", dir);
	if (mkdir(dir, 0700) < 0) {
		perror("fuzz: mkdir");
		abort();
	}
	atexit(remove_root);
	return 0;
}

static void
write_input(const char *file, const uint8_t *data, size_t size)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size)) {
		perror("fuzz: write input");
		abort();
	}
	close(fd);
}

static void
use_state(const struct urun_state *st, bool cgroup)
{
	enum status s;
	json_t *doc;
	char *text;

	/* delete removes st->dir and locks through st->dir_fd. */
	if (st->dir == NULL || strcmp(st->dir, dir) != 0 || st->dir_fd < 0) {
		fprintf(stderr, "fuzz: loaded state with dir '%s', fd %d\n",
			st->dir ? st->dir : "(null)", st->dir_fd);
		abort();
	}
	s = urun_state_status(st);
	(void)urun_status_name(s);
	/* What status asks of a live container's cgroup (the fuzzer cannot
	 * match a live pid and start time): decode urun_cgroup, read freezer.
	 * Once per input: it reads the host's cgroup layout each time. */
	if (cgroup && st->cgroup_path)
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

	write_input(state_file, data, size);
	for (int how = 0; how < 4; how++) {
		struct urun_err *err = NULL;
		struct urun_state *st;

		if (how == 3) {
			/* No state.json: delete reads journal.json. */
			unlink(state_file);
			write_input(journal_file, data, size);
		}
		st = how < 2 ? urun_state_load(root, ID, how, &err) :
		     urun_state_load_salvage(root, ID, &err);
		if (st)
			use_state(st, how == 0 || how == 3);
		urun_state_free(st);
		urun_err_free(&err);
	}
	unlink(journal_file);
	fuzz_check_fds(fd);
	return 0;
}
