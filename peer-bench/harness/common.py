"""Shared pieces of the peer-benchmark harness (bfxkit vs bitfinex-api-py vs ccxt).

Everything here is instrumentation: it observes what a client library does, it never changes the
library's behaviour. See docs/adr/0016-peer-benchmark-methodology.md for the definitions.

Output protocol (identical for every peer, including the Swift `bfx-bench-consume`):
every line a peer prints on stdout that starts with ``BENCH `` is one JSON object:
  {"type": "ready", "t": <wall ms>, "gen": 1}              all channels subscribed + first data
  {"type": "ready", "t": <wall ms>, "gen": N}              ... again after the (N-1)th reconnect
  {"type": "result", ...}                                   final metrics (schema in ADR 0016)
Other stdout/stderr lines are logs and are ignored by the orchestrator.
"""

from __future__ import annotations

import ipaddress
import json
import os
import resource
import socket
import sys
import threading
import time
import zlib
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlparse

# --------------------------------------------------------------------------------------------
# Loopback guard: no peer may ever talk to anything but this machine.
# --------------------------------------------------------------------------------------------

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NotLoopbackError(RuntimeError):
    """Raised when a URL or socket address is not on the loopback interface."""


def is_loopback_host(host: Optional[str]) -> bool:
    """True for 127.0.0.0/8, ::1 and the names that mean them."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_loopback(url: str) -> str:
    """Returns `url` unchanged when its host is loopback; raises NotLoopbackError otherwise."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "ws"):
        raise NotLoopbackError(f"refusing {url!r}: only plain http:// or ws:// to loopback is allowed")
    if not is_loopback_host(parsed.hostname):
        raise NotLoopbackError(f"refusing {url!r}: host {parsed.hostname!r} is not loopback")
    return url


def install_loopback_guard() -> None:
    """Second line of defence: an audit hook that refuses any socket connect or DNS lookup that is
    not loopback, whatever URL a library builds internally (e.g. a default host we failed to
    override). Unix sockets are allowed (asyncio self-pipes)."""

    def hook(event: str, args: Tuple[Any, ...]) -> None:
        if event == "socket.connect":
            sock, address = args[0], args[1]
            if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
                host = address[0] if isinstance(address, tuple) else None
                if not is_loopback_host(host):
                    raise NotLoopbackError(f"blocked non-loopback connect to {address!r}")
        elif event == "socket.getaddrinfo":
            host = args[0]
            if isinstance(host, bytes):
                host = host.decode("ascii", "replace")
            if host is not None and not is_loopback_host(str(host)):
                raise NotLoopbackError(f"blocked DNS lookup of non-loopback host {host!r}")

    sys.addaudithook(hook)
    # requests/aiohttp must not route loopback through a proxy taken from the environment.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,::1"
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(var, None)


# --------------------------------------------------------------------------------------------
# Process resources
# --------------------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """User + system CPU seconds of this process (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb() -> Tuple[float, float]:
    """(current RSS, peak RSS) in MiB from /proc/self/status."""
    cur = peak = 0.0
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    cur = int(line.split()[1]) / 1024.0
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return cur, peak


def now_ms() -> float:
    """Wall clock in milliseconds (same clock the simulator stamps MTS with)."""
    return time.time() * 1000.0


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


class LagRecorder:
    """Bounded store of lag samples in ms (reservoir-free: keeps the first `cap`)."""

    def __init__(self, cap: int = 2_000_000) -> None:
        self.samples: List[float] = []
        self.cap = cap
        self.dropped = 0

    def add(self, value: float) -> None:
        if len(self.samples) < self.cap:
            self.samples.append(value)
        else:
            self.dropped += 1

    def summary(self) -> Dict[str, Any]:
        return percentiles(self.samples)


def percentiles(values: List[float]) -> Dict[str, Any]:
    if not values:
        return {"n": 0, "p50": None, "p99": None, "max": None}
    s = sorted(values)

    def pick(q: float) -> float:
        idx = min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))
        return round(s[idx], 3)

    return {"n": len(s), "p50": pick(0.50), "p99": pick(0.99), "max": round(s[-1], 3)}


# --------------------------------------------------------------------------------------------
# Order-book checksum in user code (for clients that only hand over the raw `cs` value)
# --------------------------------------------------------------------------------------------


