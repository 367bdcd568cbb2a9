#!/usr/bin/env python3
"""check-doc-commands.py — every shell command shown in the docs still works (or at least parses).

Scans README.md, docs/*.md and examples/README.md for fenced blocks tagged ```sh, ```bash,
```console or ```shell. Every block is accounted for in the report, one line each:

  RUN        the block's commands were executed offline with the built debug `bfxrun`, in a
             fresh temporary directory (holding symlinks to the repo's examples/ and .build/,
             so relative paths in the docs resolve and files the commands write stay out of the
             tree), each under a timeout; a command passes on exit status 0;
  VALIDATED  the commands were checked structurally, because running them needs something this
             check does not have (a live key, a fixed port, a placeholder such as CONFIG.yaml or
             PORT, a long benchmark, PostgreSQL, `make test` itself);
  SKIPPED    the line before the block is `<!-- docs-check: skip (reason) -->` (reason required).
  FAIL       a command failed to run or to validate, or is of a kind this checker does not know
             (teach it, or add a skip marker with a reason).

An untagged (or ```text) block whose first line starts like a command (bfxrun, make, swift,
scripts/, curl, sudo, systemctl) FAILs too: tag it so it is checked.

Per command (lines are joined on a trailing `\\`; `#` comments and blank lines are ignored;
`$ ` prompts are stripped — in a ```console block with `$ ` prompts only the prompted lines are
commands, the rest is sample output; `bfx[…]> cmd` lines are console input; `a ; b` and
`a && b` are split outside quotes; in a pipeline `a | b` (spaces around `|`; `x|y` without
spaces is a placeholder for alternatives) the bfxrun stage is checked and the whole pipeline
runs, under `pipefail`, when the other stages' programs are installed):
  * bfxrun (`bfxrun`, `.build/debug/bfxrun`, `$(swift build --show-bin-path)/bfxrun`): the
    subcommand must exist and every `--flag`/`-f` must appear in `bfxrun <sub> --help`; files
    under examples/ must exist. It is RUN when it can finish offline on its own: `check`, `init`,
    `version`, `--help`; `run`/`CONFIG` with `--once` or `--duration` (duration capped at 3 s);
    `simulate` with `--port 0` and `--duration` (capped); `console` with `--file`, `-c` or with
    `bfx[…]>` input lines in the same block (fed through a script file); `nonce status` on a
    memory/file store; `nonce stress` on the embedded simulator. A fixed `--listen`/`--port`,
    a PostgreSQL URL, a placeholder (upper-case word like CONFIG/PORT/ID, `…`, `[opt]`, `a|b`)
    or a file the reader is meant to write (a relative *.yaml/*.json/*.bfx that is neither in the
    repo nor written by an earlier `-o FILE` of the same block) makes it VALIDATED only.
  * `make T`: T is a target of the Makefile (not run: `make run` is run by
    scripts/check-readme-setup.sh, `make test` is what CI runs and includes this check).
  * `scripts/X`: exists and is executable. `swift build --product P`: P is a product in
    Package.swift. `cd Benchmarks && swift run … NAME …`: NAME is an executable target of
    Benchmarks/Package.swift.
  * `curl … localhost:PORT/_sim/ROUTE`: ROUTE is served by Sources/BfxSimulator (needs a running
    simulator, so VALIDATED).

Usage: scripts/check-doc-commands.py [--bfxrun PATH] [-v] [FILE.md …]
Exit status 0 when no block FAILs, 1 otherwise.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGS = {"sh", "bash", "console", "shell"}
SKIP_RE = re.compile(r"<!--\s*docs-check:\s*skip\s*\((.+?)\)\s*-->")
PROMPT_RE = re.compile(r"^bfx\[[^\]]*\]>\s?(.*)$")
BFXRUN_RE = re.compile(r"^(?:\.build/debug/|\$\(swift build[^)]*\)/)?bfxrun(?=\s|$)")
PLACEHOLDER_RE = re.compile(r"(\b[A-Z][A-Z_]{1,}\b(?!=)|…|\.\.\.|\[[^\]]*\]|\S\|\S)")
# An untagged (or ```text) block whose first line is one of these is a command block in disguise.
UNTAGGED_CMD_RE = re.compile(r"^\s*(\$ )?(bfxrun|\.build/debug/bfxrun|make|swift|scripts/|curl|sudo|systemctl)\b")
RUN_TIMEOUT = 90
MAX_SECONDS = 3


class Block:
    def __init__(self, path: str, line: int, lang: str, lines: list[str], skip: str | None):
        self.path, self.line, self.lang, self.lines, self.skip = path, line, lang, lines, skip

    @property
    def where(self) -> str:
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}"


def blocks_of(path: str) -> list[Block]:
    """Fenced shell blocks of a Markdown file, with the skip marker on the line before, if any."""
    out: list[Block] = []
    with open(path, encoding="utf-8") as fh:
        text = fh.read().splitlines()
    i = 0
    while i < len(text):
        m = re.match(r"^\s*```+\s*([A-Za-z0-9_-]*)\s*$", text[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1).lower(), i
        j = i + 1
        while j < len(text) and not re.match(r"^\s*```", text[j]):
            j += 1
        body = [l for l in text[start + 1:j] if l.strip()]
        if lang in ("", "text") and body and UNTAGGED_CMD_RE.match(body[0]):
            out.append(Block(path, start + 1, "untagged", text[start + 1:j], None))
        elif lang in LANGS:
            prev = next((text[k] for k in range(start - 1, -1, -1) if text[k].strip()), "")
            sm = SKIP_RE.search(prev)
            if "docs-check:" in prev and not sm:
                sm_reason = "INVALID"
            else:
                sm_reason = sm.group(1).strip() if sm else None
            out.append(Block(path, start + 1, lang, text[start + 1:j], sm_reason))
        i = j + 1
    return out


def commands_of(block: Block) -> tuple[list[str], list[str]]:
    """(shell commands, console input lines) of a block.

    In a ```console block that has `$ ` prompts, only prompted lines (and their `\\`
    continuations) are commands; the other lines are sample output."""
    cmds: list[str] = []
    console: list[str] = []
    pending = ""
    transcript = block.lang == "console" and any(re.match(r"^\s*\$\s", l) for l in block.lines)
    for raw in block.lines:
        line = raw.rstrip()
        pm = PROMPT_RE.match(line.strip())
        if pm:
            console.append(strip_comment(pm.group(1)))
            continue
        if transcript and not pending and not re.match(r"^\s*\$\s", line):
            continue
        line = re.sub(r"^\s*\$\s+", "", line)
        if pending:
            line = pending + " " + line.strip()
            pending = ""
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        line = strip_comment(line).strip()
        if line:
            cmds.append(line)
    return cmds, [c for c in console if c]


def split_unquoted(line: str, seps: tuple[str, ...]) -> list[tuple[str, str]]:
    """Splits on any of `seps` outside quotes: [(segment, separator that followed it or "")]."""
    out: list[tuple[str, str]] = []
    quote = None
    cur = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            quote = None if ch == quote else quote
            cur += ch
            i += 1
            continue
        if ch in "'\"":
            quote = ch
            cur += ch
            i += 1
            continue
        sep = next((x for x in seps if line.startswith(x, i)), None)
        if sep:
            out.append((cur.strip(), sep.strip()))
            cur = ""
            i += len(sep)
            continue
        cur += ch
        i += 1
    out.append((cur.strip(), ""))
    return [(a, b) for a, b in out if a]


def strip_comment(line: str) -> str:
    """Drops a trailing `# comment` that is outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line


