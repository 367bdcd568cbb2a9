# bfxkit — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
RUN_SECONDS ?= 20

.PHONY: run test stress docs docs-checks deps build bench clean postgres-start postgres-stop

## make run: install what is missing, build, run the quickstart on the embedded simulator.
run: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product bfxrun
	$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun run examples/quickstart.yaml --duration $(RUN_SECONDS) --summary-interval 4

## make test: install what is missing, build, start PostgreSQL on loopback, run all tests.
## Besides the test modules: the structure checks (scripts/check-source-hygiene.sh: no file over
## 600 lines, warnings are errors, no case-only path clashes; scripts/check-build-plan.py: the
## BfxClient product compiles no PostgresNIO/Hummingbird/Prometheus/Yams), bench smoke, every
## example, every shell command in the docs (scripts/check-doc-commands.py), the README set-up
## commands (scripts/check-readme-setup.sh), the live dashboard in headless Chromium at 1400 px
## (scripts/check-dashboard.py: renders, values change, no script errors, no panel clips), the
## unmodified bitfinex-api-py and ccxt programs through `bfxrun gateway` (scripts/check-gateway-peers.py:
## every cs verified by the peers, final books equal the simulator's), 4 bitfinex-api-py + 4 ccxt programs
## sharing one key through the gateway's signed REST and authenticated WebSocket, through an upstream
## drop, 20051 and maintenance (scripts/check-gateway-signed.py: 0 nonce errors, every order exactly
## once, every socket got the key's events in the simulator's order, no local socket closed; the same
## workload direct shows the 10114s), the bitfinex-api-py and ccxt
## programs against `bfxrun replay` of a fresh recording (scripts/check-replay-peers.py), and DocC
## with warnings as errors plus doc-comment coverage (scripts/check-docs.sh).
## Each test module runs in its own process, one after the other: a crash stays attributable to
## its module and integration suites (simulators, sockets) do not starve each other on 2 cores.
TEST_MODULES ?= BfxProtocolTests BfxNonceTests BfxSimulatorTests BfxClientTests BfxGatewayTests BfxRuntimeTests BfxConsoleTests
test: deps
	@set -o pipefail; log=$$(mktemp); \
	  $(SWIFT) build $(SWIFT_BUILD_FLAGS) --build-tests 2>&1 | tee "$$log"; built=$$?; \
	  BUILD_LOG="$$log" scripts/check-source-hygiene.sh; hygiene=$$?; rm -f "$$log"; \
	  [ $$built -eq 0 ] && [ $$hygiene -eq 0 ]
	SWIFT=$(SWIFT) python3 scripts/check-build-plan.py --self-test --product BfxClient
	BFXRUN=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun scripts/bench-smoke.sh
	SKIP_BUILD=1 SWIFT=$(SWIFT) scripts/run-examples.sh
	bfxrun=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; \
	  python3 scripts/check-doc-commands.py --self-test --bfxrun $$bfxrun && \
	  python3 scripts/check-doc-commands.py --bfxrun $$bfxrun
	RUN_SECONDS=8 scripts/check-readme-setup.sh
	bfxrun=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; \
	  python3 scripts/check-dashboard.py --bfxrun $$bfxrun
	bfxrun=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; \
	  .bench-venv/bin/python scripts/check-gateway-peers.py --bfxrun $$bfxrun --target gateway --seconds 15
	bfxrun=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; \
	  .bench-venv/bin/python scripts/check-gateway-signed.py --bfxrun $$bfxrun --seconds 20
	bfxrun=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; \
	  .bench-venv/bin/python scripts/check-replay-peers.py --bfxrun $$bfxrun
	@export BFX_TEST_POSTGRES_URL=$$(scripts/postgres.sh start) BFX_SHARED_DIR=$$(cd .. && pwd)/shared; \
	log=$$(mktemp); failed=""; \
	for m in $(TEST_MODULES); do \
	  echo "=== $$m"; \
	  $(SWIFT) test $(SWIFT_BUILD_FLAGS) --skip-build --filter "^$$m\." 2>&1 | tee -a "$$log"; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || failed="$$failed $$m"; \
	done; \
	passed=$$(grep -cE '^✔ Test .* passed after' "$$log"); \
	nfailed=$$(grep -cE '^✘ Test .* failed after' "$$log"); \
	rm -f "$$log"; \
	if [ -n "$$failed" ]; then echo "FAILED test modules:$$failed"; \
	  [ "$$nfailed" -gt 0 ] || nfailed=$$(echo $$failed | wc -w); fi; \
	echo "tests: $$passed passed, $$nfailed failed"; \
	[ -z "$$failed" ]
	SWIFT=$(SWIFT) scripts/check-docs.sh
	@# The network test bed (scripts/testbed.sh, needs root for namespaces and fails with a message
	@# without them): one key shared by 3 namespace hosts over jittered links with faults, the same
	@# through one gateway per host, the late-delivery fault with and without quarantine, >= 10,000
	@# signed calls on 8 keys shared by the 3 hosts; then the memory store on the same bed, which
	@# must show the rejections the shared store prevents.
	BFXRUN=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun scripts/testbed.sh ci
	BFXRUN=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun scripts/testbed.sh memory

