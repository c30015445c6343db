#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (build-fuzz/) and runs each for SECONDS (default 60), starting
# from the seed corpus in fuzz/corpus/<target>/. Prints each target's executions; a crash stops with its input
# saved in build-fuzz/crashes/<target>/ (make it a regression test, then add it to the seed corpus).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   TINYFORGE_FUZZ_SEED=N fixes libFuzzer's random seed (CI does, so its
# short run explores the same inputs each time and never fails on a new find by chance; 0, the default, is random).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TINYFORGE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-60}"
shift || true

"$root/scripts/install-deps.sh"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime" CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DTINYFORGE_FUZZ=ON -DTINYFORGE_BUILD_GUI=OFF -DTINYFORGE_BUILD_TESTS=OFF \
  -DTINYFORGE_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(csv gzip tar idx cifar image_folder json recipe project sweep summary board elf profile dfuse_layout gdb_packets runner_output); fi
cmake --build "$build" -j "${TINYFORGE_JOBS:-$(nproc)}" --target $(printf 'fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
status=0
printf '%-14s %12s %10s %s\n' target executions "exec/s" result
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"; crashes="$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  log="$build/fuzz-$t.log"
  # -rss_limit_mb: a parser that needs more than this for one input is a finding too (memory is bounded by design).
  if "$build/fuzz/fuzz_$t" "$corpus" "$root/fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=65536 \
       -timeout=10 -seed="${TINYFORGE_FUZZ_SEED:-0}" -artifact_prefix="$crashes/" -print_final_stats=1 > "$log" 2>&1; then result="no crash"
  else result="CRASH: see $log and $crashes"; status=1; fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-14s %12s %10s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$result"
done
exit $status
