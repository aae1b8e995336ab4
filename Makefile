# Lienhe — every target installs what it needs (uv included) on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 10000
DEMO_SEED ?= 1

.PHONY: install demo run test test-fast test-calendar e2e-deps bench loadtest lint format messages migrate worker daily

install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@if command -v msgfmt >/dev/null; then DEBUG=1 $(RUN) python manage.py compilemessages --ignore=.venv -v 0; else echo "gettext (msgfmt) missing: skipping compilemessages"; fi

migrate: install
	$(LOCAL_ENV) $(RUN) python manage.py migrate --noinput -v 0

# The demo runs without enforced two-factor login so the demo accounts work at once;
# the background worker (reports, imports, e-mail) runs beside the server and stops
# with it. E-mail goes to the console (docs/notify.md): the log shows the digests.
# DEBUG is off by default (settings.py): the local server runs like production (Lienhe's
# own 404/403/500 pages, static files collected and served by WhiteNoise) but on plain
# HTTP, with a SECRET_KEY generated once into .secret_key (git-ignored).
LOCAL_ENV = DEBUG=$${DEBUG:-0} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key 2>/dev/null || { $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key; cat .secret_key; })}" \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost} \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
	EMAIL_BACKEND=$${EMAIL_BACKEND:-console}
SERVE = $(LOCAL_ENV) bash -c 'trap "kill 0" EXIT; $(RUN) python manage.py collectstatic --noinput -v 0 && { $(RUN) python manage.py db_worker & $(RUN) python manage.py runserver $(HOST):$(PORT); }'

demo: migrate
	$(LOCAL_ENV) $(RUN) python manage.py seed_demo --members $(DEMO_MEMBERS) --seed $(DEMO_SEED) --reset
	@echo "--- Nhắc việc sáng nay: bản tổng hợp gửi các tài khoản mẫu (thư in ra màn hình) ---"
	$(LOCAL_ENV) $(RUN) python manage.py run_daily
	$(LOCAL_ENV) $(RUN) python manage.py deliver_notifications
	@echo "Mở http://$(HOST):$(PORT)  (mật khẩu mẫu: $${LIENHE_DEMO_PASSWORD:-lienhe-demo})"
	LIENHE_REQUIRE_2FA=$${LIENHE_REQUIRE_2FA:-0} $(SERVE)

run: migrate
	$(SERVE)

worker: migrate
	$(LOCAL_ENV) $(RUN) python manage.py db_worker

daily: migrate
	$(LOCAL_ENV) $(RUN) python manage.py run_daily

e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-core fonts-liberation2 >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped"; fi; }
	@command -v zbarimg >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq zbar-tools >/dev/null; \
	  else echo "zbarimg missing: the QR scan test will be skipped"; fi; }
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null; \
	  else echo "soffice missing: the LibreOffice export test will be skipped"; fi; }

test: install e2e-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(RUN) pytest -n 2 --dist worksteal

test-fast: install
	$(RUN) pytest -n 2 -m "not e2e"

# The suite with the clock at the year's turn (issue 14): 31/12 23:30 and 01/01 00:30
# local time (the UTC date differs from the local one then). CALENDAR_NOW overrides,
# e.g. CALENDAR_NOW="2028-02-29T10:00:00+07:00". Browser tests keep the real clock.
CALENDAR_YEAR ?= $(shell date +%Y)
CALENDAR_NOW ?= $(CALENDAR_YEAR)-12-31T23:30:00+07:00 $(shell echo $$(( $(CALENDAR_YEAR) + 1 )))-01-01T00:30:00+07:00
test-calendar: install
	@for now in $(CALENDAR_NOW); do \
	  echo "== suite at $$now"; \
	  LIENHE_TEST_NOW=$$now $(RUN) pytest -n 2 -m "not e2e" || exit 1; \
	done

# Then the national scale (issue 11): 10k on SQLite; with BENCH_PG_URL (a PostgreSQL
# URL) 10k, 100k and 1M national data sets (kept in lienhe_scale_* for the next run).
bench: install
	$(RUN) python bench/run.py
	$(RUN) python bench/scale_bench.py

# Load test (issues 10, 21): the way production runs — DEBUG=0, collectstatic (WhiteNoise),
# gunicorn 3 workers x 4 threads (gthread) for 2 cores, persistent database connections.
# Two modes in one run, each beside /healthz: a morning of 300 officers of every role with
# 5-15 s think time, then 50 officers without pause (docs/benchmarks.md). Only DATABASE_URL
# (PostgreSQL) is needed: an empty database is seeded first (LOAD_SEED=1 re-seeds).
#   createdb -h 127.0.0.1 -U postgres lienhe_load
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/lienhe_load make loadtest
# LOAD_COMPARE=<git ref> (e.g. 5f86d43, the commit issue 21 was filed at) also measures
# that commit's throughput in the same run: its own git worktree in $TMPDIR, installed
# with uv, its own database <db>_old_<sha> (created, migrated, seeded once and kept),
# served by the same gunicorn settings; the ratio is printed at the end.
LOAD_EMPTY = $(LOCAL_ENV) $(RUN) python manage.py shell -c \
	"import sys; from lienhe.orgs.models import Organization; sys.exit(Organization.objects.exists())"
loadtest:
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) \
	  echo "make loadtest chạy trên PostgreSQL: đặt DATABASE_URL=postgres://… (xem docs/operations.md)"; exit 2;; esac
	$(MAKE) migrate
	@if [ -n "$${LOAD_SEED:-}" ] || $(LOAD_EMPTY); then \
	  $(LOCAL_ENV) $(RUN) python manage.py seed_demo --members $${LOAD_MEMBERS:-100000} --reset --quiet; fi
	$(LOCAL_ENV) $(RUN) python bench/loadtest.py --mode $${LOAD_MODE:-both} \
	  --users $${LOAD_USERS:-300} --seconds $${LOAD_SECONDS:-180} \
	  --burst-users $${LOAD_BURST_USERS:-50} --burst-seconds $${LOAD_BURST_SECONDS:-60} \
	  --port $${LOAD_PORT:-8190} $${LOAD_COMPARE:+--compare $$LOAD_COMPARE}

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

messages:
	$(RUN) python manage.py makemessages -l vi --ignore=.venv
