# Two entry points (README): `make run` runs the main job, `make test` runs the tests.
# Both create the virtual environment .venv on first use; only Python 3.11 and make are needed.
# The browser tests also need Debian's chromium and npm (for axe-core); .ci/run installs them,
# and without them those tests skip on a developer's machine (they fail in CI).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# The tests run in parallel (pytest-xdist), a module to a worker (tests/conftest.py), heavy ones first; each distinct
# build, the template Virtuoso and the session's Virtuoso are made once per run (tests/shared.py).
TEST_WORKERS ?= auto

.PHONY: run build serve test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

run: $(STAMP)
	$(BIN)/hgkbp-ld build
	$(BIN)/hgkbp-ld serve --port $(PORT)

build: $(STAMP)
	$(BIN)/hgkbp-ld build

test: $(STAMP) node_modules/.installed
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts bench

clean:
	rm -rf $(VENV) dist node_modules .pytest_cache .hypothesis
