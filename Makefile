# OneGate: `make run` serves the demo, `make test` runs the whole suite.
# Both set up everything a fresh Debian machine lacks (system packages when run
# as root; otherwise they print the one command to run).

SHELL := /bin/bash
# Debian's own Python (/usr/bin/python3, which python3-venv completes) wherever there is one, even
# when another python3 comes first on PATH: Debian builds it with profile-guided and link-time
# optimisation. A plain source build of 3.11 (pyenv's default) ran the same Django code with 19 %
# more instructions, and the whole suite with about 14 % more CPU time (CONTRIBUTING.md, "Tests").
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# What PDFs, translations, browser tests and the PKCS#11 tests need from Debian.
SYSTEM_PACKAGES := python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-cjk chromium chromium-headless-shell softhsm2 poppler-utils
RUN_ENV := DEBUG=1 DEMO_MODE=1 HTTPS=0
# Python compiles a module once and keeps the bytecode beside it (__pycache__/, ignored by git),
# also where the environment asks it not to: a test run starts a dozen Python processes (xdist
# workers, Celery workers, manage.py), and each would otherwise compile the project and rewrite
# the tests' asserts anew: about 15 s a process on a 2-core machine.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-pages test-browser system setup messages makemessages bench bench-deadlines clean-var

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages. Run:"; echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# The project and its 150-odd dependencies go in with uv, which pip puts into the environment first:
# on a fresh clone of a 2-core machine pip took 24 s to resolve, download, build and install them
# (the whole set-up 29 s); pip installing uv takes 1.2 s and uv 1.6 s (the set-up 9 s). uv leaves
# the bytecode to the first import (below).
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q 'uv>=0.5'
	$(VENV)/bin/uv pip install -q --python $(PY) -e '.[dev]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

setup: system $(VENV)/.installed node_modules/.installed messages

messages: $(VENV)/.installed
	@$(RUN_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

# Regenerate the Chinese catalogues (each app's and the root one for portal/
# and templates/; LOCALE_PATHS routes every string to its app). Fill new
# entries (tools/po_fill.py), then `make messages` compiles them. Run from the
# project root: Celery's Django fix-up puts the working folder on sys.path.
makemessages: $(VENV)/.installed
	$(RUN_ENV) $(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules \
	    --ignore=tests --ignore=bench --ignore=var --ignore=tools

run: setup
	mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) seed_demo
	$(RUN_ENV) $(MANAGE) seed_demo_bundles
	@echo "Serving OneGate at http://127.0.0.1:8000 (with a Celery worker and beat on a file broker). Ctrl-C stops both."
	@$(RUN_ENV) $(VENV)/bin/celery -A portal worker -B --pool=solo --loglevel=WARNING \
	    --schedule=var/celerybeat-schedule & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

# The suite runs on one xdist worker more than there are cores, at most 5 (each worker has its own
# test database and Redis database: tests/conftest.py). The worker that drives the browser waits on
# Chromium and its live server more than it computes, and the extra worker takes up the core it
# leaves (CONTRIBUTING.md, "Tests"). `make test TEST_WORKERS=0` runs the suite in one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n + 1 : 5 )))

test: setup
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Every page of every role at 1280 and 375 px, in Chinese and English: sideways scrolling, squeezed
# text, axe and Chinese on English pages; screenshots and a list of problems in test-artifacts/pages/.
# The two sizes run side by side on two workers (one with TEST_WORKERS=0 or 1).
test-pages: setup
	$(VENV)/bin/pytest -n $(shell w=$(TEST_WORKERS); echo $$(( w < 2 ? w : 2 ))) -m pages tests/browser/test_every_page.py $(PYTEST_ARGS)

# The real-browser tests alone (Playwright on Debian's Chromium), in one process, keeping a
# screenshot of each journey's steps in test-artifacts/ (make test leaves them out: they cost time).
test-browser: setup
	BROWSER_SCREENSHOTS=1 $(VENV)/bin/pytest -n 0 tests/browser $(PYTEST_ARGS)

bench: setup bench-deadlines bench-seals bench-desk bench-licenses

# 1,000,000 due dates from the working-day index, against a day-by-day loop.
bench-deadlines: setup
	$(RUN_ENV) $(PY) bench/bench_deadlines.py

# 200 one-page PDFs through seal_pdf (PAdES B-LTA), against a bare pyHanko B-LTA signature in the same run.
.PHONY: bench-seals
bench-seals: setup
	$(RUN_ENV) $(PY) bench/bench_seals.py

# /desk/ and an application's page over 1,000,000 applications on PostgreSQL
# (BENCH_DATABASE_URL), against a bare view through the same middleware.
.PHONY: bench-desk
bench-desk: setup
	$(RUN_ENV) $(PY) bench/bench_desk.py

# 200 licenses issued end to end (render, QR, seal, store, database) against the floor
# (a bare WeasyPrint render of the same HTML plus a bare pyHanko signature), then 2 worker processes.
.PHONY: bench-licenses
bench-licenses: setup
	$(RUN_ENV) $(PY) bench/bench_licenses.py

# Locust against a production-like stack on 127.0.0.1 (private PostgreSQL and Redis, gunicorn
# with a worker per core, Celery worker and beat; all under var/bench-load/, seeded once with
# 100,000 applications): anonymous pages against a bare view, then citizens submitting, approvers
# on the desk, /track/ and /verify/. BENCH_LOAD_SECONDS sets phase B's length (default 120;
# phase A gets a third of it per page): about 6 minutes in all after the first seeding.
.PHONY: bench-load
bench-load: setup
	$(PY) bench/bench_load.py

# Back up the database and the private storage into a new folder (BACKUP_DIR), with a
# manifest of row counts and checksums; restore one into an empty database and folder and
# prove it matches. The seal KEK is never in a backup: docs/operations.md.
BACKUP_DIR ?= var/backups/$(shell date -u +%Y%m%dT%H%M%SZ)
.PHONY: backup restore drill-backup drill
backup: setup
	$(RUN_ENV) $(MANAGE) backup $(BACKUP_DIR)

restore: setup
	@test -n "$(FROM)" || { echo "usage: make restore FROM=<backup folder>"; exit 2; }
	$(RUN_ENV) $(MANAGE) restore $(FROM)

# Writes data on PostgreSQL, backs it up, restores into a fresh database and folder, compares.
drill-backup: setup
	$(PY) bench/drill_backup.py

# Fault drills on a production-like stack started afresh under var/drill/ (as bench-load's), under
# load: kill -9 the Celery worker mid-issuance, restart PostgreSQL, restart Redis, kill the worker
# between storing a license and recording it, fail the private storage during an upload.
# About 8 minutes on 2 cores; docs/operations.md, "Fault drills".
drill: setup
	$(PY) bench/drill.py

clean-var:
	rm -rf var
