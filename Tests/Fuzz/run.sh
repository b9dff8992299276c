#!/usr/bin/env bash
# Runs every fuzz target (or those named after the seconds) under libFuzzer for SECONDS each, starting from its corpus
# in Tests/Fuzz/corpus/<target>/ (read only; what libFuzzer adds goes to .build-fuzz/corpus/<target>/), and prints one
# line per target: executions, coverage (edges) and features, findings. A finding is kept under .build-fuzz/findings/
# and fails the run (exit 1). `make fuzz` (10 minutes a target) and `make test` (20 s) call it.
# usage: Tests/Fuzz/run.sh SECONDS [target…]
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?seconds}; shift
binary=.build-fuzz/release/phoneauth-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <("$binary" --list | cut -f1)
mkdir -p .build-fuzz/findings
failed=0
total=0
printf '%-22s %12s %8s %8s %s\n' target executions coverage features findings
for target in "${targets[@]}"; do
    work=.build-fuzz/corpus/$target
    mkdir -p "$work"
    log=.build-fuzz/$target.log
    ASAN_OPTIONS=detect_leaks=0 "$binary" "$target" "$work" "Tests/Fuzz/corpus/$target" -max_total_time="$seconds" \
        -print_final_stats=1 -artifact_prefix=".build-fuzz/findings/$target-" -max_len=4096 -timeout=10 -rss_limit_mb=4096 > "$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    line=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$line")
    found=$(ls .build-fuzz/findings/ 2>/dev/null | grep -c "^$target-" || true)
    printf '%-22s %12s %8s %8s %s\n' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$found"
    total=$((total + ${runs:-0}))
    if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
        failed=1
        grep -E 'PROPERTY BROKEN|ERROR: (AddressSanitizer|libFuzzer)|Fatal error' "$log" | head -5
        echo "  the input: $(ls -t .build-fuzz/findings/$target-* 2>/dev/null | head -1) (full log: $log)"
    fi
done
echo "total executions: $total"
exit $failed
