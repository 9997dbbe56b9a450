# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv with the machine's python3. `make run` installs only what
# serving needs, so the first answer comes quickly; `make test` adds the test
# extras (pytest, Hypothesis, ...) on top. Each install has its own stamp.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
HOST   ?= 127.0.0.1
PORT   ?= 8080
ARGS   ?=
# The suite's processes (pytest-xdist): every core by default; JOBS=1 runs it in this process.
JOBS   ?= auto

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing what serving needs into $(VENV) (first run only)..."
	$(PIP) -e .
	touch $@

$(TEST_STAMP): $(RUN_STAMP)
	@echo "Adding the test extras to $(VENV)..."
	$(PIP) -e '.[test]'
	touch $@

run: $(RUN_STAMP)
	$(BIN)/mockserver serve --host $(HOST) --port $(PORT) $(ARGS)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest $(if $(filter 1,$(JOBS)),,-n $(JOBS)) $(ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python -m bench.run $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
