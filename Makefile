# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# MLflow, benchmarked beside mlcatalog, pins older FastAPI/uvicorn: it gets a virtualenv of its own.
MLFLOW_VENV := .venv-mlflow
MLFLOW_STAMP := $(MLFLOW_VENV)/.installed-stamp

.PHONY: serve test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mlcatalog serve

test: $(STAMP)
	$(BIN)/pytest -n 2 -q --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

$(MLFLOW_STAMP):
	$(PYTHON) -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/python -m pip install --quiet 'mlflow==3.17.2'
	touch $(MLFLOW_STAMP)

bench: $(STAMP) $(MLFLOW_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench load

clean:
	rm -rf $(VENV) $(MLFLOW_VENV) build *.egg-info src/*.egg-info