class Checker:
    def __init__(self, bfxrun: str, verbose: bool):
        self.bfxrun, self.verbose = bfxrun, verbose
        self.piped_stdin = False
        self.help_cache: dict[tuple[str, ...], str | None] = {}
        with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as fh:
            self.make_targets = set(re.findall(r"^([A-Za-z0-9_.-]+):", fh.read(), re.M))
        with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as fh:
            pkg = fh.read()
        self.products = set(re.findall(r'\.(?:executable|library)\(name:\s*"([^"]+)"', pkg))
        self.products |= set(re.findall(r'\.executableTarget\(\s*name:\s*"([^"]+)"', pkg))
        bench = os.path.join(ROOT, "Benchmarks", "Package.swift")
        self.bench_targets = set()
        if os.path.exists(bench):
            with open(bench, encoding="utf-8") as fh:
                self.bench_targets = set(re.findall(r'\.executableTarget\(\s*name:\s*"([^"]+)"', fh.read()))
        self.sim_source = ""
        for f in glob.glob(os.path.join(ROOT, "Sources", "BfxSimulator", "**", "*.swift"), recursive=True):
            with open(f, encoding="utf-8") as fh:
                self.sim_source += fh.read()

    # ---- bfxrun help ------------------------------------------------------------------------
    def help(self, words: tuple[str, ...]) -> str | None:
        if words not in self.help_cache:
            p = subprocess.run([self.bfxrun, *words, "--help"], capture_output=True, text=True, timeout=30)
            self.help_cache[words] = p.stdout + p.stderr if p.returncode == 0 else None
        return self.help_cache[words]

    def subcommands(self, words: tuple[str, ...]) -> set[str]:
        text = self.help(words) or ""
        if "SUBCOMMANDS:" not in text:
            return set()
        section = text.split("SUBCOMMANDS:", 1)[1]
        return set(re.findall(r"^\s{2}([a-z][a-z0-9-]*)\b", section, re.M))

    def validate_bfxrun(self, argv: list[str]) -> tuple[list[str], list[str]]:
        """Returns (subcommand path, problems). argv excludes the executable."""
        path: list[str] = []
        rest = list(argv)
        while rest and rest[0] in self.subcommands(tuple(path)):
            path.append(rest.pop(0))
        if not path and not (rest and rest[0] in ("-h", "--help", "--version")):
            path = ["run"]   # `bfxrun CONFIG` is `bfxrun run CONFIG`
            if rest and not rest[0].startswith("-") and not re.search(r"\.ya?ml$", rest[0]):
                return path, [f"unknown subcommand `{rest[0]}`"]
        if path and self.subcommands(tuple(path)) and not any(a in ("-h", "--help") for a in rest):
            return path, [f"`bfxrun {' '.join(path)}` needs a subcommand: {', '.join(sorted(self.subcommands(tuple(path))))}"]
        text = self.help(tuple(path))
        if text is None:
            return path, [f"`bfxrun {' '.join(path)} --help` fails: unknown subcommand"]
        known = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", text)) | {"-h", "--help"}
        problems = []
        for a in rest:
            if a.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", a):
                flag = a.split("=", 1)[0]
                if flag not in known:
                    problems.append(f"`bfxrun {' '.join(path)}` has no option {flag}")
            elif re.match(r"^examples/\S+\.\w+$", a) and not os.path.exists(os.path.join(ROOT, a)):
                problems.append(f"file {a} does not exist")
        return path, problems

    # ---- one command --------------------------------------------------------------------------
    def classify(self, cmd: str, console_input: list[str], produced: set[str]) -> tuple[str, str, str | None]:
        """(verdict RUN|VALIDATED|FAIL, detail, shell command to run or None).

        `produced`: files written by earlier commands of the same block (`init -o my.yaml`)."""
        segments = [seg for seg, _ in split_unquoted(cmd, ("&&", ";"))]
        first = segments[0]
        # A pipeline (` | ` with spaces; `a|b` without spaces is a placeholder for alternatives):
        # check the bfxrun stage; the other stages must be programs on PATH for the line to run.
        stages = [seg for seg, _ in split_unquoted(first, (" | ",))]
        if len(stages) > 1:
            bf = [st for st in stages if BFXRUN_RE.match(st)]
            if not bf:
                return "FAIL", "pipeline without a bfxrun stage (teach scripts/check-doc-commands.py)", None
            self.piped_stdin = stages.index(bf[0]) > 0     # `echo "status" | bfxrun console …`
            try:
                verdict, detail, shell = self.classify(bf[0], console_input, produced)
            finally:
                self.piped_stdin = False
            if verdict != "RUN":
                return verdict, detail, None
            tools = [shlex.split(st)[0] for st in stages if st is not bf[0]]
            missing = [t for t in tools if not shutil.which(t)]
            if missing:
                return "VALIDATED", f"{detail} (pipeline needs {', '.join(missing)})", None
            runnable_line = " | ".join(shell if st is bf[0] else st for st in stages)
            return "RUN", f"{detail} in a pipeline", runnable_line + cmd.strip()[len(first):]
        if first.startswith("make"):
            target = (first.split() + ["all"])[1]
            if target not in self.make_targets:
                return "FAIL", f"make target `{target}` does not exist", None
            return "VALIDATED", f"make target `{target}` exists", None
        if re.match(r"^scripts/\S+", first):
            script = first.split()[0]
            p = os.path.join(ROOT, script)
            if not (os.path.isfile(p) and os.access(p, os.X_OK)):
                return "FAIL", f"{script} missing or not executable", None
            return "VALIDATED", f"{script} exists", None
        if first.startswith("cd Benchmarks") and len(segments) > 1 and segments[1].startswith("swift run"):
            names = [w for w in segments[1].split()[2:] if not w.startswith("-") and w not in ("release", "debug")]
            if not names or names[0] not in self.bench_targets:
                return "FAIL", f"Benchmarks has no executable target {names[:1]}", None
            return "VALIDATED", f"Benchmarks target {names[0]} exists (long benchmark: not run)", None
        m = re.match(r"^swift build\b(.*)$", first)
        if m and not BFXRUN_RE.match(first):
            pm = re.search(r"--product\s+(\S+)", first)
            if pm and pm.group(1) not in self.products:
                return "FAIL", f"no product {pm.group(1)} in Package.swift", None
            return "VALIDATED", "swift build arguments name an existing product", None
        if first.startswith("curl "):
            routes = re.findall(r"/_sim/([A-Za-z0-9_-]+)", first)
            if not routes:
                return "FAIL", "curl command without a /_sim/ route this checker can verify", None
            bad = [r for r in routes if f'"{r}"' not in self.sim_source and f"/{r}" not in self.sim_source]
            if bad:
                return "FAIL", f"simulator does not serve /_sim/{bad[0]}", None
            return "VALIDATED", "simulator control route exists (needs a running simulator's PORT)", None
        bm = BFXRUN_RE.match(first)
        if not bm:
            return "FAIL", "unknown kind of command (teach scripts/check-doc-commands.py or add a skip marker)", None
        prefix = bm.group(0)
        if prefix.startswith(".build/debug/") and not os.path.exists(os.path.join(ROOT, ".build", "debug", "bfxrun")):
            return "FAIL", ".build/debug/bfxrun does not exist after a build", None
        rest_text = first[len(prefix):]
        placeholder = PLACEHOLDER_RE.search(rest_text)
        try:
            argv = shlex.split(re.sub(r"[\[\]]", " ", rest_text).replace("|", " ").replace("…", " "))
        except ValueError as e:
            return "FAIL", f"cannot parse: {e}", None
        path, problems = self.validate_bfxrun(argv)
        if problems:
            return "FAIL", "; ".join(problems), None
        if placeholder:
            return "VALIDATED", f"bfxrun {' '.join(path)}: options exist (placeholder {placeholder.group(0)!r}: not runnable)", None
        explicit = argv[:len(path)] == path          # `bfxrun run X` vs the default `bfxrun X`
        args = argv[len(path):] if explicit else argv
        runnable, why = self.runnable(path, args, console_input or (["<stdin>"] if self.piped_stdin else []))
        for i, a in enumerate(args):
            if args[i - 1] in ("-o", "--output") if i else False:
                produced.add(a)
        own = [a for a in args if re.search(r"\.(ya?ml|json|bfx)$", a) and not a.startswith("/")
               and a not in produced and not os.path.exists(os.path.join(ROOT, a))]
        if runnable and own:
            runnable, why = False, f"needs the reader's own file {own[0]}"
        if not runnable:
            return "VALIDATED", f"bfxrun {' '.join(path)}: options exist ({why})", None
        words = (path if explicit else []) + self.capped(args)
        new_first = "\"$BFXRUN\" " + " ".join(shlex.quote(a) for a in words)
        if path[:1] == ["console"] and console_input and not self.piped_stdin and "--file" not in args and "-c" not in args:
            new_first += ' --file "$CONSOLE_INPUT" --no-history'
        # Keep what followed the first command on the line (e.g. `; echo $?`).
        tail = cmd.strip()[len(first):] if cmd.strip().startswith(first) else ""
        return "RUN", f"bfxrun {' '.join(path)}", new_first + tail

    @staticmethod
    def capped(args: list[str]) -> list[str]:
        """The arguments with any `--duration N` capped at MAX_SECONDS."""
        out: list[str] = []
        i = 0
        while i < len(args):
            if args[i] == "--duration" and i + 1 < len(args):
                try:
                    secs = min(float(args[i + 1]), MAX_SECONDS)
                except ValueError:
                    secs = MAX_SECONDS
                out += ["--duration", f"{secs:g}"]
                i += 2
            else:
                out.append(args[i])
                i += 1
        return out

    @staticmethod
    def runnable(path: list[str], args: list[str], console_input: list[str]) -> tuple[bool, str]:
        joined = " ".join(args)
        if "-h" in args or "--help" in args or "--version" in args:
            return True, ""
        if "postgres" in joined:
            return False, "needs PostgreSQL"
        sub = path[0] if path else ""
        if sub in ("check", "init", "version"):
            return True, ""
        if sub == "run":
            if "--listen" in args and not re.search(r"--listen\s+127\.0\.0\.1:0\b", joined):
                return False, "fixed --listen port"
            if "--once" in args or "--duration" in args:
                return True, ""
            return False, "runs until stopped"
        if sub == "simulate":
            if "--duration" not in args:
                return False, "runs until stopped"
            if "--port" in args and not re.search(r"--port\s+0\b", joined):
                return False, "fixed --port"
            return True, ""
        if sub == "console":
            if "--file" in args or "-c" in args or console_input:
                return True, ""
            return False, "interactive"
        if path[:2] == ["nonce", "status"]:
            return ("--rest-url" not in args, "needs a REST server")
        if path[:2] == ["nonce", "stress"]:
            return ("--rest-url" not in args, "needs a REST server")
        return False, "not known to finish offline"


