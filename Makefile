# The two commands of the README. Both install what is missing first (scripts/setup.sh).
PRESET ?= ci
BUILD := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: run test build setup lint bench clean

run: build
	$(BUILD)/src/app/pantau serve $(ARGS)

test: build
	BUILD=$(BUILD) scripts/lint.sh
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

build: setup
	@[ -f $(BUILD)/build.ninja ] || cmake --preset $(PRESET)
	cmake --build $(BUILD) -j $(JOBS)
	scripts/build-ui.sh

setup:
	@scripts/setup.sh

lint: build
	BUILD=$(BUILD) scripts/lint.sh

bench: build
	bench/run.sh

clean:
	rm -rf build
