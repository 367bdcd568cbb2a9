#!/usr/bin/env python3
"""check-doc-coverage.py — fails when a public symbol of a bfxkit library has no doc comment.

Input: the public symbol graphs of the library modules (`*.symbols.json`, one main graph per
module plus `Module@Other.symbols.json` for extensions of other modules' types). By default the
script reads the graphs that `scripts/check-docs.sh` (the swift-docc-plugin) just extracted under
`.build/<triple>/extracted-symbols/<package>/<Module>/`; with `--extract` it first runs
`swift package dump-symbol-graph --minimum-access-level public` itself and reads its output;
or pass directories explicitly: `check-doc-coverage.py DIR...`.

What counts as a symbol that needs a `///` comment (the rules):
  * access level public or open, declared in one of the checked modules (default: BfxProtocol
    BfxNonce BfxSimulator BfxClient BfxRuntime BfxConsole; `--modules A,B` to narrow);
  * every kind: types, protocols, cases, properties, methods, initialisers, subscripts,
    operators, type aliases, associated types, and extension blocks on other modules' types
    (`extension JSONValue { … }` in BfxConsole is documented by a `///` on the extension).
Ignored, because no source in this repository declares them (the reason is printed with `-v`):
  * compiler-synthesised members: identifiers containing `::SYNTHESIZED::` (protocol default
    implementations such as `!=`, `hash(into:)` defaults, `description` defaults from the
    standard library or another module);
  * symbols without a source location: implicit `init(rawValue:)` of raw-value enums, implicit
    `init(from:)`/`encode(to:)` of Codable, implicit memberwise initialisers;
  * symbols whose source location is outside Sources/ (nothing else should be in the graph).
A symbol that implements a protocol requirement and has no comment of its own is still reported:
the inherited text describes the protocol, not this implementation. (DocC would show the
inherited text; our rule is stricter on purpose.) Enum cases declared together on one line
(`case a, b`) each need a comment — split them or document them in the enum's comment and put a
`///` on each case line.
Also reported: placeholder comments — a comment whose words are only the symbol's own name
(e.g. `/// The foo.` on `foo`, `/// Defaults.` on `defaults`), which say nothing a reader can
not see in the declaration — and filler comments, whose whole text is one of `FILLER_PHRASES`
(`/// Creates the value.`, `/// Equality.`, `/// Hashes every field.`, …).

Output: one line per offending symbol `path:line: Module: kind Name.path — reason`, then a
per-module count. Exit status 0 when nothing is missing, 1 otherwise, 2 on usage/input errors.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
from collections import Counter
from urllib.parse import unquote, urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODULES = ["BfxProtocol", "BfxNonce", "BfxSimulator", "BfxClient", "BfxRuntime", "BfxConsole"]
STOP_WORDS = {"the", "a", "an", "this", "its", "of", "value", "for"}
# Filler: whole comments that say nothing a reader needs (what the parameters mean, defaults,
# units, invariants, what throws). Compared after lower-casing, collapsing spaces and dropping the
# final period; a comment that goes on after the phrase is fine. Add phrases when you remove them.
FILLER_PHRASES = {
    "creates the value", "creates a value", "creates a value from its fields", "creates the request",
    "creates an error", "creates a configuration", "creates a level", "creates an entry",
    "creates an update", "creates an offer", "creates a new order", "creates a notification",
    "creates a member", "creates a record", "creates a status value", "creates a budget",
    "creates a step", "creates a tokenizer", "creates an empty sink", "creates an output",
    "creates a section", "creates the sink", "creates a context", "creates the environment",
    "creates a session", "creates a controller", "creates an auth event", "creates a conf event",
    "creates an error event", "creates an info event", "creates a pong event",
    "creates a subscribed event", "creates an unsubscribed event",
    "defaults", "equality", "equality on every field", "hash", "hashes every field",
    "hash of the payload", "the description", "final xor", "the runtime", "key name",
    "priority class", "creates parameters", "creates fields", "creates credentials",
    "creates credentials from strings", "creates metadata", "creates thresholds", "creates a command",
    "creates options",
}


def filler(text: str) -> bool:
    """True when the whole comment is one of `FILLER_PHRASES`."""
    return " ".join(text.lower().split()).rstrip(".").strip() in FILLER_PHRASES


def words(text: str) -> list[str]:
    """Lower-case words of a camelCase identifier or of prose, punctuation dropped."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS]


