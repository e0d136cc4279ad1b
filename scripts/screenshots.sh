#!/usr/bin/env bash
# Screenshots of the portal website for the README: plays the browser story (a portal applied with
# Terraform, a developer from sign-up to a new API key) in headless Chromium and saves a PNG of each
# main page into docs/screenshots (SCREENSHOTS_DIR chooses another directory). Needs Chromium
# (Debian's chromium package) besides Go and Terraform.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${SCREENSHOTS_DIR:-$root/docs/screenshots}"

found=""
for name in chromium chromium-browser google-chrome google-chrome-stable; do
	if command -v "$name" >/dev/null 2>&1; then
		found="$name"
		break
	fi
done
if [ -z "$found" ]; then
	echo "no Chromium found: install Debian's chromium package (apt-get install chromium)" >&2
	exit 1
fi

mkdir -p "$dir"
cd "$root"
TF_ACC=1 go test -count=1 -run '^TestBrowser_story$' ./internal/backend/web/browsertest/ -args -screenshots="$dir"
echo "==> screenshots in $dir:"
ls -1 "$dir"
