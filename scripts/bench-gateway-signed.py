#!/usr/bin/env python3
"""bench-gateway-signed.py — what the gateway costs a signed call and a WebSocket order, measured
against the same calls made directly (the simulator as the exchange). Figures only, no verdict.

    .bench-venv/bin/python scripts/bench-gateway-signed.py [--bfxrun .build/release/bfxrun] [--seconds 10]

Starts `bfxrun simulate` (one key, user 1) and `bfxrun gateway` with 8 local keys on that key
(the YAML of scripts/check-gateway-signed.py), then measures on 127.0.0.1:

1. RTT: `GET /v2/platform/status` straight to the simulator, sequential (p50 → 1/RTT calls/s).
2. Signed REST throughput, `POST auth/r/wallets`, for --seconds each:
   - gateway: 8 clients (threads, one keep-alive connection each), each signing with its own
     local key and its own nonces; the gateway re-signs them on the key's one sequential lane;
   - direct: 8 clients on the real key sharing one nonce lane, held across the call (the only way
     8 clients on one key avoid 10114, and what bfxkit's NonceManager does per key).
   Reported: calls/s, errors, and calls/s × the signed RTT (a direct sequential signed call,
   p50; 1.0 = one call per upstream round trip: the per-key lane is sequential by design, so it
   cannot exceed about 1/RTT of the upstream).
3. Added latency per signed call: one client, sequential, p50/p99 through the gateway vs direct.
4. WebSocket order round trip: an authenticated socket sends `on` (EXCHANGE LIMIT buy far below
   the market, new cid) and waits for both the `n` `on-req` notification and the `on` order event
   of that cid; then cancels it (`oc`, not timed). p50/p99 through the gateway vs direct.

Bounded: hard alarm at 4 × --seconds + 90 s; every process it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import importlib.util
import json
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_gateway_signed", REPO / "scripts" / "check-gateway-signed.py")
assert _spec is not None and _spec.loader is not None
cgs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cgs)  # the simulator/gateway helpers of the check

CLIENTS = 8


def pct(values: List[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


class Signer:
    """Signs `/api/v2/<path><nonce><body>`; `lane` (a lock and a counter) when calls must be sequential."""

    def __init__(self, key: str, secret: str, lane: Optional[threading.Lock] = None) -> None:
        self.key, self.secret, self.lane = key, secret, lane
        self.nonce = int(time.time() * 1_000_000)

    def headers(self, path: str, body: str) -> Dict[str, str]:
        self.nonce = max(self.nonce + 1, int(time.time() * 1_000_000))
        sig = hmac.new(self.secret.encode(), f"/api/v2/{path}{self.nonce}{body}".encode(), hashlib.sha384).hexdigest()
        return {"bfx-apikey": self.key, "bfx-nonce": str(self.nonce), "bfx-signature": sig, "content-type": "application/json"}


class Conn:
    def __init__(self, base: str) -> None:
        u = urllib.parse.urlsplit(base)
        cgs.require_loopback(base)
        self.host, self.port, self.prefix = u.hostname or "127.0.0.1", u.port or 80, u.path.rstrip("/")
        self.c = http.client.HTTPConnection(self.host, self.port, timeout=10)

    def request(self, method: str, path: str, body: Optional[str] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, str]:
        for attempt in (0, 1):
            try:
                self.c.request(method, f"{self.prefix}/{path}", body=body, headers=headers or {})
                r = self.c.getresponse()
                return r.status, r.read().decode()
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=10)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def signed(self, signer: Signer, path: str, body: str = "{}") -> Tuple[int, str]:
        if signer.lane is None:
            return self.request("POST", path, body, signer.headers(path, body))
        with signer.lane:
            return self.request("POST", path, body, signer.headers(path, body))


def throughput(base: str, signers: List[Signer], seconds: float) -> Dict[str, Any]:
    calls, errors, lat = [0] * len(signers), [0] * len(signers), [[] for _ in signers]  # type: ignore[var-annotated]
    end = time.monotonic() + seconds

    def run(i: int) -> None:
        conn = Conn(base)
        while time.monotonic() < end:
            t = time.perf_counter()
            status, _ = conn.signed(signers[i], "auth/r/wallets")
            lat[i].append((time.perf_counter() - t) * 1000)
            calls[i] += 1
            errors[i] += status != 200

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(signers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    every = [x for xs in lat for x in xs]
    return {"calls": sum(calls), "errors": sum(errors), "calls_per_s": sum(calls) / seconds,
            "p50_ms": pct(every, 50), "p99_ms": pct(every, 99)}


def sequential(base: str, signer: Signer, n: int, path: str = "auth/r/wallets") -> List[float]:
    conn = Conn(base)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        status, body = conn.signed(signer, path) if path.startswith("auth/") else conn.request("GET", path)
        out.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise cgs.Failure(f"{path} -> {status} {body[:200]}")
    return out


async def ws_round_trips(url: str, key: str, secret: str, n: int, cid_base: int) -> List[float]:
    import asyncio

    import websockets

    cgs.require_loopback(url)
    out: List[float] = []
    async with websockets.connect(url, max_size=None) as ws:
        nonce = int(time.time() * 1_000_000)
        payload = f"AUTH{nonce}"
        sig = hmac.new(secret.encode(), payload.encode(), hashlib.sha384).hexdigest()
        await ws.send(json.dumps({"event": "auth", "apiKey": key, "authSig": sig, "authNonce": nonce, "authPayload": payload}))

        async def until(pred: Callable[[Any], bool], timeout: float = 10.0) -> Any:
            deadline = time.monotonic() + timeout
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
                if pred(msg):
                    return msg

        auth = await until(lambda m: isinstance(m, dict) and m.get("event") == "auth")
        if auth.get("status") != "OK":
            raise cgs.Failure(f"ws auth failed: {auth}")
        for i in range(1, n + 1):
            cid = cid_base + i
            order = {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.001", "price": "1000", "cid": cid}
            t = time.perf_counter()
            await ws.send(json.dumps([0, "on", None, order]))
            got_n = got_on = False
            oid = None
            while not (got_n and got_on):
                m = await until(lambda m: isinstance(m, list) and len(m) > 2 and m[0] == 0 and m[1] in ("n", "on"))
                if m[1] == "n" and m[2][1] == "on-req":
                    info = m[2][4]
                    row = info[0] if info and isinstance(info[0], list) else info
                    if row and row[2] == cid:
                        if m[2][6] != "SUCCESS":
                            raise cgs.Failure(f"on-req {m[2][6]}: {m[2][7]}")
                        got_n = True
                elif m[1] == "on" and m[2][2] == cid:
                    got_on, oid = True, m[2][0]
            out.append((time.perf_counter() - t) * 1000)
            await ws.send(json.dumps([0, "oc", None, {"id": oid}]))
            await until(lambda m: isinstance(m, list) and len(m) > 2 and m[0] == 0 and m[1] == "oc" and m[2][0] == oid)
    return out


def main() -> int:
    import asyncio

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bfxrun", default=str(REPO / ".build" / "release" / "bfxrun"))
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of each throughput run (2..60)")
    ap.add_argument("--latency-calls", type=int, default=400, help="sequential calls for the latency figures")
    ap.add_argument("--orders", type=int, default=150, help="WebSocket orders per side (each cancelled again)")
    args = ap.parse_args()
    if not 2 <= args.seconds <= 60 or not 10 <= args.latency_calls <= 5000 or not 10 <= args.orders <= 400:
        ap.error("--seconds 2..60, --latency-calls 10..5000, --orders 10..400")
    if not Path(args.bfxrun).exists():
        print(f"bfxrun not found: {args.bfxrun}", file=sys.stderr)
        return 2

    def alarm(_sig: int, _frame: Any) -> None:
        raise cgs.Failure("hard time limit reached")

    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(int(4 * args.seconds + 90))
    workdir = Path(tempfile.mkdtemp(prefix="bench-gateway-signed-"))
    procs: List[Any] = []
    try:
        sim = cgs.Simulator(args.bfxrun, workdir, "simulator", 4 * args.seconds + 80, procs)
        bots = [(f"bot-{i}", f"CHECK_BOT_{i}_KEY", f"CHECK_BOT_{i}_SECRET") for i in range(1, CLIENTS + 1)]
        local = {b[0]: ("local-" + b[0] + "-" + cgs.secrets.token_hex(6), cgs.secrets.token_hex(24)) for b in bots}
        env = {**cgs.base_env(), "CHECK_UPSTREAM_KEY": cgs.UPSTREAM_KEY, "CHECK_UPSTREAM_SECRET": cgs.UPSTREAM_SECRET}
        for name, key_env, secret_env in bots:
            env[key_env], env[secret_env] = local[name]
        # a per-endpoint budget out of the way (1,000,000 per minute: burst 166,666, refill 16,666/s),
        # so the lane, not the token bucket, is measured; at 10,000 per minute the bucket alone caps
        # a 10 s run at 1,667 + 10 x 167 = 3,334 calls
        gw_rest, _gw = cgs.start_gateway(args.bfxrun, sim, workdir, 4 * args.seconds + 70, env, bots, procs, budget=1_000_000)
        gw_ws = gw_rest[:-3].replace("http://", "ws://") + "/ws/2"
        sim_ws = sim.rest[:-3].replace("http://", "ws://") + "/ws/2"

        rtt = sequential(sim.rest, Signer("", ""), args.latency_calls, "platform/status")
        rtt_ms = pct(rtt, 50)
        lane = threading.Lock()
        real = Signer(cgs.UPSTREAM_KEY, cgs.UPSTREAM_SECRET, lane)
        gw_tp = throughput(gw_rest, [Signer(*local[b[0]]) for b in bots], args.seconds)
        real.nonce = max(real.nonce, sim.nonce_ledger()["lastNonce"]) + 1   # above the gateway's lane
        direct_tp = throughput(sim.rest, [real] * CLIENTS, args.seconds)
        gw_lat = sequential(gw_rest, Signer(*local["bot-1"]), args.latency_calls)
        direct_lat = sequential(sim.rest, real, args.latency_calls)
        # the real key's nonces continue above the gateway's lane for the direct WS auth
        gw_rt = asyncio.run(ws_round_trips(gw_ws, *local["bot-2"], args.orders, 7_000_000))
        real.nonce = max(real.nonce, sim.nonce_ledger()["lastNonce"]) + 1
        direct_rt = asyncio.run(ws_round_trips(sim_ws, cgs.UPSTREAM_KEY, cgs.UPSTREAM_SECRET, args.orders, 8_000_000))
    except cgs.Failure as e:
        print(f"SETUP FAILURE: {e}", file=sys.stderr)
        return 2
    finally:
        signal.alarm(0)
        for p in reversed(procs):
            p.stop()

    print(f"== Gateway, signed calls and WebSocket orders ({args.bfxrun}; loopback)")
    signed_rtt = pct(direct_lat, 50)
    print(f"  RTT (GET platform/status, direct)   p50 {rtt_ms:.3f} ms  p99 {pct(rtt, 99):.3f} ms  -> 1/RTT = {1000 / rtt_ms:,.0f} calls/s")
    print(f"  signed RTT (auth/r/wallets, direct, sequential) p50 {signed_rtt:.3f} ms -> 1/RTT = {1000 / signed_rtt:,.0f} calls/s")
    for label, tp in (("gateway, 8 local keys", gw_tp), ("direct, 8 clients, one lane", direct_tp)):
        print(f"  signed REST {label:28s} {tp['calls_per_s']:8,.0f} calls/s  ({tp['calls']} calls, {tp['errors']} errors; "
              f"x signed RTT = {tp['calls_per_s'] * signed_rtt / 1000:.2f}; per call p50 {tp['p50_ms']:.2f} ms p99 {tp['p99_ms']:.2f} ms)")
    print(f"  signed call, 1 client, sequential   gateway p50 {pct(gw_lat, 50):.3f} ms p99 {pct(gw_lat, 99):.3f} ms; "
          f"direct p50 {pct(direct_lat, 50):.3f} ms p99 {pct(direct_lat, 99):.3f} ms; "
          f"added p50 {pct(gw_lat, 50) - pct(direct_lat, 50):+.3f} ms p99 {pct(gw_lat, 99) - pct(direct_lat, 99):+.3f} ms")
    print(f"  WS order round trip (on -> n on-req + on), {args.orders} orders: gateway p50 {pct(gw_rt, 50):.3f} ms "
          f"p99 {pct(gw_rt, 99):.3f} ms; direct p50 {pct(direct_rt, 50):.3f} ms p99 {pct(direct_rt, 99):.3f} ms")
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
