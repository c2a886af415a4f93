# The two commands a new user needs: `make run` (the app, with a demo project) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/bianma demo
	$(BIN)/streamlit run app.py

system-deps:
	bash scripts/install-system-deps.sh

test: system-deps $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/import_speed.py
	$(BIN)/python bench/tokenizer_speed.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/suggester.py
	$(BIN)/python bench/concurrency.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/coding_page.py
	$(BIN)/python bench/taguette.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
