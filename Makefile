# The README's two commands are `make serve` and `make test`; both install what they need first.
# Python packages come from uv.lock (exact versions and hashes), KaTeX from package-lock.json.
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
GROUPS := --extra cli --extra plots --group docs --group test
# PySpark comes only as a 456 MB source archive of jars, which setuptools would deflate again into
# the wheel it builds: stored uncompressed, a fresh install takes 11 s less (33 s -> 22 s here).
BUILD_SETTINGS := --config-settings-package 'pyspark:--build-option=--compression=stored'
PYTHONS := 3.11 3.12 3.13
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The browser the tests drive; the Pages workflow points it at the runner's Chrome.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
export NO_MKDOCS_2_WARNING := 1
export UV_PYTHON_DOWNLOADS := never
# Trust the machine's certificate store (pip does), e.g. behind a TLS-inspecting proxy.
export UV_SYSTEM_CERTS := 1
# PySpark in the tests (the scale page's recipe): a JVM that compiles less (its short jobs finish
# sooner on two cores) and does not verify the bytecode of Spark's own jars as it loads them
# (the session starts in 4.7 s instead of 7.5 s here), no console progress bar, no host-name lookup.
export PYSPARK_SUBMIT_ARGS := --driver-java-options "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote" --conf spark.ui.showConsoleProgress=false pyspark-shell
export SPARK_LOCAL_IP := 127.0.0.1

.PHONY: setup browser java serve test test-fast test-pythons test-peers build lock bench lighthouse clean

# uv itself, pinned, in a venv of its own so that syncing .venv never touches it; the system's pip
# installs it there (a venv without a pip of its own is made 5 s faster).
$(UV):
	python3 -m venv --without-pip .uv
	python3 -m pip --python .uv/bin/python install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --locked: fail, rather than re-resolve, when pyproject.toml and uv.lock disagree (`make lock`).
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python python3 $(GROUPS) $(BUILD_SETTINGS)
	touch $@

# KaTeX only; Lighthouse (a dev dependency) is installed by `make lighthouse`.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --omit=dev
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian's Chromium for the browser tests; Playwright's own browser download cannot work offline.
browser:
	@[ -x "$(CHROMIUM)" ] || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# A Java runtime, 17 or newer, for PySpark (the Spark recipe of the scale page runs in the tests):
# Debian's if none is installed; an older one stops the run here, with the reason.
java:
	@command -v java >/dev/null || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless)
	@java -version 2>&1 | head -1 | grep -Eq '"(1[7-9]|[2-9][0-9])[."]' || \
	  { echo "make: PySpark needs Java 17 or newer; found: $$(java -version 2>&1 | head -1)"; exit 1; }

# Strict, and a full rebuild on every change: pages, docstrings, figures and mkdocs.yml all show.
serve: setup
	$(VENV)/bin/mkdocs serve --strict --dev-addr 127.0.0.1:8000

test: setup browser java
	$(PY) -m pytest -n auto

# The edit-test loop: the library's tests, its doctests and the pages' examples (tests/conftest.py).
test-fast: setup
	$(PY) -m pytest -n auto --fast

# The whole suite on each supported Python, each in its own locked venv (.venv-3.12, ...).
test-pythons: $(UV) node_modules/.installed browser java
	set -e; for v in $(PYTHONS); do \
	  interpreter=$$(command -v pyenv >/dev/null && pyenv prefix $$v 2>/dev/null)/bin/python; \
	  [ -x "$$interpreter" ] || interpreter=python$$v; \
	  UV_PROJECT_ENVIRONMENT=.venv-$$v $(UV) sync --locked --python "$$interpreter" $(GROUPS) $(BUILD_SETTINGS); \
	  echo "== Python $$v"; .venv-$$v/bin/python -m pytest -q -n auto; \
	done

# The conventions of logloss_ref.conventions against the real PyTorch and Keras (JAX backend), in
# float32 and float64. Its own venv from requirements-peers.txt (pinned, with hashes; torch brings
# several GB of CUDA wheels), so never part of `make test`.
PEERS := .venv-peers
$(PEERS)/.installed: requirements-peers.txt pyproject.toml | $(UV)
	[ -x $(PEERS)/bin/python ] || $(UV) venv --quiet --python python3 $(PEERS)
	$(UV) pip sync --python $(PEERS)/bin/python --require-hashes requirements-peers.txt
	$(UV) pip install --python $(PEERS)/bin/python --no-deps -e .
	touch $@

test-peers: $(PEERS)/.installed
	KERAS_BACKEND=jax $(PEERS)/bin/python -m pytest tests_peers -q

build: setup
	$(VENV)/bin/mkdocs build --strict

# Re-resolve every Python dependency to its newest allowed version and rewrite uv.lock.
lock: | $(UV)
	$(UV) lock --upgrade --python python3

bench: setup
	$(UV) sync --locked --inexact --python python3 $(GROUPS) $(BUILD_SETTINGS) --group bench  # adds pandas
	$(PY) scripts/bench_losses.py
	$(PY) scripts/bench_cli.py
	$(PY) scripts/bench_build.py

lighthouse: setup browser
	npm ci --no-audit --no-fund
	CHROME_PATH=$(CHROMIUM) $(PY) scripts/lighthouse.py

clean:
	rm -rf site test-artifacts dist .cache .venv .venv-3.* .venv-peers .uv node_modules
