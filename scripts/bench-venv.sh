#!/usr/bin/env bash
# Creates/refreshes .bench-venv/ with the pinned peers (bitfinex-api-py 4.0.0, ccxt 4.5.90) from
# peer-bench/requirements.txt + peer-bench/constraints.txt. Idempotent and offline once installed.
# Exit codes: 0 ready; 75 the install failed because PyPI is unreachable (callers may skip);
#             1 any other failure (callers must fail).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${BENCH_VENV:-.bench-venv}
PY=${BENCH_PYTHON:-python3}
want_api=$(sed -n 's/^bitfinex-api-py==//p' peer-bench/requirements.txt)
want_ccxt=$(sed -n 's/^ccxt==//p' peer-bench/requirements.txt)

installed() {
  "$VENV/bin/python" - "$want_api" "$want_ccxt" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
ok = version("bitfinex-api-py") == sys.argv[1] and version("ccxt") == sys.argv[2]
import bfxapi, ccxt.pro  # noqa: F401  (importable, not just listed)
sys.exit(0 if ok else 1)
PY
}

if [ -x "$VENV/bin/python" ] && installed; then
  echo "bench-venv: ready (bitfinex-api-py $want_api, ccxt $want_ccxt)"
  exit 0
fi
command -v "$PY" >/dev/null || { echo "bench-venv: $PY not found" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" || { echo "bench-venv: python venv creation failed (apt-get install python3-venv?)" >&2; exit 1; }
fi
log=$(mktemp)
if ! "$VENV/bin/pip" install --disable-pip-version-check \
      -r peer-bench/requirements.txt -c peer-bench/constraints.txt >"$log" 2>&1; then
  cat "$log" >&2
  # only genuine connectivity failures count as "offline"; a missing pin with PyPI reachable fails
  if grep -qiE "NewConnectionError|Max retries exceeded|Temporary failure in name resolution|Network is unreachable|ConnectTimeout|Connection refused" "$log"; then
    rm -f "$log"
    echo "bench-venv: PyPI unreachable; peers not installed" >&2
    exit 75
  fi
  rm -f "$log"
  echo "bench-venv: pip install failed" >&2
  exit 1
fi
rm -f "$log"
installed || { echo "bench-venv: installed but the pinned versions do not import" >&2; exit 1; }
echo "bench-venv: installed bitfinex-api-py $want_api, ccxt $want_ccxt"
