# Exchange: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
CHROMIUM := /usr/bin/chromium

.PHONY: install run test test-fast test-browser browser bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	SEARCH_INDEXER_THREAD=1 $(FLASK) run --host 127.0.0.1 --port 5000

# Browser tests drive Debian's Chromium; install it when it is missing (needs root).
browser:
	@test -x $(CHROMIUM) || { echo "Installing Chromium for the browser tests..."; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) || { echo "Chromium is required for the browser tests: apt-get install chromium"; exit 1; }

test: install browser
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest --ignore=tests/browser

test-browser: install browser
	$(BIN)/pytest tests/browser

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