SELF_TEST = """
```sh
bfxrun check examples/does-not-exist.yaml
```

```sh
bfxrun run examples/quickstart.yaml --no-such-option
```

```sh
bfxrun frobnicate
```

```sh
rm -rf build-output
```

```
bfxrun init
```

<!-- docs-check: skip -->
```sh
bfxrun init
```

```sh
bfxrun check CONFIG.yaml   # placeholder: validated
.build/debug/bfxrun init -o mine.yaml && .build/debug/bfxrun check mine.yaml --quiet
```

<!-- docs-check: skip (needs a live API key) -->
```bash
bfxrun run live.yaml
```
"""
SELF_TEST_EXPECT = {"FAIL": 6, "RUN": 1, "SKIPPED": 1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--self-test", action="store_true",
                    help="check that known-broken blocks fail and good ones pass, then exit")
    ap.add_argument("--bfxrun", default=os.path.join(ROOT, ".build", "debug", "bfxrun"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    files = args.files or [os.path.join(ROOT, "README.md"), *sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))),
                           os.path.join(ROOT, "examples", "README.md")]
    bfxrun = os.path.abspath(args.bfxrun)
    if not os.access(bfxrun, os.X_OK):
        print(f"bfxrun not found at {bfxrun}: build it first (swift build --product bfxrun)")
        return 2
    checker = Checker(bfxrun, args.verbose)
    if args.self_test:
        with tempfile.TemporaryDirectory(prefix="bfx-docs-selftest-") as tmp:
            sample = os.path.join(tmp, "sample.md")
            with open(sample, "w", encoding="utf-8") as fh:
                fh.write(SELF_TEST)
            totals = run_files(checker, [sample], bfxrun, verbose=False, quiet=True)
        got = {k: totals[k] for k in SELF_TEST_EXPECT}
        ok = got == SELF_TEST_EXPECT
        print(f"doc commands self-test: {'ok' if ok else 'FAILED'} (expected {SELF_TEST_EXPECT}, got {got})")
        return 0 if ok else 1
    totals = run_files(checker, files, bfxrun, args.verbose)
    return 1 if totals["FAIL"] else 0


