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

Everything is on 127.0.0.1 and bounded (hard alarm at 2 × --seconds + 90 s: 130 s by default); every process started here is
stopped at the end, also on failure. Exit status 0 = the gateway run was clean, 1 = it was not,
2 = usage or setup failure.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
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

sys.path.insert(0, str(REPO / "scripts"))
from checklib import Failure, Proc, free_port  # noqa: E402

PROGRAMS = {
    "bfxapi": REPO / "examples" / "python" / "gateway_signed_bfxapi.py",
    "ccxt": REPO / "examples" / "python" / "gateway_signed_ccxt.py",
}
PER_LIBRARY = 4
# Hard time limit: two phases of --seconds each plus 90 s of start-up, faults and comparison
# (130 s at the default 20 s, 210 s at the 60 s of `make bench`).
BUDGET_OVERHEAD_S = 90.0
BUDGET_S = 130.0  # recomputed from --seconds in main()
ORDERS_PER_5_MIN = 1000   # the simulator's (and Bitfinex's) order budget per user
CLOSED_KEPT = 500         # closed orders the simulator keeps per user (auth/r/orders/hist)
UPSTREAM_KEY = "check-upstream-" + secrets.token_hex(4)
UPSTREAM_SECRET = secrets.token_hex(24)
SELLER_KEY = "check-seller-" + secrets.token_hex(4)      # user 2: fills user 1's order during an outage
SELLER_SECRET = secrets.token_hex(24)
FILL_CID = 9_000_001
RECONNECT_DELAY_S = 1.5   # the gateway's upstream reconnect delay after a drop (YAML below): the outage
SNAPSHOT_TYPES = {"os", "ps", "ws", "fos", "fcs", "fls", "hos"}


def log(msg: str) -> None:
    sys.stderr.write(f"[gateway-signed {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


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


# ------------------------------------------------------------------------------------------------
# Simulator (upstream) and gateway
# ------------------------------------------------------------------------------------------------


class Simulator:
    def __init__(self, bfxrun: str, workdir: Path, name: str, duration: float, procs: List[Proc]) -> None:
        keys = workdir / f"{name}-keys.json"
        keys.write_text(json.dumps([{"key": UPSTREAM_KEY, "secretEnv": "CHECK_UPSTREAM_SECRET", "userId": 1, "canWrite": True},
                                    {"key": SELLER_KEY, "secretEnv": "CHECK_SELLER_SECRET", "userId": 2, "canWrite": True}]))
        env = {**base_env(), "CHECK_UPSTREAM_SECRET": UPSTREAM_SECRET, "CHECK_SELLER_SECRET": SELLER_SECRET}
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

    def signed(self, path: str, body: Dict[str, Any], key: str = UPSTREAM_KEY, secret: str = UPSTREAM_SECRET,
               base: Optional[str] = None) -> Any:
        """A signed call straight to the simulator (default: the real key, after the run; the nonce
        is above everything the key used, so it never disturbs the ledger), or to `base` (the
        gateway) with a local key."""
        nonce = max(int(time.time() * 1_000_000), self.last_nonce + 1,
                    self.nonce_ledger()["lastNonce"] + 1 if key == UPSTREAM_KEY and base is None else 0)
        self.last_nonce = nonce
        raw = json.dumps(body)
        sig = hmac.new(secret.encode(), f"/api/v2/{path}{nonce}{raw}".encode(), hashlib.sha384).hexdigest()
        status, text = http("POST", f"{base or self.rest}/{path}", raw.encode(),
                            {"bfx-apikey": key, "bfx-nonce": str(nonce), "bfx-signature": sig,
                             "content-type": "application/json"})
        if status != 200:
            raise Failure(f"POST {path} -> {status} {text[:200]}")
        return json.loads(text)

    def events(self, after: int = 0) -> Dict[str, Any]:
        """User 1's account-event log (`GET /_sim/events/1`): every channel-0 event the simulator
        emitted, in order, with the number of authenticated sockets that were there to get it."""
        status, body = http("GET", f"{self.control}/events/1?after={after}")
        if status != 200:
            raise Failure(f"GET /_sim/events/1 -> {status} {body[:200]}")
        return json.loads(body)

    def fault(self, *faults: Dict[str, Any]) -> None:
        status, body = http("POST", f"{self.control}/fault", json.dumps(list(faults)).encode())
        if status != 200:
            raise Failure(f"POST /_sim/fault {faults} -> {status} {body[:200]}")

    def book_top(self, symbol: str) -> Tuple[float, float]:
        status, body = http("GET", f"{self.control}/book/{symbol}?len=1")
        book = json.loads(body)
        if status != 200 or not book["bids"] or not book["asks"]:
            raise Failure(f"GET /_sim/book/{symbol} -> {status} {body[:200]}")
        return float(book["bids"][0]["price"]), float(book["asks"][0]["price"])

    def order_ledger(self) -> List[List[Any]]:
        """Active orders and the closed-order history of user 1 (rows: id, gid, cid, symbol, …, status at 13)."""
        return self.signed("auth/r/orders", {}) + self.signed("auth/r/orders/hist", {"limit": CLOSED_KEPT})


def gateway_yaml(sim: Simulator, port: int, bots: List[Tuple[str, str, str]], budget: int = 10000) -> str:
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
        f"  rest_auth_per_minute: {budget}     # the key's budget per endpoint, shared by every local key",
        "connections:",
        "  - name: demo-account",
        "    key: demo                # the key's one upstream session: serves every local WebSocket auth",
        "websocket:",
        "  reconnect:               # a fixed delay, so a dropped upstream is an outage of known length",
        f"    initial_delay: {int(RECONNECT_DELAY_S * 1000)}ms",
        "    jitter: none",
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
                  bots: List[Tuple[str, str, str]], procs: List[Proc], budget: int = 10000) -> Tuple[str, Proc]:
    port = free_port()
    config = workdir / "gateway.yaml"
    config.write_text(gateway_yaml(sim, port, bots, budget))
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


