#!/usr/bin/env python3
"""check-gateway-signed.py — many unmodified bitfinex-api-py and ccxt programs share ONE API key
through `bfxrun gateway` (signed REST) without a single nonce error; the same workload pointed
directly at the exchange (here: the simulator) gets nonce errors.

    .bench-venv/bin/python scripts/check-gateway-signed.py [--bfxrun .build/debug/bfxrun] [--seconds 20]

Phase "gateway":
 1. Starts `bfxrun simulate --keys FILE` (one real key, user 1, write permission; REST budgets
    opened up so that only the gateway's own budgets shape the run) and reads its printed URLs.
 2. Writes a YAML: `endpoint:` custom URLs pointing at that simulator, key `demo` with the real
    credentials (from environment variables this script sets), a gateway account for `demo` with
    8 local keys `bot-1`…`bot-8` (key and secret from environment variables, permissions
    read + trade), cancels at priority `critical`; `bfxrun check` validates it, then
    `bfxrun gateway` serves it on a free loopback port (`--log-level info`: one log line per
    signed call).
 3. Runs 4 examples/python/gateway_signed_bfxapi.py and 4 gateway_signed_ccxt.py processes at
    once for --seconds, each with its OWN local credentials and its own client-order-id range:
    wallets, EXCHANGE LIMIT buys far below the market, open orders, every second order cancelled.
 4. Checks: every program exited 0 with a report; 0 nonce errors (10114) and 0 other errors in
    every report; every order a program placed exists exactly once in the simulator's order ledger
    (active orders, or the closed-order history when the program cancelled it; read with the real
    key straight from the simulator) with its cid, and no order of a program's cid range exists
    that the program did not report; the simulator's nonce ledger for the real key
    (`GET /_sim/state` → `nonces`) shows rejected 0 and outOfOrder 0.

Phase "direct": a fresh simulator, the SAME 8 programs pointed straight at it, each with the real
key and secret, signing with their libraries' own nonces (bitfinex-api-py: wall-clock µs per call;
ccxt: ms, increasing per instance only). Nonce errors are expected here; the results are printed
next to the gateway's. Only the gateway phase decides the exit status.

Everything is on 127.0.0.1 and bounded (hard alarm at 115 s); every process started here is
stopped at the end, also on failure. Exit status 0 = the gateway run was clean, 1 = it was not,
2 = usage or setup failure.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "peer-bench" / "harness"))
from common import require_loopback  # noqa: E402

PROGRAMS = {
    "bfxapi": REPO / "examples" / "python" / "gateway_signed_bfxapi.py",
    "ccxt": REPO / "examples" / "python" / "gateway_signed_ccxt.py",
}
PER_LIBRARY = 4
BUDGET_S = 115.0
ORDERS_PER_5_MIN = 1000   # the simulator's (and Bitfinex's) order budget per user
CLOSED_KEPT = 500         # closed orders the simulator keeps per user (auth/r/orders/hist)
UPSTREAM_KEY = "check-upstream-" + secrets.token_hex(4)
UPSTREAM_SECRET = secrets.token_hex(24)


def log(msg: str) -> None:
    sys.stderr.write(f"[gateway-signed {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


class Failure(Exception):
    """A setup step failed (the run cannot be judged)."""


class Proc:
    """A child in its own process group; stdout read on a thread, stderr to a file."""

    def __init__(self, name: str, argv: List[str], workdir: Path, env: Dict[str, str]) -> None:
        self.name = name
        self.lines: List[str] = []
        self.stderr_path = workdir / f"{name}.stderr.log"
        self._stderr = open(self.stderr_path, "w")
        deadline = time.monotonic() + 30
        while True:
            try:
                self.popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
                                              text=True, bufsize=1, start_new_session=True, cwd=str(REPO), env=env)
                break
            except OSError as e:  # "Text file busy" / missing while bfxrun is being rebuilt: wait a little
                if e.errno not in (errno.ETXTBSY, errno.ENOENT) or time.monotonic() > deadline:
                    self._stderr.close()
                    raise Failure(f"cannot start {argv[0]}: {e}") from e
                time.sleep(1)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, prefix: str, timeout: float) -> Optional[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if line.startswith(prefix):
                    return line
            if self.popen.poll() is not None:
                time.sleep(0.1)
                return next((ln for ln in self.lines if ln.startswith(prefix)), None)
            time.sleep(0.02)
        return None

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def stderr_tail(self, n: int = 15) -> str:
        return "\n".join(self.stderr_text().splitlines()[-n:])

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM to the child's process group, SIGKILL after `grace` seconds."""
        if self.popen.poll() is None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
                try:
                    os.killpg(self.popen.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.popen.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._reader.join(timeout=1)
        self._stderr.close()


def base_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,::1"
    return env


def http(method: str, url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
         timeout: float = 5.0) -> Tuple[int, str]:
    require_loopback(url)
    data = (body if body is not None else b"") if method == "POST" else None
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------
# Simulator (upstream) and gateway
# ------------------------------------------------------------------------------------------------


class Simulator:
    def __init__(self, bfxrun: str, workdir: Path, name: str, duration: float, procs: List[Proc]) -> None:
        keys = workdir / f"{name}-keys.json"
        keys.write_text(json.dumps([{"key": UPSTREAM_KEY, "secretEnv": "CHECK_UPSTREAM_SECRET", "userId": 1, "canWrite": True}]))
        env = {**base_env(), "CHECK_UPSTREAM_SECRET": UPSTREAM_SECRET}
        argv = [bfxrun, "simulate", "--port", "0", "--keys", str(keys), "--rest-auth-per-minute", "1000000",
                "--rest-public-per-minute", "1000000", "--duration", str(int(duration))]
        self.proc = Proc(name, argv, workdir, env)
        procs.append(self.proc)
        urls: Dict[str, str] = {}
        for key in ("rest:", "control:"):
            line = self.proc.wait_line(key, 20)
            if line is None:
                raise Failure(f"{name} printed no '{key}' line:\n{self.proc.stderr_tail()}")
            urls[key[:-1]] = require_loopback(line.split(None, 1)[1].strip())
        self.rest, self.control = urls["rest"], urls["control"]
        self.last_nonce = 0

    def nonce_ledger(self) -> Dict[str, int]:
        status, body = http("GET", f"{self.control}/state")
        if status != 200:
            raise Failure(f"GET /_sim/state -> {status} {body[:200]}")
        entry = json.loads(body).get("nonces", {}).get(UPSTREAM_KEY, {})
        return {k: int(entry.get(k, 0)) for k in ("accepted", "rejected", "outOfOrder", "lastNonce")}

    def signed(self, path: str, body: Dict[str, Any]) -> Any:
        """A signed call with the real key straight to the simulator (after the run; the nonce is
        above everything the key used, so it never disturbs the ledger)."""
        nonce = max(int(time.time() * 1_000_000), self.nonce_ledger()["lastNonce"] + 1, self.last_nonce + 1)
        self.last_nonce = nonce
        raw = json.dumps(body)
        sig = hmac.new(UPSTREAM_SECRET.encode(), f"/api/v2/{path}{nonce}{raw}".encode(), hashlib.sha384).hexdigest()
        status, text = http("POST", f"{self.rest}/{path}", raw.encode(),
                            {"bfx-apikey": UPSTREAM_KEY, "bfx-nonce": str(nonce), "bfx-signature": sig,
                             "content-type": "application/json"})
        if status != 200:
            raise Failure(f"POST {path} -> {status} {text[:200]}")
        return json.loads(text)

    def order_ledger(self) -> List[List[Any]]:
        """Active orders and the closed-order history of user 1 (rows: id, gid, cid, symbol, …, status at 13)."""
        return self.signed("auth/r/orders", {}) + self.signed("auth/r/orders/hist", {"limit": CLOSED_KEPT})


def gateway_yaml(sim: Simulator, port: int, bots: List[Tuple[str, str, str]]) -> str:
    base = sim.rest[:-3] if sim.rest.endswith("/v2") else sim.rest
    lines = [
        "# written by scripts/check-gateway-signed.py",
        "version: 1",
        "endpoint:",
        f"  ws_public: {base.replace('http://', 'ws://')}/ws/2",
        f"  ws_auth: {base.replace('http://', 'ws://')}/ws/2",
        f"  rest_public: {base}",
        f"  rest_auth: {base}",
        "keys:",
        '  - {name: demo, api_key: "${CHECK_UPSTREAM_KEY}", api_secret: "${CHECK_UPSTREAM_SECRET}"}',
        "rate_limits:",
        "  rest_auth_per_minute: 10000     # the key's budget per endpoint, shared by every local key",
        "metrics:",
        "  listen: 127.0.0.1:0",
        "gateway:",
        f"  listen: 127.0.0.1:{port}",
        "  accounts:",
        "    - key: demo",
        "      local_keys:",
    ]
    for name, key_env, secret_env in bots:
        lines.append(f'        - {{name: {name}, key: "${{{key_env}}}", secret: "${{{secret_env}}}", permissions: [read, trade]}}')
    lines += ["      priorities:", "        - {path: auth/w/order/cancel, priority: critical}", ""]
    return "\n".join(lines)


def start_gateway(bfxrun: str, sim: Simulator, workdir: Path, duration: float, env: Dict[str, str],
                  bots: List[Tuple[str, str, str]], procs: List[Proc]) -> Tuple[str, Proc]:
    port = free_port()
    config = workdir / "gateway.yaml"
    config.write_text(gateway_yaml(sim, port, bots))
    check = subprocess.run([bfxrun, "check", str(config)], capture_output=True, text=True, timeout=15, env=env)
    if check.returncode != 0:
        raise Failure(f"bfxrun check {config} failed ({check.returncode}):\n{(check.stdout + check.stderr)[-1500:]}")
    proc = Proc("gateway", [bfxrun, "gateway", str(config), "--duration", str(int(duration)), "--log-level", "info"],
                workdir, env)
    procs.append(proc)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise Failure(f"bfxrun gateway exited with {proc.popen.returncode}:\n{proc.stderr_tail()}")
        try:
            if http("GET", f"{base}/_gateway/state", timeout=1)[0] == 200:
                return f"{base}/v2", proc
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise Failure(f"gateway not answering on {base}/_gateway/state within 20 s:\n{proc.stderr_tail()}")


# ------------------------------------------------------------------------------------------------
# The workload and its judgement
# ------------------------------------------------------------------------------------------------


def run_programs(python: str, rest_url: str, workdir: Path, phase: str, seconds: float,
                 creds: List[Tuple[str, str]], procs: List[Proc]) -> List[Dict[str, Any]]:
    """Starts 4 + 4 programs at once (program i signs with creds[i]); waits; returns one result each."""
    max_orders = (ORDERS_PER_5_MIN - 100) // len(creds)
    started: List[Tuple[str, Proc, Path, int]] = []
    index = 0
    for lib, script in PROGRAMS.items():
        for n in range(1, PER_LIBRARY + 1):
            key, secret = creds[index]
            index += 1
            name = f"{phase}-{lib}-{n}"
            report = workdir / f"{name}.json"
            cid_base = index * 1_000_000
            env = {**base_env(), "BFX_API_KEY": key, "BFX_API_SECRET": secret}
            argv = [python, str(script), "--rest-url", rest_url, "--seconds", str(seconds), "--report", str(report),
                    "--name", name, "--cid-base", str(cid_base), "--max-orders", str(max_orders)]
            p = Proc(name, argv, workdir, env)
            procs.append(p)
            started.append((name, p, report, cid_base))
    deadline = time.monotonic() + seconds + 35
    results = []
    for name, p, report, cid_base in started:
        try:
            rc: Optional[int] = p.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            rc = None
            p.stop()
        rep = json.loads(report.read_text()) if report.exists() else None
        results.append({"name": name, "rc": rc, "report": rep, "cid_base": cid_base, "max_orders": max_orders,
                        "stderr": p.stderr_tail(5)})
    return results


def judge_orders(results: List[Dict[str, Any]], ledger: List[List[Any]]) -> Tuple[List[str], int]:
    """Every reported order exactly once, in the state the program left it; no unreported order
    in a program's cid range. Returns (failures, orders verified)."""
    fails: List[str] = []
    by_id: Dict[int, List[List[Any]]] = {}
    for row in ledger:
        by_id.setdefault(int(row[0]), []).append(row)
    verified = 0
    for r in results:
        rep = r["report"]
        if rep is None:
            continue
        lo, hi = r["cid_base"], r["cid_base"] + r["max_orders"]
        reported = set()
        for o in rep["orders"]:
            reported.add(int(o["id"]))
            rows = by_id.get(int(o["id"]), [])
            if len(rows) != 1:
                fails.append(f"{r['name']}: order {o['id']} (cid {o['cid']}) found {len(rows)} times in the ledger")
                continue
            row = rows[0]
            status = str(row[13])
            if int(row[2]) != int(o["cid"]):
                fails.append(f"{r['name']}: order {o['id']} has cid {row[2]}, the program placed cid {o['cid']}")
            elif o["cancelled"] != status.startswith("CANCELED"):
                fails.append(f"{r['name']}: order {o['id']} is {status}, the program {'cancelled' if o['cancelled'] else 'left'} it")
            else:
                verified += 1
        extra = [int(row[0]) for row in ledger if row[2] is not None and lo < int(row[2]) <= hi and int(row[0]) not in reported]
        if extra:
            fails.append(f"{r['name']}: {len(extra)} order(s) in its cid range it did not report: {extra[:5]}")
    return fails, verified


def summarize(results: List[Dict[str, Any]]) -> Dict[str, Any]:
    reps = [r["report"] for r in results if r["report"] is not None]
    codes: Dict[str, int] = {}
    for rep in reps:
        for k, v in rep.get("other_errors_by_code", {}).items():
            codes[k] = codes.get(k, 0) + v
    return {
        "programs": len(results), "reports": len(reps),
        "calls": sum(rep["calls"] for rep in reps),
        "nonce_errors": sum(rep["nonce_errors"] for rep in reps),
        "other_errors": sum(rep["other_errors"] for rep in reps), "other_codes": codes,
        "orders": sum(rep["orders_placed"] for rep in reps),
        "per_program_nonce_errors": {r["name"].split("-", 1)[1]: (r["report"] or {}).get("nonce_errors") for r in results},
    }


def phase_run(label: str, args: argparse.Namespace, workdir: Path, procs: List[Proc]) -> Dict[str, Any]:
    """One phase: simulator (+ gateway), 8 programs, ledgers. Stops its processes before returning."""
    mine: List[Proc] = []
    out: Dict[str, Any] = {"label": label}
    try:
        sim = Simulator(args.bfxrun, workdir, f"{label}-simulator", args.seconds + 60, mine)
        log(f"{label}: simulator {sim.rest}")
        bots = [(f"bot-{i}", f"CHECK_BOT_{i}_KEY", f"CHECK_BOT_{i}_SECRET") for i in range(1, 2 * PER_LIBRARY + 1)]
        local = {b[0]: ("local-" + b[0] + "-" + secrets.token_hex(6), secrets.token_hex(24)) for b in bots}
        if label == "gateway":
            env = {**base_env(), "CHECK_UPSTREAM_KEY": UPSTREAM_KEY, "CHECK_UPSTREAM_SECRET": UPSTREAM_SECRET}
            for name, key_env, secret_env in bots:
                env[key_env], env[secret_env] = local[name]
            rest_url, gw = start_gateway(args.bfxrun, sim, workdir, args.seconds + 50, env, bots, mine)
            log(f"gateway: {rest_url} (8 local keys on account demo)")
            creds = [local[b[0]] for b in bots]
        else:
            rest_url, gw = sim.rest, None
            creds = [(UPSTREAM_KEY, UPSTREAM_SECRET)] * len(bots)
        results = run_programs(args.python, rest_url, workdir, label, args.seconds, creds, procs)
        out["results"] = results
        out["summary"] = summarize(results)
        out["nonce_ledger"] = sim.nonce_ledger()      # read before our own verification calls
        fails, verified = judge_orders(results, sim.order_ledger())
        out["order_failures"], out["orders_verified"] = fails, verified
        if gw is not None:
            outcomes: Dict[str, int] = {}
            for m in re.finditer(r"gateway signed call .*?outcome=(\w+)", gw.stderr_text()):
                outcomes[m.group(1)] = outcomes.get(m.group(1), 0) + 1
            out["gateway_outcomes"] = outcomes
            secrets_logged = [v for pair in creds for v in pair if v in gw.stderr_text()] + \
                             ([UPSTREAM_SECRET] if UPSTREAM_SECRET in gw.stderr_text() else [])
            out["secrets_in_log"] = len(secrets_logged)
    finally:
        for p in reversed(mine):
            p.stop()
    return out


def print_side_by_side(g: Dict[str, Any], d: Dict[str, Any]) -> None:
    def row(title: str, a: Any, b: Any) -> None:
        print(f"  {title:34s} {str(a):>22s}   {str(b):>22s}")

    gs, ds = g.get("summary", {}), d.get("summary", {})
    gl, dl = g.get("nonce_ledger", {}), d.get("nonce_ledger", {})
    print("\n== Same workload (4 bitfinex-api-py + 4 ccxt programs, one API key)")
    row("", "through the gateway", "direct (real key)")
    row("programs / reports", f"{gs.get('programs')} / {gs.get('reports')}", f"{ds.get('programs')} / {ds.get('reports')}")
    row("signed calls made", gs.get("calls"), ds.get("calls"))
    row("nonce errors (10114) seen", gs.get("nonce_errors"), ds.get("nonce_errors"))
    row("other errors", f"{gs.get('other_errors')} {gs.get('other_codes') or ''}".strip(),
        f"{ds.get('other_errors')} {ds.get('other_codes') or ''}".strip())
    row("orders placed", gs.get("orders"), ds.get("orders"))
    row("orders verified in the ledger", g.get("orders_verified"), d.get("orders_verified"))
    row("order-ledger problems", len(g.get("order_failures", [])), len(d.get("order_failures", [])))
    row("sim nonces accepted", gl.get("accepted"), dl.get("accepted"))
    row("sim nonces rejected", gl.get("rejected"), dl.get("rejected"))
    row("sim nonces out of order", gl.get("outOfOrder"), dl.get("outOfOrder"))
    print("  nonce errors per program:")
    for name in (gs.get("per_program_nonce_errors") or {}):
        row(f"    {name}", gs["per_program_nonce_errors"][name], (ds.get("per_program_nonce_errors") or {}).get(name))
    if "gateway_outcomes" in g:
        print(f"  gateway audit (log lines by outcome): {g['gateway_outcomes']}; secrets found in the gateway log: {g.get('secrets_in_log')}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bfxrun", default=str(REPO / ".build" / "debug" / "bfxrun"))
    venv = REPO / ".bench-venv" / "bin" / "python"
    ap.add_argument("--python", default=str(venv if venv.exists() else sys.executable),
                    help="interpreter with bitfinex-api-py 4.x and ccxt 4.5 (default: .bench-venv)")
    ap.add_argument("--seconds", type=float, default=20.0, help="run time of every program, per phase (5..35)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (reports, logs, YAML)")
    args = ap.parse_args()
    if not 5 <= args.seconds <= 35:
        ap.error("--seconds must be within 5..35 (two phases must fit in the 115 s budget)")
    if not Path(args.bfxrun).exists():
        print(f"bfxrun not found: {args.bfxrun}", file=sys.stderr)
        return 2

    procs: List[Proc] = []

    def alarm(_sig: int, _frame: Any) -> None:
        raise Failure(f"hard time limit of {BUDGET_S:.0f} s reached")

    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(int(BUDGET_S))
    workdir = Path(tempfile.mkdtemp(prefix="check-gateway-signed-"))
    started = time.monotonic()
    try:
        g = phase_run("gateway", args, workdir, procs)
        d = phase_run("direct", args, workdir, procs)
    except Failure as e:
        print(f"SETUP FAILURE: {e}", file=sys.stderr)
        print(f"work directory: {workdir}", file=sys.stderr)
        return 2
    finally:
        signal.alarm(0)
        for p in reversed(procs):
            p.stop()

    fails: List[str] = []
    for r in g["results"]:
        rep = r["report"]
        if rep is None:
            fails.append(f"{r['name']}: no report (exit {r['rc']}): {r['stderr']}")
            continue
        if r["rc"] != 0:
            fails.append(f"{r['name']}: exit status {r['rc']}")
        if rep["nonce_errors"]:
            fails.append(f"{r['name']}: {rep['nonce_errors']} nonce errors")
        if rep["other_errors"]:
            fails.append(f"{r['name']}: {rep['other_errors']} other errors {rep['other_errors_by_code']}: {rep['error_samples'][:2]}")
        if rep["orders_placed"] == 0:
            fails.append(f"{r['name']}: placed no order")
    fails += g["order_failures"]
    led = g["nonce_ledger"]
    if led["rejected"] or led["outOfOrder"]:
        fails.append(f"simulator nonce ledger of the key: rejected {led['rejected']}, outOfOrder {led['outOfOrder']}")
    if g.get("secrets_in_log"):
        fails.append(f"{g['secrets_in_log']} credential value(s) appear in the gateway's log")

    print_side_by_side(g, d)
    if d["summary"]["nonce_errors"] == 0 and d["nonce_ledger"]["rejected"] == 0:
        print("  note: the direct run saw no nonce error this time (expected some; not a failure of the gateway)")
    print(f"\n  elapsed {time.monotonic() - started:.1f} s; work directory {workdir}{'' if args.keep else ' (removed)'}")
    for f in fails:
        print(f"  FAIL: {f}")
    print(f"  RESULT: {'PASS (gateway run clean)' if not fails else 'FAIL'}")
    if not args.keep and not fails:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    elif fails:
        print(f"  (work directory kept: {workdir})")
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main())
