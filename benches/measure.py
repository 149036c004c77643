#!/usr/bin/env python3
"""Times and measures `gov check` runs and prints the table of benches/check.sh.

Called by benches/check.sh (which builds the binary and generates the
corpora); see there for the command. Wall times come from hyperfine when it is
installed, else from `time.perf_counter` around `subprocess.run`; CPU times
(user + system) come from the same runs. Peak memory is the "Maximum resident
set size" of `/usr/bin/time -v` (or `os.wait4` when that is missing).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def percentile(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def time_runs(cmd, runs, warmup, timer):
    """Wall seconds of each run, and the mean CPU seconds (user + system) per run."""
    if timer != "python" and shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            export = fh.name
        try:
            done = subprocess.run(
                ["hyperfine", "--style", "none", "-N", "-i", "--warmup", str(warmup),
                 "--runs", str(runs), "--export-json", export, " ".join(cmd)],
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )
            if done.returncode != 0:
                sys.exit(f"hyperfine failed:\n{done.stderr}")
            with open(export, encoding="utf-8") as fh:
                result = json.load(fh)["results"][0]
        finally:
            os.unlink(export)
        return result["times"], result["user"] + result["system"], "hyperfine"
    for _ in range(warmup):
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times = []
    cpu = 0.0
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        after = os.times()
        cpu += (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return times, cpu / runs, "perf_counter"


def peak_rss_kb(cmd):
    """Peak resident set size of one run, in KiB."""
    if os.path.exists("/usr/bin/time"):
        done = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        for line in done.stderr.splitlines():
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1])
        raise RuntimeError(f"no peak RSS from /usr/bin/time:\n{done.stderr[-2000:]}")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss


def median_rss_kb(cmd, runs=3):
    return statistics.median(peak_rss_kb(cmd) for _ in range(runs))


def source_bytes(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(d, f))
                   for d, _, files in os.walk(path) for f in files if f.endswith(".gov"))
    return os.path.getsize(path)


def count_gov(folder):
    return sum(f.endswith(".gov") for _, _, files in os.walk(folder) for f in files)


def check_exit(cmd, expected):
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != expected:
        sys.exit(f"`{' '.join(cmd)}` exited {done.returncode}, expected {expected}:\n{done.stderr[-3000:]}")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--small", required=True, help="one small .gov file")
    ap.add_argument("--tiny", required=True, help="a minimal .gov file (the fixed memory cost)")
    ap.add_argument("--corpus-files", required=True, help="folder: the corpus over many files")
    ap.add_argument("--corpus-one", required=True, help="folder: the corpus in one file")
    ap.add_argument("--corpus-errors", required=True, help="folder: one error per rule")
    ap.add_argument("--rules", type=int, required=True)
    ap.add_argument("--runs-small", type=int, default=200)
    ap.add_argument("--runs-corpus", type=int, default=10)
    ap.add_argument("--timer", choices=["auto", "python"], default="auto",
                    help="auto: hyperfine when installed; python: time.perf_counter")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    args = ap.parse_args()

    gov = [args.bin, "check", "--color", "never"]
    # The inputs are what they claim: clean corpora check clean, the error one does not.
    for path in (args.small, args.tiny, args.corpus_files, args.corpus_one):
        check_exit(gov + ["--deny-warnings", path], 0)
    # Unknown actions are warnings (W0103): the error corpus fails with --deny-warnings.
    check_exit(gov + ["--deny-warnings", args.corpus_errors], 1)

    rows = []
    budgets = []

    times, cpu, tool = time_runs(gov + [args.small], args.runs_small, 10, args.timer)
    mean, median, p95 = statistics.mean(times), statistics.median(times), percentile(times, 95)
    rows.append(("small file, cold start", f"{len(times)}", ms(mean), ms(median), ms(p95), ms(cpu), "-"))
    budgets.append(("small file: mean wall time per run", ms(mean), "<= 20 ms", mean <= 0.020))

    many = f"corpus, {count_gov(args.corpus_files)} files"
    for label, path in ((many, args.corpus_files),
                        ("corpus, 1 file", args.corpus_one),
                        ("corpus, an error per rule", args.corpus_errors)):
        times, cpu, _ = time_runs(gov + [path], args.runs_corpus, 1, args.timer)
        mean, median, p95 = statistics.mean(times), statistics.median(times), percentile(times, 95)
        rate = args.rules / median
        rows.append((label, f"{len(times)}", ms(mean), ms(median), ms(p95), ms(cpu),
                     f"{rate:,.0f} (cpu {args.rules / cpu:,.0f})"))
        if "error" not in label:
            budgets.append((f"{label}: rules/s (median wall)", f"{rate:,.0f}", ">= 100,000", rate >= 100_000))

    print()
    print(f"gov check benchmarks  ({args.rules:,} rules per corpus; timing: {tool}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f})")
    header = ("benchmark", "runs", "mean", "median", "p95", "cpu/run", "rules/s (median)")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))

    fixed = median_rss_kb(gov + [args.tiny])
    mem_rows = [("tiny file (fixed cost)", args.tiny, fixed, None)]
    for label, path in ((many, args.corpus_files),
                        ("corpus, 1 file", args.corpus_one),
                        ("corpus, an error per rule", args.corpus_errors)):
        peak = median_rss_kb(gov + [path])
        size = source_bytes(path)
        ratio = (peak - fixed) * 1024 / size
        mem_rows.append((label, path, peak, (size, ratio)))
        if "error" not in label:
            budgets.append((f"{label}: (peak - fixed) / source bytes", f"{ratio:.1f}x", "<= 10x", ratio <= 10))
    print()
    header = ("peak memory", "max RSS", "source", "(peak - fixed) / source")
    table = [header]
    for label, _, peak, extra in mem_rows:
        if extra is None:
            table.append((label, f"{peak / 1024:.1f} MiB", "-", "-"))
        else:
            size, ratio = extra
            table.append((label, f"{peak / 1024:.1f} MiB", f"{size / 1024 / 1024:.2f} MiB", f"{ratio:.1f}x"))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))

    print()
    missed = 0
    for what, value, budget, ok in budgets:
        missed += not ok
        print(f"{'ok    ' if ok else 'MISSED'}  {what}: {value} (budget {budget})")
    print()
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
