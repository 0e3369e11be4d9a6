# okrlib — build, test and course targets.  `make help` lists them.
#
# Everything runs from a virtual environment in .venv/ at the repo root,
# installed from pyproject.toml with the exact versions of requirements/lock.txt.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
LOCK      := requirements/lock.txt
EXTRAS    := lab,test

# Interpreters tried in order; the first that runs and is >= 3.10 wins.
# Override with `make setup PYTHON=/path/to/python3.x`.
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3.10 python3
PYTHON ?=

# Extra arguments: `make test PYTEST_ARGS="-k cli -x"`, `make lab LAB_ARGS="--port 8890"`.
PYTEST_ARGS ?=
LAB_ARGS    ?=
DASHBOARD_ARGS ?=
PORT        ?= 8866
# The participant's workspace `make lab` opens (git-ignored; made and updated by `okrlib workspace`).
WORKSPACE   ?= workspace
BENCH_ARGS  ?=

# Lock tooling lives in its own throwaway venv so it never touches .venv.
TOOLS_VENV := .venv-tools
UV_SPEC    ?= uv==0.13.9
# `make lock UPGRADE=1` moves every pin to the newest allowed version;
# plain `make lock` keeps existing pins where they still satisfy pyproject.toml.
UPGRADE    ?=

# Prints the absolute path of the first usable interpreter (or nothing).
# pyenv shims exist for versions that are not active and fail when run,
# so each candidate is actually executed, not just looked up.
find_python = for c in $(if $(PYTHON),$(PYTHON),$(PYTHON_CANDIDATES)); do \
  command -v "$$c" >/dev/null 2>&1 || continue; \
  "$$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1 || continue; \
  "$$c" -c 'import sys; print(sys.executable)'; break; \
  done

NO_PYTHON_MSG := error: no Python >= 3.10 with the venv module found (tried: $(if $(PYTHON),$(PYTHON),$(PYTHON_CANDIDATES))). Install Python 3.10+ (on Debian/Ubuntu: apt-get install python3 python3-venv) or point to one with: make setup PYTHON=/path/to/python3.x

.PHONY: help setup lab dashboards test lock bench clean

help: ## Show this help
	@echo "okrlib — make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-7s %s\n", $$1, $$2}'
	@echo "Variables: PYTHON=/path/to/python3.x  PYTEST_ARGS=\"...\"  LAB_ARGS=\"...\"  BENCH_ARGS=\"...\"  UPGRADE=1 (for lock)"

setup: $(STAMP) ## Create .venv/ and install okrlib with the lab and test extras (pinned by requirements/lock.txt)

# The interpreter: created once, then reused.
$(PY):
	@py="$$($(find_python))"; \
	if [ -z "$$py" ]; then echo "$(NO_PYTHON_MSG)" >&2; exit 1; fi; \
	echo "==> creating $(VENV)/ with $$py ($$("$$py" --version 2>&1))"; \
	"$$py" -m venv $(VENV)

# The install: redone only when pyproject.toml or the lock changes.
$(STAMP): pyproject.toml $(LOCK) | $(PY)
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { \
	  echo "error: $(VENV)/ uses $$($(PY) --version 2>&1); okrlib needs Python >= 3.10. Run 'make clean' and 'make setup'." >&2; exit 1; }
	@echo "==> installing okrlib[$(EXTRAS)] into $(VENV)/ (constraints: $(LOCK))"
	$(PY) -m pip install --progress-bar off -c $(LOCK) -e ".[$(EXTRAS)]"
	$(PY) -m pip check
	@touch $(STAMP)
	@echo "==> $(VENV)/ is ready ($$($(PY) --version 2>&1))"

lab: setup ## Open the course in your own workspace (WORKSPACE=workspace/: copies of the notebooks, your plan, your exports)
	@$(PY) -m okrlib workspace "$(WORKSPACE)"
	@args="--ServerApp.root_dir=$(WORKSPACE) --LabApp.default_url=/lab/tree/notebooks/index.ipynb"; \
	if [ "$$(id -u)" = 0 ]; then args="$$args --allow-root"; fi; \
	if [ -n "$${CI:-}" ] || { [ "$$(uname -s)" = Linux ] && [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; }; then \
	  args="$$args --no-browser --ip=127.0.0.1"; \
	  echo "==> no display: open the URL printed below in your browser"; \
	fi; \
	echo "==> $(VENV)/bin/jupyter lab $$args $(LAB_ARGS)"; \
	JUPYTERLAB_SETTINGS_DIR="$(WORKSPACE)/.jupyter/lab/user-settings" exec $(VENV)/bin/jupyter lab $$args $(LAB_ARGS)

dashboards: setup ## Serve the read-only dashboards with Voilà on 127.0.0.1 (PORT=8866; settings: config/voila.py)
	@echo "==> Voilà on http://127.0.0.1:$(PORT)/ (dashboards/; plans from $${OKRLIB_PLANS:-docs/examples/}; role $${OKRLIB_ROLE:-participant})"
	exec $(PY) -m okrlib.views.serve --port=$(PORT) $(DASHBOARD_ARGS)

test: setup ## Run all tests (pytest; pass options with PYTEST_ARGS="...")
	$(PY) -m pytest $(PYTEST_ARGS)

lock: ## Regenerate requirements/lock.txt from pyproject.toml with uv (UPGRADE=1 to bump all pins)
	@if [ ! -x $(TOOLS_VENV)/bin/uv ]; then \
	  py="$$($(find_python))"; \
	  if [ -z "$$py" ]; then echo "$(NO_PYTHON_MSG)" >&2; exit 1; fi; \
	  echo "==> installing $(UV_SPEC) into $(TOOLS_VENV)/"; \
	  "$$py" -m venv $(TOOLS_VENV) && $(TOOLS_VENV)/bin/python -m pip install --quiet --progress-bar off "$(UV_SPEC)"; \
	fi
	$(TOOLS_VENV)/bin/uv pip compile --universal --python-version 3.10 \
	  pyproject.toml --extra lab --extra test \
	  --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) --quiet \
	  -o $(LOCK)

bench: ## Run the benchmarks (python -m benchmarks), if there are any
	@if [ -f benchmarks/__main__.py ]; then \
	  $(MAKE) --no-print-directory setup && \
	  echo "==> $(PY) -m benchmarks $(BENCH_ARGS)" && \
	  $(PY) -m benchmarks $(BENCH_ARGS); \
	else \
	  echo "No benchmarks yet (benchmarks/__main__.py does not exist)."; \
	fi

clean: ## Remove .venv/, the lock tooling and build/test caches
	rm -rf $(VENV) $(TOOLS_VENV) build dist *.egg-info .pytest_cache .hypothesis tests/artifacts test-artifacts
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -prune -exec rm -rf {} +
