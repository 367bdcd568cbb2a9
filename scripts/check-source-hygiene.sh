#!/usr/bin/env bash
# check-source-hygiene.sh — structural rules every change keeps (run by `make test`):
#   1. no Swift file under Sources/ is longer than 600 lines (god objects are split into value-type
#      state machines plus a thin actor; see docs/architecture.md);
#   2. no project target emits a compiler warning: every project target builds with
#      `treatAllWarnings(as: .error)` (Package.swift), and when a build log is given (BUILD_LOG=…),
#      any "warning:" in a project file (Sources/, Tests/, examples/, Benchmarks/) fails too;
#   3. no two top-level entries differ only in case (they collide on case-insensitive file systems).
# Exit status 0 when all hold, 1 otherwise (each violation listed).
set -uo pipefail
cd "$(dirname "$0")/.."
MAX_LINES=${MAX_LINES:-600}
fail=0

long=$(git ls-files 'Sources/*.swift' 'Sources/**/*.swift' | sort -u | while read -r f; do
  [ -f "$f" ] || continue
  n=$(wc -l < "$f"); [ "$n" -gt "$MAX_LINES" ] && echo "  $f: $n lines"
done)
if [ -n "$long" ]; then
  echo "check-source-hygiene: FAILED — files over $MAX_LINES lines:"; echo "$long"; fail=1
fi

if ! grep -q 'treatAllWarnings(as: .error)' Package.swift; then
  echo "check-source-hygiene: FAILED — Package.swift no longer treats warnings as errors"; fail=1
fi
if [ -n "${BUILD_LOG:-}" ] && [ -f "$BUILD_LOG" ]; then
  here=$(pwd)
  warnings=$(grep -E '(^|/)(Sources|Tests|examples|Benchmarks)/[^:]+:[0-9]+:[0-9]+: warning:' "$BUILD_LOG" \
    | grep -v '/.build' | sed "s#$here/##" | sort -u)
  if [ -n "$warnings" ]; then
    echo "check-source-hygiene: FAILED — compiler warnings in project files:"; echo "$warnings"; fail=1
  fi
fi

clashes=$(git ls-files | python3 -c '
import sys
seen = {}
for line in sys.stdin:
    parts = line.rstrip("\n").split("/")
    for i in range(1, len(parts) + 1):
        path = "/".join(parts[:i])
        other = seen.setdefault(path.lower(), path)
        if other != path:
            print(f"  {other} vs {path}")
            seen[path.lower()] = path
' | sort -u)
if [ -n "$clashes" ]; then
  echo "check-source-hygiene: FAILED — paths differing only in case:"; echo "$clashes"; fail=1
fi

[ $fail -eq 0 ] && echo "check-source-hygiene: ok (no file over $MAX_LINES lines, warnings are errors, no case clashes)"
exit $fail
