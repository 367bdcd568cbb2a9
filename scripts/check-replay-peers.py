#!/usr/bin/env python3
"""check-replay-peers.py — the unmodified bitfinex-api-py and ccxt programs against
`bfxrun replay` (issue 17 item 2: a recording served as a Bitfinex server on loopback).

    scripts/check-replay-peers.py --bfxrun PATH [--record-seconds 6] [--seconds 10]

1. `bfxrun record` a session on the embedded simulator with every channel the program
   subscribes (tBTCUSD ticker, trades, book P0..P4 + R0, candles trade:1m; fUSD book P0).
2. `bfxrun replay FILE --check --json`: the recording's final books (the truth here).
3. `bfxrun replay FILE --fast --listen 127.0.0.1:0`: the recording served on loopback.
4. examples/python/gateway_market_bfxapi.py (host override only) against it; passes when the
   program exits 0 (no error event, REST answered, no checksum mismatch), verified checksums,
   and every book equals the recording's final book (wire text; funding books by checksum).
5. examples/python/gateway_market_ccxt.py against a second server at the recorded timing
   (`--speed 1`: ccxt turns checksums on with a `conf` sent after its subscribes, so the frames
   must not all be gone by then); passes when it exits 0 with verified checksums, no mismatch,
   and its trading P books equal the recording's final books numerically (ccxt keeps floats).

Everything is on 127.0.0.1, bounded (hard alarm at 150 s), every process started here is
stopped at the end. Exit status 0 = PASS, 1 = FAIL, 2 = usage/setup.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROGRAM = REPO / "examples" / "python" / "gateway_market_bfxapi.py"
CCXT_PROGRAM = REPO / "examples" / "python" / "gateway_market_ccxt.py"
CONFIG = """version: 1
endpoint: simulator
connections:
  - name: market
    channels:
      - {channel: ticker, symbol: tBTCUSD}
      - {channel: trades, symbol: tBTCUSD}
      - {channel: book, symbol: tBTCUSD, prec: P0, len: 25}
      - {channel: book, symbol: tBTCUSD, prec: P1, len: 25}
      - {channel: book, symbol: tBTCUSD, prec: P2, len: 25}
      - {channel: book, symbol: tBTCUSD, prec: P3, len: 25}
      - {channel: book, symbol: tBTCUSD, prec: P4, len: 25}
      - {channel: book, symbol: tBTCUSD, prec: R0, len: 25}
      - {channel: candles, key: "trade:1m:tBTCUSD"}
      - {channel: book, symbol: fUSD, prec: P0, len: 25}
