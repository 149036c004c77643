#!/usr/bin/env bash
# The fuzz targets of gov, built and run with libFuzzer on stable Rust
# (fuzz/README.md).
#
#   fuzz/run.sh build                 build every target
#   fuzz/run.sh short                 every target on its seeds, then fuzzed
#                                     briefly: about 60 s in all (CI); exits
#                                     non-zero on any crash or slow unit
#   fuzz/run.sh long [SECONDS]        every target in turn for SECONDS each
#                                     (default 600), growing fuzz/corpus/;
#                                     restarts after a crash, and says at the
#                                     end which targets found one
#   fuzz/run.sh TARGET [ARGS...]      one target, libFuzzer's ARGS added
#                                     (e.g. -runs=N, or a crash file to replay)
#
# Environment: FUZZ_TARGETS (the targets of short and long, default all),
# FUZZ_REUSE_BUILD=1 (run the targets built last, without building again),
# FUZZ_SHORT_SECONDS (total of a short run, default 60),
# FUZZ_TIMEOUT (seconds of wall-clock time after which one input is a
# timeout: default 10, and 60 for `long`, which runs at low priority on a
# busy machine where a 0.2 s input can wait 10 s for the processor).
set -euo pipefail
CALLER_DIR=$PWD
cd "$(dirname "$0")"
SELF=$PWD/$(basename "$0")

TARGETS=(parse check lower format json import diff_self diff_exact)
# FUZZ_TARGETS="parse format" runs only those (for `short` and `long`): two
# `long` runs with disjoint targets keep both cores of a machine busy.
if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a TARGETS <<<"$FUZZ_TARGETS"
fi

# Which seed corpus and dictionary each target starts from.
seeds_of() {
    case "$1" in
        json | import) echo seeds/json ;;
        diff_exact) echo seeds/pairs ;;
        *) echo seeds/gov ;;
    esac
}
dict_of() {
    case "$1" in
        json | import) echo dict/json.dict ;;
        diff_exact) echo "" ;;
        *) echo dict/gov.dict ;;
    esac
}
# The longest input: short inputs run many times faster and reach the same
# code; a pair of policies takes fewer than a hundred choice bytes.
max_len_of() {
    case "$1" in
        diff_exact) echo 128 ;;
        *) echo 1024 ;;
    esac
}

HOST=$(rustc -vV | sed -n 's/^host: //p')
BIN_DIR=target/$HOST/release
TIMEOUT=${FUZZ_TIMEOUT:-10}

# libFuzzer's instrumentation with the codegen flags of stable rustc (no
# sanitizer: gov forbids unsafe code, so what a sanitizer finds is not
# there): edge coverage with 8-bit counters, comparisons traced. The same
# flags, in the same order, as `cargo fuzz build -s none -O`, so that both
# share one build. `--target` keeps build scripts and proc macros
# uninstrumented.
build() {
    if [ "${FUZZ_REUSE_BUILD:-}" = 1 ] && [ -x "$BIN_DIR/${TARGETS[0]}" ]; then
        return
    fi
    local flags=(
        -Cpasses=sancov-module
        -Cllvm-args=-sanitizer-coverage-level=4
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
        -Cllvm-args=-sanitizer-coverage-pc-table
        -Cllvm-args=-sanitizer-coverage-trace-compares
        --cfg fuzzing
        -Cllvm-args=-simplifycfg-branch-fold-threshold=0
        -Cllvm-args=-sanitizer-coverage-stack-depth
        -Ccodegen-units=1
    )
    RUSTFLAGS="${flags[*]}" cargo build --locked --release --target "$HOST" \
        --target-dir target --bins
}

# libFuzzer's options common to every run of TARGET.
options() {
    local target=$1 dict
    dict=$(dict_of "$target")
    mkdir -p "artifacts/$target"
    echo "-artifact_prefix=artifacts/$target/ -timeout=$TIMEOUT -rss_limit_mb=2048"
    echo "-max_len=$(max_len_of "$target") -print_final_stats=1"
    if [ -n "$dict" ]; then echo "-dict=$dict"; fi
}

# The number of inputs executed by the libFuzzer runs logged in a file.
executions() {
    awk '/^stat::number_of_executed_units:/ { n += $2 } END { print n + 0 }' "$1"
}

short() {
    local total=${FUZZ_SHORT_SECONDS:-60}
    local each=$((total / ${#TARGETS[@]}))
    [ "$each" -ge 1 ] || each=1
    local failed=()
    scratch=$(mktemp -d)  # global: the EXIT trap reads it
    trap 'rm -rf "$scratch"' EXIT
    for target in "${TARGETS[@]}"; do
        mkdir -p "$scratch/$target"
        # New inputs go to the scratch corpus: a short run leaves the tree
        # as it was, apart from artifacts/ when something fails.
        # shellcheck disable=SC2046
        if "$BIN_DIR/$target" $(options "$target") -max_total_time="$each" \
            "$scratch/$target" "$(seeds_of "$target")" >"$scratch/$target.log" 2>&1; then
            echo "$target: $(executions "$scratch/$target.log") executions in ${each}s, no crash"
        else
            echo "$target: FAILED (inputs kept in fuzz/artifacts/$target/)"
            tail -n 40 "$scratch/$target.log"
            failed+=("$target")
        fi
    done
    if [ "${#failed[@]}" -gt 0 ]; then
        echo "fuzzing found crashes or slow units in: ${failed[*]}"
        exit 1
    fi
}

long() {
    local each=${1:-600} total=0 failed=()
    mkdir -p logs
    for target in "${TARGETS[@]}"; do
        mkdir -p "corpus/$target"
        local log=logs/$target.log runs stop=$((SECONDS + each))
        : >"$log"
        # After a crash or a slow unit (saved to artifacts/), the target
        # starts again on its grown corpus until its time is up.
        while [ "$SECONDS" -lt "$stop" ]; do
            # shellcheck disable=SC2046
            if ! "$BIN_DIR/$target" $(options "$target") -max_total_time=$((stop - SECONDS)) \
                "corpus/$target" "$(seeds_of "$target")" >>"$log" 2>&1; then
                failed+=("$target")
            fi
        done
        # shellcheck disable=SC2207
        failed=($(printf '%s\n' "${failed[@]}" | uniq))
        runs=$(executions "$log")
        total=$((total + runs))
        echo "$target: $runs executions in ${each}s ($(date -u +%H:%M:%S))"
    done
    echo "total: $total executions"
    if [ "${#failed[@]}" -gt 0 ]; then
        echo "crashes or slow units in: ${failed[*]} (fuzz/artifacts/, logs in fuzz/logs/)"
        exit 1
    fi
}

case "${1:-}" in
    build) build ;;
    short) build && short ;;
    long)
        TIMEOUT=${FUZZ_TIMEOUT:-60}
        build && long "${2:-600}"
        ;;
    "" | -h | --help) sed -n '2,21p' "$SELF" ;;
    *)
        target=$1
        shift
        build
        mkdir -p "corpus/$target"
        inputs=("corpus/$target" "$(seeds_of "$target")")
        args=()
        # Files named among the arguments (relative to where the script was
        # called from) are replayed, without the corpus.
        for arg in "$@"; do
            case "$arg" in
                -*) args+=("$arg") ;;
                /*) args+=("$arg") inputs=() ;;
                *) args+=("$CALLER_DIR/$arg") inputs=() ;;
            esac
        done
        # shellcheck disable=SC2046
        exec "$BIN_DIR/$target" $(options "$target") "${args[@]}" "${inputs[@]}"
        ;;
esac