def js_str(value: Any) -> str:
    """Number text the way JavaScript's Number#toString renders it (what Bitfinex checksums)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        text = repr(value)
        if "e" not in text and "E" not in text:
            return text
        if 1e-6 <= abs(value) < 1e21:
            return format(Decimal(text), "f")
        mantissa, exp = text.split("e")
        return f"{mantissa}e{int(exp):+d}".replace("e+", "e+") if int(exp) > 0 else f"{mantissa}e{int(exp)}"
    return str(value)


class UserBook:
    """Minimal P0 book as a bitfinex-api-py user has to write it: price -> amount per side."""

    __slots__ = ("bids", "asks")

    def __init__(self) -> None:
        self.bids: Dict[float, float] = {}
        self.asks: Dict[float, float] = {}

    def reset(self) -> None:
        self.bids.clear()
        self.asks.clear()

    def apply(self, price: float, count: int, amount: float) -> None:
        if count > 0:
            (self.bids if amount > 0 else self.asks)[price] = amount
        else:
            (self.bids if amount > 0 else self.asks).pop(price, None)

    def checksum(self) -> int:
        """Signed CRC-32 over the interleaved top 25 (protocol reference §4.2)."""
        import heapq

        bids = heapq.nlargest(25, self.bids)
        asks = heapq.nsmallest(25, self.asks)
        parts: List[str] = []
        for i in range(25):
            if i < len(bids):
                p = bids[i]
                parts.append(js_str(p))
                parts.append(js_str(self.bids[p]))
            if i < len(asks):
                p = asks[i]
                parts.append(js_str(p))
                parts.append(js_str(self.asks[p]))
        crc = zlib.crc32(":".join(parts).encode())
        return crc - (1 << 32) if crc >= (1 << 31) else crc


# --------------------------------------------------------------------------------------------
# Readiness generations (time to resubscribe after a drop)
# --------------------------------------------------------------------------------------------


class Generations:
    """Tracks, per channel, how many subscribe-ack + first-data cycles completed. Emits a `ready`
    line each time the minimum over all channels increases: gen 1 = initial subscription
    complete, gen N = recovered after the (N-1)th drop. Channels are keyed (channel, symbol)."""

    def __init__(self, keys: List[Tuple[str, str]]) -> None:
        self.gen: Dict[Tuple[str, str], int] = {k: 0 for k in keys}
        self.pending: Dict[Tuple[str, str], bool] = {k: False for k in keys}
        self.reported = 0
        self.first_ready_t: Optional[float] = None
        self.events: List[Dict[str, Any]] = []

    def subscribed(self, key: Tuple[str, str]) -> None:
        if key in self.pending:
            self.pending[key] = True

    def data(self, key: Tuple[str, str]) -> None:
        if self.pending.get(key):
            self.pending[key] = False
            self.gen[key] += 1
            low = min(self.gen.values())
            if low > self.reported:
                self.reported = low
                t = now_ms()
                if self.first_ready_t is None:
                    self.first_ready_t = t
                ev = {"type": "ready", "t": round(t, 3), "gen": low}
                self.events.append(ev)
                emit(ev)


def emit(obj: Dict[str, Any]) -> None:
    sys.stdout.write("BENCH " + json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def base_args(parser) -> None:  # type: ignore[no-untyped-def]
    """Command-line options shared by every Python peer."""
    parser.add_argument("--ws", required=True, help="ws://127.0.0.1:PORT/ws/2 (loopback only)")
    parser.add_argument("--rest", required=True, help="http://127.0.0.1:PORT (loopback only)")
    parser.add_argument("--mode", choices=["stream", "rest", "drill"], default="stream")
    parser.add_argument("--symbols", default="tBTCUSD,tETHUSD,tXRPBTC,tETHBTC")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds after ready, excluded")
    parser.add_argument("--duration", type=float, default=8.0, help="measured seconds")
    parser.add_argument("--ready-timeout", type=float, default=30.0)
    parser.add_argument("--verify-checksum", action="store_true",
                        help="bitfinex-api-py only: maintain the book in user code and verify cs")
    parser.add_argument("--api-key", default="")
    parser.add_argument("--api-secret", default="")
    parser.add_argument("--rest-calls", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)


class StreamCounters:
    """Frame counters shared by the stream/drill modes of the Python peers."""

    def __init__(self) -> None:
        self.frames = 0
        self.by_kind: Dict[str, int] = {}
        self.in_window = False
        self.lag = LagRecorder()
        self.cs_verified = 0
        self.cs_mismatch = 0
        self.errors: List[str] = []

    def kind(self, name: str) -> None:
        self.frames += 1
        self.by_kind[name] = self.by_kind.get(name, 0) + 1

    def error(self, text: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(text[:300])


class Window:
    """Measurement window: counters and CPU snapshotted at start and end."""

    def __init__(self, counters: StreamCounters) -> None:
        self.c = counters
        self.t0 = self.t1 = 0.0
        self.cpu0 = self.cpu1 = 0.0
        self.f0 = self.f1 = 0

    def start(self) -> None:
        self.c.in_window = True
        self.t0, self.cpu0, self.f0 = time.monotonic(), cpu_seconds(), self.c.frames

    def stop(self) -> None:
        self.t1, self.cpu1, self.f1 = time.monotonic(), cpu_seconds(), self.c.frames
        self.c.in_window = False

    def metrics(self) -> Dict[str, Any]:
        window = max(1e-9, self.t1 - self.t0)
        frames = self.f1 - self.f0
        cpu = self.cpu1 - self.cpu0
        cur, peak = rss_mb()
        return {
            "window_s": round(window, 3),
            "frames": frames,
            "frames_per_s": round(frames / window, 1),
            "cpu_s": round(cpu, 3),
            "cpu_s_per_million": round(cpu / frames * 1e6, 2) if frames else None,
            "cpu_util": round(cpu / window, 3),
            "rss_mb": round(cur, 1),
            "peak_rss_mb": round(peak, 1),
        }


def classify_error(text: str) -> str:
    """Outcome kind of a failed signed call from the library's exception text: ``nonce`` (10114,
    ccxt ``InvalidNonce``), ``rate_limit`` (ERR_RATE_LIMIT/11010, ccxt ``RateLimitExceeded`` or
    ``DDoSProtection``) or ``other``."""
    if "10114" in text or "nonce" in text.lower():
        return "nonce"
    if "RATE" in text.upper() or "11010" in text or "DDoS" in text:
        return "rate_limit"
    return "other"


class RestTally:
    """Outcomes, latencies and the first error texts of the signed-REST mode. Thread-safe, so a
    synchronous library can record from a thread pool; asyncio peers simply never contend."""

    def __init__(self) -> None:
        self.outcomes: Dict[str, int] = {}
        self.latencies: List[float] = []
        self.errors: List[str] = []
        self._lock = threading.Lock()

    def record(self, started: float, error: Optional[BaseException] = None) -> None:
        """One call that began at ``time.perf_counter()`` value ``started``; ``error`` if it raised."""
        ms = (time.perf_counter() - started) * 1000.0
        kind = "ok"
        text = ""
        if error is not None:
            text = f"{type(error).__name__}: {error}"
            kind = classify_error(text)
        with self._lock:
            self.outcomes[kind] = self.outcomes.get(kind, 0) + 1
            self.latencies.append(ms)
            if error is not None and len(self.errors) < 10:
                self.errors.append(text[:200])

    def result(self, args, wall: float, cpu: float) -> Dict[str, Any]:  # type: ignore[no-untyped-def]
        """The ``result`` fields of the rest mode (schema in ADR 0016)."""
        cur, peak = rss_mb()
        return {
            "calls": args.rest_calls,
            "concurrency": args.concurrency,
            "window_s": round(wall, 3),
            "calls_per_s": round(args.rest_calls / wall, 1),
            "cpu_s": round(cpu, 3),
            "outcomes": self.outcomes,
            "nonce_errors": self.outcomes.get("nonce", 0),
            "latency_ms": percentiles(self.latencies),
            "rss_mb": round(cur, 1),
            "peak_rss_mb": round(peak, 1),
            "errors": self.errors,
        }


def peer_main(description: Optional[str], client: str, version: Callable[[], str],
              run: Callable[[Any], Dict[str, Any]]) -> int:
    """Entry point of a Python peer: parse the shared options, refuse non-loopback URLs, install
    the loopback guard, ``run(args)`` and print the ``result`` line."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    base_args(parser)
    args = parser.parse_args()
    require_loopback(args.ws)
    require_loopback(args.rest)
    install_loopback_guard()
    started = time.time()
    result = run(args)
    emit({"type": "result", "client": client, "version": version(), "mode": args.mode,
          "python": sys.version.split()[0], "started": started, **result})
    return 0


async def wait_ready(gens: "Generations", timeout: float, done: Callable[[], bool] = lambda: False) -> bool:
    """Polls (every 20 ms, at most ``timeout`` seconds) until the first ``ready`` was reported or
    ``done()`` says the client task ended; returns whether it became ready."""
    import asyncio

    deadline = time.monotonic() + timeout
    while gens.reported < 1 and time.monotonic() < deadline and not done():
        await asyncio.sleep(0.02)
    return gens.reported >= 1


async def run_window(args, window: "Window", stop) -> None:  # type: ignore[no-untyped-def]
    """The measured phase of the stream and drill modes. Drill: measure until ``stop`` is set (the
    orchestrator triggers drops and reads ``ready`` lines). Otherwise: ``warmup`` seconds excluded,
    then ``duration`` measured seconds; a set ``stop`` (SIGTERM/SIGINT) ends either early."""
    import asyncio

    if args.mode == "drill":
        window.start()
        await stop.wait()
        window.stop()
        return
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.warmup)
    except asyncio.TimeoutError:
        pass
    window.start()
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.duration)
    except asyncio.TimeoutError:
        pass
    window.stop()
