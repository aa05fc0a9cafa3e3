#!/usr/bin/env bash
# Renders a `graft report` page (or any local HTML/SVG file) to a PNG with headless Chromium,
# to look at a report without a desktop browser.
#
#   Scripts/render_report.sh REPORT.html OUT.png [WIDTH [HEIGHT]]
#
# WIDTH defaults to 1400, HEIGHT to 3000 (the page is cut there; pass a larger one for a long page).
# Installs Debian's `chromium` package when no Chromium is found (needs root and the apt sources).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH [HEIGHT]]" >&2
  exit 2
fi
input=$1
output=$2
width=${3:-1400}
height=${4:-3000}

if [[ ! -f "$input" ]]; then
  echo "$0: $input: no such file" >&2
  exit 1
fi

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$candidate
    break
  fi
done
if [[ -z "$browser" ]]; then
  echo "$0: no Chromium found; installing Debian's chromium package" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "$0: run as root, or install it: sudo apt-get install -y chromium" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=chromium
fi

# Absolute paths: Chromium resolves file:// URLs and --screenshot from its own working directory.
input_abs=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
mkdir -p "$(dirname "$output")"
output_abs=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")

# A private profile directory, so a running browser or a stale lock cannot interfere.
profile=$(mktemp -d)
rm -f "$output_abs"
trap 'rm -rf "$profile"' EXIT

# Chromium is chatty on stderr (D-Bus, fonts, GPU); its log is shown only when it fails.
log="$profile/chromium.log"
status=0
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$profile/data" --screenshot="$output_abs" --window-size="$width,$height" \
  "file://$input_abs" >"$log" 2>&1 || status=$?

if [[ $status -ne 0 || ! -s "$output_abs" ]]; then
  cat "$log" >&2
  echo "$0: Chromium (exit status $status) wrote no screenshot to $output_abs" >&2
  exit 1
fi
echo "wrote $output_abs (${width}x${height})"
