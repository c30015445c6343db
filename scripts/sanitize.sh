#!/usr/bin/env bash
# Builds tests with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) and runs them; any memory error, leak
# or undefined behaviour in the studio's code fails the test that hit it.
#   scripts/sanitize.sh           core_tests, devices_tests and usb_tests in full (LibTorch code included; about
#                                 30 minutes of compiling on 2 cores with an empty ccache)
#   scripts/sanitize.sh --quick   sanitizer_tests: the core and devices tests whose code builds without LibTorch
#                                 (parsers, file formats, run folders, processes, device protocols); what CI runs
# Extra arguments go to ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TINYFORGE_ASAN_BUILD_DIR:-$root/build-asan}"
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi

"$root/scripts/install-deps.sh"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=1
# umockdev's preload library comes before ASan's runtime in the USB tests (also when the build lists their tests);
# LibTorch's and Qt's allocations made once at start-up and never freed are not the studio's leaks (tests/lsan.supp).
export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cmake -S "$root" -B "$build" -G Ninja -DTINYFORGE_SANITIZE=ON -DTINYFORGE_BUILD_GUI=OFF -DTINYFORGE_BUILD_BENCH=OFF \
  -DTINYFORGE_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
if [ $quick = 1 ]; then
  targets=(sanitizer_tests); pattern="^sanitizer_tests:"
else
  targets=(core_tests devices_tests usb_tests); pattern="^(core_tests|devices_tests|usb_tests):"
fi
cmake --build "$build" -j "${TINYFORGE_JOBS:-$(nproc)}" --target "${targets[@]}"

export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest -j "${TINYFORGE_JOBS:-$(nproc)}" --output-on-failure -R "$pattern" "$@"
