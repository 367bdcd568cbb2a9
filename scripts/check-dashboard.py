#!/usr/bin/env python3
"""check-dashboard.py — the live dashboard, checked in a real browser (headless Chromium).

Starts `bfxrun run examples/quickstart.yaml --duration 40 --listen 127.0.0.1:0`, reads the
dashboard address from its log, opens it in headless Chromium at 1400 x 1000 px and checks:

  renders   every panel (`<section>` of the page: today's and any added later) has a heading and
            renders something; the status line left "loading…"; no placeholder or error text
            (NaN, undefined, [object …], "cannot reach runtime", "TypeError: …"); the tickers,
            channels and account keys of /api/state are on the page;
  live      a few seconds (≥ 2 polls) later the status line and at least two panels changed;
  console   no console.error, no uncaught exception, no browser log entry of level error (e.g. a
            failed request) from page load to the end of the check;
  layout    no panel (nor the header) clips or spills its columns at that width: a panel's
            content is no wider than the panel, no element sticks out of its panel, no element
            with overflow other than visible hides part of its content (ellipsis, clipped cells);
            the page itself does not scroll horizontally.

A full-page screenshot is saved to a temporary directory and its path printed (also on failure).
CDP is spoken over Chromium's --remote-debugging-pipe (fds 3/4, NUL-separated JSON): stdlib only.
Everything is bounded (< 60 s in total) and every process started here is stopped at the end.

While editing the page, `--page Sources/BfxRuntime/Observability/DashboardPage.swift` (or an
.html file) serves that page instead of the binary's own, proxying every other path (/api/state
…) to the runtime — so a page change can be checked without rebuilding bfxrun.

Chromium missing: with CI=true this FAILs (scripts/ensure-deps.sh installs it); otherwise it
prints "skipped: chromium not installed" and exits 0.

Usage: scripts/check-dashboard.py [--bfxrun PATH] [--config FILE] [--page FILE] [--width 1400]
                                  [--height 1000] [--interval 5] [--chromium PATH]
                                  [--screenshot FILE] [-v]
Exit status 0 when every check passes (or skipped), 1 when a check fails (or the browser or the
runtime misbehaves), 2 when it cannot start (no bfxrun binary; no Chromium under CI=true).
"""
from __future__ import annotations

import argparse
import base64
import fcntl
import http.server
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEADLINE = time.monotonic() + 48          # every wait; + ≤ 7 s to stop processes: < 60 s in all
PLACEHOLDERS = ("NaN", "undefined", "[object ", "cannot reach runtime", "Infinity")
JS_ERROR_TEXT = re.compile(r"\b[A-Z]?\w*Error: ")   # an exception's text on the page (TypeError: …)


class Failure(Exception):
    """The check cannot go on (reported as a failed check: exit status 1)."""


def remaining(cap: float) -> float:
    return max(0.0, min(cap, DEADLINE - time.monotonic()))


