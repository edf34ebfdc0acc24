# casualty-kit: `make report` renders the reports, `make test` runs the linters and every test,
# `make lab` opens JupyterLab on the notebooks. Each sets up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Spark gets a venv of its own: pandera imports pyspark.pandas whenever pyspark is importable (slower
# imports, a FutureWarning in every notebook). .venv-spark sees .venv's packages through a .pth file.
SPARK  := .venv-spark
SPARK_STAMP := $(SPARK)/.installed

.PHONY: setup report lint test lab bench constraints clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	# the build backend as a wheel file, so tests/test_investigation.py builds the kit's wheel offline
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: -d $(VENV)/build-wheels 'setuptools==84.2.1'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/kit render --set notebooks/reports.yaml --out reports

# ruff (style, imports, bugbear, pyupgrade) and mypy; settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check kit tests benchmarks scripts
	$(BIN)/mypy kit

$(SPARK_STAMP): $(STAMP)
	test -x $(SPARK)/bin/python || $(PYTHON) -m venv $(SPARK)
	$(SPARK)/bin/python -c "import site, sys; d = site.getsitepackages()[0]; \
	  open(d + '/kit_venv.pth', 'w').write('import site; site.addsitedir(%r)\\n' % sys.argv[1])" \
	  "$$($(BIN)/python -c 'import site; print(site.getsitepackages()[0])')"
	$(SPARK)/bin/python -m pip install --quiet -c constraints.txt pyspark
	touch $(SPARK_STAMP)

test: lint $(SPARK_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Re-pin: versions only, no index URLs or hashes that name a registry host.
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) $(SPARK) reports
