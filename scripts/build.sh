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
jobs="${TINYFORGE_JOBS:-$(nproc)}"

cmake -S "$root" -B "$build" -G Ninja "$@"
cmake --build "$build" -j "$jobs"
