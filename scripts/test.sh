#!/usr/bin/env bash
# Builds TinyForge Studio with its tests (installing what it needs) and runs the whole test suite through CTest.
# Extra arguments go to ctest, e.g. scripts/test.sh -L core  or  scripts/test.sh -R "IDX loader".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TINYFORGE_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh" -DTINYFORGE_BUILD_TESTS=ON
export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest -j "${TINYFORGE_JOBS:-$(nproc)}" --output-on-failure "$@"
