#!/usr/bin/env bash
# Install what ssk-report needs on a fresh Debian/Ubuntu machine: the fonts and Pango libraries
# WeasyPrint renders with, then the Python package itself (with test tools when asked: --test) into
# a virtual environment, .venv/, beside this repository's files, and the browser editor's files
# (admin/, from npm) into cms/node_modules/. The system's Python is never
# touched: Debian's refuses `pip install` outside a virtual environment (PEP 668). Run again, it
# checks and returns in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
test_tools=false; [ "${1:-}" = "--test" ] && test_tools=true

# python3-venv: Debian's python3 makes no virtual environment without it.
apt_packages=(python3-venv fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0)
# The tests also drive a real browser (Debian's Chromium: no browser download at install time)
# and read PDFs back as images when you look at them by hand (poppler-utils).
$test_tools && apt_packages+=(chromium poppler-utils)
# npm for the browser editor's files (and for axe-core): the machine's own Node.js when it has one,
# else Debian's.
command -v npm >/dev/null || apt_packages+=(npm)
if command -v apt-get >/dev/null; then
  missing=()
  for package in "${apt_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} (apt)"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: no apt-get here; install Pango and the Liberation fonts with your package manager" >&2
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: ssk-report needs Python 3.11 or newer; $(command -v python3) is $(python3 -V 2>&1)" >&2
  exit 1
fi
# A folder left without pip (python3-venv was missing when it was made) is completed, not reused.
[ -x .venv/bin/pip ] || python3 -m venv .venv

# The package is installed in editable mode, so a change to the code needs no reinstall; only a
# change to pyproject.toml (its dependencies) does. The stamp records what was installed from it.
# An install with the test tools serves the plain one too.
extra=""; $test_tools && extra="[test]"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed() { [ "$(cat ".venv/.installed$1" 2>/dev/null)" = "$wanted" ]; }
if ! installed "$extra" && ! installed "[test]"; then
  echo "setup: installing ssk-report${extra} into .venv/ (pip)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"
  echo "$wanted" > ".venv/.installed${extra}"
fi

# The browser editor (admin/): the versions cms/package-lock.json pins, installed again only when
# it changed since the last install; the build copies them into output/admin/.
wanted_cms="$(sha256sum cms/package-lock.json | cut -d' ' -f1)"
if [ "$(cat cms/node_modules/.installed 2>/dev/null)" != "$wanted_cms" ]; then
  echo "setup: installing the browser editor's files into cms/node_modules/ (npm)"
  (cd cms && npm ci --silent --no-audit --no-fund --ignore-scripts >/dev/null)
  echo "$wanted_cms" > cms/node_modules/.installed
fi

if $test_tools && [ ! -f tests/.node/node_modules/axe-core/axe.min.js ]; then
  echo "setup: installing axe-core into tests/.node/ (npm)"
  # axe-core, the accessibility engine the browser tests inject into each page.
  npm install --silent --no-audit --no-fund --prefix tests/.node axe-core@4 >/dev/null
fi
