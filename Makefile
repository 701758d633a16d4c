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
# One worker more than the machine has cores: the tests wait on servers, Virtuoso, Chromium and timeouts, and the
# extra worker uses what they leave idle. On this 2-core machine, quiet, clean clone (bench/RESULTS.md, "Scale and the
# test suite at the end of session 6"): 3 workers 177.5, 178.6, 195.0, 200.0 s, 2 workers 183.9, 202.4 s (session 7,
# with cheaper builds: 3 workers 128.8, 123.5, 126.7 s, "scale-session7"); in session 5,
# on a machine loaded ~7 by other work, 3 were slower ("Fourth round"). `make test TEST_WORKERS=auto` gives one per core.
TEST_WORKERS ?= $(shell python3 -c 'import os; print((os.cpu_count() or 1) + 1)')
# The tests' temporary folders (builds of thousands of small files, copies of them, throw-away Virtuosos)
# live in memory when /dev/shm is there: on a disk where every file written is a journal write, a
# re-render took 36 s instead of 7 (a run peaks at ~1.4 GB there, so /dev/shm is used only with 3 GB free, as
# a container's 64 MB one is not). Only the last run's folders are kept, and of its tests only the failed ones'.
TEST_TMPDIR ?= $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR==2 {print $$4}')" -gt 3000000 ] && echo /dev/shm || echo "$${TMPDIR:-/tmp}")

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

# The package and the tests are compiled first, and the run may cache bytecode (PYTHONDONTWRITEBYTECODE emptied):
# where the variable is set, every process the tests start (servers, builds, their workers) compiled the package
# from source again, and each pytest worker re-did the assertion rewriting of the tests and of hypothesis.
test: $(STAMP) node_modules/.installed
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/python -m compileall -q -j0 src tests
	PYTHONDONTWRITEBYTECODE= TMPDIR=$(TEST_TMPDIR) $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	  -o tmp_path_retention_count=1 -o tmp_path_retention_policy=failed

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts bench

clean:
	rm -rf $(VENV) dist node_modules .pytest_cache .hypothesis
