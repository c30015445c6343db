#!/usr/bin/env bash
# The headless main job on the bundled Iris table. Usage: scripts/headless-iris.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
exec "$build/app/cli/tinyforge-cli" inspect "$root/resources/data/iris.csv"
