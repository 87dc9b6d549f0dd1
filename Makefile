# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv when missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DESCRIPTION ?= An online shop with 2,000 customers in the US, Germany and France, products in 5 categories, orders during 2024 with weekend spikes and a December peak, and payments.
OUT ?= out/demo

.PHONY: venv bench-env demo test test-fast test-slow lint eval bench clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "datagen needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)  ## create or refresh the virtual environment

BENCH_ENV := benchmarks/.venv-bench/.installed
$(BENCH_ENV): benchmarks/reference.py | $(STAMP)
	$(BIN)/python -c 'import sys; sys.path.insert(0, "benchmarks"); import reference; reference.ensure_bench_env()'

bench-env: $(BENCH_ENV)  ## duckdb 1.5.5 + its TPC-H extension + tpchgen-cli (the TPC-H query test and `make bench`)

demo: $(STAMP)  ## describe a dataset in English, get schema + data + report (offline, no key)
	$(BIN)/datagen create --description "$(DESCRIPTION)" --out $(OUT) --provider offline --no-input --seed 42

# pytest; exit 5 ("no tests ran") fails too. The suite starts many interpreters (the CLI in a
# subprocess): with PYTHONDONTWRITEBYTECODE set each would compile datagen's modules again and
# pytest would rewrite every test module's asserts on every run, so the tests write the
# (git-ignored) __pycache__ folders whatever the environment says (docs/development.md).
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -p no:cacheprovider
define run_pytest
$(PYTEST) $(1); status=$$?; \
if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$status
endef

# TEST_JOBS=2 (the default): pytest-xdist with two worker processes, a module (or a group of
# modules sharing a costly session fixture, tests/conftest.py) per unit of work: 2 min 2-5 s
# against 3 min 21 s in one process on an idle 2-core machine (BENCHMARKS.md, "Start-up and
# test time"). TEST_JOBS=0: one process (faster on a machine already busy with other work).
TEST_JOBS ?= 2
XDIST = $(if $(filter-out 0,$(TEST_JOBS)),-n $(TEST_JOBS) --dist loadfile)

test: $(STAMP) $(BENCH_ENV)  ## the test suite except the tests marked slow, in two processes (about 2 min on 2 idle cores; TEST_JOBS=0: one)
	$(call run_pytest,-m "not slow" $(XDIST))

test-fast: $(STAMP)  ## the inner loop (about 80 CPU s): no PostgreSQL, no subprocess, no HTML report, no full-size example, no slow test
	$(call run_pytest,-m "not slow and not heavy" $(XDIST))

test-slow: $(STAMP) $(BENCH_ENV)  ## the tests marked slow: 2,000-case schema fuzzer, TPC-H SF1, Dask cluster, wheel, browser (CI runs them)
	$(call run_pytest,-m slow)

lint: $(STAMP)  ## ruff + mypy + import contracts
	$(BIN)/ruff check engine agent tests benchmarks
	$(BIN)/ruff format --check engine agent tests benchmarks
	$(BIN)/mypy engine agent
	@tmp=$$(mktemp -d) && mkdir $$tmp/datagen && cp datagen/__init__.py $$tmp/datagen/ && \
	for d in engine agent prompts; do ln -s $(CURDIR)/$$d $$tmp/datagen/$$d; done && \
	cd $$tmp && PYTHONPATH=$$tmp $(CURDIR)/$(BIN)/lint-imports --no-cache --config $(CURDIR)/pyproject.toml; \
	status=$$?; rm -rf $$tmp; exit $$status

eval: $(STAMP)  ## authoring evals: offline author, replayed recordings, and the openai provider against a scripted local server (no key)
	$(BIN)/datagen eval --provider offline --jobs 2 --min-pass 0.95 --min-claims-recall 0.95 --min-claims-honoured 0.9 --baseline evals/baseline-offline.json --report out/eval.json
	$(BIN)/datagen eval --provider replay --cases evals/recordings/cases.yaml --min-pass 1 --report out/eval-replay.json
	@mkdir -p out; rm -f out/chat-server.port; \
	$(BIN)/python evals/chat_server.py --port-file out/chat-server.port & server=$$!; \
	for i in $$(seq 1 100); do [ -f out/chat-server.port ] && break; sleep 0.1; done; \
	$(BIN)/datagen eval --provider openai --base-url http://127.0.0.1:$$(cat out/chat-server.port)/v1 --model scripted \
	  --cases evals/recordings/cases.yaml --min-pass 1 --report out/eval-openai.json; status=$$?; \
	kill $$server; wait $$server 2>/dev/null; exit $$status

bench: $(STAMP)  ## benchmarks, results go to BENCHMARKS.md by hand
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:  ## remove the venv and outputs
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
