#!/usr/bin/env bash
# Benchmark of `gov build` with an organization: 50 guardrails attached over
# 100 OUs and 1,000 accounts (budget: under 1 s on the 2-core machine).
#
#   bash benches/org.sh            (GUARDRAILS=50 OUS=100 ACCOUNTS=1000 RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
GUARDRAILS=${GUARDRAILS:-50}
OUS=${OUS:-100}
ACCOUNTS=${ACCOUNTS:-1000}
RUNS=${RUNS:-5}
cargo build --release --quiet
work=target/bench/org
rm -rf "$work" && mkdir -p "$work"
python3 benches/gen_org.py --guardrails "$GUARDRAILS" --ous "$OUS" --accounts "$ACCOUNTS" --out "$work/src"
best=999; rss=0
for i in $(seq "$RUNS"); do
  rm -rf "$work/out"
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" ./target/release/gov build "$work/src" --out "$work/out" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs user sys peak < "$work/t"
  best=$(python3 -c "print(min($best, $secs))"); rss=$peak
  echo "run $i: ${secs} s wall, ${user} s user, ${sys} s system, peak ${peak} KiB"
done
docs=$(find "$work/out/org" -name '*.json' | wc -l)
echo "org of $ACCOUNTS accounts in $OUS OUs with $GUARDRAILS guardrails: best ${best} s wall; $docs packed documents; peak $((rss / 1024)) MiB"
