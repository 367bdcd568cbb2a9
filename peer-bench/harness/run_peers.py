"""Peer comparison orchestrator: bfxkit vs bitfinex-api-py vs ccxt against OUR simulator.

    python peer-bench/harness/run_peers.py --bfxrun .build/release/bfxrun [--smoke] [--reps 3]

For every scenario and repetition it starts a fresh `bfxrun simulate` on loopback, runs one client
process against it (clients interleaved inside each repetition), reads the client's `BENCH` lines
(see common.py), and writes peer-bench/results/peer-<stamp>.{json,md} plus latest.{json,md}.
Methodology: docs/adr/0016-peer-benchmark-methodology.md. Never contacts anything but loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import NotLoopbackError, require_loopback  # noqa: E402

REPO = HERE.parent.parent


def repo_relative(path: Any) -> str:
    """A path as recorded in result files: relative to the repository when inside it, so results
    never carry the absolute folders of the machine that produced them."""
    p = Path(str(path)).resolve()
    try:
        return str(p.relative_to(REPO.resolve()))
    except ValueError:
        return p.name
RESULTS = HERE.parent / "results"
CLIENTS = ["bfxkit", "bitfinex-api-py", "ccxt"]
SYMBOLS = "tBTCUSD,tETHUSD,tXRPBTC,tETHBTC"

# One API key per client: a key that has seen µs nonces (bfxkit, bitfinex-api-py) rejects the
# ms nonces ccxt sends forever (protocol reference §9), so sharing a key would measure that, not
# concurrency. Secrets are benchmark-only values known to the simulator (see SimulatorProcess).
KEYS = {
    "bfxkit": ("bench-bfxkit", "bench-secret-bfxkit"),
    "bitfinex-api-py": ("bench-bfxapi", "bench-secret-bfxapi"),
    "ccxt": ("bench-ccxt", "bench-secret-ccxt"),
}


def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------
# Simulator process
# --------------------------------------------------------------------------------------------


@dataclass
class SimulatorSpec:
    """How to start a simulator and talk to its control API."""

    argv: Callable[[int, Optional[float]], List[str]]   # (seed, rate or None=max) -> argv
    port_pattern: str                                    # regex with one group: the bound port
    drop_path: str                                       # POST: drop every WS connection
    drop_body: Dict[str, Any]                            # ... with this JSON body
    stats_path: str                                      # GET: JSON stats
    label: str
    env: Dict[str, str] = field(default_factory=dict)


def bfxkit_simulator(bfxrun: str, extra: List[str], keys_file: Path) -> SimulatorSpec:
    """`bfxrun simulate` (Sources/bfxrun/SimulateCommand.swift) with one API key per client."""
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps([{"key": k, "secret": s, "userId": i + 1, "canWrite": True}
                                     for i, (k, s) in enumerate(KEYS.values())]))

    def argv(seed: int, rate: Optional[float]) -> List[str]:
        a = [bfxrun, "simulate", "--port", "0", "--seed", str(seed), "--duration", "900",
             "--keys", str(keys_file)]
        a += ["--unthrottled"] if rate is None else ["--rate", str(rate)]
        return a + extra

    return SimulatorSpec(argv=argv, port_pattern=r"ws://(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)/ws/2",
                         drop_path="/_sim/fault", drop_body={"fault": "dropAll"},
                         stats_path="/_sim/state", label="bfxrun simulate")


def self_test_simulator(python: str) -> SimulatorSpec:
    def argv(seed: int, rate: Optional[float]) -> List[str]:
        a = [python, str(HERE / "devserver.py"), "--port", "0", "--rate", str(rate or 2000)]
        return a + ["--key", KEYS["bitfinex-api-py"][0], "--secret", KEYS["bitfinex-api-py"][1]]

    return SimulatorSpec(argv=argv, port_pattern=r"listening on 127\.0\.0\.1:(\d+)",
                         drop_path="/_sim/fault", drop_body={"fault": "dropAll"},
                         stats_path="/_sim/state", label="SELF-TEST devserver (not the simulator)")


class SimulatorProcess:
    def __init__(self, spec: SimulatorSpec, seed: int, rate: Optional[float], logdir: Path) -> None:
        self.spec = spec
        logdir.mkdir(parents=True, exist_ok=True)
        self.log_path = logdir / f"sim-{int(time.time() * 1000)}.log"
        self.logf = open(self.log_path, "w")
        argv = spec.argv(seed, rate)
        log(f"simulator: {' '.join(argv)}")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1, start_new_session=True)
        self.port: Optional[int] = None
        self._found = threading.Event()
        threading.Thread(target=self._reader, daemon=True).start()
        if not self._found.wait(timeout=60):
            self.stop()
            raise RuntimeError(f"simulator did not report a port within 60 s; see {self.log_path}")
        self.base = require_loopback(f"http://127.0.0.1:{self.port}")
        self.ws = require_loopback(f"ws://127.0.0.1:{self.port}/ws/2")

    def _reader(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.logf.write(line)
            self.logf.flush()
            if self.port is None:
                m = re.search(self.spec.port_pattern, line)
                if m:
                    self.port = int(m.group(1))
                    self._found.set()

    def control(self, path: str, method: str = "GET", body: Optional[Dict[str, Any]] = None) -> Any:
        url = require_loopback(self.base + path)
        data = json.dumps(body or {}).encode() if method == "POST" else None
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as r:
            text = r.read().decode()
        try:
            return json.loads(text)
        except ValueError:
            return {"raw": text}

    def cpu_seconds(self) -> Optional[float]:
        """utime+stime of the simulator process from /proc (all threads)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.logf.close()


