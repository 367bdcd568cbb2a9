#!/usr/bin/env python3
"""check-build-plan.py — which modules does a library product of bfxkit compile?

Walks the build plan SwiftPM would use for `swift build --product PRODUCT` without building it:
the product's targets, their target and product dependencies, and — through each dependency
package's own manifest (`swift package dump-package` in .build/checkouts/<pkg>) — every module
those products pull in, on Linux (platform conditions are honoured). Then fails when a module
that the product must not compile is in the plan.

Default rule (issue "a library user pays only for what they use"): a program that depends only on
`BfxClient` compiles neither PostgreSQL (PostgresNIO), Hummingbird, Prometheus nor Yams.

Usage: scripts/check-build-plan.py [--product BfxClient] [--forbid PostgresNIO,Hummingbird,...]
                                   [--list] [--self-test]
Needs a resolved package (.build/checkouts), i.e. any earlier `swift build`.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWIFT = os.environ.get("SWIFT", "swift")
DEFAULT_FORBIDDEN = ["PostgresNIO", "Hummingbird", "HummingbirdCore", "HummingbirdWebSocket",
                     "Prometheus", "Yams"]
_dumps = {}


def dump(path):
    if path not in _dumps:
        out = subprocess.run([SWIFT, "package", "dump-package"], cwd=path, check=True,
                             capture_output=True, text=True).stdout
        _dumps[path] = json.loads(out)
    return _dumps[path]


def identity_of(dep):
    for kind in ("sourceControl", "fileSystem", "registry"):
        if kind in dep:
            return dep[kind][0]["identity"].lower()
    raise ValueError(f"unknown dependency form: {dep}")


def package_dirs():
    """identity -> checkout directory, from the resolved package graph."""
    out = subprocess.run([SWIFT, "package", "show-dependencies", "--format", "json"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    dirs = {}

    def walk(node):
        dirs[node["identity"].lower()] = node["path"]
        for child in node.get("dependencies", []):
            walk(child)
    walk(json.loads(out))
    return dirs


def applies(condition, enabled_traits):
    """A dependency condition holds on Linux with the package's enabled traits."""
    if not condition:
        return True
    names = condition.get("platformNames")
    if names and "linux" not in names:
        return False
    traits = condition.get("traits")
    return not traits or bool(set(traits) & enabled_traits)


def expand_traits(manifest, requested):
    """The traits a package has enabled when its dependents request `requested` (None = default)."""
    table = {t["name"]: t.get("enabledTraits", []) for t in manifest.get("traits") or []}
    todo = list(requested) if requested is not None else ["default"]
    enabled = set()
    while todo:
        name = todo.pop()
        if name in enabled:
            continue
        enabled.add(name)
        todo.extend(table.get(name, []))
    return enabled


def requested_traits(dep):
    for kind in ("sourceControl", "fileSystem", "registry"):
        if kind in dep:
            traits = dep[kind][0].get("traits")
            if traits is None:
                return None
            return [t["name"] if isinstance(t, dict) else t for t in traits]
    return None


def closure(product, root_dir=ROOT):
    dirs = package_dirs()
    modules = set()
    seen = set()
    # Trait unification, approximated from the declarations met on the walk: a package's enabled
    # traits are the union of what every dependent that is part of the plan requests.
    requests = {root_dir: None}

    def traits_of(pkg_dir):
        req = requests.get(pkg_dir)
        return expand_traits(dump(pkg_dir), None if req is None else req)

    def request(pkg_dir, traits):
        if pkg_dir not in requests:
            requests[pkg_dir] = traits
        elif requests[pkg_dir] is not None:
            requests[pkg_dir] = (list(set(requests[pkg_dir]) | set(traits or ["default"])))

    def visit_product(pkg_dir, name):
        manifest = dump(pkg_dir)
        prods = [p for p in manifest["products"] if p["name"] == name]
        if not prods:
            raise SystemExit(f"check-build-plan: product {name} not found in {pkg_dir}")
        for t in prods[0]["targets"]:
            visit_target(pkg_dir, t)

    def visit_target(pkg_dir, name):
        key = (pkg_dir, name)
        if key in seen:
            return
        seen.add(key)
        manifest = dump(pkg_dir)
        targets = {t["name"]: t for t in manifest["targets"]}
        target = targets.get(name)
        if target is None:
            raise SystemExit(f"check-build-plan: target {name} not found in {pkg_dir}")
        if target["type"] in ("plugin", "macro"):
            return
        modules.add(name)
        deps = {identity_of(d): d for d in manifest.get("dependencies", [])}
        enabled = traits_of(pkg_dir)
        for dep in target.get("dependencies", []):
            if "byName" in dep:
                dep_name, condition = dep["byName"][0], dep["byName"][1]
                if not applies(condition, enabled):
                    continue
                if dep_name in targets:
                    visit_target(pkg_dir, dep_name)
                else:  # a product named like its package
                    for ident, decl in deps.items():
                        d = dirs.get(ident)
                        if d and any(p["name"] == dep_name for p in dump(d)["products"]):
                            request(d, requested_traits(decl))
                            visit_product(d, dep_name)
                            break
            elif "target" in dep:
                if applies(dep["target"][1], enabled):
                    visit_target(pkg_dir, dep["target"][0])
            elif "product" in dep:
                prod_name, pkg_ident, _moduleAliases, condition = dep["product"]
                if not applies(condition, enabled):
                    continue
                pkg_ident = (pkg_ident or prod_name).lower()
                if pkg_ident not in dirs:
                    raise SystemExit(f"check-build-plan: package {pkg_ident} not resolved; run swift build first")
                request(dirs[pkg_ident], requested_traits(deps[pkg_ident]) if pkg_ident in deps else None)
                visit_product(dirs[pkg_ident], prod_name)
    visit_product(root_dir, product)
    return modules


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--product", action="append")
    ap.add_argument("--forbid", default=",".join(DEFAULT_FORBIDDEN))
    ap.add_argument("--list", action="store_true", help="print every module of the plan")
    ap.add_argument("--self-test", action="store_true",
                    help="check that the walk finds the forbidden modules where they are expected")
    args = ap.parse_args()
    forbidden = [m for m in args.forbid.split(",") if m]
    if args.self_test:
        # The runtime legitimately compiles Hummingbird and Yams, the Postgres store PostgresNIO:
        # if the walk did not find them there, it would also miss them under BfxClient.
        expectations = {"BfxRuntime": ["Hummingbird", "Yams", "PostgresNIO"],
                        "BfxNoncePostgres": ["PostgresNIO"]}
        for product, expected in expectations.items():
            mods = closure(product)
            missing = [m for m in expected if m not in mods]
            if missing:
                print(f"check-build-plan self-test FAILED: {product} should compile {missing}")
                return 1
        print("check-build-plan self-test: ok (the walk finds Hummingbird, Yams and PostgresNIO where they are used)")
        if not args.product:
            return 0
    failed = False
    for product in args.product or ["BfxClient"]:
        mods = closure(product)
        bad = sorted(m for m in mods if m in forbidden)
        if args.list:
            print(f"{product}: {len(mods)} modules: {' '.join(sorted(mods))}")
        if bad:
            failed = True
            print(f"check-build-plan: FAILED — product {product} compiles {', '.join(bad)}")
        else:
            print(f"check-build-plan: {product} compiles {len(mods)} modules, none of {', '.join(forbidden)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
