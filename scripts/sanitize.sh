#!/usr/bin/env bash
# Builds the core and devices tests with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) and runs them.
# Any memory error, leak or undefined behaviour in the studio's code fails the test that hit it.
# Usage: scripts/sanitize.sh [extra ctest arguments]; CI runs it in full (about 15 minutes on 2 cores, empty ccache).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TINYFORGE_ASAN_BUILD_DIR:-$root/build-asan}"

"$root/scripts/install-deps.sh"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$build" -G Ninja -DTINYFORGE_SANITIZE=ON -DTINYFORGE_BUILD_GUI=OFF -DTINYFORGE_BUILD_BENCH=OFF \
  -DTINYFORGE_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j "${TINYFORGE_JOBS:-$(nproc)}" --target core_tests devices_tests usb_tests

# umockdev's preload library comes before ASan's runtime in the USB tests; LibTorch's and Qt's own allocations made
# once at start-up and never freed are not the studio's leaks (tests/lsan.supp names them).
export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:abort_on_error=0:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest -j "${TINYFORGE_JOBS:-$(nproc)}" --output-on-failure -R "^(core_tests|devices_tests|usb_tests):" "$@"
