#!/usr/bin/env bash
# Screenshots of each section of a comparison report, for docs/reports.md: headless Chromium on a copy of the page
# that shows one section at a time. Usage: scripts/report-screenshots.sh REPORT.html OUT_DIR PREFIX [HEIGHT]
set -euo pipefail
report=$1 out=$2 prefix=$3 height=${4:-900}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for id in $(grep -o '<section id="[a-z-]*"' "$report" | sed 's/<section id="//; s/"//'); do
  [ "$id" = recipes-as-run ] && continue
  page="$work/$id.html"
  sed "s|</style>|section:not(#$id), h1, p.meta { display: none; } body { padding-top: 4px; }</style>|" "$report" > "$page"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="1100,$height" \
    --screenshot="$out/$prefix-$id.png" "file://$page" 2>/dev/null
  echo "$out/$prefix-$id.png"
done
