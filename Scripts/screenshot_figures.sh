#!/usr/bin/env bash
# Makes one of every kind of picture Graft writes and puts a PNG of each in a folder, to look at them
# as a reader would (issue 26: every figure explains itself):
#
#   Scripts/screenshot_figures.sh [OUT]     (default OUT: docs/figures/figures-<commit>)
#
# - graft dissect's four-panel figure (SVG) and its HTML report (the report's charts: curves, bars,
#   magnitude ratios, samples), rendered with headless Chromium (Scripts/render_report.sh);
# - a ring8 scatter and a Fashion-MNIST sample grid (PNG as written);
# - the synthetic setting's heat map (SVG, from `graft reproduce theory --quick`).
# Needs the release build (`make run` or `swift build -c release ...`) and Fashion-MNIST
# (dataset-fashion-mnist). About 3 minutes on 2 cores, most of it Chromium.
set -euo pipefail

cd "$(dirname "$0")/.."
graft=${GRAFT:-.build/release/graft}
commit=$(git rev-parse --short HEAD)
out=${1:-docs/figures/figures-$commit}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$graft" dissect --out "$work/dissect" > "$work/dissect.log"
cp "$work/dissect/adam/samples/step-004000.png" "$out/ring8-scatter.png"
Scripts/render_report.sh "$work/dissect/dissection.svg" "$out/dissection.png" 1100 440
Scripts/render_report.sh "$work/dissect/report.html" "$out/dissect-report.png" 1400 5200

"$graft" train --preset fashion-dcgan --steps 300 --sample-every 300 --log-every 50 --data-limit 4096 \
  --out "$work/fashion" > "$work/fashion.log"
cp "$work/fashion/samples/step-000300.png" "$out/fashion-grid.png"

"$graft" reproduce theory --quick --out "$work/theory" > "$work/theory.log"
heatmap=$(find "$work/theory" -name '*heatmap*.svg' | head -1)
Scripts/render_report.sh "$heatmap" "$out/theory-heatmap.png" 700 520

echo "wrote $(ls "$out" | wc -l) pictures to $out (commit $commit)"
