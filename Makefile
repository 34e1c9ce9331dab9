# The two commands of the README: `make site` (set up, then build site and PDFs) and `make test`.
# Both run from the virtual environment scripts/setup.sh makes in .venv/ (Debian's own Python
# installs nothing outside one, PEP 668).
.PHONY: site test validate clean
PYTHON = .venv/bin/python

site:
	scripts/setup.sh
	$(PYTHON) build.py

test:
	scripts/setup.sh --test
	$(PYTHON) -m pytest

validate:
	scripts/setup.sh
	$(PYTHON) -m ssk_report validate

clean:
	rm -rf output
