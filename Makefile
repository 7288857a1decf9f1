# Two commands: `make run` (the product with the demo case) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export TERGEU_HOME ?= $(CURDIR)/.tergeu

.PHONY: install run test bench lint clean

# A large wheel cut off mid-download is resumed rather than the install failed (flaky networks).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --retries 10 --resume-retries 20 -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tergeu demo
	@echo
	@echo "Case 'demo' (evidence in $(TERGEU_HOME)/demo-case, truth.json beside it)."
	@echo "Open http://127.0.0.1:8501 and sign in with the demo token printed above."
	@echo "API: http://127.0.0.1:8000/docs. In another shell: export TERGEU_HOME=$(TERGEU_HOME);"
	@echo "  $(BIN)/tergeu ask --case demo 'обзор дела'    (Ctrl-C stops the UI and the API)"
	$(BIN)/tergeu ui --api

test: $(STAMP)
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.ingest_speed
	$(BIN)/python -m bench.demo_seed
	$(BIN)/python -m bench.trace_speed
	$(BIN)/python -m bench.lookup_speed
	$(BIN)/python -m bench.deconflict --seed-case real
	$(BIN)/python -m bench.search_speed
	$(BIN)/python -m bench.agent_eval
	$(BIN)/python -m bench.agent_overhead
	$(BIN)/python -m bench.watch
	$(BIN)/python -m bench.fuzz_importers
	$(BIN)/python -m bench.hostile
	$(BIN)/python -m bench.load_api

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .tergeu .pytest_cache
