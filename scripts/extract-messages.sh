#!/usr/bin/env bash
# Refresh the message template from templates and code, then merge it into every language's .po.
# Translate the new empty msgstr entries afterwards; the tests fail while one is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -w 100 -F babel.cfg -k N_ --no-location --sort-output --project=ssk-report \
  -o ssk_report/locale/messages.pot . >/dev/null 2>&1
for po in ssk_report/locale/*/LC_MESSAGES/messages.po; do
  lang=$(basename "$(dirname "$(dirname "$po")")")
  pybabel update -w 100 --no-fuzzy-matching --ignore-obsolete -l "$lang" -i ssk_report/locale/messages.pot -o "$po" >/dev/null 2>&1
done