def log(msg: str) -> None:
    print(f"check-dashboard: {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# Processes: bfxrun and Chromium, each in its own process group, always stopped at the end.

PROCS: list[subprocess.Popen] = []


def stop_all() -> None:
    for p in reversed(PROCS):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
    end = time.monotonic() + 5
    for p in reversed(PROCS):
        try:
            p.wait(timeout=max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        try:   # the group: Chromium's zygote/renderers, whatever bfxrun started
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
    PROCS.clear()


def start_bfxrun(bfxrun: str, config: str, duration: int) -> tuple[str, subprocess.Popen, list[str]]:
    """Starts the runtime; returns the dashboard URL (from its log), the process, its log lines."""
    cmd = [bfxrun, "run", config, "--duration", str(duration), "--listen", "127.0.0.1:0"]
    p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    PROCS.append(p)
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def pump() -> None:
        for line in p.stderr:
            lines.append(line.rstrip("\n"))
            m = re.search(r"metrics and dashboard listening address=(http://127\.0\.0\.1:\d+)", line)
            if m and not url:
                url.append(m.group(1))
                found.set()
        found.set()

    threading.Thread(target=pump, daemon=True).start()
    found.wait(remaining(15))
    if not url:
        tail = "\n".join("    | " + s for s in lines[-15:])
        raise Failure(f"no dashboard address in the log of {' '.join(cmd)} "
                      f"(exit status {p.poll()})\n{tail}")
    return url[0], p, lines


def get_json(url: str, timeout: float = 3) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def wait_for_data(base: str) -> dict:
    """Until /api/state has data on every channel and every user-data stream is ready (≤ 12 s)."""
    end = time.monotonic() + remaining(12)
    state: dict = {}
    while time.monotonic() < end:
        try:
            state = get_json(base + "/api/state")
            channels, accounts = state.get("channels") or [], state.get("accounts") or []
            if channels and all(c.get("messages") for c in channels) and \
                    all(a.get("phase") == "ready" and a.get("wallets") for a in accounts):
                return state
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    raise Failure(f"/api/state at {base} did not fill within the bound: {str(state)[:300]}")


# ---------------------------------------------------------------------------------------------
# --page: serve a page (HTML file, or the Swift source's string literal), proxy the rest.

def page_html(path: str) -> str:
    text = open(path, encoding="utf-8").read()
    if not path.endswith(".swift"):
        return text
    m = re.search(r'#"""\n(.*?)\n([ \t]*)"""#', text, re.S)
    if not m:
        raise Failure(f"{path}: no #\"\"\" … \"\"\"# string literal")
    indent = m.group(2)
    return "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip(" ")
                     for line in m.group(1).split("\n"))


def serve_page(html: str, upstream: str) -> tuple[str, http.server.ThreadingHTTPServer]:
    body = html.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path in ("/", "/index.html"):
                status, ctype, data = 200, "text/html; charset=utf-8", body
            else:
                try:
                    with urllib.request.urlopen(upstream + self.path, timeout=5) as r:
                        status, ctype, data = r.status, r.headers.get("Content-Type", ""), r.read()
                except urllib.error.HTTPError as e:
                    status, ctype, data = e.code, "text/plain", e.read()
                except OSError as e:
                    status, ctype, data = 502, "text/plain", str(e).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{srv.server_address[1]}", srv


# ---------------------------------------------------------------------------------------------
# Chromium over --remote-debugging-pipe.

def find_chromium(explicit: str | None) -> str | None:
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    # Debian's /usr/bin/chromium is a shell wrapper around /usr/lib/chromium/chromium.
    for c in ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome",
              "chrome", "headless_shell"):
        path = c if os.path.isabs(c) and os.access(c, os.X_OK) else shutil.which(c)
        if path:
            return path
    return None


