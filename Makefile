# Two commands: `make run` (the product with the demo case) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export TERGEU_HOME ?= $(CURDIR)/.tergeu

# The Chase-style sample (14_…) is a US layout Tergeu has no mapping for; it is left out.
DEMO_EVIDENCE := $(filter-out %/14_bank_statement_csv_beangulp_chase_style.csv,$(wildcard tests/data/samples/*.json tests/data/samples/*.csv)) tests/data/evidence

.PHONY: install run test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tergeu ingest --case demo $(DEMO_EVIDENCE)
	$(BIN)/tergeu stats --case demo
	@echo
	@echo "Case 'demo' is in $(TERGEU_HOME). Try:"
	@echo "  TERGEU_HOME=$(TERGEU_HOME) $(BIN)/tergeu record --case demo tg:900900/4"
	@echo "  TERGEU_HOME=$(TERGEU_HOME) $(BIN)/tergeu stats --case demo --json"

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.ingest_speed

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .tergeu .pytest_cache
