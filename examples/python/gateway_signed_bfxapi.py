#!/usr/bin/env python3
"""Signed REST through the bfxkit gateway with the official Python client, bitfinex-api-py 4.x.

The library is used unmodified and configured ONLY by host override and credentials:
``Client(rest_host=--rest-url, api_key=LOCAL_KEY, api_secret=LOCAL_SECRET)``. Against the gateway
the credentials are a *local key* of a gateway account (docs/gateway.md, "Accounts and signed
calls"); against Bitfinex or the simulator they are the real key. The library signs every call
itself with a wall-clock-microsecond nonce.

For --seconds, --workers threads share the one client and repeat a cycle (pausing --interval s):
``get_wallets()``; ``submit_order("EXCHANGE LIMIT", SYMBOL, AMOUNT, PRICE, cid=…)`` (a BUY far below
the market, so it never fills; cids CID_BASE+1, CID_BASE+2, …, at most --max-orders);
``get_orders()``; and every second order it placed is cancelled (``cancel_order(id=…)``), the
others stay open. The JSON report has the calls made, the nonce errors (10114 ``nonce: small``)
seen, the other errors by code, and every order placed (id, cid, cancelled). Exit status 0 when
no call failed.

Credentials come from the environment (--key-env/--secret-env, default BFX_API_KEY and
BFX_API_SECRET), never from the command line:

    BFX_API_KEY=… BFX_API_SECRET=… .bench-venv/bin/python examples/python/gateway_signed_bfxapi.py \
        --rest-url http://127.0.0.1:8766/v2 --cid-base 1000000 --seconds 20 --report bfxapi-signed.json
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from typing import Optional

from gateway_common import SignedReport, parse_signed_args

PROGRAM = "gateway_signed_bfxapi"
LIBRARY = "bitfinex-api-py"
CODE = re.compile(r"\[\s*'error',\s*(\d+)")
MESSAGES = {"permission invalid": 10001, "gateway: upstream unavailable": 10000, "maintenance": 20060}


def error_code(exc: Exception) -> Optional[int]:
    """The Bitfinex code of a failed call. bitfinex-api-py raises ``RuntimeError("… <['error', 10114,
    'nonce: small']>.")`` for codes it has no class for, ``InvalidCredentialError`` for 10100 and
    ``RequestParameterError`` for 10020 and ``GenericError`` (message only) for 10000/10001."""
    from bfxapi.exceptions import InvalidCredentialError
    from bfxapi.rest.exceptions import RequestParameterError

    m = CODE.search(str(exc))
    if m:
        return int(m.group(1))
    for message, code in MESSAGES.items():  # GenericError keeps only the message (10000, 10001)
        if message in str(exc):
            return code
    if isinstance(exc, InvalidCredentialError):
        return 10100
    if isinstance(exc, RequestParameterError):
        return 10020
    return None


def library_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bitfinex-api-py")
    except PackageNotFoundError:
        return "unknown"


class Program:
    def __init__(self) -> None:
        from bfxapi import Client

        self.args = parse_signed_args(__doc__.split("\n\n")[0])
        self.report = SignedReport(self.args, PROGRAM, LIBRARY, library_version())
        self.bfx = Client(rest_host=self.args.rest_url, api_key=self.args.api_key, api_secret=self.args.api_secret)

    def attempt(self, op: str, fn):  # type: ignore[no-untyped-def]
        self.report.call(op)
        try:
            out = fn()
        except Exception as e:  # the library's errors, transport errors
            self.report.failure(op, error_code(e), f"{type(e).__name__}: {e}")
            return None
        self.report.success(op)
        return out

    def worker(self) -> None:
        a, auth = self.args, self.bfx.rest.auth
        while self.report.remaining_s() > 0:
            self.attempt("wallets", auth.get_wallets)
            cid = self.report.take_cid()
            if cid is not None:
                n = self.attempt("submit", lambda: auth.submit_order("EXCHANGE LIMIT", a.symbol, a.amount, a.price, cid=cid))
                if n is not None:
                    if n.status == "SUCCESS" and n.data is not None:
                        entry = self.report.placed(n.data.id, cid)
                        if cid % 2 == 0:
                            if self.attempt("cancel", lambda: auth.cancel_order(id=entry["id"])) is not None:
                                entry["cancelled"] = True
                    else:
                        self.report.failure("submit", None, f"notification {n.status}: {n.text}")
            self.attempt("orders", auth.get_orders)
            time.sleep(min(a.interval, self.report.remaining_s()))

    # ---- the authenticated WebSocket (--ws-url) -------------------------------------------------

    async def ws_main(self) -> None:
        """Authenticates a ``BfxWebSocketClient`` (``Client(wss_host=…, filters=…)``), records every
        channel-0 event it receives, and places EXCHANGE LIMIT buys with ``wss.inputs.submit_order``
        (cids from the same range as the REST orders); every second one is cancelled with
        ``wss.inputs.cancel_order`` once its ``on`` arrives. Stops at --seconds, then waits up to
        5 s for the results of its last inputs."""
        from bfxapi import Client

        a, rep = self.args, self.report
        bfx = Client(wss_host=a.ws_url, api_key=a.api_key, api_secret=a.api_secret, filters=a.ws_filter or None)
        wss = bfx.wss
        loop = asyncio.get_running_loop()
        authenticated = asyncio.Event()
        pending: dict = {}          # cid → None until its `on` arrives
        cancelling: dict = {}       # order id → report entry, cancel sent, `oc` not yet seen
        tasks: list = []

        # The library's auth-events handler gets every channel-0 message as (type, data); record
        # it on the way in (observation only: the library handles it unchanged).
        handler = wss._BfxWebSocketClient__handler  # type: ignore[attr-defined]
        original = handler.handle

        def on_order(type_: str, row: list) -> None:
            oid, cid, status = int(row[0]), row[2], str(row[13] or "")
            if type_ == "on" and cid in pending and pending[cid] is None:
                entry = rep.placed(oid, cid, via="ws")
                pending[cid] = oid
                if cid % 2 == 0:
                    cancelling[oid] = entry
                    rep.ws_input("oc", order_id=oid)
                    tasks.append(loop.create_task(wss.inputs.cancel_order(id=oid)))
            elif type_ == "oc" and oid in cancelling and status.startswith("CANCELED"):
                cancelling.pop(oid)["cancelled"] = True

        def tap(type_: str, data: object) -> None:
            rep.ws_event(type_, data)
            try:
                if type_ in ("on", "oc") and isinstance(data, list):
                    on_order(type_, data)
                elif type_ == "n" and isinstance(data, list) and len(data) > 7 and data[6] in ("ERROR", "FAILURE"):
                    info = data[4] if isinstance(data[4], list) else []
                    oid, cid = (info[0], info[2]) if len(info) > 2 else (None, None)
                    mine = (data[1] == "on-req" and cid in pending and pending[cid] is None) or \
                           (data[1] == "oc-req" and oid in cancelling)
                    if mine and "outcome unknown" in str(data[7]):
                        # on the wire when the upstream connection dropped, and not found
                        # afterwards: not placed (cancelled) and never resent — recorded, not an error
                        if data[1] == "on-req":
                            pending.pop(cid)
                        else:
                            cancelling.pop(oid)
                        rep.ws_input(data[1][:2] + " unknown", cid=cid, order_id=oid)
                    elif mine or data[1] not in ("on-req", "oc-req"):
                        # a notification's text names the cause as REST errors do ("platform in
                        # maintenance" during a maintenance window: Bitfinex's 20060)
                        code = next((c for m, c in MESSAGES.items() if m in str(data[7])), None)
                        rep.failure(f"ws {data[1]}", code, f"notification {data[6]}: {data[7]}")
            finally:
                original(type_, data)

        handler.handle = tap
        wss.on("open", lambda: rep.ws_opened())

        @wss.on("authenticated")
        def _auth(_message: object) -> None:
            rep.ws_authenticated()
            authenticated.set()

        runner = loop.create_task(wss.start())
        try:
            await asyncio.wait_for(authenticated.wait(), timeout=15)
        except asyncio.TimeoutError:
            rep.failure("ws auth", None, "no auth answer within 15 s")
            runner.cancel()
            return
        while rep.remaining_s() > 0:
            cid = rep.take_cid()
            if cid is None:  # out of client order ids: keep receiving until --seconds
                await asyncio.sleep(min(0.2, rep.remaining_s()))
                continue
            pending[cid] = None
            rep.call("ws submit")
            rep.ws_input("on", cid=cid)
            await wss.inputs.submit_order("EXCHANGE LIMIT", a.symbol, a.amount, a.price, cid=cid)
            await asyncio.sleep(min(a.ws_interval, rep.remaining_s()))
        for _ in range(50):  # results of the last inputs: at most 5 s
            if all(v is not None for v in pending.values()) and not cancelling:
                break
            await asyncio.sleep(0.1)
        missing = [cid for cid, oid in pending.items() if oid is None]
        if missing:
            rep.failure("ws submit", None, f"{len(missing)} order(s) sent without an `on` event: cids {missing[:5]}")
        if cancelling:
            rep.failure("ws cancel", None, f"{len(cancelling)} cancel(s) without an `oc` event: ids {list(cancelling)[:5]}")
        for t in tasks:
            if not t.done():
                t.cancel()
        await wss.close()
        runner.cancel()

    def ws_thread(self) -> None:
        try:
            asyncio.run(self.ws_main())
        except Exception as e:  # transport errors, the library's errors
            self.report.failure("ws", error_code(e), f"{type(e).__name__}: {e}")

    def run(self) -> int:
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.args.workers)]
        if self.args.ws_url:
            threads.append(threading.Thread(target=self.ws_thread, daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=self.report.remaining_s() + 30)  # a call times out after 30 s (library default)
        rep = self.report.write()
        return 0 if rep["nonce_errors"] == 0 and rep["other_errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(Program().run())
