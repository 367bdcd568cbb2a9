# bfxkit — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=

.PHONY: run test deps build bench clean postgres-start postgres-stop

## make run: install what is missing, build, run the quickstart on the embedded simulator.
run: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product bfxrun
	$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun version

## make test: install what is missing, build, start PostgreSQL on loopback, run all tests.
test: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --build-tests
	BFX_TEST_POSTGRES_URL=$$(scripts/postgres.sh start) \
	BFX_SHARED_DIR=$$(cd .. && pwd)/shared \
	$(SWIFT) test $(SWIFT_BUILD_FLAGS) --skip-build

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

## make bench: ordo-one/benchmark suites (see docs/performance.md).
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

postgres-start:
	@scripts/postgres.sh start
postgres-stop:
	@scripts/postgres.sh stop

clean:
	rm -rf .build
