#!/usr/bin/env bash
# Benchmarks of `gov check` with the release binary (embedded catalog, cold
# process start included in every run):
#   - one small file, 200 runs: mean / median / p95 wall time (budget 20 ms);
#   - a generated 10,000-rule corpus over 100 files and in one file: rules per
#     second (budget >= 100,000), and the same with an error in every rule;
#   - peak memory (max RSS): the fixed cost is that of checking a tiny file;
#     budget (peak - fixed) / source bytes <= 10.
#
# Run from the repository root:   bash benches/check.sh
# Knobs (environment): RULES (10000), FILES (100), RUNS_SMALL (200),
# RUNS_CORPUS (10), BENCH_TIMER=python to time without hyperfine,
# BENCH_STRICT=1 to exit 1 when a budget is missed.
# Timing uses hyperfine (installed with apt-get when missing and possible),
# else Python's time.perf_counter. The corpus is deterministic (fixed seed).
set -euo pipefail
cd "$(dirname "$0")/.."

RULES=${RULES:-10000}
FILES=${FILES:-100}
RUNS_SMALL=${RUNS_SMALL:-200}
RUNS_CORPUS=${RUNS_CORPUS:-10}
OUT=target/bench

if [ "${BENCH_TIMER:-auto}" != python ] && ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing hyperfine..." >&2
        apt-get install -y hyperfine >/dev/null 2>&1 \
            || { apt-get update >/dev/null 2>&1 && apt-get install -y hyperfine >/dev/null 2>&1; } \
            || echo "hyperfine unavailable: timing with time.perf_counter" >&2
    else
        echo "hyperfine not installed: timing with time.perf_counter" >&2
    fi
fi

cargo build --release --quiet
BIN=target/release/gov

rm -rf "$OUT"
mkdir -p "$OUT"
cp policies/examples/studio-access.gov "$OUT/small.gov"
printf 'scp Tiny { deny sagemaker:CreateApp }\n' > "$OUT/tiny.gov"
python3 benches/gen_corpus.py --rules "$RULES" --files "$FILES" --out "$OUT/corpus-files" >&2
python3 benches/gen_corpus.py --rules "$RULES" --files 1 --out "$OUT/corpus-one" >&2
python3 benches/gen_corpus.py --rules "$RULES" --files 1 --errors --out "$OUT/corpus-errors" >&2

strict=()
if [ "${BENCH_STRICT:-0}" = 1 ]; then strict=(--strict); fi
python3 benches/measure.py \
    --bin "$BIN" \
    --small "$OUT/small.gov" \
    --tiny "$OUT/tiny.gov" \
    --corpus-files "$OUT/corpus-files" \
    --corpus-one "$OUT/corpus-one" \
    --corpus-errors "$OUT/corpus-errors" \
    --rules "$RULES" \
    --runs-small "$RUNS_SMALL" \
    --runs-corpus "$RUNS_CORPUS" \
    --timer "${BENCH_TIMER:-auto}" \
    ${strict[@]+"${strict[@]}"}
