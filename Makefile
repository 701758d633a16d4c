# Two entry points (README): `make run` runs the main job, `make test` runs the tests.
# Both create the virtual environment .venv on first use; only Python 3.11 and make are needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint parse clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/hgkbp-ld parse data/source/hgkbp-2025-2029.txt --format text

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) dist .pytest_cache .hypothesis
