# Two commands do all set-up on a fresh machine with Python 3.11, pip and make:
#   make demo   - create .venv, install orplan, solve scenarios/demo.yaml into out/demo/
#   make test   - create .venv, install orplan with dev extras, run the test suite
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: system-deps ihtc-warmup demo serve test lint format bench bench-smoke bench-ihtc bench-simulate clean notebooks notebooks-build
.PHONY: postgres postgres-stop print-pg-url
IHTC_TIME ?= 600

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/orplan solve scenarios/demo.yaml --out out/demo --time-limit 30

# The planner workbench on http://127.0.0.1:8765 (database under ~/.local/share/orplan).
serve: $(STAMP)
	$(BIN)/orplan serve --scenarios scenarios

# The IHTC kernels are compiled by numba once per machine (cached beside the sources);
# compiling first keeps the two test workers from compiling at the same time.
ihtc-warmup: $(STAMP)
	$(BIN)/python -c "from orplan.ihtc.solve import warm_up; print(f'IHTC kernel ready in {warm_up():.0f} s')"

# System packages the tests need (Debian, as root; CI runs it first): headless Chromium for
# tests/report/test_report_browser.py. Installs only what is missing, so it is quick to rerun.
system-deps:
	command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# system-deps: the browser tests (report, workbench) drive Debian's chromium; installed once.
# The workbench store tests run on PostgreSQL too: without ORPLAN_TEST_POSTGRES_URL, a local
# throw-away server is started for the run and stopped after it (see postgres below).
test: $(STAMP) system-deps ihtc-warmup
	@if [ -n "$$ORPLAN_TEST_POSTGRES_URL" ]; then \
		$(BIN)/python -m pytest -q -n 2; \
	else \
		.ci/postgres.sh start && \
		ORPLAN_TEST_POSTGRES_URL="$$(.ci/postgres.sh url)" $(BIN)/python -m pytest -q -n 2; \
		rc=$$?; .ci/postgres.sh stop; exit $$rc; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks notebooks
	$(BIN)/ruff check --fix src tests benchmarks notebooks

# Notebooks run top to bottom on small settings (outputs stay stripped in git).
notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,notebooks]"
	$(BIN)/python notebooks/build_notebooks.py --check
	ORPLAN_NB_SMALL=1 ORPLAN_NB_TIME=5 $(BIN)/python -m pytest --nbmake notebooks/ -q -p no:cacheprovider

notebooks-build: $(STAMP)
	$(BIN)/python notebooks/build_notebooks.py

# Benchmarks (see benchmarks/README.md for the protocol). Never run two at once.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

bench-smoke: $(STAMP) ihtc-warmup
	$(BIN)/python -m benchmarks.run --smoke --no-plots
	$(BIN)/python -m benchmarks.ihtc.run --smoke

bench-ihtc: $(STAMP) ihtc-warmup
	$(BIN)/python -m benchmarks.ihtc.run --time-limit $(IHTC_TIME) --workers 2

bench-simulate: $(STAMP)
	$(BIN)/python benchmarks/simulate/bench_simulate.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache

# A local PostgreSQL for the workbench store tests (installs Debian's postgresql when missing;
# cluster in $$ORPLAN_PG_DIR, default /var/tmp/orplan-pg, 127.0.0.1 on a free port).
# make test starts and stops one itself; for a bare pytest run:
# ORPLAN_TEST_POSTGRES_URL="$$(make -s print-pg-url)".
postgres:
	.ci/postgres.sh start

postgres-stop:
	.ci/postgres.sh stop

print-pg-url:
	@.ci/postgres.sh url

# What-if sweeps on Dask (benchmarks/sweep/README.md): about 10 minutes on 2 idle cores.
.PHONY: bench-sweep
bench-sweep: $(STAMP)
	$(BIN)/python benchmarks/sweep/bench_sweep.py
