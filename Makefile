# casualty-kit: `make report` renders the reports, `make test` runs the linters and every test,
# `make lab` opens JupyterLab on the notebooks. Each sets up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup report lint test lab bench constraints clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	# the build backend as a wheel file, so tests/test_investigation.py builds the kit's wheel offline
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: -d $(VENV)/build-wheels 'setuptools>=77'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/kit render --set notebooks/reports.yaml --out reports

# ruff (style, imports, bugbear, pyupgrade) and mypy; settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check kit tests benchmarks scripts
	$(BIN)/mypy kit

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Re-pin: versions only, no index URLs or hashes that name a registry host.
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) reports
