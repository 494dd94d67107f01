# urun and conform: the only build entry. See README.md.
PREFIX ?= /usr/local
CC ?= gcc
COVERAGE ?= 0
VERSION := 0.1.0

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wundef -Wvla -Wwrite-strings -Werror=implicit-function-declaration
ifeq ($(COVERAGE),1)
OPT := -O0 -g --coverage
else
OPT := -O2 -g
endif
CFLAGS := -std=gnu11 $(OPT) $(WARNINGS) -D_GNU_SOURCE -DURUN_VERSION='"$(VERSION)"' \
	-DURUN_COVERAGE=$(COVERAGE) -Iruntime/src/lib -MMD -MP
ifeq ($(DEVELOPER),1)
CFLAGS += -Werror
endif
LDLIBS := -ljansson -lseccomp -lm
LDFLAGS := $(if $(filter 1,$(COVERAGE)),--coverage)
# urun itself is linked statically (STATIC=0: not): no dynamic loading at
# each of its many short runs (a third to a half less CPU for `urun --version`), and
# a smaller process for the container init to start as; still position
# independent, so ASLR keeps moving it.
STATIC ?= $(if $(filter 1,$(COVERAGE)),0,1)
URUN_LDFLAGS := $(LDFLAGS) $(if $(filter 1,$(STATIC)),-static-pie)
# Coverage builds: counters dumped through an fd of the host root, which
# close_range spares (runtime/src/cli/coverage.c).
ifeq ($(COVERAGE),1)
URUN_LDFLAGS += -Wl,--wrap=syscall,--wrap=coverage_flush,--wrap=__gcov_execve,--wrap=__gcov_execvp
endif

