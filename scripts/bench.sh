#!/usr/bin/env bash
# `make bench`: the ordo-one/benchmark suites in Benchmarks/, then the peer comparison
# (bfxkit vs bitfinex-api-py 4.0.0 vs ccxt 4.5.90) against the loopback simulator.
# Budget: < 20 min on a 2-core machine. Offline once .bench-venv/ is installed.
# Env: BENCH_REPS (default 3), BENCH_SKIP_ORDO=1, BENCH_SKIP_PEERS=1, BFXRUN=/path/to/release/bfxrun,
#      BENCH_PEER_ARGS (extra args for peer-bench/harness/run_peers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in peer-bench/harness
SWIFT=${SWIFT:-swift}
start=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p peer-bench/results
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

# 2. ordo-one/benchmark suites and the measurement programs (release build in Benchmarks/.build).
#    Build first, with no time limit (a cold release build of the Benchmarks package takes longer
#    than 15 min on 2 cores); only the runs are time-limited.
if [ "${BENCH_SKIP_ORDO:-0}" != 1 ]; then
  echo "bench: building the Benchmarks package in release ($(elapsed) s)"
  (cd Benchmarks && $SWIFT build -c release 2>&1 | tail -5)
  echo "bench: ordo-one suites ($(elapsed) s)"
  mkdir -p tmp
  # written to tmp/ first: only a successful run lands in peer-bench/results/
  (cd Benchmarks && timeout 900 $SWIFT package --allow-writing-to-package-directory benchmark \
      --no-progress 2>&1) | tee "tmp/ordo-$stamp.txt"
  # The plain measurement programs (Benchmarks/Programs/*) are not ordo-one benchmarks: they
  # measure throughput, latency percentiles and RSS across processes, so they run as programs.
  bin="$(cd Benchmarks && $SWIFT build -c release --show-bin-path)"
  for program in "SimulatorThroughput 5 book" "ClientThroughput 5 4 burst" "ResubscribeLatency 50" \
                 "UserDataBenchmarks 500 200000" "ClientMemory 10" "GatewayFanout 4000" \
                 "ReplayCheckThroughput 1000000 4 3"; do
    set -- $program
    echo "== $program" | tee -a "tmp/ordo-$stamp.txt"
    (cd Benchmarks && timeout 300 "$bin/$1" "${@:2}" 2>&1) | tee -a "tmp/ordo-$stamp.txt"
  done
  # Results record paths relative to the repository and no compile progress lines.
  sed -e "s#$(pwd)/##g" "tmp/ordo-$stamp.txt" | grep -vE '^\[[0-9]+/[0-9]+\] ' > "peer-bench/results/ordo-$stamp.txt"
  rm -f "tmp/ordo-$stamp.txt"
fi

[ $peers = 1 ] || { echo "bench: done in $(elapsed) s (peers skipped)"; exit 0; }

# 2b. many programs on one key: through the gateway vs direct, side by side (issue "Gateway, part 2")
$SWIFT build --product bfxrun
.bench-venv/bin/python scripts/check-gateway-signed.py --bfxrun "$($SWIFT build --show-bin-path)/bfxrun" --seconds 60 \
  | tee "peer-bench/results/gateway-signed-$stamp.txt"

# 3. release bfxrun (simulator) and bfx-bench-consume (the bfxkit consumer) of the root package.
if [ -z "${BFXRUN:-}" ]; then
  echo "bench: building release bfxrun and bfx-bench-consume ($(elapsed) s)"
  $SWIFT build -c release --product bfxrun
  $SWIFT build -c release --product bfx-bench-consume
  BFXRUN="$($SWIFT build -c release --show-bin-path)/bfxrun"
fi
# 3a. what the gateway costs a signed call and a WebSocket order, vs the same calls direct
nice -n 5 .bench-venv/bin/python scripts/bench-gateway-signed.py --bfxrun "$BFXRUN" --seconds 10 \
  | tee "peer-bench/results/gateway-signed-cost-$stamp.txt"
echo "bench: peer comparison with $BFXRUN ($(elapsed) s)"
# shellcheck disable=SC2086
.bench-venv/bin/python peer-bench/harness/run_peers.py --bfxrun "$BFXRUN" \
  --reps "${BENCH_REPS:-3}" --update-doc ${BENCH_PEER_ARGS:-}
echo "bench: done in $(elapsed) s; results in peer-bench/results/ (latest.md, latest.json)"
