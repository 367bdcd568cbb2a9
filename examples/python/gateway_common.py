"""Shared plumbing of the gateway example programs. Market data (gateway_market_bfxapi.py,
gateway_market_ccxt.py): command line, per-channel counters, the ``READY`` line and the JSON
report. Signed REST (gateway_signed_bfxapi.py, gateway_signed_ccxt.py): ``parse_signed_args``
(credentials from the environment) and ``SignedReport`` (calls, nonce errors, other errors, orders
placed). Nothing here touches a client library; each program only *observes* what its library
receives and dispatches.

The loopback guard and the number formatting come from the peer benchmark harness
(peer-bench/harness/common.py), so there is one implementation of each in the repository.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "peer-bench" / "harness"
if str(HARNESS) not in sys.path:
    sys.path.insert(0, str(HARNESS))

from common import install_loopback_guard, js_str, require_loopback  # noqa: E402

__all__ = [
    "ChannelStats", "Report", "channel_key", "classify", "js_str", "parse_args", "print_ready", "run_program",
    "require_loopback", "install_loopback_guard", "BOOK_PRECISIONS", "NONCE_SMALL", "SignedReport", "parse_signed_args",
]

BOOK_PRECISIONS = ["P0", "P1", "P2", "P3", "P4", "R0"]


def parse_args(description: str) -> argparse.Namespace:
    """The options every gateway example takes; refuses non-loopback URLs and installs the
    loopback guard (an audit hook that blocks any other connect or DNS lookup)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--ws-url", required=True, help="ws://127.0.0.1:PORT/ws/2 (gateway or simulator)")
    p.add_argument("--rest-url", required=True, help="http://127.0.0.1:PORT/v2")
    p.add_argument("--seconds", type=float, default=15.0, help="run time from start, then write the report")
    p.add_argument("--report", required=True, help="JSON report file to write")
    p.add_argument("--symbols", default="tBTCUSD",
                   help="comma-separated trading symbols: ticker, trades, book P0..P4 + R0, candles each")
    p.add_argument("--funding-symbols", default="fUSD",
                   help="comma-separated funding symbols: one P0 book each ('' = none; ignored by ccxt)")
    p.add_argument("--timeframe", default="1m", help="candles timeframe (key trade:TF:SYMBOL)")
    p.add_argument("--len", default="25", choices=["25", "100"], help="book length per side")
    args = p.parse_args()
    if not 1 <= args.seconds <= 3600:
        p.error("--seconds must be within 1..3600")
    require_loopback(args.ws_url)
    require_loopback(args.rest_url)
    install_loopback_guard()
    args.symbols = [s for s in args.symbols.split(",") if s]
    args.funding_symbols = [s for s in args.funding_symbols.split(",") if s]
    return args


def run_program(program_class: Callable[[], Any]) -> int:
    """Builds the program (parses the command line) and runs its ``async run()``: exit status."""
    return int(asyncio.run(program_class().run()))


def now_ms() -> int:
    return int(time.time() * 1000)


def print_ready(ends_at_ms: int, channels: int) -> None:
    """One machine-readable line for a driver: every channel has delivered its first message; the
    report is written at ``ends_at`` (wall-clock ms)."""
    sys.stdout.write("READY " + json.dumps({"ends_at": ends_at_ms, "channels": channels}) + "\n")
    sys.stdout.flush()


def channel_key(sub: Mapping[str, Any]) -> str:
    """The report key of a subscription (request or `subscribed` event): ``ticker:SYM``,
    ``trades:SYM``, ``book:SYM:PREC``, ``candles:KEY``."""
    ch = sub.get("channel")
    if ch == "book":
        return f"book:{sub.get('symbol')}:{sub.get('prec', 'P0')}"
    if ch == "candles":
        return f"candles:{sub.get('key')}"
    return f"{ch}:{sub.get('symbol')}"


def is_snapshot_payload(payload: Any) -> bool:
    """A book/candles/trades payload is a snapshot when it is a list of rows (or empty)."""
    return isinstance(payload, list) and (len(payload) == 0 or isinstance(payload[0], list))


def classify(channel: str, rest: List[Any]) -> str:
    """Kind of one channel message given everything after the chanId: ``hb``, ``cs``, ``te``/``tu``
    (also ``fte``/``ftu``), ``snapshot`` or ``update``. Tickers are always full rows: the channel
    counter turns the first one into the snapshot."""
    head = rest[0] if rest else None
    if isinstance(head, str):
        return head  # hb, cs, te, tu, fte, ftu
    if channel == "ticker":
        return "update"
    return "snapshot" if is_snapshot_payload(head) else "update"


