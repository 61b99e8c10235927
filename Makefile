# kommunrapport — make demo | make test | make bench | make lint | make lock
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installerad
# The tested set of versions: pyproject.toml holds the bounds, requirements.lock the versions installed
# (as pip constraints). `make lock` writes it with uv for every platform and Python >= 3.11 (Windows too).
LOCK := requirements.lock
UV_VERSION := 0.13.9

.PHONY: demo test bench lint lock clean sidor

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c $(LOCK) -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kommunrapport ekonomi --month feb --config examples/kommunrapport.toml --out ut/demo
	$(BIN)/kommunrapport volymer --month feb --config examples/kommunrapport.toml --out ut/demo --publik

# Two workers; worksteal: a worker that runs out takes tests from the other, so the run does not end on one
# long test. Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as on some CI images): else every
# worker compiles src and the rewritten tests anew on every run (about 2 s each).
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n 2 --dist worksteal

# The demo's Word reports as PNG pages in ut/sidor (LibreOffice headless and pdftoppm; skipped with a message
# when they are missing), one page of each copied to docs/. See scripts/rendera_sidor.py.
sidor: $(STAMP)
	$(BIN)/python scripts/rendera_sidor.py --docs $(ARGS)

# Benchmark of the ekonomi run; see benchmarks/README.md. Flags: make bench ARGS="--full --repeat 5"
bench: $(STAMP) $(VENV)/.bench
	$(BIN)/python benchmarks/bench.py $(ARGS)

$(VENV)/.bench: pyproject.toml $(LOCK) $(STAMP)
	$(PIP) install --quiet -c $(LOCK) -e '.[test,bench]'
	touch $(VENV)/.bench

# ruff, then mypy (its settings: [tool.mypy] in pyproject.toml)
lint: $(VENV)/.lint
	$(BIN)/ruff check src tests
	$(BIN)/mypy

$(VENV)/.lint: pyproject.toml $(LOCK) $(STAMP)
	$(PIP) install --quiet -c $(LOCK) -e '.[test,lint]'
	touch $(VENV)/.lint

# Rewrites requirements.lock from pyproject.toml (all extras); versions already in it are kept where the
# bounds allow. Newest versions: make lock LOCKARGS=--upgrade (one package: LOCKARGS="-P pandas").
lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --universal --fork-strategy fewest --python-version 3.11 \
		--extra test --extra lint --extra bench --custom-compile-command 'make lock' \
		--quiet $(LOCKARGS) -o $(LOCK)

$(BIN)/uv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet 'uv==$(UV_VERSION)'

clean:
	rm -rf $(VENV) ut .pytest_cache