def extract(swift: str) -> list[str]:
    """Runs `swift package dump-symbol-graph` and returns the directory it wrote."""
    proc = subprocess.run(
        [swift, "package", "dump-symbol-graph", "--minimum-access-level", "public"],
        cwd=ROOT, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.stderr.write(out[-4000:])
        sys.exit(2)
    m = re.search(r"Files written to (\S+)", out)
    if not m:
        sys.stderr.write("dump-symbol-graph: output directory not found in its output\n" + out[-2000:])
        sys.exit(2)
    return [m.group(1)]


def default_dirs() -> list[str]:
    dirs = sorted(glob.glob(os.path.join(ROOT, ".build", "*", "extracted-symbols", "*")))
    if not dirs:
        sys.stderr.write("no symbol graphs under .build/*/extracted-symbols: run scripts/check-docs.sh "
                         "(or pass --extract)\n")
        sys.exit(2)
    return dirs


def graph_files(dirs: list[str], modules: list[str]) -> dict[str, list[str]]:
    """Module name -> its graph files (main graph and extension graphs `Module@Other`)."""
    found: dict[str, list[str]] = {m: [] for m in modules}
    for d in dirs:
        for path in glob.glob(os.path.join(d, "**", "*.symbols.json"), recursive=True):
            name = os.path.basename(path)[: -len(".symbols.json")]
            module = name.split("@", 1)[0]
            if module in found:
                found[module].append(path)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", help="directories holding *.symbols.json (searched recursively)")
    ap.add_argument("--extract", action="store_true", help="run swift package dump-symbol-graph first")
    ap.add_argument("--modules", default=",".join(DEFAULT_MODULES), help="comma-separated modules to check")
    ap.add_argument("--swift", default=os.environ.get("SWIFT", "swift"))
    ap.add_argument("-v", "--verbose", action="store_true", help="also list ignored symbols and why")
    ap.add_argument("--self-test", action="store_true", help="check the rules on a built-in sample graph, then exit")
    args = ap.parse_args()
    modules = [m for m in args.modules.split(",") if m]

    if args.self_test:
        return self_test()
    dirs = args.dirs or (extract(args.swift) if args.extract else default_dirs())
    return report(dirs, modules, args.verbose)


def self_test() -> int:
    """Runs the rules on a hand-made symbol graph: the three bad symbols must be reported, nothing else."""
    import tempfile
    src = os.path.join(ROOT, "Sources", "Demo", "Demo.swift")
    loc = {"uri": "file://" + src, "position": {"line": 3, "character": 4}}
    def sym(pid, name, kind="swift.property", access="public", doc=None, location=True):
        s = {"identifier": {"precise": pid}, "kind": {"identifier": kind}, "pathComponents": ["Demo", name],
             "names": {"title": name}, "accessLevel": access}
        if location:
            s["location"] = loc
        if doc is not None:
            s["docComment"] = {"lines": [{"text": doc}]}
        return s
    graph = {"module": {"name": "Demo"}, "symbols": [
        sym("s:undocumented", "undocumented"),                                   # reported
        sym("s:bestBid", "bestBid", doc="The best bid."),                       # reported: placeholder
        sym("s:good", "bestAsk", doc="The lowest ask level, or nil when empty."),
        sym("s:filler", "init(price:)", kind="swift.init", doc="Creates the value."),         # reported: filler
        sym("s:fine", "init(count:)", kind="swift.init", doc="Creates the value; `count` must be positive."),
        sym("s:internal", "hidden", access="internal"),
        sym("s:Demo::SYNTHESIZED::s:SQ2neoiySbx_xtFZ", "!=(_:_:)", kind="swift.func.op"),
        sym("s:implicit", "init(rawValue:)", kind="swift.init", location=False),
    ]}
    with tempfile.TemporaryDirectory(prefix="bfx-doc-coverage-selftest-") as tmp:
        with open(os.path.join(tmp, "Demo.symbols.json"), "w", encoding="utf-8") as fh:
            json.dump(graph, fh)
        import io
        import contextlib
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = report([tmp], ["Demo"], False)
    lines = [l for l in out.getvalue().splitlines() if l.startswith("Sources/")]
    expected = ["Demo.undocumented — no doc comment", "Demo.bestBid — placeholder", "Demo.init(price:) — filler"]
    ok = rc == 1 and len(lines) == 3 and all(any(e in l for l in lines) for e in expected)
    print(f"doc coverage self-test: {'ok' if ok else 'FAILED'}" + ("" if ok else f": rc={rc} {lines}"))
    return 0 if ok else 1


def report(dirs: list[str], modules: list[str], verbose: bool) -> int:
    """Checks the graphs of `modules` found under `dirs`; prints the problems; 1 if any, 2 if no graphs."""
    files = graph_files(dirs, modules)
    missing_graph = [m for m, fs in files.items() if not any(os.path.basename(f) == f"{m}.symbols.json" for f in fs)]
    if missing_graph:
        sys.stderr.write(f"no symbol graph for: {', '.join(missing_graph)} (searched {', '.join(dirs)})\n")
        return 2

    problems: list[tuple[str, str, int, str]] = []
    counts: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    seen: set[str] = set()
    for module, paths in files.items():
        for path in sorted(paths):
            with open(path, encoding="utf-8") as fh:
                graph = json.load(fh)
            for sym in graph.get("symbols", []):
                precise = sym["identifier"]["precise"]
                kind = sym["kind"]["identifier"].removeprefix("swift.")
                name = ".".join(sym.get("pathComponents", [])) or sym.get("names", {}).get("title", "?")
                if sym.get("accessLevel") not in ("public", "open"):
                    continue
                if precise in seen:   # the same symbol can appear in more than one graph directory
                    continue
                seen.add(precise)
                loc = sym.get("location")
                if "::SYNTHESIZED::" in precise:
                    reason = "synthesised"
                elif not loc:
                    reason = "no source location (implicit)"
                else:
                    reason = ""
                file = unquote(urlparse(loc["uri"]).path) if loc else ""
                if not reason and not file.startswith(os.path.join(ROOT, "Sources") + os.sep):
                    reason = f"declared outside Sources/ ({file})"
                if reason:
                    if verbose:
                        print(f"ignored {module}: {kind} {name} — {reason}")
                    continue
                checked[module] += 1
                rel = os.path.relpath(file, ROOT)
                line = loc["position"]["line"] + 1
                doc = sym.get("docComment")
                own = doc is not None and doc.get("module") in (None, graph["module"]["name"])
                text = " ".join(l.get("text", "") for l in doc.get("lines", [])) if doc else ""
                if not own or not text.strip():
                    why = "no doc comment" if not doc else f"only inherits the comment of {doc.get('module')}'s requirement"
                else:
                    leaf = sym.get("pathComponents", [name])[-1].split("(")[0]
                    doc_words = words(text)
                    if doc_words and doc_words == words(leaf):
                        why = "placeholder doc comment (only repeats the name)"
                    elif filler(text):
                        why = "filler doc comment (say what the user needs: parameters, defaults, units, throws)"
                    else:
                        why = ""
                if why:
                    problems.append((rel, module, line, f"{kind} {name} — {why}"))
                    counts[module] += 1

    for rel, module, line, msg in sorted(problems):
        print(f"{rel}:{line}: {module}: {msg}")
    summary = ", ".join(f"{m} {counts[m]}/{checked[m]}" for m in modules)
    print(f"doc coverage: {len(problems)} public symbols need a doc comment (missing/checked: {summary})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
