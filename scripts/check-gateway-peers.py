#!/usr/bin/env python3
"""check-gateway-peers.py — unmodified bitfinex-api-py and ccxt programs work through a
Bitfinex-compatible endpoint configured only by host override (issue 15 acceptance).

    scripts/check-gateway-peers.py --bfxrun PATH --target simulate|gateway [--seconds 15]

1. Starts `bfxrun simulate --port 0` and reads its printed URLs. Market generation is driven
   from here: the simulator runs with an (effectively) infinite tick interval (`--rate 1e-6`;
   `--rate` must be > 0 and nothing pauses automatic ticking) and this script calls
   `POST /_sim/step?n=…` at `--rate` ticks per second, so it can STOP the market exactly.
2. `--target simulate`: the programs talk to the simulator itself.
   `--target gateway`: starts `bfxrun gateway CONFIG` (see `start_gateway`) whose upstream is that
   simulator, and the programs talk to the gateway.
3. Runs examples/python/gateway_market_bfxapi.py and gateway_market_ccxt.py concurrently
   (`--seconds` each). Each prints `READY {"ends_at": MS}` once every channel has data; ticking
   stops `QUIET` seconds before the earliest end, then the script waits until the simulator has
   no unwritten frames.
4. Compares every program's final books with the simulator's truth
   (`GET /_sim/book/SYM?prec=P&len=25`), then passes only if: every program ran (exit 0, report
   written, no errors), 0 checksum mismatches, > 0 verified checksums per book, books equal
   truth (bitfinex-api-py: exact wire text; ccxt: numerically, it keeps floats), every channel
   kind received live data, and the REST calls through the same host answered.
   `--inject-checksum-fault` corrupts one `cs` mid-run: with `--target simulate` it is a
   self-test of the verifiers (passes only if every program detects it); with `--target gateway`
   the normal checks apply (the gateway must keep the corruption away from its clients).

Everything is on 127.0.0.1, bounded (whole run < 90 s: hard alarm) and every process started
here is stopped at the end, also on failure. Exit status 0 = PASS, 1 = FAIL, 2 = usage/setup.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "peer-bench" / "harness"))
from common import require_loopback  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from checklib import Failure, Proc, free_port  # noqa: E402

PROGRAMS = {
    "bitfinex-api-py": REPO / "examples" / "python" / "gateway_market_bfxapi.py",
    "ccxt": REPO / "examples" / "python" / "gateway_market_ccxt.py",
}
BUDGET_S = 88.0          # hard limit of the whole run
QUIET_S = 3.0            # no ticks during the last QUIET_S seconds of every program
MANUAL_RATE = "0.000001"  # simulator's own tick interval: 10^6 s, i.e. never within a run


def log(msg: str) -> None:
    sys.stderr.write(f"[gateway-peers {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def http(method: str, url: str, timeout: float = 5.0, body: Optional[bytes] = None) -> Tuple[int, str]:
    require_loopback(url)
    data = (body if body is not None else b"") if method == "POST" else None
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def has_option(bfxrun: str, sub: str, option: str) -> bool:
    try:
        out = subprocess.run([bfxrun, sub, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in out.stdout + out.stderr


# ------------------------------------------------------------------------------------------------
# Upstream simulator and the endpoint under test
# ------------------------------------------------------------------------------------------------


class Simulator:
    def __init__(self, bfxrun: str, workdir: Path, duration: float, procs: List[Proc]) -> None:
        argv = [bfxrun, "simulate", "--port", "0", "--rate", MANUAL_RATE, "--seed", "42",
                "--duration", str(int(duration))]
        self.proc = Proc("simulator", argv, workdir)
        procs.append(self.proc)
        urls: Dict[str, str] = {}
        for key in ("ws:", "rest:", "control:"):
            line = self.proc.wait_line(key, 20)
            if line is None:
                raise Failure(f"simulator printed no '{key}' line:\n{self.proc.stderr_tail()}")
            urls[key[:-1]] = require_loopback(line.split(None, 1)[1].strip())
        self.ws, self.rest, self.control = urls["ws"], urls["rest"], urls["control"]
        log(f"simulator: {self.ws} {self.rest} {self.control}")

    def step(self, n: int) -> None:
        status, body = http("POST", f"{self.control}/step?n={n}")
        if status != 200:
            raise Failure(f"POST /_sim/step -> {status} {body[:200]}")

    def fault(self, fault: Dict[str, Any]) -> bool:
        status, body = http("POST", f"{self.control}/fault", body=json.dumps(fault).encode())
        if status != 200:
            raise Failure(f"POST /_sim/fault -> {status} {body[:200]}")
        return True

    def pending(self) -> int:
        status, body = http("GET", f"{self.control}/pending")
        return int(json.loads(body).get("pendingFrames", 0)) if status == 200 else -1

    def book(self, symbol: str, prec: str, length: int) -> Dict[str, Any]:
        status, body = http("GET", f"{self.control}/book/{symbol}?prec={prec}&len={length}")
        if status != 200:
            raise Failure(f"GET /_sim/book/{symbol} -> {status} {body[:200]}")
        # numbers kept as wire text (the route renders them exactly as the WebSocket does)
        return json.loads(body, parse_float=str, parse_int=str)


def gateway_yaml(sim: Simulator, port: int) -> str:
    """The gateway's configuration: upstream = the external simulator (custom endpoint URLs,
    REST bases without /v2), listen on a fixed loopback port, no channels of its own."""
    rest_base = sim.rest[:-3] if sim.rest.endswith("/v2") else sim.rest
    return "\n".join([
        "# written by scripts/check-gateway-peers.py --target gateway",
        "version: 1",
        "endpoint:",
        f"  ws_public: {sim.ws}",
        f"  ws_auth: {sim.ws}",
        f"  rest_public: {rest_base}",
        f"  rest_auth: {rest_base}",
        "websocket:",
        "  checksum: true",
        "  sequence: true",
        "metrics:",
        "  listen: 127.0.0.1:0",
        "gateway:",
        f"  listen: 127.0.0.1:{port}",
        "",
    ])


def start_gateway(bfxrun: str, sim: Simulator, workdir: Path, duration: float,
                  procs: List[Proc]) -> Tuple[str, str, str]:
    """--target gateway: `bfxrun gateway CONFIG` in front of the simulator; returns the
    (ws, rest, base) URLs the programs use. The listen port is chosen here (bind port 0 first), so the
    address is known without parsing logs; readiness = `GET /_gateway/state` answers 200."""
    port = free_port()
    config = workdir / "gateway.yaml"
    config.write_text(gateway_yaml(sim, port))
    check = subprocess.run([bfxrun, "check", str(config)], capture_output=True, text=True, timeout=15)
    if check.returncode != 0:
        raise Failure(f"bfxrun check {config} failed ({check.returncode}):\n{(check.stdout + check.stderr)[-1500:]}")
    argv = [bfxrun, "gateway", str(config)]
    if has_option(bfxrun, "gateway", "--duration"):
        argv += ["--duration", str(int(duration))]
    proc = Proc("gateway", argv, workdir)
    procs.append(proc)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise Failure(f"bfxrun gateway exited with {proc.popen.returncode}:\n{proc.stderr_tail()}")
        try:
            status, _ = http("GET", f"{base}/_gateway/state", timeout=1)
            if status == 200:
                log(f"gateway: ws://127.0.0.1:{port}/ws/2 (upstream {sim.ws})")
                return f"ws://127.0.0.1:{port}/ws/2", f"{base}/v2", base
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise Failure(f"gateway not answering on {base}/_gateway/state within 20 s:\n{proc.stderr_tail()}")


# ------------------------------------------------------------------------------------------------
# Judging the reports
# ------------------------------------------------------------------------------------------------

TRUTH_FIELD = {"price": "price", "rate": "price", "count": "count", "amount": "amount",
               "order_id": "id", "offer_id": "id", "period": "period"}


def truth_rows(entries: List[Dict[str, Any]], layout: List[str]) -> List[List[str]]:
    return [[str(e[TRUTH_FIELD[name]]) for name in layout] for e in entries]


def rows_equal(mine: List[List[str]], truth: List[List[str]], exact: bool) -> bool:
    if len(mine) != len(truth):
        return False
    for a, b in zip(mine, truth):
        if len(a) != len(b):
            return False
        if exact:
            if a != b:
                return False
        elif any(Decimal(x) != Decimal(y) for x, y in zip(a, b)):
            return False
    return True


def first_difference(mine: List[List[str]], truth: List[List[str]]) -> str:
    for i in range(max(len(mine), len(truth))):
        a = mine[i] if i < len(mine) else None
        b = truth[i] if i < len(truth) else None
        if a != b:
            return f"row {i}: got {a}, truth {b} ({len(mine)} vs {len(truth)} rows)"
    return "equal"


def verdict(fails: List[str], pass_text: str) -> Tuple[bool, List[str]]:
    for f in fails:
        print(f"  FAIL: {f}")
    print(f"  RESULT: {pass_text if not fails else 'FAIL'}")
    return not fails, fails


def judge(name: str, rc: Optional[int], report: Optional[Dict[str, Any]], truths: Dict[str, Dict[str, Any]],
          expect_detection: bool = False) -> Tuple[bool, List[str]]:
    """Prints one program's summary; returns (passed, failure reasons). `expect_detection`: the
    simulator corrupted a `cs` on purpose and nothing healed it — the program passes only if its
    verifier reported the mismatch (books and counts are then not judged)."""
    fails: List[str] = []
    lines: List[str] = []
    if report is None:
        fails.append("no report written")
        return False, fails
    if expect_detection:
        cs = report.get("checksums", {})
        detected = cs.get("mismatched", 0) + report.get("checksum_errors_raised", 0)
        print(f"== {name} ({report.get('library')} {report.get('library_version')}) exit {rc}: checksums "
              f"{cs.get('verified', 0)} verified / {cs.get('mismatched', 0)} mismatched, "
              f"{report.get('checksum_errors_raised', 0)} ChecksumError raised ({cs.get('mode')})")
        if detected < 1:
            fails.append("the corrupted checksum was NOT detected")
        return verdict(fails, "PASS (corrupted cs detected)")
    if rc != 0:
        fails.append(f"exit status {rc}")
    for e in report.get("errors", []):
        fails.append(f"program error: {e}")
    if not report.get("ready"):
        fails.append("never had data on every channel (no READY)")
    cs = report.get("checksums", {})
    if cs.get("mismatched", 0):
        fails.append(f"{cs['mismatched']} checksum mismatches")
    if report.get("checksum_errors_raised", 0):
        fails.append(f"{report['checksum_errors_raised']} ChecksumError raised to watchers")
    confs = report.get("conf", [])
    if not any(c.get("status") == "OK" and int(c.get("flags", 0)) & 131072 for c in confs):
        fails.append(f"OB_CHECKSUM (conf flag 131072) was not acknowledged: {confs}")
    exact = report.get("program") == "gateway_market_bfxapi"
    lines.append(f"  {'channel':<28} {'snap':>4} {'upd':>6} {'te/tu':>9} {'cs ok/bad':>10}  book vs truth")
    for key, ch in report.get("channels", {}).items():
        kind = ch.get("channel")
        problems = []
        if not ch.get("subscribed"):
            problems.append("not subscribed")
        if ch.get("snapshots", 0) < 1:
            problems.append("no snapshot")
        if kind in ("ticker", "book", "candles") and ch.get("updates", 0) < 1:
            problems.append("no live update")
        if kind == "trades" and ch.get("te", 0) < 1:
            problems.append("no live trade (te)")
        csinfo = ""
        book_verdict = ""
        if kind == "book":
            c = ch.get("checksum", {})
            csinfo = f"{c.get('verified', 0)}/{c.get('mismatched', 0)}"
            if c.get("verified", 0) < 1:
                problems.append("no verified checksum")
            book = report.get("books", {}).get(key)
            truth = truths.get(f"{ch.get('symbol')}:{ch.get('prec')}")
            if book is None:
                problems.append("final book missing from report")
            elif truth is None:
                problems.append("no truth book")
            else:
                layout = book["layout"]
                ok = True
                for side in ("bids", "asks"):
                    want = truth_rows(truth[side], layout)
                    if not rows_equal(book[side], want, exact):
                        ok = False
                        problems.append(f"{side} differ from truth: {first_difference(book[side], want)}")
                if "checksum" in book and str(book["checksum"]) != str(truth.get("checksum")):
                    ok = False
                    problems.append(f"final checksum {book['checksum']} != truth {truth.get('checksum')}")
                book_verdict = (f"= truth ({len(book['bids'])}+{len(book['asks'])} rows, "
                           f"{'exact wire text' if exact else 'numeric'})") if ok else "DIFFERS"
        tetu = f"{ch.get('te', 0)}/{ch.get('tu', 0)}" if kind == "trades" else ""
        lines.append(f"  {key:<28} {ch.get('snapshots', 0):>4} {ch.get('updates', 0):>6} {tetu:>9} "
                     f"{csinfo:>10}  {book_verdict}{'  <-- ' + '; '.join(problems) if problems else ''}")
        fails += [f"{key}: {p}" for p in problems]
    kinds = {c.get("channel") for c in report.get("channels", {}).values()}
    for kind in ("ticker", "trades", "book", "candles"):
        if kind not in kinds:
            fails.append(f"no {kind} channel in the report")
    rest = report.get("rest", {})
    if not rest.get("ok"):
        fails.append(f"REST through the same host failed: {rest.get('error')}")
    t = report.get("totals", {})
    print(f"== {name} ({report.get('library')} {report.get('library_version')}) exit {rc}: "
          f"{t.get('book_updates', 0)} book updates, {t.get('trade_executions', 0)} te, "
          f"{t.get('ticker_messages', 0)} tickers, {t.get('candle_updates', 0)} candle updates; "
          f"checksums {cs.get('verified', 0)} verified / {cs.get('mismatched', 0)} mismatched ({cs.get('mode')})")
    print("\n".join(lines))
    print(f"  REST: {'ok' if rest.get('ok') else 'FAILED'} {json.dumps({k: v for k, v in rest.items() if k != 'ok'})[:200]}")
    return verdict(fails, "PASS")


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def default_python() -> str:
    venv = REPO / ".bench-venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run(args: argparse.Namespace, workdir: Path, procs: List[Proc]) -> bool:
    t_start = time.monotonic()
    sim = Simulator(args.bfxrun, workdir, BUDGET_S + 5, procs)
    gateway_base = None
    if args.target == "gateway":
        # ------------------------------------------------------------------------------------
        # --target gateway: the endpoint under test is `bfxrun gateway` (upstream = simulator)
        # ------------------------------------------------------------------------------------
        ws_url, rest_url, gateway_base = start_gateway(args.bfxrun, sim, workdir, BUDGET_S + 5, procs)
    else:
        ws_url, rest_url = sim.ws, sim.rest

    programs: Dict[str, Proc] = {}
    reports: Dict[str, Path] = {}
    for name, path in PROGRAMS.items():
        reports[name] = workdir / f"{name}.report.json"
        argv = [args.python, str(path), "--ws-url", ws_url, "--rest-url", rest_url,
                "--seconds", str(args.seconds), "--report", str(reports[name]),
                "--symbols", args.symbols, "--funding-symbols", args.funding_symbols]
        programs[name] = Proc(name, argv, workdir, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        procs.append(programs[name])
    launched = time.time()

    # --- drive the market: --rate ticks/s until QUIET_S before the earliest program end --------
    stop_at = launched + args.seconds - QUIET_S      # fallback until every READY line is known
    ready: Dict[str, int] = {}
    ready_at: Dict[str, float] = {}
    injected = False
    ticks = 0
    interval = 1.0 / args.rate
    next_tick = time.time()
    while time.time() < stop_at:
        for name, p in programs.items():
            if name not in ready:
                line = next((ln for ln in p.lines if ln.startswith("READY ")), None)
                if line is not None:
                    ready[name] = int(json.loads(line[6:])["ends_at"])
                    ready_at[name] = time.time()
                    log(f"{name} ready after {time.time() - launched:.1f} s")
                    if len(ready) == len(programs):
                        stop_at = min(ready.values()) / 1000.0 - QUIET_S
        if all(p.popen.poll() is not None for p in programs.values()):
            break
        if args.inject_checksum_fault and not injected and len(ready) == len(programs) \
                and time.time() >= (max(ready_at.values()) + stop_at) / 2:
            injected = sim.fault({"fault": "checksum"})
            log(f"injected a corrupted checksum (every connection of the simulator) after {ticks} ticks")
        due = min(10, 1 + int((time.time() - next_tick) / interval))
        sim.step(due)
        ticks += due
        next_tick += due * interval
        time.sleep(max(0.0, min(next_tick, stop_at) - time.time()))
    log(f"market stopped after {ticks} ticks ({len(ready)}/{len(programs)} programs ready)")

    # --- quiet: no tick from here on; the simulator drains, then the truth cannot change -------
    deadline = time.monotonic() + 5
    while sim.pending() > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    gateway_state = None
    if gateway_base is not None:  # while the programs are still connected
        status, body = http("GET", f"{gateway_base}/_gateway/state")
        gateway_state = body if status == 200 else f"HTTP {status}"
    symbols = [s for s in args.symbols.split(",") if s]
    fundings = [s for s in args.funding_symbols.split(",") if s]
    truths: Dict[str, Dict[str, Any]] = {}
    for s in symbols:
        for p in ("P0", "P1", "P2", "P3", "P4", "R0"):
            truths[f"{s}:{p}"] = sim.book(s, p, args.len)
    for f in fundings:
        truths[f"{f}:P0"] = sim.book(f, "P0", args.len)

    # --- programs end by themselves at ends_at; bounded wait ---------------------------------
    wait_until = time.monotonic() + max(5.0, args.seconds + 20 - (time.time() - launched))
    for p in programs.values():
        try:
            p.popen.wait(timeout=max(0.1, wait_until - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{p.name} did not finish in time: stopping it")
            p.stop()
    ok = True
    print(f"check-gateway-peers: target {args.target}, endpoint {ws_url}, {ticks} ticks, "
          f"{args.seconds:g} s per program")
    if gateway_state is not None:
        print(f"gateway state (programs connected): {gateway_state[:600]}")
    for name, p in programs.items():
        report = None
        try:
            report = json.loads(reports[name].read_text())
        except (OSError, ValueError):
            pass
        expect_detection = args.inject_checksum_fault and args.target == "simulate"
        passed, _ = judge(name, p.popen.returncode, report, truths, expect_detection)
        if not passed:
            tail = p.stderr_tail()
            if tail:
                print(f"  stderr tail ({p.stderr_path}):\n    " + tail.replace("\n", "\n    "))
        ok &= passed
    print(f"check-gateway-peers: {'PASS' if ok else 'FAIL'} ({time.monotonic() - t_start:.1f} s)")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bfxrun", required=True, help="path of the bfxrun binary")
    ap.add_argument("--target", choices=["simulate", "gateway"], default="simulate",
                    help="simulate: programs talk to the simulator; gateway: to `bfxrun gateway` in front of it")
    ap.add_argument("--seconds", type=float, default=15.0, help="run time of each program (10..60)")
    ap.add_argument("--rate", type=float, default=20.0, help="market ticks per second driven via /_sim/step")
    ap.add_argument("--symbols", default="tBTCUSD")
    ap.add_argument("--funding-symbols", default="fUSD")
    ap.add_argument("--len", type=int, default=25, choices=[25, 100])
    ap.add_argument("--python", default=default_python(), help="interpreter with bfxapi and ccxt (.bench-venv)")
    ap.add_argument("--inject-checksum-fault", action="store_true",
                    help="corrupt one cs mid-run (simulator fault 'checksum'). simulate: self-test, passes only "
                         "if every program DETECTS it; gateway: the gateway must hide it (normal checks)")
    ap.add_argument("--workdir", help="keep reports and logs here (default: a temporary directory, "
                                      "kept only on failure)")
    args = ap.parse_args()
    if not 10 <= args.seconds <= 60:
        ap.error("--seconds must be within 10..60 (the whole run is bounded to 90 s)")
    if not 1 <= args.rate <= 200:
        ap.error("--rate must be within 1..200")
    if not os.access(args.bfxrun, os.X_OK):
        ap.error(f"--bfxrun {args.bfxrun} is not an executable")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="gateway-peers-"))
    workdir.mkdir(parents=True, exist_ok=True)

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"run exceeded {BUDGET_S:.0f} s")

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(int(BUDGET_S))
    procs: List[Proc] = []
    ok = False
    code = 1
    try:
        ok = run(args, workdir, procs)
        code = 0 if ok else 1
    except Failure as e:
        print(f"check-gateway-peers: SETUP FAILED: {e}")
        code = 2
    except (TimeoutError, KeyboardInterrupt) as e:
        print(f"check-gateway-peers: ABORTED: {e}")
        code = 1
    finally:
        signal.alarm(0)
        for p in reversed(procs):
            p.stop()
        if ok and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"check-gateway-peers: reports and logs in {workdir}")
    return code


if __name__ == "__main__":
    sys.exit(main())
