#!/usr/bin/env bash
# check-docs.sh — builds the DocC documentation of every library target with warnings treated as
# errors, then checks that every public symbol has a doc comment.
#
#   1. `swift package generate-documentation` (swift-docc-plugin) for BfxProtocol, BfxNonce,
#      BfxNoncePostgres, BfxSimulator, BfxClient, BfxGateway, BfxRuntime, BfxConsole and BfxConsoleRuntime, passing `--warnings-as-errors` through
#      to `docc convert`: a broken ``symbol link``, an undocumented parameter of a documented
#      function, an unresolved topic in a catalog… fails the step. Archives: .build/docs/<Module>.doccarchive
#      (static-hosting layout; open index.html through any static file server).
#   2. scripts/check-doc-coverage.py on the symbol graphs the plugin extracted in step 1: every
#      public symbol needs a `///` comment that says more than its own name (rules in that script).
#
# Usage: scripts/check-docs.sh              (DOCS_TARGETS="BfxNonce BfxRuntime" to narrow)
# Env:   SWIFT (default swift), DOCS_OUTPUT (default .build/docs), DOCS_COVERAGE=0 skips step 2.
# Exit status: 0 when both steps pass, 1 otherwise. Runtime on the 2-core CI machine with a warm
# debug build: about 45-70 s (symbol extraction ~5 s per module, docc ~2 s per module); when DocC
# fails, a second pass (same time again) lists the warnings of every module.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
SWIFT="${SWIFT:-swift}"
TARGETS="${DOCS_TARGETS:-BfxProtocol BfxNonce BfxNoncePostgres BfxSimulator BfxClient BfxGateway BfxRuntime BfxConsole BfxConsoleRuntime}"
OUT="${DOCS_OUTPUT:-.build/docs}"

log="$(mktemp)"
trap 'rm -f "$log" "$log.all"' EXIT
args=()
for t in $TARGETS; do args+=(--target "$t"); done
mkdir -p "$OUT"

# gen LOG [extra docc options…]: one plugin run over every target into $OUT.
gen() {
  local out="$1"; shift
  "$SWIFT" package --allow-writing-to-directory "$OUT" generate-documentation "${args[@]}" \
    --output-path "$OUT" "$@" >"$out" 2>&1
}
# DocC's own diagnostics: a "warning:"/"error:" line followed by its " --> file:line" excerpt
# header (SwiftPM's and the compiler's warnings look different and are not DocC's concern).
docc_diags() { awk '/^(warning|error): /{d=$0; next} d && /^ *--> /{print d "  " $2; d=""; next} {d=""}' "$1"; }

start=$SECONDS
echo "== DocC: ${TARGETS} (warnings are errors)"
gen "$log" --warnings-as-errors
rc=$?
if [ "$rc" -ne 0 ]; then
  if [ "$(docc_diags "$log" | wc -l)" -eq 0 ]; then   # the build before DocC failed, or the plugin did
    grep -E 'error:' "$log" | sort -u | head -n 30
    tail -n 20 "$log"
    echo "FAIL DocC: generate-documentation exit status $rc before any DocC diagnostic (build failure?)"
    exit 1
  fi
  # The plugin stops at the first target that fails; a second pass without the flag lists the
  # warnings of every target at once so they can all be fixed in one go.
  gen "$log.all"
  # (If the sources changed between the passes, fall back to the first pass's diagnostics.)
  [ "$(docc_diags "$log.all" | wc -l)" -gt 0 ] || cp "$log" "$log.all"
  docc_diags "$log.all" | sort -u
  n=$(docc_diags "$log.all" | sort -u | wc -l)
  rm -f "$log.all"
  echo "FAIL DocC: $n warnings (treated as errors) — fix the doc comments/catalogs named above"
  docc_failed=1   # still run the coverage check below: the second pass extracted every graph
else
  docc_failed=0
  echo "ok   DocC: $(echo $TARGETS | wc -w) archives in $OUT, 0 warnings ($((SECONDS - start))s)"
fi

[ "${DOCS_COVERAGE:-1}" = 0 ] && exit "$docc_failed"
start=$SECONDS
echo "== doc comment coverage"
modules=$(echo $TARGETS | tr ' ' ',')
# The plugin leaves its symbol graphs in .build/<triple>/extracted-symbols/<package>/<Module>/.
graphs=$(dirname "$("$SWIFT" build --show-bin-path)")/extracted-symbols
if python3 scripts/check-doc-coverage.py --self-test && python3 scripts/check-doc-coverage.py --modules "$modules" "$graphs"; then
  echo "ok   doc comment coverage ($((SECONDS - start))s)"
else
  echo "FAIL doc comment coverage: add a meaningful /// comment to each symbol listed above"
  exit 1
fi
exit "$docc_failed"
