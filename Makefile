# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo-output
EVAL_DATA ?= $(or $(NEWSTRACE_EVAL_DATA),../shared/data)

.PHONY: install demo test lint eval bench clean browser serve

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

# The browser tests drive Debian's chromium; install it when we can (root with apt), else
# those tests are skipped and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: browser tests will be skipped"; }

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/newstrace serve --db $(DEMO_DIR)/newstrace.duckdb

eval: $(STAMP)
	@test -d $(EVAL_DATA)/pan13-train || { echo "evaluation data not found at $(EVAL_DATA) (set NEWSTRACE_EVAL_DATA)"; exit 2; }
	$(BIN)/python benchmarks/pan.py --data $(EVAL_DATA)/pan13-train
	$(BIN)/python benchmarks/lineage.py --data $(EVAL_DATA)
	$(BIN)/python benchmarks/transform.py --data $(EVAL_DATA)
	$(BIN)/python benchmarks/claims.py --data $(EVAL_DATA)
	$(BIN)/python benchmarks/discovery.py --data $(EVAL_DATA)/pan13-train

clean:
	rm -rf $(VENV) $(DEMO_DIR) build src/*.egg-info
