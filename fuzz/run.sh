#!/usr/bin/env bash
# Runs every libFuzzer target (or those named) for SECONDS each, all at once, with the
# limits the project holds them to: no crash, no leak, at most 256 MB of RSS.
#   fuzz/run.sh SECONDS [BUILD_DIR] [TARGET...]
# Builds BUILD_DIR (default build-fuzz) with clang first. New inputs go to
# BUILD_DIR/corpus/<target> (the committed seeds in fuzz/corpus/<target> are only read);
# a crash, leak or blow-up leaves its input in BUILD_DIR/crashes/<target>/ and fails.
set -euo pipefail
seconds=${1:?usage: fuzz/run.sh SECONDS [BUILD_DIR] [TARGET...]}
build=${2:-build-fuzz}
shift $(( $# < 2 ? $# : 2 ))
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(pipeline_spec manifest csv tar v2_request)
declare -A dict=([pipeline_spec]=yaml [manifest]=yaml [csv]=csv [tar]=tar [v2_request]=json)

launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[[ -f $build/build.ninja ]] || cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" > /dev/null
cmake --build "$build" > /dev/null

# ASan's quarantine of freed memory (256 MB by default) would count against the limit.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:quarantine_size_mb=32${ASAN_OPTIONS:+:$ASAN_OPTIONS}
export UBSAN_OPTIONS=print_stacktrace=1
pids=()
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/crashes/$t"
  # Fork mode: the inputs run in a child process that is replaced every few seconds to
  # minutes, so the 256 MB hold each child's allocations, not what ASan's allocator and
  # libFuzzer's tables keep over half an hour (262 MB after 10 min in one process, with
  # 32 MB of it live). Every crash, leak, out-of-memory or timeout still ends the run.
  "$build/fuzz_$t" -fork=1 -ignore_crashes=0 -ignore_ooms=0 -ignore_timeouts=0 \
    -max_total_time="$seconds" -rss_limit_mb=256 -malloc_limit_mb=256 \
    -detect_leaks=1 -timeout=25 -print_final_stats=1 -dict="$here/${dict[$t]}.dict" \
    -artifact_prefix="$build/crashes/$t/" "$build/corpus/$t" "$here/corpus/$t" \
    > "$build/fuzz_$t.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  if wait "${pids[$i]}"; then
    # The parent's last status line: "#RUNS: cov: C ft: F corp: N exec/s E ... time: Ts job: J".
    echo "fuzz_$t: ok, $(grep -E '^#[0-9]+: cov:' "$build/fuzz_$t.log" | tail -1) (limit ${seconds}s)"
  else
    failed=1
    echo "fuzz_$t: FAILED (log: $build/fuzz_$t.log, input: $build/crashes/$t/)"
    grep -E '^==[0-9]+==|^SUMMARY|runtime error' "$build/fuzz_$t.log" | head -5
  fi
done
exit $failed
