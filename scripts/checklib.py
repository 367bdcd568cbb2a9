"""checklib.py — what the end-to-end check scripts share: child processes and loopback ports.

Used by check-gateway-peers.py and check-gateway-signed.py (imported from this folder).
"""
from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parent.parent


class Failure(Exception):
    """A setup step failed (the run cannot be judged)."""


class Proc:
    """A child in its own process group, stdout read line by line on a thread, stderr to a file."""

    def __init__(self, name: str, argv: List[str], workdir: Path, env: Optional[Dict[str, str]] = None) -> None:
        self.name = name
        self.argv = argv
        self.lines: List[str] = []
        self.stderr_path = workdir / f"{name}.stderr.log"
        self._stderr = open(self.stderr_path, "w")
        deadline = time.monotonic() + 30
        while True:
            try:
                self.popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
                                              text=True, bufsize=1, start_new_session=True, cwd=str(REPO), env=env)
                break
            except OSError as e:  # "Text file busy" / missing while bfxrun is being rebuilt: wait a little
                if e.errno not in (errno.ETXTBSY, errno.ENOENT) or time.monotonic() > deadline:
                    self._stderr.close()
                    raise Failure(f"cannot start {argv[0]}: {e}") from e
                time.sleep(1)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, prefix: str, timeout: float) -> Optional[str]:
        """The first stdout line starting with `prefix`, waiting at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for line in self.lines[seen:]:
                if line.startswith(prefix):
                    return line
            seen = len(self.lines)
            if self.popen.poll() is not None and seen == len(self.lines):
                time.sleep(0.1)  # let the reader catch up once
                return next((ln for ln in self.lines if ln.startswith(prefix)), None)
            time.sleep(0.02)
        return None

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def stderr_tail(self, n: int = 15) -> str:
        return "\n".join(self.stderr_text().splitlines()[-n:])

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM to the child's process group, SIGKILL after `grace` seconds."""
        if self.popen.poll() is None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
                try:
                    os.killpg(self.popen.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.popen.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._reader.join(timeout=1)
        self._stderr.close()


def free_port() -> int:
    """A loopback port that was free a moment ago (bind port 0, read it, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