def run_programs(python: str, rest_url: str, ws_url: str, workdir: Path, phase: str, seconds: float,
                 creds: List[Tuple[str, str]], procs: List[Proc]) -> List[Dict[str, Any]]:
    """Starts 4 + 4 programs at once (program i signs with creds[i]), each with an authenticated
    WebSocket (bitfinex-api-py programs 3 and 4 with the auth filter `trading,notify`); waits;
    returns one result each."""
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
                    "--name", name, "--cid-base", str(cid_base), "--max-orders", str(max_orders), "--ws-url", ws_url]
            if lib == "bfxapi" and n > 2:
                argv += ["--ws-filter", "trading,notify"]
            p = Proc(name, argv, workdir, env)
            procs.append(p)
            started.append((name, p, report, cid_base))
    deadline = time.monotonic() + seconds + 40
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


# ------------------------------------------------------------------------------------------------
# Outages during the gateway run, and the account-event judgement
# ------------------------------------------------------------------------------------------------


def now_ms() -> int:
    return int(time.time() * 1000)


class Outages(threading.Thread):
    """Runs beside the programs (gateway phase), from the moment their 8 sockets are connected:
    at 1 s places user 1's fill order through the gateway (local key `check-fill`, a BUY inside
    the spread, alone at the top of the book); at 2 s drops every simulator socket and at once
    lets user 2 (its own key, straight to the simulator) sell into that order, so it fills while
    the gateway's upstream session is down (it reconnects after RECONNECT_DELAY_S); at 6 s sends
    info 20051; at 9 s a 2 s maintenance window. Records each window as (name, start ms, end ms)."""

    def __init__(self, sim: "Simulator", gateway_rest: str, fill_creds: Tuple[str, str]) -> None:
        super().__init__(daemon=True)
        self.sim, self.gateway_rest, self.fill_creds = sim, gateway_rest, fill_creds
        self.t0 = time.monotonic()
        self.windows: List[Tuple[str, int, int]] = []
        self.fill_order: Optional[int] = None
        self.errors: List[str] = []

    def run(self) -> None:
        try:
            self._run()
        except Exception as e:  # reported as a failure of the run
            self.errors.append(f"{type(e).__name__}: {e}")

    def _at(self, t: float) -> None:
        time.sleep(max(0.0, self.t0 + t - time.monotonic()))

    def _sessions(self) -> int:
        return int(self.sim.events(after=1 << 60)["sessions"])

    def _run(self) -> None:
        sim = self.sim
        # the timeline starts once the 8 programs' sockets are connected (their start-up, imports
        # included, takes seconds on a loaded machine)
        state_url = self.gateway_rest[:-3] + "/_gateway/state"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            status, body = http("GET", state_url, timeout=2)
            if status == 200 and len(json.loads(body).get("clients", [])) >= 2 * PER_LIBRARY:
                break
            time.sleep(0.1)
        time.sleep(0.5)  # their auth
        self.t0 = time.monotonic()
        self._at(1.0)
        bid, ask = sim.book_top("tBTCUSD")
        price = float(f"{(bid + ask) / 2:.5g}")
        if not bid < price < ask:
            price = bid
        key, secret = self.fill_creds
        n = sim.signed("auth/w/order/submit", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01",
                                               "price": str(price), "cid": FILL_CID}, key=key, secret=secret, base=self.gateway_rest)
        rows = n[4] if isinstance(n, list) and len(n) > 4 else None
        self.fill_order = int(rows[0][0] if rows and isinstance(rows[0], list) else rows[0])
        self._at(2.0)
        start = now_ms()
        sim.fault({"fault": "drop"})
        sim.signed("auth/w/order/submit", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-0.01",
                                           "price": str(price)}, key=SELLER_KEY, secret=SELLER_SECRET)
        seen_down, deadline = False, time.monotonic() + 10
        while time.monotonic() < deadline:
            up = self._sessions()
            seen_down = seen_down or up == 0
            if seen_down and up >= 1:
                break
            time.sleep(0.02)
        else:
            self.errors.append("the gateway's upstream session did not come back within 10 s of the drop")
        self.windows.append(("drop", start, now_ms()))
        self._at(6.0)
        start = now_ms()
        sim.fault({"fault": "restart"})
        time.sleep(2.0)
        self.windows.append(("restart 20051", start, now_ms()))
        self._at(9.0)
        start = now_ms()
        sim.fault({"fault": "maintenance", "seconds": 2})
        time.sleep(2.5)
        self.windows.append(("maintenance", start, now_ms()))


