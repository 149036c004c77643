#!/usr/bin/env bash
# Benchmark of `gov build` on a generated 10,000-rule corpus, against the
# floor: reading gov's own output back and re-serialising it with serde_json.
#
#   bash benches/build.sh            (RULES=10000 FILES=100 RUNS=5 by default)
#
# Every run builds into a folder of its own (out-1, out-2, …), all removed
# at the end; a last run builds again into out-1 (a rebuild with nothing
# changed: every file already holds its bytes and is left alone).
#
# Where: under OUT_BASE, by default /dev/shm (a tmpfs) when it exists, else
# target/bench. On ext4 without a journal (the development machine's disk),
# creating files within 1 to 6 minutes of removing thousands of others in
# the same block group is 5–10× slower, in any program: for each new inode
# the kernel skips every inode freed in that window, reading the inode table
# to find out (`recently_deleted` in fs/ext4/ialloc.c; seen with perf at
# 1.5–4 s of system time for 4,000 files). A tmpfs measures gov, not that
# window; `OUT_BASE=target/bench` measures the disk too (run it after the
# disk has been quiet for some minutes). The file system is printed.
# Reported: the median and the best of the runs, wall and CPU (user + system).
set -euo pipefail
cd "$(dirname "$0")/.."
RULES=${RULES:-10000}
FILES=${FILES:-100}
RUNS=${RUNS:-5}
cargo build --release --quiet
cargo build --release --quiet --example json_floor
if [ -z "${OUT_BASE:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then OUT_BASE=/dev/shm; else OUT_BASE=target/bench; fi
fi
mkdir -p "$OUT_BASE"
work=$(mktemp -d "$OUT_BASE/gov-build-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "output under $work ($(stat -f -c %T "$work"))"
python3 benches/gen_corpus.py --rules "$RULES" --files "$FILES" --out "$work/src" >/dev/null
src_bytes=$(du -sb "$work/src" | cut -f1)

builds=(); floors=(); rss_builds=(); rss_floor=0
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" ./target/release/gov build "$work/src" --out "$work/out-$i" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs user sys rss < "$work/t"
  builds+=("$secs:$user:$sys"); rss_builds+=("$rss")
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" ./target/release/examples/json_floor "$work/out-$i" >/dev/null
  read -r secs user sys rss < "$work/t"
  floors+=("$secs:$user:$sys"); rss_floor=$rss
done
/usr/bin/time -f "%e %U %S %M" -o "$work/t" ./target/release/gov build "$work/src" --out "$work/out-1" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
read -r secs user sys rss < "$work/t"
again="$secs:$user:$sys"
out_bytes=$(du -sb "$work/out-1" | cut -f1)
# The fixed cost: the peak of a build of one tiny policy (the catalog, the
# program), the median of five runs.
printf 'scp Tiny {\n  deny s3:DeleteBucket\n}\n' > "$work/tiny.gov"
rss_tiny=()
for i in 1 2 3 4 5; do
  /usr/bin/time -f "%M" -o "$work/t" ./target/release/gov build "$work/tiny.gov" --out "$work/tiny-$i" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  rss_tiny+=("$(cat "$work/t")")
done
docs=$(find "$work/out-1" -name '*.json' | wc -l)
python3 - "$RULES" "$src_bytes" "$out_bytes" "$docs" "${rss_builds[*]}" "$rss_floor" "$again" "${builds[*]}" "${floors[*]}" "${rss_tiny[*]}" <<'PY'
import statistics, sys
rules, src, out, docs = (int(x) for x in sys.argv[1:5])
rss_runs = [int(x) for x in sys.argv[5].split()]
rb, rf = max(rss_runs), int(sys.argv[6])
again = [float(x) for x in sys.argv[7].split(":")]
runs = lambda arg: [[float(x) for x in r.split(":")] for r in arg.split()]
builds, floors = runs(sys.argv[8]), runs(sys.argv[9])
tiny = statistics.median(int(x) for x in sys.argv[10].split())

def summary(rs):
    wall = [r[0] for r in rs]
    cpu = [r[1] + r[2] for r in rs]
    sys_ = [r[2] for r in rs]
    return statistics.median(wall), min(wall), statistics.median(cpu), statistics.median(sys_)

print(f"corpus: {rules} rules, {src:,} bytes of .gov -> {docs:,} files, {out:,} bytes of JSON")
mw, bw, mc, ms = summary(builds)
print(f"gov build        median {mw:.3f} s wall ({rules / max(mw, 1e-9):,.0f} rules/s), best {bw:.3f} s "
      f"({rules / max(bw, 1e-9):,.0f} rules/s); median CPU {mc:.3f} s (system {ms:.3f} s); peak {rb / 1024:.1f} MiB")
print(f"gov build again into the same folder: {again[0]:.3f} s wall, CPU {again[1] + again[2]:.3f} s (system {again[2]:.3f} s)")
fw, fb, fc, _ = summary(floors)
print(f"serde_json floor median {fw:.3f} s wall, best {fb:.3f} s; CPU {fc:.3f} s; peak {rf / 1024:.1f} MiB")
print(f"build / floor (median wall): {mw / max(fw, 1e-9):.1f}x   peak / source: {rb * 1024 / src:.1f}x")
over = (rb - tiny) * 1024 / src
print(f"peak memory: highest of the runs {rb / 1024:.1f} MiB (median {statistics.median(rss_runs) / 1024:.1f}), "
      f"a tiny build (fixed cost) {tiny / 1024:.1f} MiB: (peak - fixed) / source {over:.1f}x")
for ok, what in [(rules / max(mw, 1e-9) >= 50_000, f"rules/s (median wall): {rules / max(mw, 1e-9):,.0f} (budget >= 50,000)"),
                 (over <= 10, f"(peak - fixed) / source bytes: {over:.1f}x (budget <= 10x)")]:
    print(("ok      " if ok else "MISSED  ") + what)
PY
