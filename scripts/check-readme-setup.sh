#!/usr/bin/env bash
# check-readme-setup.sh — runs the README's set-up commands the way a user following it would.
#
# The commands are read from the first fenced ```sh block under the README heading
# "## Set up (fresh machine)", so this check breaks when the README changes them:
#   * `make run`  — run here with a short duration (RUN_SECONDS, default 8, kept < 30 s): it must
#                   exit 0 and print what the README promises: the dashboard/metrics address, a
#                   compact summary (header with 0 checksum errors, a book line with verified
#                   checksums, a nonce line with signed calls accepted) and a clean stop;
#   * `make test` — NOT run here: `make test` is what CI runs (.ci/run) and this script is one of
#                   its steps, so running it again would recurse. CI running `make test` on a fresh
#                   clone is what covers that command.
# Any other command in the block fails the check until this script learns how to verify it.
# Runs in the working tree (a fresh clone would rebuild every dependency: ~25 min on 2 cores);
# the fresh-clone part — `make deps` installing what is missing — is exercised by CI itself.
#
# Usage: scripts/check-readme-setup.sh     Env: RUN_SECONDS (default 8), MAKE (default make)
set -uo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS="${RUN_SECONDS:-8}"
MAKE="${MAKE:-make}"
if [ "$RUN_SECONDS" -ge 30 ]; then echo "RUN_SECONDS must be < 30 for this check"; exit 2; fi

# Extract the commands: lines of the first ```sh block after the heading, comments stripped.
mapfile -t commands < <(awk '
  /^## Set up \(fresh machine\)/ { section = 1; next }
  section && /^## / { exit }
  section && !inblock && /^```(sh|bash|shell|console)[[:space:]]*$/ { inblock = 1; next }
  inblock && /^```/ { exit }
  inblock { sub(/[[:space:]]+#.*$/, ""); sub(/^\$ /, ""); if ($0 ~ /[^[:space:]]/) print }
' README.md)
if [ "${#commands[@]}" -eq 0 ]; then
  echo "FAIL README set-up: no \`\`\`sh block under '## Set up (fresh machine)'"
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failed=0
for cmd in "${commands[@]}"; do
  case "$cmd" in
    "make run")
      start=$SECONDS
      # `timeout` bounds a hang: build (warm) + RUN_SECONDS + shutdown.
      # As typed in a fresh shell: no flags or variables inherited from a calling make.
      timeout --kill-after=10 $((RUN_SECONDS + 240)) env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        "$MAKE" run RUN_SECONDS="$RUN_SECONDS" >"$log" 2>&1 </dev/null
      rc=$?
      if [ "$rc" -ne 0 ]; then
        echo "FAIL README '$cmd': exit status $rc"; tail -n 30 "$log" | sed 's/^/    | /'; failed=1; continue
      fi
      missing=()
      grep -Eq 'metrics and dashboard listening address=http://127\.0\.0\.1:[0-9]+' "$log" || missing+=("the dashboard/metrics address")
      grep -Eq '^── bfxrun .* connections open .* checksum errors 0 ' "$log" || missing+=("a summary header with 0 checksum errors")
      grep -Eq '^book .*\([1-9][0-9]* checksums ok\)' "$log" || missing+=("a checksum-verified book line")
      grep -Eq '^nonce .* ok [1-9][0-9]* 10114 0 errors 0' "$log" || missing+=("signed calls through the nonce manager")
      grep -Eq 'runtime stopped' "$log" || missing+=("a clean stop")
      if [ "${#missing[@]}" -gt 0 ]; then
        echo "FAIL README '$cmd': output lacks: ${missing[*]}"; tail -n 30 "$log" | sed 's/^/    | /'; failed=1
      else
        echo "ok   README '$cmd' (RUN_SECONDS=$RUN_SECONDS, $((SECONDS - start))s): $(grep -E '^── bfxrun ' "$log" | tail -n 1)"
      fi
      ;;
    "make test")
      echo "ok   README '$cmd': covered by CI (.ci/run runs make test; this script is part of it)"
      ;;
    *)
      echo "FAIL README: set-up command '$cmd' is not verified by scripts/check-readme-setup.sh — teach it"
      failed=1
      ;;
  esac
done
exit "$failed"
