#!/usr/bin/env bash
# Install what ssk-report needs on a fresh Debian/Ubuntu machine: the fonts and Pango libraries
# WeasyPrint renders with, then the Python package itself (with test tools when asked: --test).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0)
# The tests also drive a real browser (Debian's Chromium: no browser download at install time)
# and read PDFs back as images when you look at them by hand (poppler-utils).
[ "${1:-}" = "--test" ] && apt_packages+=(chromium poppler-utils)
# npm for axe-core: the machine's own Node.js when it has one, else Debian's.
[ "${1:-}" = "--test" ] && ! command -v npm >/dev/null && apt_packages+=(npm)
if command -v apt-get >/dev/null; then
  missing=()
  for package in "${apt_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: no apt-get here; install Pango and the Liberation fonts with your package manager" >&2
fi

extra=""; [ "${1:-}" = "--test" ] && extra="[test]"
python3 -m pip install --quiet --disable-pip-version-check -e ".${extra}"

if [ "${1:-}" = "--test" ] && [ ! -f tests/.node/node_modules/axe-core/axe.min.js ]; then
  # axe-core, the accessibility engine the browser tests inject into each page.
  npm install --silent --no-audit --no-fund --prefix tests/.node axe-core@4 >/dev/null
fi
