#!/usr/bin/env bash
# `make bench`: the ordo-one/benchmark suites in Benchmarks/, then the peer comparison
# (bfxkit vs bitfinex-api-py 4.0.0 vs ccxt 4.5.90) against the loopback simulator.
# Budget: < 20 min on a 2-core machine. Offline once .bench-venv/ is installed.
# Env: BENCH_REPS (default 3), BENCH_SKIP_ORDO=1, BENCH_SKIP_PEERS=1, BFXRUN=/path/to/release/bfxrun,
#      BENCH_PEER_ARGS (extra args for benchmarks/harness/run_peers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in benchmarks/harness
SWIFT=${SWIFT:-swift}
start=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p benchmarks/results
elapsed() { echo $(( $(date +%s) - start )); }

# 1. peers (before the long builds, so a broken PyPI install fails fast)
peers=1
if [ "${BENCH_SKIP_PEERS:-0}" = 1 ]; then
  peers=0
else
  set +e; scripts/bench-venv.sh; rc=$?; set -e
  if [ $rc -eq 75 ]; then
    echo "bench: PyPI unreachable and peers not installed; the peer comparison is SKIPPED" >&2
    peers=0
  elif [ $rc -ne 0 ]; then
    echo "bench: installing the peers failed (rc=$rc)" >&2
    exit 1
  fi
fi

# 2. ordo-one/benchmark suites (release build in Benchmarks/.build)
if [ "${BENCH_SKIP_ORDO:-0}" != 1 ]; then
  if [ -f Benchmarks/Package.swift ]; then
    echo "bench: ordo-one suites ($(elapsed) s)"
    mkdir -p tmp
    # written to tmp/ first: only a successful run lands in benchmarks/results/
    (cd Benchmarks && timeout 900 $SWIFT package --allow-writing-to-package-directory benchmark \
        --no-progress 2>&1) | tee "tmp/ordo-$stamp.txt"
    mv "tmp/ordo-$stamp.txt" "benchmarks/results/ordo-$stamp.txt"
  else
    echo "bench: Benchmarks/Package.swift not present; ordo-one suites skipped" | tee "benchmarks/results/ordo-$stamp.txt"
  fi
fi

[ $peers = 1 ] || { echo "bench: done in $(elapsed) s (peers skipped)"; exit 0; }

# 3. release bfxrun (simulator + bfxkit consumer). Reuse Benchmarks/.build when that package
#    can build it (shares the release modules the suites just compiled), else the root .build.
if [ -z "${BFXRUN:-}" ]; then
  echo "bench: building release bfxrun ($(elapsed) s)"
  if [ -f Benchmarks/Package.swift ]; then
    build_log=$(mktemp)
    ok=0
    for attempt in 1 2; do
      if (cd Benchmarks && $SWIFT build -c release --product bfxrun >"$build_log" 2>&1); then ok=1; break; fi
      echo "bench: release build of bfxrun failed (attempt $attempt); retrying in 60 s" >&2
      [ $attempt = 2 ] || sleep 60
    done
    if [ $ok != 1 ]; then
      grep -E "error:" "$build_log" | head -20 >&2
      rm -f "$build_log"
      echo "bench: cannot build release bfxrun in Benchmarks/ (see errors above)" >&2
      exit 1
    fi
    rm -f "$build_log"
    BFXRUN="$(cd Benchmarks && $SWIFT build -c release --show-bin-path)/bfxrun"
  else
    $SWIFT build -c release --product bfxrun
    BFXRUN="$($SWIFT build -c release --show-bin-path)/bfxrun"
  fi
fi
echo "bench: peer comparison with $BFXRUN ($(elapsed) s)"
# shellcheck disable=SC2086
.bench-venv/bin/python benchmarks/harness/run_peers.py --bfxrun "$BFXRUN" \
  --reps "${BENCH_REPS:-3}" --update-doc ${BENCH_PEER_ARGS:-}
echo "bench: done in $(elapsed) s; results in benchmarks/results/ (latest.md, latest.json)"
