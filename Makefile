# The README's two commands are `make run` and `make test`; each builds the environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("ClaimBot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,semantic]'
	# Bytecode written now, as installing a wheel would: where PYTHONDONTWRITEBYTECODE is set,
	# every start would otherwise compile ClaimBot's modules again (a tenth of a cold start).
	$(BIN)/python -m compileall -q bot handlers entrypoints
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/claimbot init
	$(BIN)/claimbot run

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.slash_load
	$(BIN)/python -m bench.import_speed
	$(BIN)/python -m bench.chart_speed

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
