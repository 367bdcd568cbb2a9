#!/usr/bin/env bash
# Installs the Debian packages bfxkit needs when they are missing.
# Idempotent: does nothing (and needs no network) when everything is present.
set -euo pipefail
need=()
# zlib1g-dev: session recordings (BfxClient, ADR 0025).
# python3: the documentation checks of make test (scripts/check-doc-*.py).
# chromium + fonts-dejavu-core: the dashboard checked in headless Chromium by make test
# (scripts/check-dashboard.py; the font fixes the text widths its layout check measures).
# openssl: the gateway's TLS test makes a throw-away certificate.
for pkg in libedit-dev zlib1g-dev libyaml-dev libssl-dev pkg-config postgresql python3 chromium fonts-dejavu-core openssl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "ensure-deps: swift is not on PATH (expected /opt/swift/usr/bin)"; exit 1; }