def run_files(checker: Checker, files: list[str], bfxrun: str, verbose: bool, quiet: bool = False) -> dict[str, int]:
    """Checks every shell block of `files`, prints one line per block, returns the totals."""
    print_ = (lambda *a, **k: None) if quiet else print
    totals = {"RUN": 0, "VALIDATED": 0, "SKIPPED": 0, "FAIL": 0}
    started = time.monotonic()
    for f in files:
        for block in blocks_of(f):
            if block.skip == "INVALID":
                print_(f"FAIL      {block.where}: malformed docs-check marker (use <!-- docs-check: skip (reason) -->)")
                totals["FAIL"] += 1
                continue
            if block.lang == "untagged":
                print_(f"FAIL      {block.where}: untagged code block starting with a command: tag it ```sh "
                      "(or ```console for a transcript with `$ ` prompts) so it is checked")
                totals["FAIL"] += 1
                continue
            if block.skip:
                print_(f"SKIPPED   {block.where}: {block.skip}")
                totals["SKIPPED"] += 1
                continue
            cmds, console_input = commands_of(block)
            if not cmds:
                print_(f"FAIL      {block.where}: no command in block")
                totals["FAIL"] += 1
                continue
            verdicts = []
            failures = []
            with tempfile.TemporaryDirectory(prefix="bfx-docs-check-") as tmp:
                for name in ("examples", ".build"):
                    os.symlink(os.path.join(ROOT, name), os.path.join(tmp, name))
                script = os.path.join(tmp, "console-input.bfx")
                with open(script, "w", encoding="utf-8") as fh:
                    fh.write("\n".join(console_input) + "\n")
                env = dict(os.environ, BFXRUN=bfxrun, CONSOLE_INPUT=script, HOME=tmp, NO_COLOR="1")
                env.pop("BFX_API_KEY", None)
                env.pop("BFX_API_SECRET", None)
                produced: set[str] = set()
                for cmd in cmds:
                    verdict, detail, shell = checker.classify(cmd, console_input, produced)
                    if verdict == "RUN" and shell:
                        t0 = time.monotonic()
                        try:
                            p = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=tmp, env=env, capture_output=True,
                                               text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)
                            rc, out = p.returncode, (p.stdout + p.stderr)
                        except subprocess.TimeoutExpired as e:
                            rc, out = 124, f"timed out after {RUN_TIMEOUT}s\n{(e.stdout or b'')[-2000:]!r}"
                        dt = time.monotonic() - t0
                        if rc != 0:
                            verdict = "FAIL"
                            tail = "\n".join("      | " + l for l in out.strip().splitlines()[-15:])
                            detail = f"`{cmd}` exit status {rc} (ran: {shell})\n{tail}"
                        else:
                            detail = f"{detail} ({dt:.1f}s)"
                    verdicts.append(verdict)
                    if verdict == "FAIL":
                        failures.append(detail if shell and verdict == "FAIL" and "exit status" in detail
                                        else f"`{cmd}`: {detail}")
                    elif verbose:
                        print_(f"    {verdict:<9} {cmd}  — {detail}")
            if failures:
                totals["FAIL"] += 1
                print_(f"FAIL      {block.where}:")
                for msg in failures:
                    print_(f"    {msg}")
            else:
                kind = "RUN" if "RUN" in verdicts else "VALIDATED"
                totals[kind] += 1
                n_run = verdicts.count("RUN")
                print_(f"{kind:<9} {block.where}: {len(cmds)} commands ({n_run} run, {len(cmds) - n_run} validated)"
                      + (f", {len(console_input)} console lines" if console_input else ""))
    print_(f"doc commands: {sum(totals.values())} blocks — {totals['RUN']} run, {totals['VALIDATED']} validated, "
          f"{totals['SKIPPED']} skipped, {totals['FAIL']} failed ({time.monotonic() - started:.0f}s)")
    return totals


if __name__ == "__main__":
    sys.exit(main())