## make stress: opt-in: 10 million nonces to 256 concurrent callers in strict order; the network test bed at full size, bounded to 30 minutes (3 hosts ×
## 4 processes × 16 tasks on one key through PostgreSQL, jittered links, faults; the same through
## one gateway per host; the late-delivery fault; the volume phase), then 100,000 signed calls through
## the file store and through the PostgreSQL store on loopback (15 minutes each at most).
stress: deps
	@# 10 million nonces from the in-memory manager to 256 concurrent callers, strict order checked
	@# (the default test run issues 1 million); bounded by the test's 10-minute time limit.
	BFX_LONG_STRESS=1 $(SWIFT) test $(SWIFT_BUILD_FLAGS) --filter strictOrderWith256Callers
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product bfxrun
	BFXRUN=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun TB_BUDGET_SECONDS=1800 \
	  timeout --kill-after=30 1860 scripts/testbed.sh full
	@# 100,000 signed calls on one key through each shared store (4 processes × 8 tasks × 3125
	@# calls, embedded simulator on loopback), each bounded to 15 minutes; exit 1 on any rejection.
	bin=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; dir=$$(mktemp -d); \
	  timeout --kill-after=30 900 $$bin nonce stress --processes 4 --tasks 8 --calls 3125 --store file --store-path $$dir --progress 60; \
	  rc=$$?; rm -rf "$$dir"; exit $$rc
	bin=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; url=$$(scripts/postgres.sh start) || exit 1; \
	  timeout --kill-after=30 900 $$bin nonce stress --processes 4 --tasks 8 --calls 3125 --store postgres --postgres-url "$$url" --progress 60

## make docs: DocC archives of every library target in .build/docs (warnings are errors) and the
## doc-comment coverage check. ~1 min with a warm build.
docs: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)
	SWIFT=$(SWIFT) scripts/check-docs.sh

## make docs-checks: only the documentation checks of make test (docs commands, README set-up, DocC).
docs-checks: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product bfxrun
	bfxrun=$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)/bfxrun; \
	  python3 scripts/check-doc-commands.py --self-test --bfxrun $$bfxrun && \
	  python3 scripts/check-doc-commands.py --bfxrun $$bfxrun
	RUN_SECONDS=8 scripts/check-readme-setup.sh
	SWIFT=$(SWIFT) scripts/check-docs.sh

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

## make bench: ordo-one/benchmark suites, then the peer comparison against bitfinex-api-py and
## ccxt on the loopback simulator (< 20 min on 2 cores; see docs/performance.md).
bench: deps
	SWIFT=$(SWIFT) scripts/bench.sh

postgres-start:
	@scripts/postgres.sh start
postgres-stop:
	@scripts/postgres.sh stop

clean:
	rm -rf .build
