"""Peer consumer: the official Python client, bitfinex-api-py (pinned 4.0.0), against the simulator.

Usage is documented in peer-bench/README.md; the orchestrator (run_peers.py) drives it.
Library usage is the documented one: `Client(rest_host=..., wss_host=...)`, `wss.subscribe(...)`,
event handlers, `client.rest.auth.get_wallets()`. Counting hooks wrap the library's internal
dispatchers without changing what they do (see ADR 0016 "instrumentation").
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Tuple

from common import (
    Generations,
    RestTally,
    StreamCounters,
    UserBook,
    Window,
    cpu_seconds,
    now_ms,
    peer_main,
    require_loopback,
    run_window,
    wait_ready,
)

CLIENT = "bitfinex-api-py"


def version() -> str:
    from importlib.metadata import version as v

    return v("bitfinex-api-py")


def run_stream(args: argparse.Namespace) -> Dict[str, Any]:
    from bfxapi import Client
    from bfxapi.websocket._client import bfx_websocket_bucket as bucket_mod
    from bfxapi.websocket._handlers import public_channels_handler as pch

    symbols = args.symbols.split(",")
    channels = ["book", "trades", "ticker"]
    keys: List[Tuple[str, str]] = [(c, s) for s in symbols for c in channels]
    c = StreamCounters()
    gens = Generations(keys)
    window = Window(c)
    books: Dict[str, UserBook] = {s: UserBook() for s in symbols}

    # --- instrumentation: count every frame the library dispatches, observe subscription acks ---
    original_handle = pch.PublicChannelsHandler.handle

    def counting_handle(self, subscription, stream):  # type: ignore[no-untyped-def]
        ch = subscription["channel"]
        kind = stream[0] if isinstance(stream[0], str) else ch
        c.kind(kind)
        gens.data((ch, subscription["symbol"]))
        return original_handle(self, subscription, stream)

    pch.PublicChannelsHandler.handle = counting_handle  # type: ignore[method-assign]

    original_on_subscribed = bucket_mod.BfxWebSocketBucket._BfxWebSocketBucket__on_subscribed  # type: ignore[attr-defined]

    def observing_on_subscribed(self, message):  # type: ignore[no-untyped-def]
        gens.subscribed((message.get("channel"), message.get("symbol")))
        if message.get("channel") == "book" and args.verify_checksum:
            # bitfinex-api-py emits t_book_snapshot only once per sub_id; a user book has to learn
            # about the resubscription some other way. We reset here (generous to the peer).
            books[message.get("symbol")].reset()
        return original_on_subscribed(self, message)

    bucket_mod.BfxWebSocketBucket._BfxWebSocketBucket__on_subscribed = observing_on_subscribed  # type: ignore[attr-defined]

    client = Client(rest_host=require_loopback(args.rest + "/v2"), wss_host=require_loopback(args.ws))
    wss = client.wss

    @wss.on("open")
    async def on_open() -> None:
        for s in symbols:
            await wss.subscribe("book", symbol=s, prec="P0", freq="F0", len="25")
            await wss.subscribe("trades", symbol=s)
            await wss.subscribe("ticker", symbol=s)

    def on_trade(sub: Any, trade: Any) -> None:
        if c.in_window:
            c.lag.add(now_ms() - trade.mts)

    wss.on("t_trade_execution", on_trade)

    if args.verify_checksum:

        def on_snapshot(sub: Any, rows: Any) -> None:
            b = books[sub["symbol"]]
            b.reset()
            for r in rows:
                b.apply(r.price, r.count, r.amount)

        def on_update(sub: Any, r: Any) -> None:
            books[sub["symbol"]].apply(r.price, r.count, r.amount)

        def on_checksum(sub: Any, value: int) -> None:
            mine = books[sub["symbol"]].checksum() & 0xFFFFFFFF
            if mine == value:
                c.cs_verified += 1
            else:
                c.cs_mismatch += 1

        wss.on("t_book_snapshot", on_snapshot)
        wss.on("t_book_update", on_update)
        wss.on("checksum", on_checksum)

    async def main() -> Dict[str, Any]:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        def on_loop_error(lp, ctx):  # type: ignore[no-untyped-def]
            c.error(f"unhandled in event loop: {ctx.get('exception') or ctx.get('message')!r}")
            lp.default_exception_handler(ctx)

        loop.set_exception_handler(on_loop_error)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        runner = asyncio.create_task(wss.start())
        if not await wait_ready(gens, args.ready_timeout, runner.done):
            c.error("not ready within ready-timeout" + (f": {runner.exception()!r}" if runner.done() else ""))
        await run_window(args, window, stop)
        if runner.done() and runner.exception() is not None:
            c.error(f"client task ended: {runner.exception()!r}")
        runner.cancel()
        return {
            **window.metrics(),
            "frames_by_kind": c.by_kind,
            "frames_total": c.frames,
            "lag_ms": c.lag.summary(),
            "checksum": {
                "mode": "user-code" if args.verify_checksum else "none (library emits raw value only)",
                "verified": c.cs_verified,
                "mismatches": c.cs_mismatch,
            },
            "ready_events": gens.events,
            "errors": c.errors,
        }

    return asyncio.run(main())


def run_rest(args: argparse.Namespace) -> Dict[str, Any]:
    from bfxapi import Client

    client = Client(
        api_key=args.api_key,
        api_secret=args.api_secret,
        rest_host=require_loopback(args.rest + "/v2"),
        wss_host=require_loopback(args.ws),
    )
    tally = RestTally()

    def one(_: int) -> None:
        t = time.perf_counter()
        try:
            client.rest.auth.get_wallets()
        except Exception as e:  # classify whatever the library raises
            tally.record(t, e)
            return
        tally.record(t)

    # the library is synchronous (requests): concurrency means threads sharing one Client
    cpu0, t0 = cpu_seconds(), time.monotonic()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one, range(args.rest_calls)))
    return tally.result(args, time.monotonic() - t0, cpu_seconds() - cpu0)


if __name__ == "__main__":
    sys.exit(peer_main(__doc__, CLIENT, version, lambda a: run_rest(a) if a.mode == "rest" else run_stream(a)))
