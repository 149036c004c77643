#!/usr/bin/env python3
"""Growth of gov's cost with the size of its input, one dimension at a time.

    cargo build --release && python3 benches/scaling.py [--runs 3] [--bin target/release/gov]

Every dimension is measured at 1x, 10x and 100x of a base size, with inputs
generated here (deterministic). The figure is the CPU time (user + system) of
the whole process, the smallest of `--runs` runs, so that what else runs on
the machine matters little. The last column is the growth from 10x to 100x:
a linear cost grows 10x; the budget is 12x. A dimension over budget is marked
`OVER` and the script exits 1 with `--strict`.

Dimensions:
  corpus-1-file   rules of the generated corpus (benches/gen_corpus.py) in one file: check
  corpus-build    the same corpus: build
  one-policy      rules of one SCP (one base statement id): check
  and-chain       comparisons `and`ed in one rule: build
  import-chain    files each importing the previous one: check
  import-json     statements of one JSON policy: import
  import-buckets  statements of one JSON identity policy, each on its own
                  bucket, one of its two actions lacking the condition key
                  (the import's proof weighs every pattern): import
  lint-json       statements of one JSON policy: lint
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_of(cmd, runs):
    """Smallest user + system CPU seconds of `runs` runs of `cmd`."""
    best = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = cpu if best is None else min(best, cpu)
    return best


def write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def corpus(dirname, n):
    subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_corpus.py"), "--rules", str(n), "--files", "1",
         "--out", dirname],
        check=True, stdout=subprocess.DEVNULL,
    )
    return dirname


def one_policy(dirname, n):
    lines = ["scp Big {"]
    for i in range(n):
        lines.append(
            f'    deny sagemaker:CreateApp when aws:username == "u{i}" '
            f'and sagemaker:InstanceTypes all in ["ml.t3.medium", "x{i}"]'
        )
    lines.append("}")
    path = os.path.join(dirname, "big.gov")
    write(path, "\n".join(lines) + "\n")
    return path


def and_chain(dirname, n):
    conds = " and ".join(f'aws:PrincipalTag/k{i} == "v{i}"' for i in range(n))
    path = os.path.join(dirname, "chain.gov")
    write(path, "scp Chain {\n    deny s3:GetObject when " + conds + "\n}\n")
    return path


def import_chain(dirname, n):
    for i in range(n):
        head = f'import "f{i - 1}.gov"\n' if i else ""
        write(os.path.join(dirname, f"f{i}.gov"),
              f'{head}const c{i} = ["v{i}"]\nscp P{i} {{\n    deny s3:GetObject when aws:username in c{i}\n}}\n')
    return dirname


def json_policy(dirname, n):
    statements = [
        {"Sid": f"S{i}", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"StringEquals": {"aws:username": f"u{i}"}}}
        for i in range(n)
    ]
    path = os.path.join(dirname, "policy.json")
    write(path, json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1))
    return path


def bucket_policy(dirname, n):
    statements = [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": f"arn:aws:s3:::bucket-{i}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "private"}}}
        for i in range(n)
    ]
    path = os.path.join(dirname, "policy.json")
    write(path, json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1))
    return path


def dimensions(gov, out):
    return [
        ("corpus-1-file", 100, corpus, lambda p: [gov, "check", p]),
        ("corpus-build", 100, corpus, lambda p: [gov, "build", p, "--out", out()]),
        ("one-policy", 100, one_policy, lambda p: [gov, "check", p]),
        ("and-chain", 30, and_chain, lambda p: [gov, "build", p, "--out", out()]),
        ("import-chain", 40, import_chain, lambda p: [gov, "check", p]),
        ("import-json", 100, json_policy, lambda p: [gov, "import", p, "--kind", "scp", "--out", out()]),
        ("import-buckets", 100, bucket_policy,
         lambda p: [gov, "import", p, "--kind", "policy", "--out", out()]),
        ("lint-json", 100, json_policy, lambda p: [gov, "lint", "--kind", "scp", p]),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/release/gov")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="one dimension")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    gov = os.path.abspath(args.bin)
    over = []
    # Inputs and outputs on a tmpfs when there is one, for the reason given
    # in benches/build.sh: on the development machine's disk, files created
    # within minutes of removing thousands of others cost 5-10x more system
    # time (the kernel's allocator), which would measure the disk's recent
    # past, not gov. TMPDIR overrides it.
    base = None
    if "TMPDIR" not in os.environ and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        base = "/dev/shm"
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        counter = [0]

        def out():
            counter[0] += 1
            return os.path.join(tmp, f"out{counter[0]}")

        print(f"{'dimension':<15} {'1x':>8} {'10x':>8} {'100x':>8}  {'cpu 1x':>8} {'cpu 10x':>8} {'cpu 100x':>8}  growth 10x->100x")
        for name, base, make, command in dimensions(gov, out):
            if args.only and name != args.only:
                continue
            cpus = []
            for scale in (1, 10, 100):
                d = os.path.join(tmp, f"{name}-{scale}")
                os.makedirs(d)
                path = make(d, base * scale)
                cpus.append(cpu_of(command(path), args.runs))
            growth = cpus[2] / max(cpus[1], 1e-3)
            mark = "" if growth <= 12 else "  OVER"
            if mark:
                over.append(name)
            print(f"{name:<15} {base:>8} {base * 10:>8} {base * 100:>8}  "
                  f"{cpus[0]:>7.3f}s {cpus[1]:>7.3f}s {cpus[2]:>7.3f}s  {growth:5.1f}x{mark}", flush=True)
    if over and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    main()
