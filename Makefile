# Lienhe — every target installs what it needs (uv included) on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 10000
DEMO_SEED ?= 1

.PHONY: install demo run test test-fast e2e-deps bench loadtest lint format messages migrate worker daily

install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@if command -v msgfmt >/dev/null; then $(RUN) python manage.py compilemessages --ignore=.venv -v 0; else echo "gettext (msgfmt) missing: skipping compilemessages"; fi

migrate: install
	$(RUN) python manage.py migrate --noinput -v 0

# The demo runs without enforced two-factor login so the demo accounts work at once;
# the background worker (reports, imports) runs beside the server and stops with it.
SERVE = bash -c 'trap "kill 0" EXIT; $(RUN) python manage.py db_worker & $(RUN) python manage.py runserver $(HOST):$(PORT)'

demo: migrate
	$(RUN) python manage.py seed_demo --members $(DEMO_MEMBERS) --seed $(DEMO_SEED) --reset
	@echo "Mở http://$(HOST):$(PORT)  (mật khẩu mẫu: $${LIENHE_DEMO_PASSWORD:-lienhe-demo})"
	LIENHE_REQUIRE_2FA=$${LIENHE_REQUIRE_2FA:-0} $(SERVE)

run: migrate
	$(SERVE)

worker: migrate
	$(RUN) python manage.py db_worker

daily: migrate
	$(RUN) python manage.py run_daily

e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-core fonts-liberation2 >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped"; fi; }
	@command -v zbarimg >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq zbar-tools >/dev/null; \
	  else echo "zbarimg missing: the QR scan test will be skipped"; fi; }

test: install e2e-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(RUN) pytest -n 2 --dist worksteal

test-fast: install
	$(RUN) pytest -n 2 -m "not e2e"

# Then the national scale (issue 11): 10k on SQLite; with BENCH_PG_URL (a PostgreSQL
# URL) 10k, 100k and 1M national data sets (kept in lienhe_scale_* for the next run).
bench: install
	$(RUN) python bench/run.py
	$(RUN) python bench/scale_bench.py

# Load test (issue 10): gunicorn serving a 100.000-member province from PostgreSQL,
# 50 officers for 60 s (docs/operations.md). Needs DATABASE_URL=postgres://…; the
# first time add LOAD_SEED=1 to seed the province (about 10 min on 2 busy cores):
#   createdb -h 127.0.0.1 -U postgres lienhe_load
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/lienhe_load make loadtest LOAD_SEED=1
loadtest:
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) \
	  echo "make loadtest chạy trên PostgreSQL: đặt DATABASE_URL=postgres://… (xem docs/operations.md)"; exit 2;; esac
	$(MAKE) migrate
	@if [ -n "$${LOAD_SEED:-}" ]; then $(RUN) python manage.py seed_demo --members $${LOAD_MEMBERS:-100000} --reset --quiet; fi
	$(RUN) python bench/loadtest.py --users $${LOAD_USERS:-50} --seconds $${LOAD_SECONDS:-60} --port $${LOAD_PORT:-8190}

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

messages:
	$(RUN) python manage.py makemessages -l vi --ignore=.venv