def event_group(type_: str) -> str:
    """Bitfinex's `filter` groups as the gateway applies them (docs/gateway.md)."""
    if type_ in ("os", "on", "ou", "oc", "hos", "te", "tu", "ps", "pn", "pu", "pc"):
        return "trading"
    if type_ in ("ws", "wu"):
        return "wallet"
    return {"bu": "balance", "n": "notify", "miu": "info", "fiu": "info"}.get(type_, "funding" if type_.startswith("f") else "other")


def status_head(status: Any) -> str:
    """`EXECUTED @ 9.1(0.01)` → EXECUTED, `CANCELED was: …` → CANCELED (numbers may be rendered differently)."""
    return str(status or "").split(" @")[0].split(" was:")[0]


def ident(type_: str, data: Any) -> Tuple[Any, ...]:
    """What identifies an account event across the simulator's log and a library's raw frame."""
    if not isinstance(data, list) or not data:
        return (type_,)
    if type_ in ("on", "ou", "oc") and len(data) > 13:
        return (type_, int(data[0]), status_head(data[13]))
    if type_ in ("te", "tu", "pn", "pu", "pc", "miu", "fiu"):
        return (type_, data[0])
    if type_ == "wu":
        return (type_, data[0], data[1])
    if type_ == "n" and len(data) > 6:
        info = data[4]
        row = info[0] if isinstance(info, list) and info and isinstance(info[0], list) else info
        oid = row[0] if isinstance(row, list) and row else None
        return (type_, data[1], data[6], oid)
    return (type_,)


