#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after the
# other, and fails on any crash, printing the reproducer and how to replay it.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     # default 60 s per target
#   nice -n 10 scripts/fuzz.sh 600 model_bytes
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). It works on the stable
# toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z sanitizer flags
# cargo-fuzz passes (a nightly toolchain works too). Targets are built with
# optimizations, debug assertions, overflow checks and AddressSanitizer.
#
# Seeds (committed) are in fuzz/seeds/TARGET; what libFuzzer finds goes to
# fuzz/corpus/TARGET (not committed); a crashing input is saved under
# fuzz/artifacts/TARGET; each run's log is fuzz/logs/TARGET.log.
# See docs/fuzzing.md.
set -uo pipefail

cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
    '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi

# The dictionary of each parser's tokens.
declare -A dict=(
    [csv_table]=csv [csv_dataset]=csv [model_bytes]=model
    [standardizer_json]=json [row_list]=number [cli_number]=number
)

echo "building the fuzz targets..."
cargo fuzz build || { echo "error: the fuzz targets do not build" >&2; exit 1; }

failed=()
mkdir -p fuzz/logs
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    args=(-max_total_time="$seconds" -print_final_stats=1)
    if [ -n "${dict[$target]:-}" ]; then
        args+=(-dict="fuzz/dicts/${dict[$target]}.dict")
    fi
    log="fuzz/logs/$target.log"
    if cargo fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- "${args[@]}" \
        >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        cov=$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 | sed 's/DONE *//')
        echo "ok   $target: ${seconds} s, ${runs:-?} executions, ${cov:-coverage unknown}"
    else
        failed+=("$target")
        echo "FAIL $target: log in $log" >&2
        grep -E 'panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY' "$log" | head -n 5 >&2
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        if [ -n "$artifact" ]; then
            echo "     reproducer: $artifact" >&2
            echo "     replay:     RUSTC_BOOTSTRAP=1 cargo fuzz run $target $artifact" >&2
        fi
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "error: ${#failed[@]} fuzz target(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "all ${#targets[@]} fuzz targets ran ${seconds} s each without a finding"
