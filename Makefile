# The two commands of the README: `make site` (set up, then build site and PDFs) and `make test`.
.PHONY: site test validate clean

site:
	scripts/setup.sh
	python3 build.py

test:
	scripts/setup.sh --test
	python3 -m pytest

validate:
	python3 -m ssk_report validate

clean:
	rm -rf output
