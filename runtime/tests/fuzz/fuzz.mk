# make fuzz: libFuzzer targets for config.json and state.json (docs/fuzzing.md).
# The library is rebuilt with clang and ASan+UBSan in its own directory, so the
# normal build is untouched. Included by the top Makefile.
FUZZ_BUILD := runtime/build-fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# -Wno-format-nonliteral: clang's -Wformat=2 also flags the va_list wrappers
# of error.c, which gcc accepts.
FUZZ_CFLAGS := $(filter-out -O2 -O0 --coverage,$(CFLAGS)) -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-Wno-format-nonliteral
FUZZ_LIB_OBJ := $(LIB_SRC:runtime/src/lib/%.c=$(FUZZ_BUILD)/lib/%.o)
FUZZ_TARGETS ?= config state
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-build
$(FUZZ_BUILD)/lib/%.o: runtime/src/lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/liburun.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: runtime/tests/fuzz/fuzz_%.c runtime/tests/fuzz/fuzz_common.h $(FUZZ_BUILD)/liburun.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/liburun.a $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

# FUZZ_SECONDS per target (default 120), FUZZ_JOBS processes per target
# (default 1), FUZZ_TARGETS="config state".
fuzz: fuzz-build
	FUZZ_TARGETS="$(FUZZ_TARGETS)" runtime/tests/fuzz/run.sh

-include $(FUZZ_LIB_OBJ:.o=.d)
