# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo-output
EVAL_DATA ?= $(or $(NEWSTRACE_EVAL_DATA),../shared/data)

.PHONY: install demo test lint eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DIR)/newstrace.duckdb $(DEMO_DIR)/newstrace.duckdb.wal
	mkdir -p $(DEMO_DIR)
	$(BIN)/newstrace ingest src/newstrace/data/demo --db $(DEMO_DIR)/newstrace.duckdb
	$(BIN)/newstrace analyze --db $(DEMO_DIR)/newstrace.duckdb
	$(BIN)/newstrace report --db $(DEMO_DIR)/newstrace.duckdb --out $(DEMO_DIR)/report.html

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/python benchmarks/pan.py --data $(EVAL_DATA)/pan13-train

clean:
	rm -rf $(VENV) $(DEMO_DIR) build src/*.egg-info
