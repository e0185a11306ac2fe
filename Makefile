# floe - plain GNU Makefile. `make` builds build/floe; `make help` lists targets.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc

PKGS := yaml-0.1 libarchive libcrypto hdf5-serial openblas jansson netcdf zlib \
	libpng libtiff-4 sndfile fftw3f
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT  ?= -O2 -g
ifeq ($(WERROR),1)
WARN += -Werror
endif
SAN_FLAGS :=
CFLAGS_ALL = -std=c17 $(WARN) $(OPT) $(SAN_FLAGS) -pthread -MMD -MP \
	-Ilib -I$(BUILD) $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread $(LDLIBS)

LIB_SRC    := $(shell find lib -name '*.c' | LC_ALL=C sort)
RUNNER_SRC := $(wildcard runner/*.c)
TEST_SRC   := $(wildcard tests/unit/test_*.c)
TEST_UTIL  := $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(BUILD)/%.o)
UTIL_OBJ   := $(TEST_UTIL:%.c=$(BUILD)/%.o)
TEST_BIN   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIBFLOE := $(BUILD)/libfloe.a
FLOE    := $(BUILD)/floe

.SECONDARY:
.PHONY: all test unit-tests asan valgrind bench install uninstall clean help FORCE
all: $(FLOE)

$(BUILD)/commit.h: FORCE
	@mkdir -p $(BUILD)
	@if [ -n "$(FLOE_COMMIT)" ]; then c="$(FLOE_COMMIT)"; else \
	 c=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	 git diff --quiet HEAD 2>/dev/null || { [ "$$c" = unknown ] || c="$$c-dirty"; }; fi; \
	 line="#define FL_BUILD_COMMIT \"$$c\""; \
	 [ -f $@ ] && [ "$$(cat $@)" = "$$line" ] || echo "$$line" > $@

$(BUILD)/lib/core/env.o: $(BUILD)/commit.h

# The MLP's element-wise loops (Adam, gathers, bias and activations) run
# once per weight or unit per mini-batch: let the vectoriser use its full
# cost model and sqrtf without errno. Element-wise only (no reassociated
# sums), so the results do not depend on the vector width.
MLP_VEC := -ftree-vectorize -fvect-cost-model=dynamic -fno-math-errno
$(BUILD)/lib/ml/mlp_optim.o $(BUILD)/lib/ml/mlp_train.o \
$(BUILD)/lib/ml/mlp_layers.o: CFLAGS_ALL += $(MLP_VEC)

# The audio frame loops (window, power, |X_k|, zero crossings): the same
# element-wise vectorisation (sqrt is correctly rounded either way; the
# floating-point sums stay in order, integer counts are exact).
$(BUILD)/lib/audio/spectral.o $(BUILD)/lib/audio/stft.o: CFLAGS_ALL += $(MLP_VEC)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIBFLOE): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FLOE): $(RUNNER_OBJ) $(LIBFLOE)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(RUNNER_OBJ) $(LIBFLOE) $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UTIL_OBJ) $(LIBFLOE)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(UTIL_OBJ) $(LIBFLOE) \
		$(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

unit-tests: $(TEST_BIN)

# The whole suite: unit test programs (cmocka, TAP output) and command-line
# tests (tests/cli/*.sh, TAP), run by prove. FLOE and FLOE_BUILD tell the
# scripts which binary and build folder to use.
test: $(FLOE) $(TEST_BIN)
	FLOE=$(abspath $(FLOE)) FLOE_BUILD=$(abspath $(BUILD)) \
	CMOCKA_MESSAGE_OUTPUT=TAP \
	prove -j2 --exec '' $(TEST_BIN) $(wildcard tests/cli/test_*.sh)

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) $(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		test

# The unit tests under valgrind's memcheck (a non-zero exit on any error).
valgrind: $(TEST_BIN)
	@for t in $(TEST_BIN); do \
	  echo "== valgrind $$t"; \
	  CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --error-exitcode=99 \
	    --leak-check=full --errors-for-leak-kinds=definite $$t >/dev/null || exit 1; \
	done; echo "valgrind: no errors"

# Benchmarks: side by side with the reference tools, printed as ratios.
bench: $(FLOE)
	FLOE=$(abspath $(FLOE)) bash bench/run

install: $(FLOE)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(FLOE) $(DESTDIR)$(PREFIX)/bin/floe

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/floe

clean:
	rm -rf build build-asan

help:
	@echo "targets: all (default) test asan valgrind bench install uninstall clean"
	@echo "variables: PREFIX DESTDIR WERROR=1 BUILD CC OPT FLOE_COMMIT (overrides git, for builds without .git)"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
