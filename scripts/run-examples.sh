#!/usr/bin/env bash
# run-examples.sh — smoke-runs every example, offline, against the embedded simulator.
#
#   1. builds and runs each Swift example (examples/swift/*) with `--seconds 3`; a run fails on a
#      non-zero exit, on a timeout, or when its expected output line is missing;
#   2. `bfxrun check` on every examples/*.yaml;
#   3. every examples/console/*.bfx in script mode:
#      `bfxrun console examples/quickstart.yaml --file X`;
#   4. `bfxrun gateway examples/gateway.yaml` on a free port with the unmodified bitfinex-api-py
#      program examples/python/gateway_market_bfxapi.py pointed at it (needs .bench-venv, which
#      bench-smoke prepares): it must verify checksums with 0 mismatches.
# Every step is wrapped in `timeout`. Exit status: 0 when everything passed, 1 otherwise.
#
# Usage: scripts/run-examples.sh            (SKIP_BUILD=1 to reuse already built binaries)
# Env:   SWIFT (default swift), EXAMPLE_TIMEOUT (s, default 90), CONSOLE_TIMEOUT (s, default 180)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
SWIFT="${SWIFT:-swift}"
EXAMPLE_TIMEOUT="${EXAMPLE_TIMEOUT:-90}"
CONSOLE_TIMEOUT="${CONSOLE_TIMEOUT:-180}"

# product name | extra arguments | regular expression a line of stdout must match
EXAMPLES=(
  "example-book-watcher||^summary: [1-9][0-9]* book events, [1-9][0-9]* checksums verified"
  "example-user-data-listener||^final: exchange USD "
  "example-order-round-trip||^done: round trip complete"
  "example-shared-nonce-store||^simulator: accepted [1-9][0-9]*, rejected 0, out of order 0"
)

log="$(mktemp)"
buildlog="$(mktemp)"
trap 'rm -f "$log" "$buildlog"' EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  for entry in "${EXAMPLES[@]}"; do
    product="${entry%%|*}"
    "$SWIFT" build --product "$product" >"$buildlog" 2>&1 || { tail -n 40 "$buildlog"; echo "FAIL build $product"; exit 1; }
  done
  "$SWIFT" build --product bfxrun >"$buildlog" 2>&1 || { tail -n 40 "$buildlog"; echo "FAIL build bfxrun"; exit 1; }
fi
BIN="$("$SWIFT" build --show-bin-path 2>/dev/null)"

failed=()
passed=0

# run NAME PATTERN TIMEOUT COMMAND...: runs COMMAND, requires exit 0 and (if PATTERN) a matching line.
run() {
  local name="$1" pattern="$2" limit="$3"
  shift 3
  local start=$SECONDS
  timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1 </dev/null
  local rc=$?
  local elapsed=$((SECONDS - start))
  if [ "$rc" -ne 0 ]; then
    [ "$rc" -eq 124 ] && echo "FAIL $name: timed out after ${limit}s" || echo "FAIL $name: exit status $rc"
  elif [ -n "$pattern" ] && ! grep -Eq "$pattern" "$log"; then
    echo "FAIL $name: no output line matching /$pattern/"
    rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    tail -n 25 "$log" | sed 's/^/    | /'
    failed+=("$name")
  else
    passed=$((passed + 1))
    echo "ok   $name (${elapsed}s)${pattern:+: $(grep -Em1 "$pattern" "$log")}"
  fi
}

echo "== Swift examples"
for entry in "${EXAMPLES[@]}"; do
  IFS='|' read -r product extra pattern <<<"$entry"
  # shellcheck disable=SC2086 # extra arguments are intentionally word-split
  run "$product" "$pattern" "$EXAMPLE_TIMEOUT" "$BIN/$product" --seconds 3 $extra
done

echo "== bfxrun check examples/*.yaml"
# Some configurations read credentials/URLs from the environment and `check` requires them to be
# set. `check` validates offline (it connects nowhere), so placeholders stand in when unset.
for config in examples/*.yaml; do
  run "check $config" "" 60 env \
    BFX_API_KEY="${BFX_API_KEY:-placeholder-key}" BFX_API_SECRET="${BFX_API_SECRET:-placeholder-secret}" \
    BFX_NONCE_PG_URL="${BFX_NONCE_PG_URL:-postgres://placeholder@127.0.0.1:1/placeholder}" \
    "$BIN/bfxrun" check --quiet "$config"
done

echo "== console scripts (script mode on examples/quickstart.yaml)"
for script in examples/console/*.bfx; do
  run "console $script" "" "$CONSOLE_TIMEOUT" "$BIN/bfxrun" console examples/quickstart.yaml --file "$script" --no-history
done

echo "== gateway example (bfxrun gateway examples/gateway.yaml + examples/python/gateway_market_bfxapi.py)"
gateway_example() {
  local port py=.bench-venv/bin/python report gw rc=0
  [ -x "$py" ] || { echo "no .bench-venv (run scripts/bench-venv.sh)"; return 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  report=$(mktemp)
  "$BIN/bfxrun" gateway examples/gateway.yaml --listen "127.0.0.1:$port" --duration 40 &
  gw=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/_gateway/state" >/dev/null && break; sleep 0.1; done
  "$py" examples/python/gateway_market_bfxapi.py --ws-url "ws://127.0.0.1:$port/ws/2" \
    --rest-url "http://127.0.0.1:$port/v2" --seconds 5 --report "$report" || rc=$?
  kill -TERM "$gw" 2>/dev/null; wait "$gw" 2>/dev/null
  [ "$rc" -eq 0 ] && python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["checksums"]; print("checksums verified %d, mismatched %d" % (c["verified"], c["mismatched"])); sys.exit(0 if c["verified"] > 0 and c["mismatched"] == 0 else 1)' "$report" || rc=1
  rm -f "$report"
  return "$rc"
}
export BIN
run "gateway examples/gateway.yaml" "^checksums verified [1-9][0-9]*, mismatched 0" 90 \
  bash -c "$(declare -f gateway_example); gateway_example"

echo "examples: $passed passed, ${#failed[@]} failed${failed[*]:+ (${failed[*]})}"
[ "${#failed[@]}" -eq 0 ]
