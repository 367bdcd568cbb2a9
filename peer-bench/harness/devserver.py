"""Harness self-test server. NOT the simulator and never a source of published numbers.

A tiny Bitfinex-shaped loopback server (aiohttp) used only to test the peer scripts and the
orchestrator plumbing (`run_peers.py --self-test`) when `bfxrun simulate` is unavailable.
Results produced against it are labelled "self-test" and are refused by the table writer.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import time
import zlib

from aiohttp import web

from common import js_str


def wire(x):  # type: ignore[no-untyped-def]
    """Numbers as Bitfinex writes them (JS style: 99 not 99.0); recursive over lists."""
    if isinstance(x, list):
        return [wire(v) for v in x]
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


class Market:
    def __init__(self, rng: random.Random, mid: float) -> None:
        self.rng = rng
        self.mid = mid
        self.bids = {round(mid - i * 0.5, 1): round(rng.uniform(0.01, 2), 4) for i in range(1, 26)}
        self.asks = {round(mid + i * 0.5, 1): -round(rng.uniform(0.01, 2), 4) for i in range(1, 26)}
        self.trade_id = 1

    def snapshot(self):  # type: ignore[no-untyped-def]
        b = sorted(self.bids, reverse=True)[:25]
        a = sorted(self.asks)[:25]
        return [[p, 1, self.bids[p]] for p in b] + [[p, 1, self.asks[p]] for p in a]

    def step(self):  # type: ignore[no-untyped-def]
        side = self.bids if self.rng.random() < 0.5 else self.asks
        p = self.rng.choice(list(side))
        if self.rng.random() < 0.2 and len(side) > 20 and not getattr(self, "gone", None):  # delete; re-added by a later update to keep 25 levels
            del side[p]
            self.gone = (p, side)
            return [p, 0, 1 if side is self.bids else -1]
        if getattr(self, "gone", None):
            p, side = self.gone
            self.gone = None
        amt = round(self.rng.uniform(0.01, 2), 4) * (1 if side is self.bids else -1)
        side[p] = amt
        return [p, 1, amt]

    def checksum(self) -> int:
        b = sorted(self.bids, reverse=True)[:25]
        a = sorted(self.asks)[:25]
        parts = []
        for i in range(25):
            if i < len(b):
                parts += [js_str(b[i]), js_str(self.bids[b[i]])]
            if i < len(a):
                parts += [js_str(a[i]), js_str(self.asks[a[i]])]
        v = zlib.crc32(":".join(parts).encode())
        return v - (1 << 32) if v >= (1 << 31) else v


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--rate", type=float, default=200.0, help="ticks per second per symbol")
    ap.add_argument("--key", default="benchkey")
    ap.add_argument("--secret", default="benchsecret")
    args = ap.parse_args()
    rng = random.Random(7)
    markets: dict = {}
    sockets: set = set()
    last_nonce: dict = {}
    stats: dict = {"accepted": 0, "rejected": 0, "per_key": {}}

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        sockets.add(ws)
        await ws.send_str(json.dumps({"event": "info", "version": 2, "platform": {"status": 1}}))
        chans: dict = {}
        next_id = [100]

        async def pump() -> None:
            interval = 1.0 / args.rate
            while not ws.closed:
                await asyncio.sleep(interval)
                for cid, (ch, sym) in list(chans.items()):
                    m = markets[sym]
                    if ch == "book":
                        await ws.send_str(json.dumps([cid, wire(m.step())]))
                        await ws.send_str(json.dumps([cid, "cs", m.checksum()]))
                    elif ch == "trades":
                        m.trade_id += 1
                        await ws.send_str(json.dumps([cid, "te", [m.trade_id, int(time.time() * 1000), 0.1, m.mid]]))
                    elif ch == "ticker":
                        await ws.send_str(json.dumps([cid, [m.mid - 1, 1, m.mid + 1, 1, 0, 0, m.mid, 10, m.mid + 5, m.mid - 5]]))

        async def guarded() -> None:
            try:
                await pump()
            except Exception as e:  # surface bugs of this test server
                print(f"pump failed: {e!r}", flush=True)

        task = asyncio.create_task(guarded())
        try:
            async for msg in ws:
                data = json.loads(msg.data)
                if isinstance(data, dict) and data.get("event") == "subscribe":
                    sym = data["symbol"]
                    markets.setdefault(sym, Market(rng, 100.0 + len(markets) * 10))
                    next_id[0] += 1
                    cid = next_id[0]
                    echo = {k: v for k, v in data.items() if k != "event"}
                    await ws.send_str(json.dumps({"event": "subscribed", "chanId": cid, **echo}))
                    m = markets[sym]
                    if data["channel"] == "book":
                        await ws.send_str(json.dumps([cid, wire(m.snapshot())]))
                    elif data["channel"] == "trades":
                        await ws.send_str(json.dumps([cid, [[m.trade_id, int(time.time() * 1000), 0.1, m.mid]]]))
                    chans[cid] = (data["channel"], sym)
                elif isinstance(data, dict) and data.get("event") == "conf":
                    await ws.send_str(json.dumps({"event": "conf", "status": "OK", "flags": data["flags"]}))
        finally:
            task.cancel()
            sockets.discard(ws)
        return ws

    async def wallets(request: web.Request) -> web.Response:
        body = await request.text()
        nonce = request.headers.get("bfx-nonce", "")
        key = request.headers.get("bfx-apikey", "")
        # the orchestrator's keys are bench-<client> with secret bench-secret-<client>
        secret = args.secret if key == args.key else key.replace("bench-", "bench-secret-", 1)
        sig = hmac.new(secret.encode(), f"/api/v2/auth/r/wallets{nonce}{body}".encode(), hashlib.sha384).hexdigest()
        if not key.startswith("bench") or sig != request.headers.get("bfx-signature"):
            return web.json_response(["error", 10100, "apikey: invalid"], status=500)
        n = int(nonce)
        per = stats["per_key"].setdefault(key, {"accepted": 0, "rejected": 0})
        if n <= last_nonce.get(key, 0):
            stats["rejected"] += 1
            per["rejected"] += 1
            return web.json_response(["error", 10114, "nonce: small"], status=500)
        last_nonce[key] = n
        stats["accepted"] += 1
        per["accepted"] += 1
        return web.json_response([["exchange", "USD", 1000, 0, 1000, None, None]])

    async def drop(request: web.Request) -> web.Response:
        n = 0
        for ws in list(sockets):
            if ws._req is not None and ws._req.transport is not None:  # abrupt: no close frame
                ws._req.transport.abort()
                n += 1
        return web.json_response({"dropped": n})

    async def stat(request: web.Request) -> web.Response:
        return web.json_response({"nonces": stats["per_key"]})

    app = web.Application()
    app.router.add_get("/ws/2", ws_handler)
    app.router.add_post("/v2/auth/r/wallets", wallets)
    app.router.add_post("/_sim/fault", drop)
    app.router.add_get("/_sim/state", stat)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
