#!/usr/bin/env python3
"""Market data through the bfxkit gateway with the official Python client, bitfinex-api-py 4.x.

The library is used unmodified and configured ONLY by host override:
``Client(rest_host=--rest-url, wss_host=--ws-url)``. Per trading symbol it subscribes ticker,
trades, book P0..P4 and R0 (``len`` 25) and candles ``trade:1m:SYMBOL``; per funding symbol a P0
book. bitfinex-api-py turns on order-book checksums itself (every connection sends
``{"event":"conf","flags":131072}``) but only hands the ``cs`` value to an event handler: it keeps
no book and parses numbers as floats. So this program keeps every book from the *wire text* of
the frames the library dispatched and verifies each ``cs`` with its own verifier
(``WireBook.checksum``, the algorithm of the Bitfinex protocol reference §4): number tokens are
never converted, so ``6000`` stays ``6000`` and ``7e-7`` stays ``7e-7``.

How the wire text is obtained without changing the library: the library's bucket module decodes
each frame with ``json.loads(text)`` and then, synchronously, calls
``PublicChannelsHandler.handle(subscription, stream)`` for channel data. We give the bucket
module a ``json`` stand-in whose ``loads`` remembers the text before delegating to the real one,
and wrap ``handle`` (calling the original): the remembered text is exactly the frame being
handled, and the subscription (our own ``sub_id``) tells which book it belongs to.

Run against the gateway (examples/python/README.md):
    python examples/python/gateway_market_bfxapi.py --ws-url ws://127.0.0.1:8766/ws/2 \
        --rest-url http://127.0.0.1:8766/v2 --seconds 20 --report bfxapi-report.json
At the end the JSON report holds the counts per channel, the checksum tally and the final books
(rows as wire text). Exit status 0 when the run had no error and no checksum mismatch.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import zlib
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from gateway_common import BOOK_PRECISIONS, Report, channel_key, classify, parse_args, run_program

PROGRAM = "gateway_market_bfxapi"
LIBRARY = "bitfinex-api-py"


# ------------------------------------------------------------------------------------------------
# Wire-text numbers and the checksum verifier
# ------------------------------------------------------------------------------------------------


class Num(str):
    """A JSON number kept as the exact token the server sent."""

    __slots__ = ()

    @property
    def value(self) -> Decimal:
        return Decimal(self)


def parse_wire(text: str) -> Any:
    """Decodes a frame keeping every number as its wire text (`Num`)."""
    return json.loads(text, parse_float=Num, parse_int=Num)


class WireBook:
    """One book as a client keeps it (protocol reference §3.2), rows held as wire text.

    Layouts: trading P ``[PRICE,COUNT,AMOUNT]`` (amount > 0 bid); funding P
    ``[RATE,PERIOD,COUNT,AMOUNT]`` (amount < 0 bid); trading R0 ``[ORDER_ID,PRICE,AMOUNT]``
    (price 0 deletes); funding R0 ``[OFFER_ID,PERIOD,RATE,AMOUNT]`` (rate 0 deletes)."""

    def __init__(self, symbol: str, prec: str) -> None:
        self.funding = symbol.startswith("f")
        self.raw = prec == "R0"
        self.bids: Dict[Any, Tuple[Num, ...]] = {}
        self.asks: Dict[Any, Tuple[Num, ...]] = {}

    @property
    def layout(self) -> List[str]:
        if self.raw:
            return ["offer_id", "period", "rate", "amount"] if self.funding else ["order_id", "price", "amount"]
        return ["rate", "period", "count", "amount"] if self.funding else ["price", "count", "amount"]

    def reset(self) -> None:
        self.bids.clear()
        self.asks.clear()

    def _is_bid(self, amount: Num) -> bool:
        positive = amount.value > 0
        return not positive if self.funding else positive

    def _price(self, row: Tuple[Num, ...]) -> Num:
        if self.raw:
            return row[2] if self.funding else row[1]
        return row[0]

    def apply(self, row: List[Any]) -> None:
        row_t = tuple(Num(x) if not isinstance(x, Num) else x for x in row)
        amount = row_t[-1]
        if self.raw:
            key: Any = int(row_t[0])
            if self._price(row_t).value == 0:
                self.bids.pop(key, None)
                self.asks.pop(key, None)
                return
        else:
            key = (self._price(row_t).value, int(row_t[1])) if self.funding else self._price(row_t).value
            if int(row_t[-2]) == 0:  # count 0: delete; amount sign says the side
                (self.bids if self._is_bid(amount) else self.asks).pop(key, None)
                return
        mine, other = (self.bids, self.asks) if self._is_bid(amount) else (self.asks, self.bids)
        other.pop(key, None)
        mine[key] = row_t

    def sides(self) -> Tuple[List[Tuple[Num, ...]], List[Tuple[Num, ...]]]:
        """Bids and asks, best first. Same-price raw orders: ascending order id."""
        def sort_key(row: Tuple[Num, ...], bid: bool) -> Tuple[Any, ...]:
            price = self._price(row).value
            tie = int(row[0]) if self.raw else (int(row[1]) if self.funding else 0)
            return (-price if bid else price, tie)

        bids = sorted(self.bids.values(), key=lambda r: sort_key(r, True))
        asks = sorted(self.asks.values(), key=lambda r: sort_key(r, False))
        return bids, asks

    def checksum_input(self) -> str:
        """Interleaved top 25 `KEY:AMOUNT` (KEY = price/rate, or order id for R0), wire text."""
        bids, asks = self.sides()
        parts: List[str] = []
        for i in range(25):
            for side in (bids, asks):
                if i < len(side):
                    row = side[i]
                    parts.append(str(row[0]) if self.raw else str(self._price(row)))
                    parts.append(str(row[-1]))
        return ":".join(parts)

    def checksum(self) -> int:
        """Signed CRC-32 of `checksum_input` (IEEE, as the `cs` frame carries it)."""
        crc = zlib.crc32(self.checksum_input().encode())
        return crc - (1 << 32) if crc >= (1 << 31) else crc

    def to_json(self, length: int) -> Dict[str, Any]:
        bids, asks = self.sides()
        return {"layout": self.layout, "bids": [list(map(str, r)) for r in bids[:length]],
                "asks": [list(map(str, r)) for r in asks[:length]], "checksum": self.checksum()}


# ------------------------------------------------------------------------------------------------
# Observing the library
# ------------------------------------------------------------------------------------------------


class RawTap:
    """Stand-in for the `json` module inside bitfinex-api-py's bucket module: remembers the text
    of the frame being decoded, reports non-channel events (conf, error, info) to `on_event`."""

    last: Optional[str] = None
    on_event = None  # type: ignore[assignment]
    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text: Any, **kwargs: Any) -> Any:
        RawTap.last = text
        decoded = json.loads(text, **kwargs)
        if isinstance(decoded, dict) and RawTap.on_event is not None:
            RawTap.on_event(json.loads(text))
        return decoded


def library_version() -> str:
    from importlib.metadata import version

    return version("bitfinex-api-py")


class Program:
    def __init__(self) -> None:
        self.args = parse_args(__doc__.split("\n\n")[0])
        self.report = Report(self.args, PROGRAM, LIBRARY, library_version(),
                             "user code: WireBook verifier over the wire text of every book frame")
        self.books: Dict[str, WireBook] = {}
        self.lib_events: Dict[str, int] = {}
        self.conf: List[Any] = []
        self.mismatch_samples: List[Dict[str, Any]] = []
        self.plan: List[Dict[str, Any]] = []
        a = self.args
        for s in a.symbols:
            self.plan.append({"channel": "ticker", "symbol": s})
            self.plan.append({"channel": "trades", "symbol": s})
            for p in BOOK_PRECISIONS:
                self.plan.append({"channel": "book", "symbol": s, "prec": p, "freq": "F0", "len": a.len})
            self.plan.append({"channel": "candles", "key": f"trade:{a.timeframe}:{s}"})
        for f in a.funding_symbols:
            self.plan.append({"channel": "book", "symbol": f, "prec": "P0", "freq": "F0", "len": a.len})
        for sub in self.plan:
            sid = sub["sub_id"] = channel_key(sub)  # our own sub_id: unique, and the report key
            fields = {k: v for k, v in sub.items() if k not in ("channel", "sub_id", "freq")}
            self.report.channel(sid, sub["channel"], **fields)
            if sub["channel"] == "book":
                self.books[sid] = WireBook(sub["symbol"], sub["prec"])

    # --- hooks ---------------------------------------------------------------------------------

    def install_hooks(self) -> None:
        from bfxapi.websocket._client import bfx_websocket_bucket as bucket_mod
        from bfxapi.websocket._handlers import public_channels_handler as pch

        bucket_mod.json = RawTap  # type: ignore[attr-defined]
        RawTap.on_event = self.on_event
        original = pch.PublicChannelsHandler.handle
        program = self

        def handle(handler, subscription, stream):  # type: ignore[no-untyped-def]
            try:
                program.on_channel_frame(subscription, stream, RawTap.last)
            except Exception as e:  # never break the library's dispatch
                program.report.error(f"observer: {type(e).__name__}: {e}")
            return original(handler, subscription, stream)

        pch.PublicChannelsHandler.handle = handle  # type: ignore[method-assign]

    def on_event(self, event: Dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "conf":
            self.conf.append(event)
        elif kind == "subscribed":
            stats = self.report.channels.get(str(event.get("subId")))
            if stats is not None:
                stats.subscribed = True
                stats.chan_ids.append(event.get("chanId"))
        else:
            self.report.server_event(event)

    def on_channel_frame(self, subscription: Dict[str, Any], stream: List[Any], raw: Optional[str]) -> None:
        sid = subscription["sub_id"]
        stats = self.report.channels.get(sid)
        if stats is None or raw is None:
            return
        msg = parse_wire(raw)
        if not isinstance(msg, list) or len(msg) != len(stream) + 1:
            self.report.error(f"raw frame does not match the dispatched one: {raw[:200]}")
            return
        rest = msg[1:]
        kind = classify(stats.channel, rest)
        stats.record(kind)
        book = self.books.get(sid)
        if book is None:
            return
        if kind == "cs":
            got = int(rest[1])
            mine = book.checksum()
            if got == mine:
                stats.cs_verified += 1
            else:
                stats.cs_mismatched += 1
                if len(self.mismatch_samples) < 5:
                    self.mismatch_samples.append({"channel": sid, "server": got, "local": mine,
                                                  "input": book.checksum_input()[:2000]})
        elif kind == "snapshot":
            book.reset()
            for row in rest[0]:
                book.apply(row)
        elif kind == "update":
            book.apply(rest[0])

    def count(self, name: str) -> Any:
        def handler(*_: Any) -> None:
            self.lib_events[name] = self.lib_events.get(name, 0) + 1
        return handler

    # --- REST (through the same host) -----------------------------------------------------------

    def rest_checks(self, client: Any) -> None:
        with self.report.rest_calls() as out:
            out["platform_status"] = client.rest.public.get_platform_status().status
            for s in self.args.symbols:
                out[f"ticker/{s}"] = {"last_price": client.rest.public.get_t_ticker(s).last_price}
                out[f"book/{s}/P0"] = {"rows": len(client.rest.public.get_t_book(s, "P0", len=25))}

    # --- run -----------------------------------------------------------------------------------

    async def run(self) -> int:
        from bfxapi import Client

        self.install_hooks()
        a = self.args
        client = Client(rest_host=a.rest_url, wss_host=a.ws_url)
        wss = client.wss
        for name in ("t_ticker_update", "t_trades_snapshot", "t_trade_execution", "t_trade_execution_update",
                     "t_book_snapshot", "t_book_update", "t_raw_book_snapshot", "t_raw_book_update",
                     "f_book_snapshot", "f_book_update", "candles_snapshot", "candles_update", "checksum"):
            wss.on(name, self.count(name))

        @wss.on("open")
        async def on_open() -> None:
            for sub in self.plan:
                params = {k: v for k, v in sub.items() if k not in ("channel", "sub_id")}
                await wss.subscribe(sub["channel"], sub_id=sub["sub_id"], **params)

        rest_thread = threading.Thread(target=self.rest_checks, args=(client,), daemon=True)
        rest_thread.start()
        runner = asyncio.create_task(wss.start())
        await self.report.run_until_end(
            lambda: f"client task ended early: {runner.exception()!r}" if runner.done() else None)
        # final books, before closing (nothing can change them after this point)
        for sid, book in self.books.items():
            self.report.books[sid] = {**self.report.channels[sid].fields, **book.to_json(int(a.len))}
        try:
            await asyncio.wait_for(wss.close(), timeout=3)
        except Exception:
            pass
        runner.cancel()
        try:
            await asyncio.wait_for(runner, timeout=2)
        except (asyncio.CancelledError, Exception):
            pass
        rest_thread.join(timeout=1)
        return self.report.finish({"library_events": self.lib_events, "conf": self.conf,
                                   "checksum_mismatch_samples": self.mismatch_samples})


if __name__ == "__main__":
    sys.exit(run_program(Program))
