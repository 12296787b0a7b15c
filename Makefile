# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
# 127.0.0.1: this machine only. HOST=0.0.0.0 serves the tablets and phones on the local network (see README).
HOST ?= 127.0.0.1
# the first interpreter that really runs and is 3.11 or newer (pyenv shims can exist yet fail)
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)

.PHONY: run test install install-test translations compile-translations check bench clean soak audit

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (apt-get install python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed compile-translations
install-test: $(VENV)/.installed-test compile-translations

compile-translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --statistics -d survey/i18n/catalogues 2>&1 | grep -v '^compiling' || true

# Local use is said explicitly: anything else runs as production and refuses unsafe settings.
run check: export SURVEY_ENV := development
test: export SURVEY_ENV := test

run: install
	$(FLASK) db upgrade
	$(FLASK) forms load
	$(FLASK) demo setup --port $(PORT)
	@if [ "$(HOST)" != 127.0.0.1 ]; then \
	  echo "Serving on every network interface of this machine: anyone on this network can reach it."; \
	  echo "Addresses to open on a tablet (port $(PORT)):"; \
	  (hostname -I 2>/dev/null || ipconfig getifaddr en0 2>/dev/null) | tr ' ' '\n' | grep -E '^[0-9]+\.' | sed 's|^|  http://|; s|$$|:$(PORT)/s/demo|'; \
	fi
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Known vulnerabilities in the installed dependencies; fails only when a fixed release exists (.ci/audit.py).
audit: install-test
	$(PY) .ci/audit.py

# Crashes, cut connections and two app hosts (benchmarks/README.md); minutes, loopback only, not part of `make test`.
SOAK_ARGS ?=
soak: install
	$(PY) benchmarks/soak.py --db sqlite $(SOAK_ARGS)
	$(PY) benchmarks/soak.py --db postgresql://postgres@127.0.0.1:5432/test $(SOAK_ARGS)
	$(PY) benchmarks/soak.py --db postgresql://postgres@127.0.0.1:5432/test --hosts 2 $(SOAK_ARGS)

check: install
	$(FLASK) forms check

# The submission paths against a bare Flask endpoint, SQLite and PostgreSQL (benchmarks/README.md).
# BENCH_ARGS="--only api --db sqlite" runs one part. Installs wrk as root when missing.
# The exports at 10k, 100k and 1M responses take about 12 minutes; EXPORT_SIZES=10000 runs one size.
EXPORT_SIZES ?= 10000,100000,1000000
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
		|| echo "bench: wrk is not installed and could not be; the Python load generator is used instead"; }
	$(PY) benchmarks/bench.py $(BENCH_ARGS)
	$(PY) benchmarks/kiosk_bytes.py
	$(PY) benchmarks/results_render.py --responses 100000,1000000
	$(PY) benchmarks/exports.py --sizes $(EXPORT_SIZES)

# Extract UI strings, merge them into every catalogue, compile (see docs/translations.md).
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -o survey/i18n/catalogues/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i survey/i18n/catalogues/messages.pot -d survey/i18n/catalogues
	$(MAKE) compile-translations

clean:
	rm -rf $(VENV) instance/*.db* .pytest_cache