simulator: {seed: 11, rate: 20}
metrics: {enabled: false}
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bfxrun", required=True)
    ap.add_argument("--python", default=str(REPO / ".bench-venv" / "bin" / "python"))
    ap.add_argument("--record-seconds", type=float, default=6.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    a = ap.parse_args()
    if not Path(a.python).exists():
        print(f"check-replay-peers: no Python venv at {a.python} (scripts/bench-venv.sh makes it)")
        return 2
    signal.alarm(150)
    tmp = Path(tempfile.mkdtemp(prefix="bfx-replay-peers-"))
    cfg = tmp / "record.yaml"
    cfg.write_text(CONFIG)
    rec = tmp / "session.bfxrec.gz"
    r = subprocess.run([a.bfxrun, "record", str(cfg), "--out", str(rec), "--duration", str(a.record_seconds),
                        "--log-level", "warning"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        print(f"FAIL: bfxrun record exit {r.returncode}: {r.stderr[-500:]}")
        return 1
    r = subprocess.run([a.bfxrun, "replay", str(rec), "--check", "--json"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        print(f"FAIL: replay --check exit {r.returncode}: {r.stdout[-500:]} {r.stderr[-500:]}")
        return 1
    truth = {b["channel"]: b for b in json.loads(r.stdout)["books"]}
    servers = []

    def serve(*timing: str):
        server = subprocess.Popen([a.bfxrun, "replay", str(rec), *timing, "--listen", "127.0.0.1:0", "--duration", "60"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        servers.append(server)
        urls = {}
        deadline = time.monotonic() + 20
        while len(urls) < 2 and time.monotonic() < deadline and server.stdout is not None:
            line = server.stdout.readline()
            if not line:
                break
            key, _, value = line.partition(":")
            if key.strip() in ("ws", "rest"):
                urls[key.strip()] = value.strip()
        return urls if len(urls) == 2 else None

    fails = []
    try:
        urls = serve("--fast")
        if urls is None:
            print("FAIL: bfxrun replay did not print its URLs")
            return 1
        report_path = tmp / "bfxapi-report.json"
        p = subprocess.run([a.python, str(PROGRAM), "--ws-url", urls["ws"], "--rest-url", urls["rest"] + "/v2",
                            "--seconds", str(a.seconds), "--report", str(report_path)],
                           capture_output=True, text=True, timeout=a.seconds + 30, cwd=str(PROGRAM.parent))
        if not report_path.exists():
            print(f"FAIL: no report (exit {p.returncode}): {p.stderr[-800:]}")
            return 1
        report = json.loads(report_path.read_text())
        if p.returncode != 0:
            fails.append(f"program exit {p.returncode}: errors {report.get('errors')}, rest {report.get('rest')}")
        cs = report.get("checksums", {})
        if cs.get("mismatched", 0) or not cs.get("verified", 0):
            fails.append(f"checksums {cs}")
        compared = 0
        for book in report.get("books", {}).values():
            name = f"book {book['symbol']} {book['prec']} {book.get('len', '25')}"
            t = truth.get(name)
            if t is None:
                fails.append(f"{name}: not in the recording")
                continue
            compared += 1
            if book["checksum"] != t["checksum"]:
                fails.append(f"{name}: checksum {book['checksum']} != recorded {t['checksum']}")
            if book["symbol"].startswith("t"):
                def order(rows):  # R0 rows are [order_id, price, amount] on the wire
                    return [[r[1], r[0], r[2]] for r in rows] if book["prec"] == "R0" else rows
                if order(book["bids"]) != t["bids"] or order(book["asks"]) != t["asks"]:
                    fails.append(f"{name}: rows differ from the recording's final book")
        print(f"replay peers: bitfinex-api-py {report.get('library_version')}: {compared} books compared, "
              f"checksums {cs.get('verified', 0)} verified / {cs.get('mismatched', 0)} mismatched")

        urls = serve("--speed", "1")
        if urls is None:
            print("FAIL: bfxrun replay (--speed 1) did not print its URLs")
            return 1
        report_path = tmp / "ccxt-report.json"
        p = subprocess.run([a.python, str(CCXT_PROGRAM), "--ws-url", urls["ws"], "--rest-url", urls["rest"] + "/v2",
                            "--seconds", str(a.seconds), "--report", str(report_path)],
                           capture_output=True, text=True, timeout=a.seconds + 30, cwd=str(CCXT_PROGRAM.parent))
        if not report_path.exists():
            print(f"FAIL: ccxt wrote no report (exit {p.returncode}): {p.stderr[-800:]}")
            return 1
        report = json.loads(report_path.read_text())
        if p.returncode != 0:
            fails.append(f"ccxt exit {p.returncode}: errors {report.get('errors')}, rest {report.get('rest')}")
        cs = report.get("checksums", {})
        if cs.get("mismatched", 0) or not cs.get("verified", 0):
            fails.append(f"ccxt checksums {cs}")
        compared = 0
        for book in report.get("books", {}).values():
            if not book["symbol"].startswith("t") or book["prec"] == "R0":
                continue
            t = truth.get(f"book {book['symbol']} {book['prec']} {book.get('len', '25')}")
            if t is None:
                continue
            compared += 1
            num = lambda rows: [[Decimal(x) for x in r] for r in rows]  # noqa: E731
            if num(book["bids"]) != num(t["bids"]) or num(book["asks"]) != num(t["asks"]):
                fails.append(f"ccxt book {book['symbol']} {book['prec']}: differs from the recording's final book")
        if compared == 0:
            fails.append("ccxt: no trading book to compare")
        print(f"replay peers: ccxt {report.get('library_version')}: {compared} books compared, "
              f"checksums {cs.get('verified', 0)} verified / {cs.get('mismatched', 0)} mismatched")
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    for f in fails:
        print(f"  FAIL: {f}")
    print("RESULT: " + ("PASS" if not fails else "FAIL"))
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main())
