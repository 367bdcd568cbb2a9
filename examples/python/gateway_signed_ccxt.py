#!/usr/bin/env python3
"""Signed REST through the bfxkit gateway with ccxt (``ccxt.async_support.bitfinex``, API v2).

ccxt is used unmodified and configured ONLY by URL override and credentials:
``urls['api']['public']`` and ``urls['api']['private']`` = --rest-url without its ``/v2`` (ccxt
appends the version itself), ``apiKey``/``secret`` = a *local key* of a gateway account
(docs/gateway.md, "Accounts and signed calls"), or the real key against Bitfinex or the simulator.
ccxt signs every call itself with its own millisecond nonce (``incrementing_nonce``: increasing
per exchange instance only). Markets are given with ``set_markets`` (the simulator does not serve
the combined ``conf/pub:…`` listings ``load_markets`` asks for), so ccxt makes no request we did
not ask for. ccxt's own throttle is off: the gateway enforces the key's budgets for everyone.

For --seconds, --workers asyncio tasks share the one exchange instance and repeat a cycle
(pausing --interval s): ``fetch_balance()`` (``auth/r/wallets``); ``create_order(SYMBOL, "limit",
"buy", AMOUNT, PRICE, {"cid": …})`` (an EXCHANGE LIMIT BUY far below the market; cids CID_BASE+1,
CID_BASE+2, …, at most --max-orders); ``fetch_open_orders(SYMBOL)``; every second order it placed
is cancelled (``cancel_order(id, SYMBOL)``). The JSON report has the calls made, the nonce errors
(``InvalidNonce``, 10114) seen, the other errors by code, and every order placed (id, cid,
cancelled). Exit status 0 when no call failed.

Credentials come from the environment (--key-env/--secret-env, default BFX_API_KEY and
BFX_API_SECRET), never from the command line:

    BFX_API_KEY=… BFX_API_SECRET=… .bench-venv/bin/python examples/python/gateway_signed_ccxt.py \
        --rest-url http://127.0.0.1:8766/v2 --cid-base 2000000 --seconds 20 --report ccxt-signed.json
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional

from gateway_common import SignedReport, parse_signed_args

PROGRAM = "gateway_signed_ccxt"
LIBRARY = "ccxt"
CODE = re.compile(r"\(#(\d+)\)|\[\s*\"error\",\s*(\d+)")


def market(symbol: str) -> Dict[str, Any]:
    """The minimal ccxt market structure of a Bitfinex trading symbol (``tBTCUSD`` → BTC/USD)."""
    pair = symbol[1:]
    base, quote = (pair.split(":") if ":" in pair else (pair[:3], pair[3:]))
    return {"id": symbol, "symbol": f"{base}/{quote}", "base": base, "quote": quote, "baseId": base, "quoteId": quote,
            "type": "spot", "spot": True, "active": True, "precision": {"amount": 8, "price": 5},
            "limits": {}, "info": {}}


def error_code(exc: Exception) -> Optional[int]:
    """The Bitfinex code of a failed call: ccxt maps 10114 to ``InvalidNonce``, 10100 to
    ``AuthenticationError``, 10001 to ``PermissionDenied``, 11010/429 to ``RateLimitExceeded``."""
    import ccxt

    if isinstance(exc, ccxt.InvalidNonce) or "nonce: small" in str(exc):  # the WS auth answer too
        return 10114
    if isinstance(exc, ccxt.OnMaintenance) or "maintenance" in str(exc):
        return 20060
    if isinstance(exc, ccxt.RateLimitExceeded):
        return 11010
    if isinstance(exc, ccxt.PermissionDenied):
        return 10001
    if isinstance(exc, ccxt.AuthenticationError):
        return 10100
    m = CODE.search(str(exc))
    if m:
        return int(m.group(1) or m.group(2))
    return None


class Program:
    def __init__(self) -> None:
        import ccxt
        import ccxt.async_support as ccxt_async

        self.args = parse_signed_args(__doc__.split("\n\n")[0])
        self.report = SignedReport(self.args, PROGRAM, LIBRARY, ccxt.__version__)
        self.market = market(self.args.symbol)
        base = self.args.rest_url[:-3] if self.args.rest_url.endswith("/v2") else self.args.rest_url
        self.ex = ccxt_async.bitfinex({
            "apiKey": self.args.api_key,
            "secret": self.args.api_secret,
            "enableRateLimit": False,
            "urls": {"api": {"public": base, "private": base, "v1": base}},
        })
        self.ex.set_markets([self.market])

    async def attempt(self, op: str, coro) -> Any:  # type: ignore[no-untyped-def]
        self.report.call(op)
        try:
            out = await coro
        except Exception as e:  # ccxt's errors, transport errors
            self.report.failure(op, error_code(e), f"{type(e).__name__}: {e}")
            return None
        self.report.success(op)
        return out

    async def worker(self) -> None:
        a, ex, sym = self.args, self.ex, self.market["symbol"]
        while self.report.remaining_s() > 0:
            await self.attempt("wallets", ex.fetch_balance())
            cid = self.report.take_cid()
            if cid is not None:
                order = await self.attempt("submit", ex.create_order(sym, "limit", "buy", float(a.amount), float(a.price),
                                                                     {"cid": cid}))
                if order is not None:
                    entry = self.report.placed(int(order["id"]), cid)
                    if cid % 2 == 0 and await self.attempt("cancel", ex.cancel_order(order["id"], sym)) is not None:
                        entry["cancelled"] = True
            await self.attempt("orders", ex.fetch_open_orders(sym))
            await asyncio.sleep(min(a.interval, self.report.remaining_s()))

    async def ws_watch(self) -> None:
        """The authenticated WebSocket (--ws-url): ccxt.pro ``bitfinex`` (v2) authenticates and
        ``watch_orders()`` runs until --seconds; ccxt has no WebSocket order inputs for Bitfinex
        (``has['createOrderWs']`` is None), so this socket only receives. Every channel-0 message
        is recorded on its way into the library's ``handle_message`` (observation only)."""
        import ccxt.pro as ccxtpro

        rep, a = self.report, self.args

        class Observed(ccxtpro.bitfinex):  # type: ignore[misc, valid-type]
            def handle_message(self, client, message):  # type: ignore[no-untyped-def]
                if isinstance(message, list) and len(message) > 2 and message[0] == 0 and message[1] != "hb":
                    rep.ws_event(message[1], message[2])
                return super().handle_message(client, message)

            def on_connected(self, client, message=None):  # type: ignore[no-untyped-def]
                rep.ws_opened()
                return super().on_connected(client, message)

        ws = Observed({"apiKey": a.api_key, "secret": a.api_secret, "enableRateLimit": False,
                       "urls": {"api": {"ws": {"public": a.ws_url, "private": a.ws_url}}}})
        ws.set_markets([self.market])
        try:
            await asyncio.wait_for(ws.authenticate(), timeout=15)
            rep.ws_authenticated()
            while rep.remaining_s() > 0:
                try:
                    await asyncio.wait_for(ws.watch_orders(self.market["symbol"]), timeout=max(0.1, rep.remaining_s()))
                except asyncio.TimeoutError:
                    break
            await asyncio.sleep(1.5)  # the events of the last REST calls
        except Exception as e:  # ccxt's errors, transport errors
            rep.failure("ws", error_code(e), f"{type(e).__name__}: {e}")
        finally:
            await ws.close()

    async def run(self) -> int:
        try:
            tasks: List[asyncio.Task] = [asyncio.create_task(self.worker()) for _ in range(self.args.workers)]
            if self.args.ws_url:
                tasks.append(asyncio.create_task(self.ws_watch()))
            await asyncio.wait(tasks, timeout=self.report.remaining_s() + 30)
            for t in tasks:
                t.cancel()
        finally:
            await self.ex.close()
        rep = self.report.write()
        return 0 if rep["nonce_errors"] == 0 and rep["other_errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(Program().run()))
