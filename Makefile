# kommunrapport — make demo | make test | make bench
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installerad

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kommunrapport ekonomi --month feb --config examples/kommunrapport.toml --out ut/demo
	$(BIN)/kommunrapport volymer --month feb --config examples/kommunrapport.toml --out ut/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Benchmark of the ekonomi run; see benchmarks/README.md. Flags: make bench ARGS="--full --repeat 5"
bench: $(STAMP) $(VENV)/.bench
	$(BIN)/python benchmarks/bench.py $(ARGS)

$(VENV)/.bench: pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.bench

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) ut .pytest_cache
