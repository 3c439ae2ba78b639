# The two commands of the README: `make demo` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

.PHONY: setup configure build build-server build-debug test unit integration demo clean fuzz fuzz-smoke

# libFuzzer targets (fuzz/README.md), built with clang in their own build dir.
FUZZ_SECONDS ?= 1800
FUZZ_BUILD_DIR ?= build-fuzz

setup:
	@scripts/setup.sh

# ccache, when the machine has it, makes a second checkout's build mostly cache hits.
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

configure:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(LAUNCHER) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The server and what it runs, without the test binaries (a third of the build).
build-server: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target tandem bundled_operators

build-debug:
	@$(MAKE) --no-print-directory build BUILD_DIR=build-debug BUILD_TYPE=Debug

# Every unit and integration test. `make fuzz-smoke` joins it once the two YAML targets
# have run their 30 minutes clean after the last fix (fuzz/README.md).
test: setup build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: setup build-server
	@scripts/demo.sh

# Each fuzz target for FUZZ_SECONDS (all at once): no crash, no leak, <= 256 MB RSS.
fuzz:
	@scripts/setup.sh fuzz
	@fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD_DIR)

# A minute of each target (all at once).
fuzz-smoke:
	@scripts/setup.sh fuzz
	@fuzz/run.sh 60 $(FUZZ_BUILD_DIR)

clean:
	rm -rf build build-debug $(FUZZ_BUILD_DIR)
