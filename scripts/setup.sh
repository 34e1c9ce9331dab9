#!/usr/bin/env bash
# Install what ssk-report needs on a fresh Debian/Ubuntu machine: the fonts and Pango libraries
# WeasyPrint renders with, then the Python package itself (with test tools when asked: --test).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0)
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