BUILD := runtime/build
LIB_SRC := $(wildcard runtime/src/lib/*.c)
CLI_SRC := $(wildcard runtime/src/cli/*.c)
LIB_OBJ := $(LIB_SRC:runtime/src/%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:runtime/src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard runtime/tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:runtime/tests/unit/%.c=$(BUILD)/tests/%)
URUN := runtime/bin/urun
PROBE := conformance/probe/probe
# Attack programs for the security cases: each attacks/NAME.c becomes a static
# /attacks/NAME in the fixture rootfs.
ATTACK_SRC := $(wildcard conformance/probe/attacks/*.c)
ATTACK_BIN := $(ATTACK_SRC:conformance/probe/attacks/%.c=conformance/probe/attacks/bin/%)


.PHONY: all deps fixtures unit cli-test valgrind conformance conformance-root conformance-unpriv \
	conformance-fallback integration \
	features-check check coverage report bench scale docs docs-check install install-conform clean \
	mutation mutation-check
all: $(URUN) $(PROBE)

deps:
	scripts/deps.sh

$(BUILD)/%.o: runtime/src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/liburun.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(URUN): $(CLI_OBJ) $(BUILD)/liburun.a
	@mkdir -p $(dir $@)
	$(CC) $(URUN_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/liburun.a $(LDLIBS)
	@# Debug info beside it, in urun.debug (gdb and valgrind follow the link):
	@# create, run and exec copy the binary into a sealed memfd each time
	@# (sealed.h), 2.1 MB with it, 1.4 MB without (make bench: CPU).
	objcopy --only-keep-debug $@ $@.debug
	objcopy --strip-debug --add-gnu-debuglink=$@.debug $@

$(BUILD)/tests/%: runtime/tests/unit/%.c $(BUILD)/liburun.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes $(LDFLAGS) $(LDFLAGS_$*) -o $@ $< $(BUILD)/liburun.a \
		$(LDLIBS) -lcmocka

# Fault injection (runtime/tests/unit/fault.h): the calls a test wraps to fail.
LDFLAGS_test_mount_apply := -Wl,--wrap=mount,--wrap=syscall,--wrap=mkdirat,--wrap=openat,--wrap=symlinkat,--wrap=mknodat
LDFLAGS_test_fakeroot := -Wl,--wrap=seccomp_init,--wrap=seccomp_load
LDFLAGS_test_cgroup_edges := -Wl,--wrap=cg_write,--wrap=mkdir,--wrap=rmdir,--wrap=nanosleep
LDFLAGS_test_hooks_edges := -Wl,--wrap=syscall,--wrap=pipe2
LDFLAGS_test_util_edges := -Wl,--wrap=write,--wrap=getrandom,--wrap=unlinkat,--wrap=fstatat,--wrap=openat
LDFLAGS_test_seccomp_edges := -Wl,--wrap=seccomp_init,--wrap=seccomp_arch_resolve_name,--wrap=seccomp_arch_add,--wrap=seccomp_attr_set,--wrap=seccomp_rule_add_array,--wrap=seccomp_load

GEN_DOCS := $(BUILD)/tools/gen_docs
$(GEN_DOCS): runtime/src/tools/gen_docs.c $(BUILD)/liburun.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/liburun.a $(LDLIBS)

$(PROBE): conformance/probe/probe.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -static -o $@ $<

conformance/probe/attacks/bin/%: conformance/probe/attacks/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -static -o $@ $<

fixtures: $(PROBE) $(ATTACK_BIN)
	scripts/mk-rootfs.sh fixtures/build/rootfs $(PROBE) conformance/probe/attacks/bin
	scripts/build-go-tool.sh conformance/validate oci-validate
	scripts/build-go-tool.sh conformance/helper conform-helper

unit: $(UNIT_BIN)
	scripts/run-unit.sh $(UNIT_BIN)
	python3 -B conformance/report/test_report.py

# urun's command line: options, usage errors, spec, ps, pause, exec's options
# (the container part needs root and the fixture rootfs, else it is skipped)
cli-test: all
	VALIDATE=$(abspath conformance/validate/oci-validate) runtime/tests/cli/cli.sh \
		$(URUN) fixtures/build/rootfs

valgrind: $(UNIT_BIN) $(URUN)
	VALGRIND=1 scripts/run-unit.sh $(UNIT_BIN)

conformance-root: all fixtures
	conformance/conform --runtime $(abspath $(URUN)) --out conformance/out/root

conformance-unpriv: all fixtures
	conformance/conform --runtime $(abspath $(URUN)) --unprivileged --out conformance/out/unpriv

# The harness without conform-helper and with jq 1.6: the fallbacks it
# takes when the helper is missing or gojq is not wanted keep working.
conformance-fallback: all fixtures
	CONFORM_HELPER=0 CONFORM_JQ=jq conformance/conform --runtime $(abspath $(URUN)) \
		--only 't[049]000-*' --no-report --out conformance/out/fallback

conformance: conformance-root conformance-unpriv conformance-fallback

docs: $(GEN_DOCS)
	scripts/gen-docs.sh $(GEN_DOCS) docs

docs-check: $(GEN_DOCS)
	scripts/gen-docs.sh --check $(GEN_DOCS) docs

# `urun features` must validate against features-schema.json, as root and unprivileged.
features-check: $(URUN)
	$(URUN) features | scripts/validate-json.py conformance/schema features-schema.json
	setpriv --reuid=urun-test --regid=urun-test --init-groups $(abspath $(URUN)) features | \
		scripts/validate-json.py conformance/schema features-schema.json
	@echo "features: valid against features-schema.json (root and unprivileged)"

# urun as the --runtime of buildah and podman, as root and rootless
integration: all fixtures
	runtime/tests/integration/engines.sh $(URUN) fixtures/build/rootfs

check: deps all unit valgrind docs-check features-check mutation-check conformance cli-test integration

include runtime/tests/fuzz/fuzz.mk

coverage:
	scripts/coverage.sh

report: deps all fixtures
	scripts/report.sh

# Mutation testing of urun against the suite (slow, outside check; docs/mutation.md):
# conformance/out/mutation/results.json, which make report then includes.
mutation: all fixtures
	scripts/mutation.py run

# Every mutant of conformance/mutants.txt still fits the sources (fast).
mutation-check:
	scripts/mutation.py check

# The bench's own tools (runtime/src/tools/bench_run.c, bare_floor.c, cgroup_move.c)
BENCH_TOOLS := $(BUILD)/tools/bench_run $(BUILD)/tools/bare_floor $(BUILD)/tools/cgroup_move
$(BENCH_TOOLS): $(BUILD)/tools/%: runtime/src/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g $(WARNINGS) -D_GNU_SOURCE -o $@ $<

bench: deps all fixtures $(BENCH_TOOLS)
	scripts/bench.sh

# 100 concurrent lifecycles, list/state of 1000 containers, and again under
# random SIGKILLs: throughput and leak checks (scripts/bench-scale.sh)
scale: all fixtures $(BENCH_TOOLS)
	scripts/bench-scale.sh

install: $(URUN) install-conform
	install -D -m 0755 $(URUN) $(DESTDIR)$(PREFIX)/bin/urun
	install -D -m 0644 docs/urun.1 $(DESTDIR)$(PREFIX)/share/man/man1/urun.1

# conform without the urun tree: PREFIX/lib/conform holds the harness, its
# cases, profiles, wrappers, helpers (conform-helper, oci-validate,
# spec-fields.sh for the report), the probe and attack programs, and
# fixtures/ (base and invalid configs, the rootfs); PREFIX/bin/conform links
# to it. `conform --runtime PATH --out DIR` then works from any directory.
CONFORM_LIB = $(DESTDIR)$(PREFIX)/lib/conform
install-conform: $(PROBE) fixtures
	rm -rf $(CONFORM_LIB)
	mkdir -p $(CONFORM_LIB)/probe $(CONFORM_LIB)/helper $(CONFORM_LIB)/validate \
		$(CONFORM_LIB)/scripts $(CONFORM_LIB)/fixtures $(DESTDIR)$(PREFIX)/bin
	cp -R conformance/conform conformance/lib.sh conformance/README.md conformance/cases \
		conformance/profiles conformance/wrappers conformance/report conformance/schema $(CONFORM_LIB)/
	install -m 0755 conformance/helper/conform-helper $(CONFORM_LIB)/helper/
	install -m 0755 conformance/validate/oci-validate $(CONFORM_LIB)/validate/
	install -m 0755 $(PROBE) $(CONFORM_LIB)/probe/
	install -m 0755 scripts/spec-fields.sh $(CONFORM_LIB)/scripts/
	if [ -d conformance/probe/attacks/bin ]; then cp -R conformance/probe/attacks/bin $(CONFORM_LIB)/probe/attacks; fi
	cp -R fixtures/README.md fixtures/base fixtures/invalid $(CONFORM_LIB)/fixtures/
	cp -a fixtures/build/rootfs $(CONFORM_LIB)/fixtures/rootfs
	ln -sfn ../lib/conform/conform $(DESTDIR)$(PREFIX)/bin/conform

clean:
	rm -rf $(BUILD) runtime/build-fuzz runtime/bin $(PROBE) conformance/probe/attacks/bin fixtures/build conformance/out coverage/html coverage/*.info \
		conformance/validate/oci-validate conformance/helper/conform-helper

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