class ChannelStats:
    """Counters of one subscribed channel."""

    def __init__(self, key: str, channel: str, /, **fields: Any) -> None:
        self.key = key
        self.channel = channel
        self.fields = fields
        self.subscribed = False
        self.chan_ids: List[Any] = []
        self.snapshots = 0
        self.updates = 0
        self.te = 0
        self.tu = 0
        self.cs_verified = 0
        self.cs_mismatched = 0
        self.first_data_ms: Optional[int] = None

    @property
    def has_data(self) -> bool:
        return self.first_data_ms is not None

    def record(self, kind: str) -> None:
        """Counts one message of `kind` (see `classify`); checksums are counted by the verifier."""
        if kind in ("hb", "cs"):
            return
        if self.first_data_ms is None:
            self.first_data_ms = now_ms()
        if kind == "snapshot" or (self.channel == "ticker" and self.snapshots == 0):
            self.snapshots += 1
        elif kind in ("te", "fte"):
            self.te += 1
            self.updates += 1
        elif kind in ("tu", "ftu"):
            self.tu += 1
            self.updates += 1
        else:
            self.updates += 1

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"channel": self.channel, **self.fields, "subscribed": self.subscribed,
                               "chan_ids": self.chan_ids, "snapshots": self.snapshots, "updates": self.updates}
        if self.channel == "trades":
            out["te"], out["tu"] = self.te, self.tu
        if self.channel == "book":
            out["checksum"] = {"verified": self.cs_verified, "mismatched": self.cs_mismatched}
        return out


class Report:
    """Collects channel counters, final books, REST results and errors; writes the JSON report."""

    def __init__(self, args: argparse.Namespace, program: str, library: str, version: str,
                 checksum_mode: str) -> None:
        self.args = args
        self.started_ms = now_ms()
        self.ends_at_ms = self.started_ms + int(args.seconds * 1000)
        self.head = {"program": program, "library": library, "library_version": version,
                     "python": sys.version.split()[0], "ws_url": args.ws_url, "rest_url": args.rest_url,
                     "seconds": args.seconds}
        self.checksum_mode = checksum_mode
        self.channels: Dict[str, ChannelStats] = {}
        self.books: Dict[str, Dict[str, Any]] = {}
        self.rest: Dict[str, Any] = {}
        self.errors: List[str] = []
        self.info_events: List[Dict[str, Any]] = []
        self.extra: Dict[str, Any] = {}
        self.ready_printed = False

    def channel(self, key: str, channel: str, /, **fields: Any) -> ChannelStats:
        if key not in self.channels:
            self.channels[key] = ChannelStats(key, channel, **fields)
        return self.channels[key]

    def error(self, text: str) -> None:
        if len(self.errors) < 50:
            self.errors.append(text[:500])

    def server_event(self, event: Mapping[str, Any]) -> None:
        """An ``error`` event is an error of the run; ``info`` events with a code (20051 restart,
        20060/20061 maintenance) are listed in ``info_events`` (a bot pauses, it is no failure)."""
        if event.get("event") == "error":
            self.error(f"server error event: {json.dumps(event)}")
        elif event.get("event") == "info" and "code" in event and len(self.info_events) < 50:
            self.info_events.append({**event, "received_ms": now_ms()})

    def check_ready(self) -> None:
        """Prints READY once every channel has delivered data."""
        if not self.ready_printed and self.channels and all(c.has_data for c in self.channels.values()):
            self.ready_printed = True
            print_ready(self.ends_at_ms, len(self.channels))

    def remaining_s(self) -> float:
        return max(0.0, (self.ends_at_ms - now_ms()) / 1000.0)

    @contextmanager
    def rest_calls(self) -> Iterator[Dict[str, Any]]:
        """``with report.rest_calls() as out: out[...] = ...``: the REST results; an exception
        ends the block and is recorded as ``ok: false``."""
        out: Dict[str, Any] = {}
        try:
            yield out
            out["ok"] = True
        except Exception as e:
            out["ok"] = False
            out["error"] = f"{type(e).__name__}: {e}"[:300]
        self.rest = out

    async def run_until_end(self, abort: Callable[[], Optional[str]] = lambda: None) -> None:
        """Sleeps until ``ends_at`` (printing READY when due); stops early when ``abort()``
        returns a reason, which is recorded as an error."""
        while self.remaining_s() > 0:
            await asyncio.sleep(min(0.1, self.remaining_s()))
            self.check_ready()
            reason = abort()
            if reason:
                self.error(reason)
                return

    def finish(self, extra: Dict[str, Any], failed: bool = False) -> int:
        """Records what is missing, writes the report; returns the exit status (0 = clean run:
        no error, no checksum mismatch, REST answered)."""
        if not self.ready_printed:
            self.error(f"channels without data: {[k for k, c in self.channels.items() if not c.has_data]}")
        if not self.rest:
            self.rest = {"ok": False, "error": "REST calls did not finish"}
        self.extra = extra
        rep = self.write()
        bad = failed or rep["errors"] or rep["checksums"]["mismatched"] or not rep["rest"].get("ok")
        return 1 if bad else 0

    def write(self) -> Dict[str, Any]:
        chans = list(self.channels.values())
        by = lambda name: [c for c in chans if c.channel == name]  # noqa: E731
        totals = {
            "snapshots": sum(c.snapshots for c in chans),
            "ticker_messages": sum(c.snapshots + c.updates for c in by("ticker")),
            "trade_executions": sum(c.te for c in by("trades")),
            "trade_updates": sum(c.tu for c in by("trades")),
            "book_updates": sum(c.updates for c in by("book")),
            "candle_updates": sum(c.updates for c in by("candles")),
        }
        books = by("book")
        report = {
            **self.head,
            "started_ms": self.started_ms,
            "ended_ms": now_ms(),
            "ready": self.ready_printed,
            "channels": {c.key: c.to_json() for c in chans},
            "totals": totals,
            "checksums": {"mode": self.checksum_mode,
                          "verified": sum(c.cs_verified for c in books),
                          "mismatched": sum(c.cs_mismatched for c in books)},
            "books": self.books,
            "rest": self.rest,
            **self.extra,
            "info_events": self.info_events,
            "errors": self.errors,
        }
        tmp = Path(self.args.report + ".tmp")
        tmp.write_text(json.dumps(report, indent=1) + "\n")
        tmp.replace(self.args.report)
        return report


