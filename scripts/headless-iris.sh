#!/usr/bin/env bash
# The headless main job: the Iris distillation recipe (teacher MLP, scratch and distilled students), printing its
# summary. Usage: scripts/headless-iris.sh BUILD_DIR   Run folder: runs/iris-distill-YYYYmmdd-HHMMSS (a new one each
# time: a run folder holds one run, and an earlier run is never overwritten)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
"$build/app/cli/tinyforge-cli" inspect "$root/resources/data/iris.csv" > /dev/null
exec "$build/app/cli/tinyforge-cli" run "$root/resources/recipes/iris-distill.json" --out "$root/runs/iris-distill-$(date +%Y%m%d-%H%M%S)"
