# Exchange: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
CHROMIUM := /usr/bin/chromium

.PHONY: install install-dev run test test-fast test-browser browser bench clean

# Production installs requirements.txt alone; tests and benchmarks add requirements-dev.txt.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	SEARCH_INDEXER_THREAD=1 $(FLASK) run --host 127.0.0.1 --port 5000

# Browser tests drive Debian's Chromium; install it when it is missing (needs root).
browser:
	@test -x $(CHROMIUM) || { echo "Installing Chromium for the browser tests..."; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) || { echo "Chromium is required for the browser tests: apt-get install chromium"; exit 1; }

# The suite runs in parallel (pytest-xdist), one worker per core; PYTEST_ARGS adds options.
PYTEST := $(BIN)/pytest -n auto $(PYTEST_ARGS)

test: install-dev browser
	$(PYTEST)

test-fast: install-dev
	$(PYTEST) --ignore=tests/browser

test-browser: install-dev browser
	$(PYTEST) tests/browser

bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
