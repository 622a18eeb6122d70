#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing. Idempotent.
#   run:  fonts and HarfBuzz subsetting for PDFs, gettext for translations
#   test: the same plus Chromium (browser tests), poppler-utils (pdffonts, pdftotext)
#         and Node.js with npm (axe-core for the accessibility tests)
set -euo pipefail
purpose=${1:-run}
missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in fonts-noto-cjk libharfbuzz-subset0 gettext libpango-1.0-0 libpangoft2-1.0-0; do
  have_pkg "$pkg" || missing+=("$pkg")
done
if [ "$purpose" = test ]; then
  for pkg in chromium poppler-utils; do
    have_pkg "$pkg" || missing+=("$pkg")
  done
  # npm installs axe-core (package-lock.json); a Node.js from elsewhere may bring its own.
  command -v npm >/dev/null || missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo_cmd=(sudo); else
    echo "Not root and no sudo: install these packages yourself: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
