# `make run`: set up .venv, run the pipeline on corpus/docs into outputs/, build the report.
# `make test`: set up .venv, lint, and run the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pipeline run corpus/docs --out outputs
	$(BIN)/pipeline report outputs

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests tools bench
	$(BIN)/ruff format --check pipeline tests tools bench

test: lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) outputs/documents outputs/generations outputs/current outputs/*.json outputs/*.jsonl \
		outputs/*.csv outputs/*.sqlite outputs/*.parquet outputs/report.html outputs/report_assets \
		outputs/.pipeline-run.lock