# --------------------------------------------------------------------------------------------
# Client processes
# --------------------------------------------------------------------------------------------


class ClientProcess:
    """One peer process; collects its BENCH lines on a thread."""

    def __init__(self, argv: List[str], logpath: Path, env: Dict[str, str]) -> None:
        self.logf = open(logpath, "w")
        self.lines: List[Dict[str, Any]] = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.logf, text=True,
                                     bufsize=1, env=env, cwd=str(HERE), start_new_session=True)
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.logf.write(line)
            if line.startswith("BENCH "):
                try:
                    obj = json.loads(line[6:])
                except ValueError:
                    continue
                with self.cond:
                    self.lines.append(obj)
                    self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, pred: Callable[[Dict[str, Any]], bool], timeout: float) -> Optional[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for obj in self.lines:
                    if pred(obj):
                        return obj
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and not any(pred(o) for o in self.lines):
                    if self.proc.poll() is not None:
                        return None
                    if left <= 0:
                        return None
                self.cond.wait(timeout=min(0.2, max(0.01, left)))

    def finish(self, timeout: float, signal_first: bool = False) -> Optional[Dict[str, Any]]:
        if signal_first and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        time.sleep(0.05)
        self.logf.close()
        with self.cond:
            for obj in self.lines:
                if obj.get("type") == "result":
                    return obj
        return None


def client_argv(client: str, args: argparse.Namespace, sim: SimulatorProcess, mode: str,
                warmup: float, duration: float, rest_calls: int) -> List[str]:
    key, secret = KEYS[client]
    common = ["--ws", sim.ws, "--rest", sim.base, "--mode", mode, "--symbols", SYMBOLS,
              "--warmup", str(warmup), "--duration", str(duration), "--api-key", key,
              "--api-secret", secret, "--rest-calls", str(rest_calls),
              "--concurrency", str(args.concurrency)]
    if client == "bfxkit":
        return [args.bench_consumer, *common]
    script = {"bitfinex-api-py": "peer_bfxapi.py", "ccxt": "peer_ccxt.py"}[client]
    extra = ["--verify-checksum"] if client == "bitfinex-api-py" and args.bfxapi_user_checksum else []
    return [args.python, str(HERE / script)] + common + extra


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------


def run_stream(client: str, args: argparse.Namespace, spec: SimulatorSpec, rate: Optional[float],
               rep: int, logdir: Path, warmup: float, duration: float) -> Dict[str, Any]:
    sim = SimulatorProcess(spec, seed=args.seed + rep, rate=rate, logdir=logdir)
    try:
        cp = ClientProcess(client_argv(client, args, sim, "stream", warmup, duration, 0),
                           logdir / f"{client}-stream-r{rep}-{rate}.log", env=peer_env())
        # simulator CPU over the measured window: sampled when the client's ready line arrives
        # plus the warm-up, and at the end of the window (approximate to ~50 ms)
        sim_cpu = None
        ready = cp.wait_for(lambda o: o.get("type") == "ready", args.ready_timeout)
        if ready is not None:
            time.sleep(warmup)
            c0, t0 = sim.cpu_seconds(), time.monotonic()
            time.sleep(duration)
            c1, t1 = sim.cpu_seconds(), time.monotonic()
            if c0 is not None and c1 is not None:
                sim_cpu = round((c1 - c0) / (t1 - t0), 3)
        res = cp.finish(timeout=args.ready_timeout + warmup + duration + 30)
        stats = safe_control(sim, sim.spec.stats_path)
    finally:
        sim.stop()
    return {"result": res, "sim_stats": stats, "sim_cpu_util": sim_cpu, "sim_log": repo_relative(sim.log_path)}


def run_drill(client: str, args: argparse.Namespace, spec: SimulatorSpec, rep: int,
              logdir: Path) -> Dict[str, Any]:
    sim = SimulatorProcess(spec, seed=args.seed + rep, rate=args.fixed_rate, logdir=logdir)
    drills: List[Dict[str, Any]] = []
    try:
        cp = ClientProcess(client_argv(client, args, sim, "drill", 0, 3600, 0),
                           logdir / f"{client}-drill-r{rep}.log", env=peer_env())
        first = cp.wait_for(lambda o: o.get("type") == "ready" and o.get("gen") == 1, args.ready_timeout)
        if first is None:
            drills.append({"error": "never ready"})
        else:
            for k in range(1, args.drills + 1):
                time.sleep(args.drill_settle)
                t0 = time.time() * 1000.0
                answer = safe_control(sim, spec.drop_path, method="POST", body=spec.drop_body)
                got = cp.wait_for(lambda o, g=k + 1: o.get("type") == "ready" and o.get("gen", 0) >= g,
                                  args.drill_timeout)
                if got is None:
                    drills.append({"drop": answer, "recovered": False,
                                   "timeout_s": args.drill_timeout})
                    break  # a client that did not recover will not recover the next drop either
                drills.append({"drop": answer, "recovered": True,
                               "resubscribed_ms": round(got["t"] - t0, 1)})
        res = cp.finish(timeout=15, signal_first=True)
    finally:
        sim.stop()
    return {"result": res, "drills": drills, "sim_log": repo_relative(sim.log_path)}


def run_rest(client: str, args: argparse.Namespace, spec: SimulatorSpec, rep: int,
             logdir: Path) -> Dict[str, Any]:
    sim = SimulatorProcess(spec, seed=args.seed + rep, rate=args.fixed_rate, logdir=logdir)
    try:
        before = safe_control(sim, spec.stats_path)
        cp = ClientProcess(client_argv(client, args, sim, "rest", 0, 0, args.rest_calls),
                           logdir / f"{client}-rest-r{rep}.log", env=peer_env())
        res = cp.finish(timeout=180)
        after = safe_control(sim, spec.stats_path)
    finally:
        sim.stop()
    return {"result": res, "sim_stats_before": before, "sim_stats_after": after, "api_key": KEYS[client][0]}


def safe_control(sim: SimulatorProcess, path: str, method: str = "GET",
                 body: Optional[Dict[str, Any]] = None) -> Any:
    try:
        return sim.control(path, method=method, body=body)
    except Exception as e:  # stats are auxiliary; a missing endpoint must not kill the run
        return {"error": f"{type(e).__name__}: {e}"}


def peer_env() -> Dict[str, str]:
    env = dict(os.environ)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(var, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,::1"
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------


def stat3(values: List[Optional[float]]) -> Optional[Dict[str, float]]:
    v = [float(x) for x in values if x is not None]
    if not v:
        return None
    return {"min": round(min(v), 3), "median": round(statistics.median(v), 3),
            "max": round(max(v), 3), "n": len(v)}


def dig(obj: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(p)
    return obj


METRICS = [
    # (id, label, scenario, extractor, lower_is_better)
    ("max_frames_per_s", "Msgs/s consumed, simulator unthrottled", "throughput",
     lambda r: dig(r, "result", "frames_per_s"), False),
    ("cpu_util_sat", "Client CPU (cores) while unthrottled", "throughput",
     lambda r: dig(r, "result", "cpu_util"), True),
    ("sim_cpu_sat", "Simulator CPU (cores) while unthrottled", "throughput",
     lambda r: r.get("sim_cpu_util"), True),
    ("cpu_per_m_sat", "CPU s per 1M msgs, unthrottled", "throughput",
     lambda r: dig(r, "result", "cpu_s_per_million"), True),
    ("ceiling", "Derived CPU-bound ceiling, msgs/s per core (1e6 / CPU s per 1M)", "throughput",
     lambda r: round(1e6 / dig(r, "result", "cpu_s_per_million"), 0)
     if dig(r, "result", "cpu_s_per_million") else None, False),
    ("fixed_frames_per_s", "Msgs/s at fixed offered rate", "fixed",
     lambda r: dig(r, "result", "frames_per_s"), False),
    ("cpu_per_m_fixed", "CPU s per 1M msgs at fixed rate", "fixed",
     lambda r: dig(r, "result", "cpu_s_per_million"), True),
    ("cpu_util_fixed", "CPU utilisation at fixed rate (cores)", "fixed",
     lambda r: dig(r, "result", "cpu_util"), True),
    ("rss_fixed", "RSS MiB at end of fixed-rate run", "fixed",
     lambda r: dig(r, "result", "rss_mb"), True),
    ("lag_p50", "Trade lag p50 ms (now - MTS)", "fixed",
     lambda r: dig(r, "result", "lag_ms", "p50"), True),
    ("lag_p99", "Trade lag p99 ms (now - MTS)", "fixed",
     lambda r: dig(r, "result", "lag_ms", "p99"), True),
    ("resub_ms", "Time to resubscribed after drop, ms", "drill",
     lambda r: statistics.median([d["resubscribed_ms"] for d in r.get("drills", []) if d.get("recovered")])
     if any(d.get("recovered") for d in r.get("drills", [])) else None, True),
    ("rest_calls_per_s", "Signed REST calls/s (concurrent)", "rest",
     lambda r: dig(r, "result", "calls_per_s"), False),
    ("nonce_errors", "Nonce errors surfaced to the caller (concurrent signed calls)", "rest",
     lambda r: dig(r, "result", "nonce_errors"), True),
    ("sim_nonce_rejected", "Nonces rejected by the simulator (same calls)", "rest",
     lambda r: sim_nonce(r, "rejected"), True),
]


def sim_nonce(run: Dict[str, Any], field: str) -> Optional[float]:
    """Per-key nonce counter from the simulator's /_sim/state, after minus before."""
    key = run.get("api_key")

    def pick(stats: Any) -> Optional[float]:
        nonces = dig(stats, "nonces")
        if isinstance(nonces, dict) and key in nonces and isinstance(nonces[key], dict):
            v = nonces[key].get(field)
            return float(v) if isinstance(v, (int, float)) else None
        if isinstance(nonces, dict) and not key and isinstance(nonces.get(field), (int, float)):
            return float(nonces[field])
        return None

    after = pick(run.get("sim_stats_after"))
    if after is None:
        return None
    return after - (pick(run.get("sim_stats_before")) or 0.0)


def summarise(runs: Dict[str, Dict[str, List[Dict[str, Any]]]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for mid, label, scen, fn, lower in METRICS:
        row: Dict[str, Any] = {"label": label, "scenario": scen, "lower_is_better": lower}
        for client in CLIENTS:
            vals = []
            for r in runs.get(scen, {}).get(client, []):
                try:
                    vals.append(fn(r))
                except Exception:
                    vals.append(None)
            row[client] = stat3(vals)
        base = dig(row, "bfxkit", "median")
        for client in CLIENTS[1:]:
            m = dig(row, client, "median")
            row[f"{client}/bfxkit"] = round(m / base, 2) if (base and m is not None) else None
        out[mid] = row
    return out


def capabilities(runs: Dict[str, Dict[str, List[Dict[str, Any]]]], args: argparse.Namespace) -> Dict[str, Dict[str, str]]:
    """Per client: what it does by itself. Static facts (from the pinned sources) plus what the
    drills and checksum counters observed in this run."""
    caps: Dict[str, Dict[str, str]] = {}
    for client in CLIENTS:
        drills = [d for r in runs.get("drill", {}).get(client, []) for d in r.get("drills", [])]
        rec = sum(1 for d in drills if d.get("recovered"))
        cs_ver = sum(dig(r, "result", "checksum", "verified") or 0
                     for s in ("fixed", "throughput") for r in runs.get(s, {}).get(client, []))
        cs_bad = sum(dig(r, "result", "checksum", "mismatches") or 0
                     for s in ("fixed", "throughput") for r in runs.get(s, {}).get(client, []))
        mode = None
        for s in ("fixed", "throughput"):
            for r in runs.get(s, {}).get(client, []):
                mode = mode or dig(r, "result", "checksum", "mode")
        unhandled = [e for s in runs.values() for r in s.get(client, [])
                     for e in (dig(r, "result", "errors") or []) if e.startswith("unhandled in event loop")]
        caps[client] = {
            "checksum": f"{mode or 'n/a'}: {cs_ver} verified, {cs_bad} mismatches",
            "reconnect": f"{rec}/{len(drills)} drops recovered" if drills else "not run",
            "unhandled": (f"{len(unhandled)}× — {unhandled[0][len('unhandled in event loop: '):][:120]}"
                          if unhandled else "none"),
        }
    caps["bfxkit"]["reconnect_kind"] = "library (backoff + resubscribe + fresh snapshots)"
    caps["bitfinex-api-py"]["reconnect_kind"] = ("library, only on close 1006/1012; first retry after "
                                                 "int(uniform(1,5)) s; book snapshot event not re-emitted")
    caps["ccxt"]["reconnect_kind"] = "none in library: user loop re-calls watch_* after NetworkError"
    caps["bfxkit"]["nonce"] = "NonceManager: µs, per-key sequential dispatch"
    caps["bitfinex-api-py"]["nonce"] = "µs wall clock, no monotonic guard, threads race"
    caps["ccxt"]["nonce"] = "ms incrementing per instance; concurrent requests race on the wire"
    return caps


def machine(args: argparse.Namespace) -> Dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except OSError:
        pass

    def cmd(argv: List[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip()
        except Exception as e:
            return f"unavailable ({type(e).__name__})"

    versions = {}
    for pkg in ("bitfinex-api-py", "ccxt", "websockets", "aiohttp", "requests"):
        versions[pkg] = cmd([args.python, "-c", f"from importlib.metadata import version; print(version('{pkg}'))"])
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "memory": mem,
        "kernel": platform.release(),
        "swift": cmd(["swift", "--version"]).splitlines()[0] if shutil.which("swift") else "not on PATH",
        "python": cmd([args.python, "--version"]),
        "peer_versions": versions,
        "bfxkit_commit": (cmd(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or "uncommitted")
        + ("+dirty" if cmd(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"]) else ""),
        "bfxrun": repo_relative(args.bfxrun),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
    }


def fmt(cell: Optional[Dict[str, float]]) -> str:
    if not cell:
        return "—"
    if cell["n"] == 1 or cell["min"] == cell["max"]:
        return f"{cell['median']:g}"
    return f"{cell['median']:g} ({cell['min']:g}–{cell['max']:g})"


def dedupe(problems: List[str]) -> List[str]:
    """Same message from several runs -> one line with a count (numbers in messages ignored)."""
    counts: Dict[str, int] = {}
    first: Dict[str, str] = {}
    for p in problems:
        key = re.sub(r"\d+(\.\d+)?", "#", p)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, p)
    return [first[k] + (f" (×{n})" if n > 1 else "") for k, n in counts.items()]


def update_doc(md: str) -> None:
    """Replace the table block of docs/performance.md with this run's Markdown."""
    doc = REPO / "docs" / "performance.md"
    begin, end = "<!-- BEGIN PEER TABLE", "<!-- END PEER TABLE -->"
    text = doc.read_text()
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < 0:
        log("docs/performance.md has no PEER TABLE markers; not updated")
        return
    head = text[:text.index("\n", i) + 1]
    body = md.split("\n", 1)[1].lstrip("\n")  # drop the H1 title
    doc.write_text(head + body.rstrip() + "\n" + text[j:])
    log("docs/performance.md table updated")


def markdown(report: Dict[str, Any]) -> str:
    m = report["machine"]
    cfg = report["config"]
    lines = [
        f"# Peer comparison — {m['date_utc']}",
        "",
        f"Simulator: `{cfg['simulator']}`; {cfg['reps']} repetition(s); cells are median (min–max); "
        f"ratios are peer median / bfxkit median (>1 means the peer needs more / is slower for "
        f"lower-is-better rows).",
        "",
        f"Machine: {m['cores']} cores, {m['cpu_model']}, {m['memory']}, Linux {m['kernel']}; "
        f"{m['swift']}; {m['python']}; bitfinex-api-py {m['peer_versions'].get('bitfinex-api-py')}, "
        f"ccxt {m['peer_versions'].get('ccxt')}; bfxkit {m['bfxkit_commit']}.",
        "",
        "| Metric | bfxkit | bitfinex-api-py | ccxt | api-py/bfxkit | ccxt/bfxkit |",
        "|---|---|---|---|---|---|",
    ]
    for mid, row in report["summary"].items():
        r1 = row.get("bitfinex-api-py/bfxkit")
        r2 = row.get("ccxt/bfxkit")
        lines.append(f"| {row['label']} | {fmt(row['bfxkit'])} | {fmt(row['bitfinex-api-py'])} | "
                     f"{fmt(row['ccxt'])} | {'—' if r1 is None else r1} | {'—' if r2 is None else r2} |")
    lines += ["", "| Capability | bfxkit | bitfinex-api-py | ccxt |", "|---|---|---|---|"]
    caps = report["capabilities"]
    for k, label in (("checksum", "Book checksums (this run)"), ("reconnect", "Drops recovered (this run)"),
                     ("unhandled", "Exceptions escaping the library's receive loop (this run)"),
                     ("reconnect_kind", "Reconnect"), ("nonce", "Nonce source")):
        lines.append(f"| {label} | {caps['bfxkit'].get(k, '')} | {caps['bitfinex-api-py'].get(k, '')} | "
                     f"{caps['ccxt'].get(k, '')} |")
    lines += ["", f"Scenarios: throughput = simulator unthrottled, {cfg['warmup']} s warm-up excluded, "
              f"{cfg['duration']} s measured; fixed = simulator at --rate {cfg['fixed_rate']}; drill = "
              f"{cfg['drills']} drops of every WebSocket connection via the control API; rest = "
              f"{cfg['rest_calls']} signed `auth/r/wallets` calls, {cfg['concurrency']} concurrent callers, "
              "one API key per client.", "",
              "Reading the unthrottled rows: when the simulator's CPU is near one core while every client "
              "uses well under one, the msgs/s there are bounded by the simulator (which shares the machine), "
              "not by the client; the derived ceiling row (1e6 / CPU s per 1M msgs) is then the estimate of "
              "client capacity — derived, not measured.", ""]
    if report.get("problems"):
        lines += ["Problems seen in this run (message counts; each client records at most 10–20 messages per run, "
                  "so counts are not event totals):", ""] + [f"- {p}" for p in report["problems"]] + [""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bfxrun", default=str(REPO / ".build" / "release" / "bfxrun"))
    ap.add_argument("--bench-consumer", default=None,
                    help="the bfxkit consumer (default: bfx-bench-consume next to --bfxrun)")
    ap.add_argument("--python", default=str(REPO / ".bench-venv" / "bin" / "python"))
    ap.add_argument("--clients", default=",".join(CLIENTS))
    ap.add_argument("--scenarios", default="throughput,fixed,drill,rest")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--duration", type=float, default=8.0)
    ap.add_argument("--fixed-rate", type=float, default=200.0,
                    help="simulator --rate for the fixed-load, drill and rest scenarios")
    ap.add_argument("--drills", type=int, default=3)
    ap.add_argument("--drill-settle", type=float, default=1.0)
    ap.add_argument("--drill-timeout", type=float, default=30.0)
    # 40 < the simulator's 45/min auth budget per endpoint: no run is throttled by the server.
    ap.add_argument("--rest-calls", type=int, default=40)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--ready-timeout", type=float, default=60.0)
    ap.add_argument("--bfxapi-user-checksum", action=argparse.BooleanOptionalAction, default=True,
                    help="bitfinex-api-py: maintain the book and verify cs in user code")
    ap.add_argument("--smoke", action="store_true", help="CI check: every peer receives data")
    ap.add_argument("--self-test", action="store_true", help="use devserver.py (harness test only)")
    ap.add_argument("--sim-extra", default="", help="extra args for bfxrun simulate")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--logdir", default=str(REPO / "tmp" / "bench-logs"))
    ap.add_argument("--update-doc", action="store_true",
                    help="write the table into docs/performance.md (full runs only)")
    ap.add_argument("--render", metavar="JSON",
                    help="re-render the Markdown (and --update-doc) from a stored result JSON, no runs")
    args = ap.parse_args()

    if args.render:
        report = json.loads(Path(args.render).read_text())
        runs_r = report["runs"]
        report["summary"] = summarise(runs_r)
        report["capabilities"] = capabilities(runs_r, args)
        probs = [p for p in report.get("problems", []) if "no result" in p]
        for scen, per in runs_r.items():
            for client, rs in per.items():
                for r in rs:
                    probs += [f"{scen}/{client}: {e}" for e in (dig(r, "result", "errors") or [])]
        report["problems"] = dedupe(probs)[:40]
        md = markdown(report)
        Path(args.render).write_text(json.dumps(report, indent=1))
        Path(args.render).with_suffix(".md").write_text(md)
        if Path(args.render).name.startswith("peer-"):
            (Path(args.out) / "latest.json").write_text(json.dumps(report, indent=1))
            (Path(args.out) / "latest.md").write_text(md)
        if args.update_doc:
            update_doc(md)
        print(md)
        return 0

    args.bfxrun = str(Path(args.bfxrun).resolve())  # clients run with cwd = harness/
    args.bench_consumer = str(Path(args.bench_consumer or Path(args.bfxrun).parent / "bfx-bench-consume").resolve())
    args.python = str(Path(args.python).absolute())    # keep the venv symlink (not .resolve())
    clients = [c for c in args.clients.split(",") if c]
    scenarios = [s for s in args.scenarios.split(",") if s]
    if args.smoke:
        args.reps, args.warmup, args.duration = 1, 0.5, 2.0
        scenarios = ["fixed"]
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    spec = (self_test_simulator(args.python) if args.self_test else
            bfxkit_simulator(args.bfxrun, args.sim_extra.split(), Path(args.logdir) / stamp / "keys.json"))
    out = Path(args.out)
    # Logs go to <repo>/tmp/ (git-ignored), not next to the committed results.
    logdir = Path(args.logdir) / stamp
    runs: Dict[str, Dict[str, List[Dict[str, Any]]]] = {s: {c: [] for c in clients} for s in scenarios}
    problems: List[str] = []
    started = time.monotonic()

    for rep in range(args.reps):
        for scen in scenarios:
            for client in clients:
                log(f"rep {rep + 1}/{args.reps} {scen} {client}")
                try:
                    if scen == "throughput":
                        r = run_stream(client, args, spec, None, rep, logdir, args.warmup, args.duration)
                    elif scen == "fixed":
                        r = run_stream(client, args, spec, args.fixed_rate, rep, logdir, args.warmup, args.duration)
                    elif scen == "drill":
                        r = run_drill(client, args, spec, rep, logdir)
                    elif scen == "rest":
                        r = run_rest(client, args, spec, rep, logdir)
                    else:
                        raise ValueError(f"unknown scenario {scen}")
                except (NotLoopbackError, RuntimeError, OSError) as e:
                    r = {"result": None, "error": f"{type(e).__name__}: {e}"}
                if r.get("result") is None:
                    problems.append(f"{scen}/{client}/rep{rep + 1}: no result ({r.get('error', 'see logs')})")
                else:
                    for e in r["result"].get("errors") or []:
                        problems.append(f"{scen}/{client}: {e}")
                runs[scen][client].append(r)

    report = {
        "machine": machine(args),
        "config": {k: getattr(args, k) for k in ("reps", "warmup", "duration", "fixed_rate", "drills",
                                                  "rest_calls", "concurrency", "seed", "smoke", "self_test")}
        | {"simulator": spec.label, "clients": clients, "scenarios": scenarios},
        "elapsed_s": round(time.monotonic() - started, 1),
        "summary": summarise(runs),
        "capabilities": capabilities(runs, args),
        "problems": dedupe(problems)[:40],
        "logs": repo_relative(logdir),
        "runs": runs,
    }
    out.mkdir(parents=True, exist_ok=True)
    kind = "smoke" if args.smoke else ("selftest" if args.self_test else "peer")
    (out / f"{kind}-{stamp}.json").write_text(json.dumps(report, indent=1))
    md = markdown(report)
    (out / f"{kind}-{stamp}.md").write_text(md)
    if kind == "peer":
        (out / "latest.json").write_text(json.dumps(report, indent=1))
        (out / "latest.md").write_text(md)
        if args.update_doc:
            update_doc(md)
    print(md)

    if args.smoke:
        failed = []
        for client in clients:
            rs = runs["fixed"][client]
            frames = dig(rs[0], "result", "frames") if rs else None
            kinds = dig(rs[0], "result", "frames_by_kind") or {}
            if not frames or not all(any(k.startswith(p) for k in kinds) for p in ("book", "te", "ticker")):
                failed.append(f"{client}: frames={frames} kinds={sorted(kinds)}")
        if failed:
            log("SMOKE FAILED: " + "; ".join(failed))
            return 1
        log(f"smoke ok: every peer received book, trade and ticker data ({', '.join(clients)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
