#!/usr/bin/env bash
# Benchmark of `gov build` on a generated 10,000-rule corpus, against the
# floor: reading gov's own output back and re-serialising it with serde_json.
#
#   bash benches/build.sh            (RULES=10000 FILES=100 RUNS=5 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
RULES=${RULES:-10000}
FILES=${FILES:-100}
RUNS=${RUNS:-5}
cargo build --release --quiet
cargo build --release --quiet --example json_floor
work=target/bench/build
rm -rf "$work" && mkdir -p "$work"
python3 benches/gen_corpus.py --rules "$RULES" --files "$FILES" --out "$work/src" >/dev/null
src_bytes=$(du -sb "$work/src" | cut -f1)

best_build=999; best_floor=999; rss_build=0; rss_floor=0
for i in $(seq "$RUNS"); do
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/t" ./target/release/gov build "$work/src" --out "$work/out" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs rss < "$work/t"
  best_build=$(python3 -c "print(min($best_build, $secs))"); rss_build=$rss
  /usr/bin/time -f "%e %M" -o "$work/t" ./target/release/examples/json_floor "$work/out" >/dev/null
  read -r secs rss < "$work/t"
  best_floor=$(python3 -c "print(min($best_floor, $secs))"); rss_floor=$rss
done
out_bytes=$(du -sb "$work/out" | cut -f1)
python3 - "$RULES" "$src_bytes" "$out_bytes" "$best_build" "$best_floor" "$rss_build" "$rss_floor" <<'PY'
import sys
rules, src, out, b, f, rb, rf = sys.argv[1:]
rules, src, out, b, f, rb, rf = int(rules), int(src), int(out), float(b), float(f), int(rb), int(rf)
print(f"corpus: {rules} rules, {src:,} bytes of .gov -> {out:,} bytes of JSON")
print(f"gov build        best of runs: {b:.3f} s  {rules / max(b, 1e-9):,.0f} rules/s  peak {rb / 1024:.1f} MiB")
print(f"serde_json floor best of runs: {f:.3f} s  peak {rf / 1024:.1f} MiB")
print(f"build / floor: {b / max(f, 1e-9):.1f}x   peak / source: {rb * 1024 / src:.1f}x")
PY
