#!/usr/bin/env bash
# Builds TinyForge Studio (installing what it needs) and runs its main job: the studio's window when a display is
# present, otherwise the headless pipeline on the bundled Iris data, printing its summary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TINYFORGE_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh" >&2

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/app/gui/tinyforge" "$@"
fi
echo "No display: running the headless pipeline on the bundled Iris data." >&2
exec "$root/scripts/headless-iris.sh" "$build"