def judge_events(rep: Dict[str, Any], log: List[Dict[str, Any]], windows: List[Tuple[str, int, int]],
                 fill_order: Optional[int]) -> Tuple[List[str], Dict[str, int]]:
    """Every authenticated client received the simulator's account events of the key in the
    simulator's order, from its auth onward, honouring its filter. Outside the outage windows
    the sequence is exact; an event the simulator emitted while no upstream session was there
    (or just around a reconnect) may be absent from the live stream, and the events the gateway
    derives after re-authentication (the outage's fills and closes, a `bu`) are accepted from the
    start of a window to 3 s after it; the gateway's "outcome unknown" notice for an input that was
    on the wire when the connection went down is not an event of the key. Returns (problems, counts)."""
    ws, name = rep["ws"], rep["program"]
    filt = set(ws.get("filter") or [])
    allowed = (lambda t: True) if not filt else (lambda t: event_group(t) in filt)
    outage = [(a - 100, b + 500) for (_n, a, b) in windows if not _n.startswith("maintenance")]
    after_outage = [(a - 100, b + 3000) for (_n, a, b) in windows if not _n.startswith("maintenance")]
    in_any = lambda ms, spans: any(a <= ms <= b for a, b in spans)  # noqa: E731
    # events that may be lost live and come back derived after re-authentication: those sent
    # with no session, and those sent around a reconnect (a 20051 closes the socket while the
    # simulator still counts the session and writes into it); derived ones come in the gateway's
    # order, not necessarily the simulator's
    offline_ids = {ident(e["type"], e["data"]) for e in log if e["sessions"] == 0 or in_any(e["mts"], outage)}
    expected = [(ident(e["type"], e["data"]), e["mts"], e["sessions"] == 0 or in_any(e["mts"], outage))
                for e in log if allowed(e["type"]) and (e["sessions"] > 0 or in_any(e["mts"], outage))]
    # the gateway's own notice to this socket alone: an input that was on the wire when the
    # upstream connection went down and was not placed (the simulator never emitted it)
    unknown = lambda t, d: t == "n" and isinstance(d, list) and len(d) > 7 and "outcome unknown" in str(d[7])  # noqa: E731
    got = [(ident(t, d), ms, t) for ms, t, d in ws["events"] if not unknown(t, d)]
    k = 0                                   # the snapshots after auth (and the `bu` that ends them)
    while k < len(got) and got[k][2] in SNAPSHOT_TYPES:
        k += 1
    if k < len(got) and got[k][2] == "bu" and k > 0:
        k += 1
    got = got[k:]
    counts = {"received": len(ws["events"]), "compared": len(got), "skipped_optional": 0, "derived_after_outage": 0,
              "outcome_unknown_notices": sum(1 for _ms, t, d in ws["events"] if unknown(t, d))}
    if ws.get("auth_ms") is None:
        return [f"{name}: the WebSocket never authenticated"], counts
    if not got:
        return [f"{name}: no account event received after the snapshots"], counts
    auth = int(ws["auth_ms"])
    horizon = int(rep["started_ms"] + rep["seconds"] * 1000) - 1000
    best: Optional[Tuple[List[str], Dict[str, int]]] = None
    best_j = 0
    # the first event after the snapshots may repeat one of them (a `wu`, say): try every place
    # near the auth where it occurs, keep the one that explains the whole sequence
    anchors = [i for i, e in enumerate(expected) if e[0] == got[0][0] and auth - 1500 <= e[1] <= auth + 5000][:400]
    for a in anchors:
        problems: List[str] = []
        c = dict(counts)
        missed_start = [e for e in expected[:a] if e[1] >= auth + 1000 and not e[2]]
        if missed_start:
            problems.append(f"{name}: {len(missed_start)} event(s) after its auth were never received, first {missed_start[0][0]}")
        i, j = a, 0
        while i < len(expected) and j < len(got):
            if expected[i][0] == got[j][0]:
                i += 1
                j += 1
            elif in_any(got[j][1], after_outage) and (got[j][0] in offline_ids or got[j][2] in ("wu", "bu", "pu", "pn", "pc")):
                j += 1
                c["derived_after_outage"] += 1
            elif expected[i][2]:
                i += 1
                c["skipped_optional"] += 1
            else:
                problems.append(f"{name}: event #{j + k + 1} is {got[j][0]}, the simulator's next was {expected[i][0]}")
                break
        if not problems:
            while j < len(got) and in_any(got[j][1], after_outage) and got[j][0] in offline_ids:
                j += 1
                c["derived_after_outage"] += 1
            if j < len(got):
                problems.append(f"{name}: {len(got) - j} event(s) received that the simulator did not send in that order, first {got[j][0]}")
            missing = [e for e in expected[i:] if e[1] <= horizon and not e[2]]
            if missing:
                problems.append(f"{name}: {len(missing)} event(s) of the key never received, first {missing[0][0]}")
        if best is None or (len(problems), -j) < (len(best[0]), -best_j):
            best, best_j = (problems, c), j
        if not problems:
            break
    if best is None:
        return [f"{name}: its first event {got[0][0]} is not in the simulator's log near its auth"], counts
    problems, counts = best
    drop_start = min((a for (_n, a, _b) in windows if _n == "drop"), default=None)
    if fill_order is not None and allowed("oc") and drop_start is not None and auth < drop_start:
        ids = {g[0] for g in got}
        for want in (("oc", fill_order, "EXECUTED"),):
            if want not in ids:
                problems.append(f"{name}: the order filled during the outage ({fill_order}) never reached it as `oc` EXECUTED")
        if not any(t == "te" and isinstance(d, list) and len(d) > 3 and d[3] == fill_order for _ms, t, d in ws["events"]):
            problems.append(f"{name}: the trade of the order filled during the outage ({fill_order}) never reached it as `te`")
    return problems, counts


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
            fill = ("check-fill", "CHECK_FILL_KEY", "CHECK_FILL_SECRET")
            fill_creds = ("local-check-fill-" + secrets.token_hex(6), secrets.token_hex(24))
            env[fill[1]], env[fill[2]] = fill_creds
            rest_url, gw = start_gateway(args.bfxrun, sim, workdir, args.seconds + 50, env, bots + [fill], mine)
            log(f"gateway: {rest_url} (8 local keys on account demo; drop, 20051, maintenance once the sockets are up)")
            creds = [local[b[0]] for b in bots]
            outages: Optional[Outages] = Outages(sim, rest_url, fill_creds)
        else:
            rest_url, gw, outages = sim.rest, None, None
            creds = [(UPSTREAM_KEY, UPSTREAM_SECRET)] * len(bots)
        ws_url = rest_url[:-3].replace("http://", "ws://") + "/ws/2"
        if outages is not None:
            outages.start()
        results = run_programs(args.python, rest_url, ws_url, workdir, label, args.seconds, creds, procs)
        if outages is not None:
            outages.join(timeout=10)
            out["outage_windows"], out["outage_errors"], out["fill_order"] = outages.windows, outages.errors, outages.fill_order
        log_events = sim.events()
        (workdir / f"{label}-sim-events.json").write_text(json.dumps(log_events))
        out["event_log"] = {"total": log_events["total"], "dropped": log_events["dropped"],
                            "offline": sum(1 for e in log_events["events"] if e["sessions"] == 0)}
        event_fails: List[str] = []
        event_counts: Dict[str, int] = {}
        inputs_in_outage = 0
        drop = [(a, b) for (n, a, b) in out.get("outage_windows", []) if n == "drop"]
        for r in results:
            rep = r["report"]
            if rep is None:
                continue
            fails, counts = judge_events(rep, log_events["events"], out.get("outage_windows", []), out.get("fill_order"))
            event_fails += fails
            for key_, v in counts.items():
                event_counts[key_] = event_counts.get(key_, 0) + v
            if rep["ws"]["opens"] != 1:
                event_fails.append(f"{r['name']}: its WebSocket was opened {rep['ws']['opens']} times (a local socket closed)")
            inputs_in_outage += sum(1 for x in rep["ws"]["inputs"] if x["input"] == "on" and any(a <= x["ms"] <= b for a, b in drop))
        if drop:
            late = [r["name"] for r in results if r["report"] and (r["report"]["ws"].get("auth_ms") or 1 << 62) >= drop[0][0]]
            if late:
                event_fails.append(f"{len(late)} socket(s) authenticated only after the drop (nothing to prove for them): {late}")
        if log_events["dropped"]:
            event_fails.append(f"the simulator's event log dropped {log_events['dropped']} events (raise its limit)")
        out["event_failures"], out["event_counts"], out["ws_inputs_in_outage"] = event_fails, event_counts, inputs_in_outage
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
    ge, de = g.get("event_counts", {}), d.get("event_counts", {})
    row("WS account events received", ge.get("received"), de.get("received"))
    row("  compared with the sim's log", ge.get("compared"), de.get("compared"))
    row("  event-order problems", len(g.get("event_failures", [])), len(d.get("event_failures", [])))
    row("sim account events (offline)", f"{g.get('event_log', {}).get('total')} ({g.get('event_log', {}).get('offline')})",
        f"{d.get('event_log', {}).get('total')} ({d.get('event_log', {}).get('offline')})")
    row("WS inputs sent during the drop", g.get("ws_inputs_in_outage"), "-")
    if g.get("outage_windows"):
        spans = ", ".join(f"{n} {(b - a) / 1000:.1f} s" for n, a, b in g["outage_windows"])
        print(f"  outages during the gateway run: {spans}; order {g.get('fill_order')} filled during the drop")
    if "gateway_outcomes" in g:
        print(f"  gateway audit (log lines by outcome): {g['gateway_outcomes']}; secrets found in the gateway log: {g.get('secrets_in_log')}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bfxrun", default=str(REPO / ".build" / "debug" / "bfxrun"))
    venv = REPO / ".bench-venv" / "bin" / "python"
    ap.add_argument("--python", default=str(venv if venv.exists() else sys.executable),
                    help="interpreter with bitfinex-api-py 4.x and ccxt 4.5 (default: .bench-venv)")
    ap.add_argument("--seconds", type=float, default=20.0, help="run time of every program, per phase (5..60)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (reports, logs, YAML)")
    args = ap.parse_args()
    if not 5 <= args.seconds <= 60:
        ap.error("--seconds must be within 5..60 (the hard time limit is 2 x seconds + 90 s)")
    global BUDGET_S
    BUDGET_S = 2 * args.seconds + BUDGET_OVERHEAD_S
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
        if r["rc"] not in (0, 1):   # 1: some call failed (judged from the report below)
            fails.append(f"{r['name']}: exit status {r['rc']}")
        if rep["nonce_errors"]:
            fails.append(f"{r['name']}: {rep['nonce_errors']} nonce errors")
        maintenance_answers = rep["other_errors_by_code"].get("20060", 0)  # Bitfinex's answer during maintenance
        if rep["other_errors"] - maintenance_answers:
            fails.append(f"{r['name']}: {rep['other_errors']} other errors {rep['other_errors_by_code']}: {rep['error_samples'][:2]}")
        if rep["orders_placed"] == 0:
            fails.append(f"{r['name']}: placed no order")
    fails += g["order_failures"]
    fails += g.get("event_failures", [])
    fails += [f"outages: {e}" for e in g.get("outage_errors", [])]
    if not g.get("ws_inputs_in_outage"):
        fails.append("no WebSocket order input was sent while the upstream session was down (nothing to prove)")
    if g.get("fill_order") is None:
        fails.append("the order to be filled during the outage was not placed")
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