# ------------------------------------------------------------------------------------------------
# Signed REST programs (gateway_signed_bfxapi.py, gateway_signed_ccxt.py)
# ------------------------------------------------------------------------------------------------

NONCE_SMALL = 10114


def parse_signed_args(description: str) -> argparse.Namespace:
    """Options of the signed-REST example programs. Credentials come from the environment
    (``--key-env``/``--secret-env`` name the variables), never from the command line; the URL must
    be loopback and the loopback guard is installed."""
    import os

    p = argparse.ArgumentParser(description=description)
    p.add_argument("--rest-url", required=True, help="http://127.0.0.1:PORT/v2 (gateway or simulator)")
    p.add_argument("--key-env", default="BFX_API_KEY", help="environment variable holding the API key (default BFX_API_KEY)")
    p.add_argument("--secret-env", default="BFX_API_SECRET",
                   help="environment variable holding the API secret (default BFX_API_SECRET)")
    p.add_argument("--seconds", type=float, default=15.0, help="run time, then write the report")
    p.add_argument("--report", required=True, help="JSON report file to write")
    p.add_argument("--name", default="", help="a label for the report (default: the program's name)")
    p.add_argument("--symbol", default="tBTCUSD", help="trading symbol of the orders")
    p.add_argument("--price", default="1000", help="limit price of the BUY orders: far below the market, so they never fill")
    p.add_argument("--amount", default="0.001", help="order amount (base currency)")
    p.add_argument("--cid-base", type=int, required=True,
                   help="client order ids are CID_BASE+1, CID_BASE+2, …: give every program its own range")
    p.add_argument("--max-orders", type=int, default=100, help="submit at most this many orders (Bitfinex: 1000 per 5 min per user)")
    p.add_argument("--workers", type=int, default=2, help="concurrent workers sharing one client (threads / asyncio tasks)")
    p.add_argument("--interval", type=float, default=0.25, help="pause of each worker between two cycles, seconds")
    p.add_argument("--ws-url", default="",
                   help="also open an authenticated WebSocket (ws://127.0.0.1:PORT/ws/2), record every channel-0 event "
                        "it receives and, where the library has WebSocket inputs, place and cancel orders through it")
    p.add_argument("--ws-filter", default="", help="comma-separated auth `filter` of that socket (default: none, every event)")
    p.add_argument("--ws-interval", type=float, default=0.4, help="pause between two WebSocket order inputs, seconds")
    args = p.parse_args()
    if not 1 <= args.seconds <= 3600:
        p.error("--seconds must be within 1..3600")
    if not 1 <= args.workers <= 64:
        p.error("--workers must be within 1..64")
    if not 0 <= args.interval <= 60:
        p.error("--interval must be within 0..60")
    args.api_key = os.environ.get(args.key_env, "")
    args.api_secret = os.environ.get(args.secret_env, "")
    if not args.api_key or not args.api_secret:
        p.error(f"set {args.key_env} and {args.secret_env} (the credentials this program signs with)")
    require_loopback(args.rest_url)
    if args.ws_url:
        require_loopback(args.ws_url)
    args.ws_filter = [f for f in args.ws_filter.split(",") if f]
    install_loopback_guard()
    return args


