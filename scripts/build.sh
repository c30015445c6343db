#!/usr/bin/env bash
# Installs the dependencies (Debian packages) if needed, then configures and builds TinyForge Studio.
# Usage: scripts/build.sh [extra cmake -D options]   Build folder: $TINYFORGE_BUILD_DIR (default build/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TINYFORGE_BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"

# ccache must accept CMake's precompiled headers, or every LibTorch file is compiled again from scratch.
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_BASEDIR="$root"
# With -g, ccache hashes the working directory unless told not to; every build folder (build/, build-headless/, a
# second clone) would then compile everything again. Paths inside the debug info may point at the first folder.
export CCACHE_NOHASHDIR=1
jobs="${TINYFORGE_JOBS:-$(nproc)}"

cmake -S "$root" -B "$build" -G Ninja "$@"
cmake --build "$build" -j "$jobs"
