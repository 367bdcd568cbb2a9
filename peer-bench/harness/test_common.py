"""Tests of the harness's own logic (stdlib unittest; run: python -m unittest discover peer-bench/harness).

The user-code checksum used for bitfinex-api-py must agree with the shared fixtures, and the
loopback guard must refuse anything that is not loopback.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import NotLoopbackError, UserBook, is_loopback_host, js_str, percentiles, require_loopback  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("BFX_SHARED_DIR", REPO.parent / "shared")) / "fixtures"


class JsStrTests(unittest.TestCase):
    def test_matches_javascript_number_to_string(self) -> None:
        cases = {
            50000.0: "50000", 0.1: "0.1", -3.0: "-3", 0.00000121: "0.00000121", 7e-7: "7e-7",
            1.5e-8: "1.5e-8", 123.456: "123.456", 1e21: "1e+21", 0.000001: "0.000001", 12: "12",
        }
        for value, text in cases.items():
            self.assertEqual(js_str(value), text, value)


class UserBookChecksumTests(unittest.TestCase):
    def replay(self, name: str):  # type: ignore[no-untyped-def]
        path = FIXTURES / name
        if not path.exists():
            if os.environ.get("CI"):
                self.fail(f"fixture missing: {path}")
            self.skipTest(f"shared fixtures not found at {path}")
        data = json.loads(path.read_text())
        snapshot = data["snapshot_message"]
        snapshot = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
        book = UserBook()
        for price, count, amount in snapshot[1]:
            book.apply(price, count, amount)
        for raw in data["update_messages"]:
            msg = json.loads(raw) if isinstance(raw, str) else raw
            book.apply(*msg[1])
        return book.checksum(), data

    def test_xrpbtc_fixture(self) -> None:
        value, data = self.replay("book_checksum_tXRPBTC_py_legacy_test.json")
        self.assertEqual(value, data["expected_checksum_signed_int32"])

    def test_vetbtc_fixture_with_e_notation(self) -> None:
        value, data = self.replay("book_checksum_tVETBTC_py_legacy_test.json")
        self.assertEqual(value, data["expected_checksum_signed_int32"])

    def test_delete_removes_level(self) -> None:
        book = UserBook()
        book.apply(100.0, 1, 2.0)
        book.apply(101.0, 1, -1.0)
        book.apply(100.0, 0, 1)
        self.assertEqual(book.bids, {})
        self.assertEqual(book.asks, {101.0: -1.0})


class LoopbackGuardTests(unittest.TestCase):
    def test_urls(self) -> None:
        for ok in ("ws://127.0.0.1:1/ws/2", "http://localhost:8080", "http://[::1]:9/x", "ws://127.9.9.9:1"):
            self.assertEqual(require_loopback(ok), ok)
        for bad in ("wss://api.bitfinex.com/ws/2", "https://127.0.0.1:1", "http://10.0.0.1:80",
                    "ws://api-pub.bitfinex.com/ws/2", "http://127.0.0.1.evil.example:80", "ftp://127.0.0.1"):
            with self.assertRaises(NotLoopbackError, msg=bad):
                require_loopback(bad)

    def test_hosts(self) -> None:
        self.assertTrue(is_loopback_host("::1"))
        self.assertFalse(is_loopback_host(""))
        self.assertFalse(is_loopback_host("8.8.8.8"))

    def test_audit_hook_blocks_non_loopback_connect(self) -> None:
        # In a child process: the hook is process-wide and cannot be removed.
        code = (
            "import sys, socket; sys.path.insert(0, %r)\n"
            "from common import install_loopback_guard, NotLoopbackError\n"
            "install_loopback_guard()\n"
            "s = socket.socket()\n"
            "try:\n    s.connect(('192.0.2.1', 9))\nexcept NotLoopbackError:\n    print('blocked')\n"
            "try:\n    socket.getaddrinfo('api.bitfinex.com', 443)\nexcept NotLoopbackError:\n    print('blocked-dns')\n"
        ) % str(Path(__file__).resolve().parent)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
        self.assertIn("blocked", out.stdout, out.stderr)
        self.assertIn("blocked-dns", out.stdout, out.stderr)


class PercentileTests(unittest.TestCase):
    def test_small(self) -> None:
        p = percentiles([3.0, 1.0, 2.0])
        self.assertEqual((p["n"], p["p50"], p["max"]), (3, 2.0, 3.0))
        self.assertEqual(percentiles([])["n"], 0)


class RestTallyTests(unittest.TestCase):
    """The signed-REST bookkeeping shared by both Python peers (one classification rule)."""

    def test_classification(self) -> None:
        from common import classify_error

        self.assertEqual(classify_error('InvalidNonce: bitfinex ["error",10114,"nonce: small"]'), "nonce")
        self.assertEqual(classify_error("BfxRestException: 10114"), "nonce")
        self.assertEqual(classify_error("RateLimitExceeded: ERR_RATE_LIMIT"), "rate_limit")
        self.assertEqual(classify_error("DDoSProtection: 11010"), "rate_limit")
        self.assertEqual(classify_error("ConnectionError: refused"), "other")

    def test_result_counts_outcomes_and_keeps_ten_errors(self) -> None:
        import argparse
        import time

        from common import RestTally

        tally = RestTally()
        for i in range(12):
            tally.record(time.perf_counter(), RuntimeError("nonce: small") if i % 2 else None)
        result = tally.result(argparse.Namespace(rest_calls=12, concurrency=2), wall=2.0, cpu=0.5)
        self.assertEqual(result["outcomes"], {"ok": 6, "nonce": 6})
        self.assertEqual(result["nonce_errors"], 6)
        self.assertEqual(result["calls_per_s"], 6.0)
        self.assertEqual(len(result["errors"]), 6)
        self.assertEqual(result["latency_ms"]["n"], 12)


if __name__ == "__main__":
    unittest.main()