class SignedReport:
    """Counters of a signed-REST workload: calls per operation, nonce errors (10114), other errors
    (by code), orders placed (id, cid, cancelled). Thread-safe (bitfinex-api-py workers are threads)."""

    def __init__(self, args: argparse.Namespace, program: str, library: str, version: str) -> None:
        import threading

        self.args = args
        self.lock = threading.Lock()
        self.started_ms = now_ms()
        self.ends_at_ms = self.started_ms + int(args.seconds * 1000)
        self.head = {"program": args.name or program, "library": library, "library_version": version,
                     "python": sys.version.split()[0], "rest_url": args.rest_url, "seconds": args.seconds,
                     "workers": args.workers, "cid_base": args.cid_base}
        self.calls: Dict[str, int] = {}
        self.ok: Dict[str, int] = {}
        self.nonce_errors = 0
        self.other_errors: Dict[str, int] = {}
        self.error_samples: List[str] = []
        self.orders: List[Dict[str, Any]] = []
        self.next_cid = args.cid_base
        # the authenticated WebSocket (--ws-url): connections opened, auth time, every channel-0
        # event received [receive ms, type, data] in arrival order, and the order inputs sent
        self.ws: Dict[str, Any] = {"url": getattr(args, "ws_url", ""), "filter": getattr(args, "ws_filter", []),
                                   "opens": 0, "auth_ms": None, "events": [], "inputs": []}

    def remaining_s(self) -> float:
        return max(0.0, (self.ends_at_ms - now_ms()) / 1000.0)

    def take_cid(self) -> Optional[int]:
        """The next client order id, or None once ``--max-orders`` were used."""
        with self.lock:
            if self.next_cid - self.args.cid_base >= self.args.max_orders:
                return None
            self.next_cid += 1
            return self.next_cid

    def call(self, op: str) -> None:
        with self.lock:
            self.calls[op] = self.calls.get(op, 0) + 1

    def success(self, op: str) -> None:
        with self.lock:
            self.ok[op] = self.ok.get(op, 0) + 1

    def failure(self, op: str, code: Optional[int], text: str) -> None:
        """One failed call: ``code`` is the Bitfinex error code when known (10114 = nonce error)."""
        with self.lock:
            if code == NONCE_SMALL:
                self.nonce_errors += 1
            else:
                key = str(code) if code is not None else "other"
                self.other_errors[key] = self.other_errors.get(key, 0) + 1
            if len(self.error_samples) < 20:
                self.error_samples.append(f"{op}: {text}"[:300])

    def ws_opened(self) -> None:
        with self.lock:
            self.ws["opens"] += 1

    def ws_authenticated(self) -> None:
        with self.lock:
            if self.ws["auth_ms"] is None:
                self.ws["auth_ms"] = now_ms()

    def ws_event(self, type_: str, data: Any) -> None:
        """One channel-0 event as the library received it (heartbeats excluded)."""
        with self.lock:
            self.ws["events"].append([now_ms(), type_, data])

    def ws_input(self, kind: str, cid: Optional[int] = None, order_id: Optional[int] = None) -> None:
        """An order input written to the WebSocket (``on`` with its cid, ``oc`` with the order id)."""
        with self.lock:
            self.ws["inputs"].append({"ms": now_ms(), "input": kind, "cid": cid, "id": order_id})

    def placed(self, order_id: int, cid: int, via: str = "rest") -> Dict[str, Any]:
        entry = {"id": order_id, "cid": cid, "cancelled": False, "via": via}
        with self.lock:
            self.orders.append(entry)
        return entry

    def write(self) -> Dict[str, Any]:
        with self.lock:
            report = {
                **self.head,
                "started_ms": self.started_ms,
                "ended_ms": now_ms(),
                "calls": sum(self.calls.values()),
                "calls_by_op": dict(sorted(self.calls.items())),
                "ok_by_op": dict(sorted(self.ok.items())),
                "nonce_errors": self.nonce_errors,
                "other_errors": sum(self.other_errors.values()),
                "other_errors_by_code": dict(sorted(self.other_errors.items())),
                "error_samples": list(self.error_samples),
                "orders_placed": len(self.orders),
                "orders": list(self.orders),
                "ws": dict(self.ws, events=list(self.ws["events"]), inputs=list(self.ws["inputs"])),
            }
        tmp = Path(self.args.report + ".tmp")
        tmp.write_text(json.dumps(report, indent=1) + "\n")
        tmp.replace(self.args.report)
        return report
