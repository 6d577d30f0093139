# Poverty-reduction analytics suite: the front door. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.lab-installed
KERNEL_CONFIG := src/analysis/workbench/ipython_kernel_config.py
CONFIG ?= config/huong_son.yaml
YEAR ?= 2024
ALLOW_INCOMPLETE ?= 0
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lab bench sample lint format clean notebooks

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(KERNEL_CONFIG)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@# the kernels of this environment read it (see the file)
	@install -D -m 644 $(KERNEL_CONFIG) $(VENV)/etc/ipython/ipython_kernel_config.py
	@touch $(STAMP)

$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,lab]"
	@touch $(LAB_STAMP)

run: $(STAMP) ## run the whole annual cycle on the embedded sample (CONFIG=…, YEAR=…, ALLOW_INCOMPLETE=1)
	$(PY) -m analysis run --config $(CONFIG) --year $(YEAR) $(if $(filter 1,$(ALLOW_INCOMPLETE)),--allow-incomplete,)

sample: $(STAMP) ## (re)generate the synthetic sample district into data/sample/
	$(PY) -m analysis sample --config $(CONFIG) --force

test: $(STAMP) ## run the tests (unit, property, bad-input corpus, end-to-end)
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m pytest

lab: $(LAB_STAMP) ## open JupyterLab on the project, notebooks/ first (ARGS="--no-browser --port 8899")
	$(PY) -m jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks \
		--MappingKernelManager.transport_encryption=auto \
		$(if $(filter 0,$(shell id -u)),--allow-root,) $(ARGS)

bench: $(STAMP) ## run the speed and memory benchmarks (prints figures)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: $(STAMP) ## lint and check formatting
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks

format: $(STAMP) ## format the code
	$(PY) -m ruff format src tests benchmarks
	$(PY) -m ruff check --fix src tests benchmarks

clean: ## remove generated data and outputs (keeps .venv)
	rm -rf data/sample data/interim data/processed outputs

notebooks: $(STAMP) ## rebuild notebooks/*.ipynb, without outputs, from their scripts in notebooks/scripts/
	@for py in notebooks/scripts/*.py; do \
		nb=notebooks/$$(basename $$py .py).ipynb; \
		$(VENV)/bin/jupytext --quiet --to ipynb --update $$py -o $$nb || exit 1; \
	done
	$(PY) -m nbconvert --log-level=WARN --clear-output --inplace notebooks/*.ipynb
