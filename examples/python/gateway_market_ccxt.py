#!/usr/bin/env python3
"""Market data through the bfxkit gateway with ccxt.pro (`ccxt.pro.bitfinex`, Bitfinex API v2).

ccxt is used unmodified and configured ONLY by URL override (``exchange.urls['api']``): WebSocket
URL = --ws-url, REST base = --rest-url without its ``/v2`` (ccxt appends the version itself). This
program makes no signed call; the ``private`` URLs point at the same host only so that nothing
can ever leave the machine (docs/gateway.md: with your own key, leave them at Bitfinex). Markets are given with ``set_markets`` (the same minimal structures as the peer
benchmark), so ccxt makes no request we did not ask for.

Per trading symbol: ``watch_ticker``, ``watch_trades``, ``watch_ohlcv`` (1m) and
``watch_order_book`` for P0..P4 and R0 (limit 25). ccxt keeps ONE order book per symbol and
exchange instance (its message hash is ``book:SYMBOL``), so each precision gets its own exchange
instance (``options['watchOrderBook']['prec']``), i.e. its own connection. ccxt validates every
``cs`` frame with its own code (``handle_checksum``): it is switched on explicitly here
(``options['checksum']`` sends ``conf`` flag 131072 after the book subscription,
``options['watchOrderBook']['checksum']`` makes a mismatch reject the watcher with
``ChecksumError``). This program only observes: a wrapper around ``handle_checksum`` counts a
frame as verified when ccxt kept the book, as mismatched when ccxt dropped it, and every
``ChecksumError`` that reaches a watcher is counted too. Funding books are not part of ccxt's
unified API and are skipped (``--funding-symbols`` is ignored).

Run against the gateway (examples/python/README.md):
    python examples/python/gateway_market_ccxt.py --ws-url ws://127.0.0.1:8766/ws/2 \
        --rest-url http://127.0.0.1:8766/v2 --seconds 20 --report ccxt-report.json
Report: as gateway_market_bfxapi.py; book rows are ccxt's floats rendered like JavaScript numbers
(ccxt does not keep the wire text). Exit status 0 when the run had no error and no mismatch.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, Dict, List

from gateway_common import BOOK_PRECISIONS, Report, channel_key, classify, js_str, parse_args, run_program
from peer_ccxt import markets_for  # peer-bench/harness (path set up by gateway_common)

PROGRAM = "gateway_market_ccxt"
LIBRARY = "ccxt"


class Program:
    def __init__(self) -> None:
        self.args = parse_args(__doc__.split("\n\n")[0])
        import ccxt

        self.report = Report(self.args, PROGRAM, LIBRARY, str(ccxt.__version__),
                             "library: ccxt.pro bitfinex handle_checksum (options checksum=True)")
        self.markets = markets_for(self.args.symbols)
        self.unified = {m["id"]: m["symbol"] for m in self.markets}
        self.exchanges: Dict[str, Any] = {}
        self.checksum_errors = 0
        self.watch_errors = 0
        self.events: List[Dict[str, Any]] = []
        a = self.args
        for s in a.symbols:
            self.report.channel(f"ticker:{s}", "ticker", symbol=s)
            self.report.channel(f"trades:{s}", "trades", symbol=s)
            for p in BOOK_PRECISIONS:
                self.report.channel(f"book:{s}:{p}", "book", symbol=s, prec=p, len=a.len)
            key = f"trade:{a.timeframe}:{s}"
            self.report.channel(f"candles:{key}", "candles", key=key)

    def make_exchange(self, prec: str) -> Any:
        import ccxt.pro

        program = self

        class Observed(ccxt.pro.bitfinex):  # type: ignore[misc,name-defined]
            """ccxt.pro.bitfinex with counting wrappers; behaviour is the parent's."""

            def handle_message(self, client, message):  # type: ignore[no-untyped-def]
                try:
                    program.observe(client, message)
                except Exception as e:  # never break the library's dispatch
                    program.report.error(f"observer: {type(e).__name__}: {e}")
                return super().handle_message(client, message)

            def handle_checksum(self, client, message, subscription):  # type: ignore[no-untyped-def]
                symbol = self.safe_symbol(subscription.get("symbol"))
                had_book = symbol in self.orderbooks
                result = super().handle_checksum(client, message, subscription)
                stats = program.report.channels.get(channel_key(subscription))
                if had_book and stats is not None:
                    if symbol in self.orderbooks:
                        stats.cs_verified += 1
                    else:  # ccxt drops the book and rejects the watcher on a mismatch
                        stats.cs_mismatched += 1
                return result

        ex = Observed({"enableRateLimit": True, "newUpdates": True})
        ex.urls["api"]["ws"]["public"] = self.args.ws_url
        ex.urls["api"]["ws"]["private"] = self.args.ws_url
        rest_base = self.args.rest_url[:-3] if self.args.rest_url.endswith("/v2") else self.args.rest_url
        ex.urls["api"]["public"] = rest_base
        ex.urls["api"]["private"] = rest_base
        ex.options["checksum"] = True  # send conf OB_CHECKSUM after a book subscription
        ex.options["watchOrderBook"] = {**ex.options.get("watchOrderBook", {}),
                                        "prec": prec, "freq": "F0", "checksum": True}
        ex.set_markets(self.markets)
        return ex

    def observe(self, client: Any, message: Any) -> None:
        if isinstance(message, dict):
            event = message.get("event")
            if event == "subscribed":
                stats = self.report.channels.get(channel_key(message))
                if stats is not None:
                    stats.subscribed = True
                    stats.chan_ids.append(message.get("chanId"))
            elif event == "conf":
                self.events.append(message)
            else:
                self.report.server_event(message)
            return
        if isinstance(message, list) and len(message) > 1:
            sub = client.subscriptions.get(str(message[0]))
            if isinstance(sub, dict):
                stats = self.report.channels.get(channel_key(sub))
                if stats is not None:
                    stats.record(classify(stats.channel, message[1:]))

    # --- watchers ------------------------------------------------------------------------------

    async def forever(self, what: str, fn: Any, *args: Any) -> None:
        from ccxt.base.errors import ChecksumError

        while True:
            try:
                await fn(*args)
            except ChecksumError as e:
                self.checksum_errors += 1
                self.report.error(f"{what}: ChecksumError: {e}")
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self.watch_errors += 1
                self.report.error(f"{what}: {type(e).__name__}: {e}")
                await asyncio.sleep(0.5)

    def final_books(self) -> None:
        n = int(self.args.len)
        for s in self.args.symbols:
            for p, ex in self.exchanges.items():
                book = ex.orderbooks.get(self.unified[s])
                if book is None:
                    continue
                if p == "R0":  # ccxt rows [price, size, order id]; report [id, price, signed amount]
                    bids = [[str(r[2]), js_str(r[0]), js_str(r[1])] for r in book["bids"][:n]]
                    asks = [[str(r[2]), js_str(r[0]), js_str(-r[1])] for r in book["asks"][:n]]
                    layout = ["order_id", "price", "amount"]
                else:  # ccxt rows [price, size, count]; report [price, count, signed amount]
                    bids = [[js_str(r[0]), js_str(r[2]), js_str(r[1])] for r in book["bids"][:n]]
                    asks = [[js_str(r[0]), js_str(r[2]), js_str(-r[1])] for r in book["asks"][:n]]
                    layout = ["price", "count", "amount"]
                key = f"book:{s}:{p}"
                self.report.books[key] = {**self.report.channels[key].fields, "layout": layout,
                                          "bids": bids, "asks": asks}

    async def rest_checks(self) -> None:
        ex = self.exchanges["P0"]
        with self.report.rest_calls() as out:
            for s in self.args.symbols:
                t = await ex.fetch_ticker(self.unified[s])
                out[f"ticker/{s}"] = {"last": t.get("last")}

    async def run(self) -> int:
        a = self.args
        for p in BOOK_PRECISIONS:
            self.exchanges[p] = self.make_exchange(p)
        main = self.exchanges["P0"]
        tasks = []
        for s in a.symbols:
            u = self.unified[s]
            tasks.append(asyncio.create_task(self.forever(f"watch_ticker {s}", main.watch_ticker, u)))
            tasks.append(asyncio.create_task(self.forever(f"watch_trades {s}", main.watch_trades, u)))
            tasks.append(asyncio.create_task(self.forever(f"watch_ohlcv {s}", main.watch_ohlcv, u, a.timeframe)))
            for p, ex in self.exchanges.items():
                tasks.append(asyncio.create_task(
                    self.forever(f"watch_order_book {s} {p}", ex.watch_order_book, u, int(a.len))))
        rest = asyncio.create_task(self.rest_checks())
        await self.report.run_until_end()
        self.final_books()
        for t in tasks + [rest]:
            t.cancel()
        await asyncio.gather(*tasks, rest, return_exceptions=True)
        for ex in self.exchanges.values():
            try:
                await asyncio.wait_for(ex.close(), timeout=3)
            except Exception:
                pass
        return self.report.finish({"checksum_errors_raised": self.checksum_errors,
                                   "watch_errors": self.watch_errors, "conf": self.events},
                                  failed=self.checksum_errors > 0)


if __name__ == "__main__":
    sys.exit(run_program(Program))
