# The README's two commands are `make serve` and `make test`; both install what they need first.
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup browser serve test build bench lighthouse clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[docs,test]'
	touch $@

# KaTeX only; Lighthouse (a dev dependency) is installed by `make lighthouse`.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --omit=dev
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian's Chromium for the browser tests; Playwright's own browser download cannot work offline.
browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# --dirty rebuilds only the pages that changed (an edit shows in about a second); MkDocs warns
# about dirty builds, so serve is not strict. `make build` and `make test` are.
serve: setup
	$(VENV)/bin/mkdocs serve --dirty --no-strict --dev-addr 127.0.0.1:8000

test: setup browser
	$(PY) -m pytest

build: setup
	$(VENV)/bin/mkdocs build --strict

bench: setup
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) scripts/bench_losses.py
	$(PY) scripts/bench_cli.py
	$(PY) scripts/bench_build.py

lighthouse: setup browser
	npm ci --no-audit --no-fund
	CHROME_PATH=/usr/bin/chromium $(PY) scripts/lighthouse.py

clean:
	rm -rf site test-artifacts .venv node_modules
