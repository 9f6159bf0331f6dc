# `make run`: set up .venv, run the pipeline on corpus/docs into outputs/, build the report.
# `make test`: set up .venv, lint, and run the whole test suite.
# `make eval`: leave-one-family-out scores on corpus/, then the seed documents' scores.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pipeline run corpus/docs --out outputs
	$(BIN)/pipeline report outputs

# Leave one layout family out on corpus/ (the figures for unseen documents), then the seeds.
eval: $(STAMP)
	$(BIN)/pipeline evaluate --gold corpus/gold --cv family
	if [ -d ../shared/seeds/gold ]; then \
		$(BIN)/pipeline evaluate --gold ../shared/seeds/gold --renditions --quiet-errors; fi

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests tools bench
	$(BIN)/ruff format --check pipeline tests tools bench

test: lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) outputs/documents outputs/generations outputs/current outputs/*.json outputs/*.jsonl \
		outputs/*.csv outputs/*.sqlite outputs/*.parquet outputs/report.html outputs/report_assets \
		outputs/.pipeline-run.lock
