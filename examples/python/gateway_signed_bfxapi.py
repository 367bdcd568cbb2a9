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

import re
import threading
import time
from typing import Optional

from gateway_common import SignedReport, parse_signed_args

PROGRAM = "gateway_signed_bfxapi"
LIBRARY = "bitfinex-api-py"
CODE = re.compile(r"\[\s*'error',\s*(\d+)")
MESSAGES = {"permission invalid": 10001, "gateway: upstream unavailable": 10000}


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

    def run(self) -> int:
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.args.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=self.report.remaining_s() + 30)  # a call times out after 30 s (library default)
        rep = self.report.write()
        return 0 if rep["nonce_errors"] == 0 and rep["other_errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(Program().run())
