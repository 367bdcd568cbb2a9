"""Peer consumer: ccxt (pinned 4.5.90; `ccxt.pro.bitfinex` = Bitfinex API v2) against the simulator.

Library usage is the documented ccxt.pro one: `watch_order_book` / `watch_trades` / `watch_ticker`
in loops, and `fetch_balance()` for a signed REST call. Hosts are overridden through
`exchange.urls['api']`; markets are injected with `set_markets` (the simulator does not serve the
`conf/pub:*` listing that `load_markets` needs), so ccxt makes no request we did not intend.
ccxt has no automatic WebSocket reconnect: the documented pattern is to call `watch_*` again after
an exception, which is what the loops below do (that is the "user-code reconnect" in the table).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from typing import Any, Dict, List, Tuple

from common import (
    Generations,
    RestTally,
    StreamCounters,
    Window,
    cpu_seconds,
    now_ms,
    peer_main,
    require_loopback,
    run_window,
    wait_ready,
)

CLIENT = "ccxt"


def version() -> str:
    import ccxt

    return str(ccxt.__version__)


def markets_for(symbols: List[str]) -> List[Dict[str, Any]]:
    """Minimal unified market structures for Bitfinex trading ids like tBTCUSD."""
    out = []
    for sid in symbols:
        pair = sid[1:]
        base, quote = (pair.split(":") if ":" in pair else (pair[:3], pair[3:]))
        out.append({
            "id": sid, "symbol": f"{base}/{quote}", "base": base, "quote": quote,
            "baseId": base, "quoteId": quote, "type": "spot", "spot": True, "margin": False,
            "swap": False, "future": False, "option": False, "contract": False, "active": True,
            "precision": {"amount": 1e-8, "price": 1e-8},
            "limits": {"amount": {"min": None, "max": None}, "price": {"min": None, "max": None},
                       "cost": {"min": None, "max": None}},
            "info": {},
        })
    return out


def make_exchange(args: argparse.Namespace, counters: StreamCounters, gens: Generations):
    import ccxt.pro

    class Instrumented(ccxt.pro.bitfinex):  # type: ignore[misc,name-defined]
        """Counts what the library handles; behaviour is the parent's."""

        def handle_message(self, client, message):  # type: ignore[no-untyped-def]
            if isinstance(message, list) and len(message) > 1 and message[1] != "hb":
                sub = client.subscriptions.get(str(message[0])) or {}
                ch = sub.get("channel", "?")
                kind = message[1] if isinstance(message[1], str) else ch
                counters.kind(kind)
                gens.data((ch, sub.get("symbol")))
            return super().handle_message(client, message)

        def handle_subscription_status(self, client, message):  # type: ignore[no-untyped-def]
            gens.subscribed((message.get("channel"), message.get("symbol")))
            return super().handle_subscription_status(client, message)

        def handle_checksum(self, client, message, subscription):  # type: ignore[no-untyped-def]
            counters.cs_verified += 1  # a mismatch is counted by the watch loop (ChecksumError)
            return super().handle_checksum(client, message, subscription)

    ex = Instrumented({
        "apiKey": args.api_key or None,
        "secret": args.api_secret or None,
        # Off for the REST concurrency test: we want N callers at once, not ccxt's 250 ms spacing.
        "enableRateLimit": False,
        "newUpdates": True,
    })
    ex.urls["api"]["ws"]["public"] = require_loopback(args.ws)
    ex.urls["api"]["ws"]["private"] = require_loopback(args.ws)
    ex.urls["api"]["public"] = require_loopback(args.rest)
    ex.urls["api"]["private"] = require_loopback(args.rest)
    ex.set_markets(markets_for(args.symbols.split(",")))
    return ex


async def stream(args: argparse.Namespace) -> Dict[str, Any]:
    from ccxt.base.errors import ChecksumError

    symbols = args.symbols.split(",")
    keys: List[Tuple[str, str]] = [(c, s) for s in symbols for c in ("book", "trades", "ticker")]
    c = StreamCounters()
    gens = Generations(keys)
    window = Window(c)
    ex = make_exchange(args, c, gens)
    unified = {m["id"]: m["symbol"] for m in markets_for(symbols)}
    stop = asyncio.Event()
    reconnects = {"errors": 0}

    async def loop_forever(fn, *a):  # type: ignore[no-untyped-def]
        while not stop.is_set():
            try:
                await fn(*a)
            except ChecksumError:
                c.cs_mismatch += 1
            except asyncio.CancelledError:
                raise
            except Exception as e:  # NetworkError on drop: the documented ccxt way is to re-watch
                reconnects["errors"] += 1
                c.error(f"{type(e).__name__}: {e}")
                await asyncio.sleep(0)

    async def book(sym: str) -> None:
        await ex.watch_order_book(sym)

    async def trades(sym: str) -> None:
        got = await ex.watch_trades(sym)
        if c.in_window:
            t = now_ms()
            for tr in got:
                ts = tr.get("timestamp")
                if ts is not None:
                    c.lag.add(t - ts)

    async def ticker(sym: str) -> None:
        await ex.watch_ticker(sym)

    loop = asyncio.get_running_loop()
    def on_loop_error(lp, ctx):  # type: ignore[no-untyped-def]
        c.error(f"unhandled in event loop: {ctx.get('exception') or ctx.get('message')!r}")
        lp.default_exception_handler(ctx)

    loop.set_exception_handler(on_loop_error)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tasks = []
    for sid in symbols:
        u = unified[sid]
        tasks += [asyncio.create_task(loop_forever(book, u)),
                  asyncio.create_task(loop_forever(trades, u)),
                  asyncio.create_task(loop_forever(ticker, u))]
    if not await wait_ready(gens, args.ready_timeout):
        c.error("not ready within ready-timeout")
    await run_window(args, window, stop)
    stop.set()
    for t in tasks:
        t.cancel()
    try:
        await asyncio.wait_for(ex.close(), timeout=3)
    except Exception:
        pass
    return {
        **window.metrics(),
        "frames_by_kind": c.by_kind,
        "frames_total": c.frames,
        "lag_ms": c.lag.summary(),
        "checksum": {"mode": "library", "verified": c.cs_verified, "mismatches": c.cs_mismatch},
        "watch_errors": reconnects["errors"],
        "ready_events": gens.events,
        "errors": c.errors,
    }


async def rest(args: argparse.Namespace) -> Dict[str, Any]:
    c = StreamCounters()
    ex = make_exchange(args, c, Generations([]))
    tally = RestTally()
    sem = asyncio.Semaphore(args.concurrency)

    async def one() -> None:
        async with sem:
            t = time.perf_counter()
            try:
                await ex.fetch_balance()
            except Exception as e:  # classify whatever the library raises
                tally.record(t, e)
                return
            tally.record(t)

    cpu0, t0 = cpu_seconds(), time.monotonic()
    await asyncio.gather(*[one() for _ in range(args.rest_calls)])
    wall, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
    await ex.close()
    return tally.result(args, wall, cpu)


if __name__ == "__main__":
    sys.exit(peer_main(__doc__, CLIENT, version, lambda a: asyncio.run(rest(a) if a.mode == "rest" else stream(a))))
