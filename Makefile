# tracekit: the two set-up commands are `make demo` and `make test`; each builds .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
TK     := $(VENV)/bin/tracekit
STAMP  := $(VENV)/.installed
DEMO_ROWS ?= 200000
DEMO_DIR  ?= data/demo
DEMO_WS   ?= data/demo-workspace
DEMO_REPORTS ?= reports

.PHONY: demo test bench lab lint browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	# an editable install skips data-files: JupyterLab saves widget state (re-opened notebooks keep their graphs)
	install -D -m 644 widgets/overrides.d/tracekit.json $(VENV)/share/jupyter/lab/settings/overrides.d/tracekit.json
	$(PY) -m jupyter labextension list 2>&1 | grep -q jupyter-cytoscape
	touch $(STAMP)

# Debian's Chromium for the real-browser tests (Playwright drives it; it never downloads a browser), and
# a CJK font: without one Chromium draws Chinese company names as empty boxes and no test can see them.
browser:
	@missing=; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  fc-list 2>/dev/null | grep -qi cjk || missing="$$missing fonts-noto-cjk"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing for the browser tests:$$missing"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  fi

demo: $(STAMP)
	$(TK) demo --rows $(DEMO_ROWS) --seed 7 --out $(DEMO_DIR)
	rm -rf $(DEMO_WS)
	$(TK) load '$(DEMO_DIR)/shipments-*.csv' --workspace $(DEMO_WS)
	$(TK) resolve --workspace $(DEMO_WS)
	$(TK) info --workspace $(DEMO_WS)
	@echo; echo "== Screening against the world's FICTIONAL sanctions list ($(DEMO_DIR)/sanctions.ftm.jsonl)"
	$(TK) screen-lists add '$(DEMO_DIR)/sanctions.ftm.jsonl' --name fictional --workspace $(DEMO_WS)
	$(TK) screen --workspace $(DEMO_WS)
	@echo; echo "== Riskiest companies (each contribution with its evidence: tracekit risk NAME)"
	$(TK) risk --top 10 --workspace $(DEMO_WS)
	@echo; echo "== Precursor flags: top shipments and companies"
	$(TK) flags --top 10 --workspace $(DEMO_WS)
	@importer="$$($(PY) -c "from tracekit.demo.truth import planted_importer_name as f; print(f('$(DEMO_DIR)'))")"; \
	  echo; echo "== Who supplies $$importer? (3 tiers up, precursor chapter 2933, time-respecting)"; \
	  $(TK) trace "$$importer" --direction up --hops 3 --time-respecting --workspace $(DEMO_WS)
	@echo; echo "== The top-risk company: its suppliers and buyers (2 tiers), then its brief (HTML, no code, offline)"
	@top="$$($(TK) risk --top 1 --json --workspace $(DEMO_WS) | $(PY) -c 'import json, sys; print(json.load(sys.stdin)["rows"][0]["entity_id"])')"; \
	  $(TK) trace "$$top" --direction both --hops 2 --workspace $(DEMO_WS) && \
	  $(TK) brief "$$top" --out $(DEMO_REPORTS)/ --workspace $(DEMO_WS)
	@echo
	@echo "Next, try:"
	@echo "  $(TK) search 'chem' --workspace $(DEMO_WS)"
	@echo "  $(TK) shell-clusters --workspace $(DEMO_WS)"
	@echo "  $(TK) risk '<a company above>' --workspace $(DEMO_WS)   # why it scores, with evidence rows"
	@echo "  $(TK) brief '<a company>' --out $(DEMO_REPORTS)/ --workspace $(DEMO_WS) [--pdf]   # another brief"
	@echo "  make lab        # JupyterLab; open notebooks/01-getting-started.ipynb"

# --durations: the slowest tests and fixtures in every CI log, so the suite's time can be watched (budget:
# 20 min from a fresh clone on 2 cores, venv included). -n: pytest-xdist workers, one test folder per work
# unit (tests/conftest.py); the suite waits on Spark's jobs, subprocesses, kernels and a browser for much of
# its time, so two workers overlap those waits. TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= 2
test: $(STAMP) browser
	$(VENV)/bin/ruff check tracekit tests
	$(PY) -m pytest -q --durations=30 -n $(TEST_WORKERS)

bench: $(STAMP)
	$(PY) -m tests.benchmarks.run $(BENCH_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP)
	$(VENV)/bin/ruff check tracekit tests

clean:
	rm -rf $(VENV) data bench-data test-artifacts .pytest_cache reports