class Browser:
    def __init__(self, chromium: str, width: int, height: int, profile: str, verbose: bool):
        self.log_path = profile + ".log"
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # The child's ends, moved above 9 so that putting them on 3 and 4 cannot clobber them.
        to_chrome_r, from_chrome_w = (self._high(fd) for fd in (to_chrome_r, from_chrome_w))
        args = [chromium, "--headless", "--remote-debugging-pipe", f"--user-data-dir={profile}",
                f"--window-size={width},{height}", "--disable-gpu", "--disable-extensions",
                "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-sync", "--mute-audio",
                "--disable-component-update", "--force-device-scale-factor=1", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")   # Chromium refuses to run as root with the sandbox
        # Chromium reads commands on fd 3 and writes replies/events on fd 4 (bash: dash's
        # redirections take single-digit fds only).
        sh = f'exec "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        with open(self.log_path, "wb") as chrome_log:
            self.proc = subprocess.Popen(["bash", "-c", sh, "bash", *args], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=None if verbose else chrome_log,
                                         pass_fds=(to_chrome_r, from_chrome_w), start_new_session=True)
        PROCS.append(self.proc)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    @staticmethod
    def _high(fd: int) -> int:
        high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return high

    def _read_one(self, timeout: float) -> dict | None:
        while b"\0" not in self.buf:
            ready, _, _ = select.select([self.from_chrome], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                time.sleep(0.2)
                try:
                    tail = open(self.log_path, errors="replace").read().strip().splitlines()[-8:]
                except OSError:
                    tail = []
                raise Failure(f"Chromium closed the DevTools pipe (exit status {self.proc.poll()})"
                              + "".join(f"\n    | {t}" for t in tail))
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, timeout: float = 10,
             browser_level: bool = False) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser_level:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + remaining(timeout)
        while True:
            left = end - time.monotonic()
            reply = self._read_one(left) if left > 0 else None
            if reply is None:
                raise Failure(f"no DevTools reply to {method} within the bound")
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise Failure(f"DevTools {method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collects events for `seconds` (bounded by the deadline)."""
        end = time.monotonic() + remaining(seconds)
        while (left := end - time.monotonic()) > 0:
            ev = self._read_one(left)
            if ev and "method" in ev:
                self.events.append(ev)

    def wait_event(self, method: str, seconds: float) -> bool:
        end = time.monotonic() + remaining(seconds)
        while (left := end - time.monotonic()) > 0:
            if any(e["method"] == method for e in self.events):
                return True
            ev = self._read_one(left)
            if ev and "method" in ev:
                self.events.append(ev)
        return any(e["method"] == method for e in self.events)

    def evaluate(self, expression: str):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise Failure(f"evaluating the check script: {r['exceptionDetails']}")
        return r["result"].get("value")


def console_errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append(f"console.{p['type']}: {args}")
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            desc = (d.get("exception") or {}).get("description") or d.get("text", "")
            out.append(f"uncaught exception at {d.get('url', '')}:{d.get('lineNumber', 0) + 1}: {desc}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            en = p["entry"]
            out.append(f"browser log ({en.get('source')}): {en.get('text')} {en.get('url', '')}".rstrip())
    return out


# The in-page part: what is on the page and what clips. Generic over panels: every <section>
# (and anything marked data-panel), titled by its first heading.
READ_PAGE_JS = r"""
(() => {
  const tol = 1;
  const name = el => el.id ? `#${el.id}` : el.tagName.toLowerCase() +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const snippet = el => (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  function clipping(region) {
    const issues = [], rr = region.getBoundingClientRect();
    if (region.scrollWidth > region.clientWidth + tol)
      issues.push(`content ${region.scrollWidth}px wide in a ${region.clientWidth}px panel`);
    const out = new Set();   // report the outermost element that sticks out, not its descendants
    for (const el of region.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > rr.right + tol || r.left < rr.left - tol) {
        out.add(el);
        if (!out.has(el.parentElement))
          issues.push(`${name(el)} "${snippet(el)}" sticks out ${Math.round(Math.max(r.right - rr.right, rr.left - r.left))}px`);
      }
      const ox = getComputedStyle(el).overflowX;
      if (ox !== "visible" && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + tol)
        issues.push(`${name(el)} "${snippet(el)}" hides ${el.scrollWidth - el.clientWidth}px of its content (overflow-x: ${ox})`);
    }
    return issues;
  }
  const seen = new Set(), panels = [];
  for (const p of document.querySelectorAll("main section, section, [data-panel]")) {
    if (seen.has(p)) continue; seen.add(p);
    const h = p.querySelector("h1,h2,h3,h4");
    const title = (h ? h.textContent : p.id || name(p)).trim();
    let body = "";
    for (const c of p.children) if (c !== h) body += " " + (c.innerText || c.textContent || "");
    // Spare width of the tightest table: its width now minus its width unconstrained.
    let spare = null;
    for (const t of p.querySelectorAll("table")) {
      const now = t.getBoundingClientRect().width, old = t.style.width;
      t.style.width = "max-content";
      const free = Math.round(now - t.getBoundingClientRect().width);
      t.style.width = old;
      if (spare === null || free < spare) spare = free;
    }
    const r = p.getBoundingClientRect();
    panels.push({title, spare, text: body.trim().replace(/\s+/g, " "),
      graphics: p.querySelectorAll("svg *, canvas, img").length,
      rows: p.querySelectorAll("tr").length, cells: p.querySelectorAll("td").length,
      box: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
      issues: clipping(p)});
  }
  const header = document.querySelector("header");
  const de = document.documentElement;
  return {panels, status: header ? header.innerText.replace(/\s+/g, " ").trim() : "",
    headerIssues: header ? clipping(header) : [],
    pageText: document.body.innerText,
    viewport: [innerWidth, innerHeight, de.clientWidth],
    pageScroll: de.scrollWidth > de.clientWidth + tol ? `page scrolls horizontally: ${de.scrollWidth}px content in ${de.clientWidth}px` : ""};
})()
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bfxrun", default=os.path.join(ROOT, ".build/debug/bfxrun"))
    ap.add_argument("--config", default="examples/quickstart.yaml")
    ap.add_argument("--page", help="serve this page (.html, or the Swift source) instead of the binary's")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--chromium", help="the browser binary (default: Debian's chromium)")
    ap.add_argument("--screenshot", help="where to write the PNG (default: a new temporary directory)")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between the two readings")
    ap.add_argument("-v", "--verbose", action="store_true", help="Chromium's stderr, every panel's text")
    args = ap.parse_args()
    args.bfxrun = os.path.abspath(args.bfxrun)

    chromium = find_chromium(args.chromium or os.environ.get("CHROMIUM"))
    if not chromium:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            log("FAIL: chromium not installed (CI=true; scripts/ensure-deps.sh installs "
                "Debian's chromium package — `make deps`)")
            return 2
        log("skipped: chromium not installed (apt-get install chromium, or `make deps`)")
        return 0
    if not os.access(args.bfxrun, os.X_OK):
        log(f"FAIL: no bfxrun binary at {args.bfxrun} (build first, or pass --bfxrun)")
        return 2

    failures: list[str] = []
    tmp = tempfile.mkdtemp(prefix="check-dashboard-")
    shot = args.screenshot or os.path.join(tmp, f"dashboard-{args.width}.png")
    srv = None
    started = time.monotonic()
    try:
        upstream, bfx, bfx_log = start_bfxrun(args.bfxrun, args.config, 40)
        state = wait_for_data(upstream)
        url = upstream + "/"
        if args.page:
            base, srv = serve_page(page_html(args.page), upstream)
            url = base + "/"
            log(f"page {args.page} served at {url} (API proxied to {upstream})")
        log(f"runtime {upstream}; opening {url} in {os.path.basename(chromium)} "
            f"at {args.width}x{args.height}")

        b = Browser(chromium, args.width, args.height, os.path.join(tmp, "profile"), args.verbose)
        target = b.send("Target.createTarget", {"url": "about:blank"}, timeout=20)["targetId"]
        b.session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                           browser_level=True)["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            b.send(domain)
        b.send("Emulation.setDeviceMetricsOverride", {"width": args.width, "height": args.height,
                                                      "deviceScaleFactor": 1, "mobile": False})
        b.events.clear()
        nav = b.send("Page.navigate", {"url": url})
        if nav.get("errorText"):
            raise Failure(f"navigating to {url}: {nav['errorText']}")
        if not b.wait_event("Page.loadEventFired", 10):
            failures.append("render: the page did not finish loading within 10 s")
        # Until the first poll has filled the page (the tables get rows), ≤ 8 s.
        end = time.monotonic() + remaining(8)
        while time.monotonic() < end:
            if b.evaluate("document.querySelectorAll('main td').length > 0 && "
                          "!/loading/.test((document.querySelector('header')||document.body).innerText)"):
                break
            b.pump(0.25)
        b.pump(0.5)
        first = b.evaluate(READ_PAGE_JS)
        b.pump(args.interval)
        second = b.evaluate(READ_PAGE_JS)

        metrics = b.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        png = b.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": args.width, "height": min(6000, size["height"]),
                     "scale": 1}}, timeout=15)
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png["data"]))
        b.pump(0.3)

        # (a) renders
        if bfx.poll() is not None:
            failures.append(f"render: bfxrun exited during the check (status {bfx.returncode}):"
                            + "".join(f"\n    | {line}" for line in bfx_log[-10:]))
        panels = second["panels"]
        if not panels:
            failures.append("render: no panels on the page")
        vw = second["viewport"]
        log(f"viewport {vw[0]}x{vw[1]} (layout width {vw[2]} px); {len(panels)} panels: "
            + ", ".join(p["title"] for p in panels))
        for p in panels:
            if not p["title"]:
                failures.append(f"render: a panel without a heading at {p['box']}")
            if not p["text"] and not p["graphics"]:
                failures.append(f"render: panel '{p['title']}' shows nothing")
            if args.verbose:
                log(f"  {p['title']} {p['box']}: {p['text'][:160]}")
        text = second["pageText"]
        for ph in PLACEHOLDERS:
            if ph in text:
                at = text.find(ph)
                failures.append(f"render: placeholder '{ph}' on the page: …{text[max(0, at - 60):at + 40]!r}…")
        if (m := JS_ERROR_TEXT.search(text)):
            failures.append(f"render: error text on the page: …{text[max(0, m.start() - 40):m.end() + 60]!r}…")
        if not second["status"] or "loading" in second["status"]:
            failures.append(f"render: the status line never left loading: {second['status']!r}")
        wanted = [t["symbol"] for t in state.get("tickers", [])] + \
                 [c["name"] for c in state.get("channels", [])] + \
                 [a["key"] for a in state.get("accounts") or []]
        missing = [w for w in wanted if w not in text]
        if missing:
            failures.append(f"render: /api/state items not on the page: {', '.join(missing)}")

        # (b) live values change
        before = {p["title"]: p["text"] for p in first["panels"]}
        changed = [p["title"] for p in panels if before.get(p["title"]) != p["text"]]
        if first["status"] == second["status"]:
            failures.append(f"live: the status line did not change in {args.interval:.0f} s: {second['status']!r}")
        if len(changed) < 2:
            failures.append(f"live: only {len(changed)} panel(s) changed in {args.interval:.0f} s: {changed}")
        log(f"live: {len(changed)}/{len(panels)} panels changed in {args.interval:.0f} s "
            f"({', '.join(changed)}); status: {second['status'][:110]}")

        # (c) console
        errors = console_errors(b.events)
        failures += [f"console: {e}" for e in errors]

        # (d) layout at this width
        for title, issues in [("header", second["headerIssues"])] + \
                             [(p["title"], p["issues"]) for p in panels]:
            if issues:
                more = f" (+{len(issues) - 4} more)" if len(issues) > 4 else ""
                failures.append(f"layout: '{title}' clips at {args.width} px: " + "; ".join(issues[:4]) + more)
        if second["pageScroll"]:
            failures.append(f"layout: {second['pageScroll']}")
        tight = sorted((p["spare"], p["title"]) for p in panels if p["spare"] is not None)
        log(f"layout: {sum(not p['issues'] for p in panels)}/{len(panels)} panels "
            f"fit at {args.width} px" + (f" (tightest table: '{tight[0][1]}', {tight[0][0]} px spare)" if tight else "")
            + f"; console: {len(errors)} error(s); screenshot {shot}")
    except Failure as e:
        failures.append(f"cannot complete: {e}")
    finally:
        if srv:
            srv.shutdown()
        stop_all()
        shutil.rmtree(os.path.join(tmp, "profile"), ignore_errors=True)
    took = time.monotonic() - started
    if failures:
        for f in failures:
            log("FAIL " + f)
        log(f"FAILED ({len(failures)} problem(s), {took:.0f} s); screenshot (if taken): {shot}")
        return 1
    log(f"ok (renders, live, no console errors, no clipping at {args.width} px; {took:.0f} s)")
    return 0


def _terminate(signum, frame):  # make/CI stopping us: stop what we started, then go
    stop_all()
    sys.exit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    sys.exit(main())
