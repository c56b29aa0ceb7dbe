# Two commands on a fresh machine: `make run` and `make test`. Nothing to install by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 1
# `make demo` is told the server's address only when HOST or PORT is given; else it asks
# data/server-url (app/servers.py) which `make run` serves the database it loaded.
ifeq ($(origin HOST)$(origin PORT),filefile)
SERVER_URL =
else
SERVER_URL = http://$(HOST):$(PORT)
endif
export DATABASE_URL ?= sqlite:///data/seminar.db

.PHONY: browser install lint run test test-fast openapi demo bench migrate migration retention docker image-check clean \
	worker repeat-races lock

# `make run &` and `make demo` at once: one builds .venv (and migrates), the other waits for it
# and then finds the stamp fresh (and the database at head). Without flock (util-linux; not on
# macOS) nothing is guarded.
locked = $(if $(shell command -v flock 2>/dev/null),flock $(1))
ifdef INSTALL_LOCKED
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock requirements-reference.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -r requirements-reference.txt
	touch $(STAMP)
else
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock requirements-reference.txt
	@mkdir -p $(VENV)
	@$(call locked,$(VENV)/.install-lock) $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		INSTALL_LOCKED=1 $(STAMP)
endif

install: $(STAMP)

## Pin every dependency again from pyproject.toml: requirements.lock (what the service runs on,
## and the image installs) and requirements-dev.lock (the same pins, plus the test tools).
PIP_COMPILE = $(BIN)/python -m piptools compile -q --strip-extras --no-emit-index-url --no-emit-find-links
lock: install
	$(BIN)/python -m pip install -q --disable-pip-version-check pip-tools==7.6.2
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

migrate: install
	@mkdir -p data
	$(call locked,data/.migrate-lock) $(BIN)/alembic upgrade head

## Serve the API on an embedded SQLite database (data/seminar.db); data/server-url tells `make demo`
## which address serves which database.
run: migrate
	@test -s data/admin-token || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(24))" > data/admin-token
	@$(BIN)/python -m app.servers "http://$(HOST):$(PORT)"
	@PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python -m app.team.setup_link > data/team-link
	@echo ""
	@echo "  Web pages:         http://$(HOST):$(PORT)/   (organizers: /admin)"
	@echo "  Organizer team:    $$(cat data/team-link)"
	@echo "  API:               http://$(HOST):$(PORT)/api/v1/events"
	@echo "  Interactive docs:  http://$(HOST):$(PORT)/docs"
	@echo "  Organizer key:     $${ADMIN_TOKEN:-$$(cat data/admin-token)}   (ADMIN_TOKEN; kept in data/admin-token)"
	@$(BIN)/python -m app.banner
	@echo ""
	ADMIN_TOKEN="$${ADMIN_TOKEN:-$$(cat data/admin-token)}" PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}" WORKERS=$(WORKERS) \
		$(BIN)/uvicorn app.main:create_app --factory \
		--host $(HOST) --port $(PORT) --workers $(WORKERS) --proxy-headers

## Headless Chromium for the browser tests (Debian package); without it they are skipped.
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null \
	  && $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium' \
	  || echo "no /usr/bin/chromium and no apt-get: the e2e tests will be skipped"; }

## Format check and lint (ruff), type-check (mypy), who may import whom (import-linter); `make test` runs it first.
lint: install
	$(BIN)/ruff format --check app tests bench scripts
	$(BIN)/ruff check app tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## Run the whole suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## Run the race and invariant tests COUNT times in a row (both databases when TEST_DATABASE_URL is
## set): make repeat-races COUNT=30 RACES=tests/concurrency/test_invariant_traffic.py
COUNT ?= 30
RACES ?= tests/concurrency/test_invariant_traffic.py::test_mixed_participant_traffic_never_fails
repeat-races: install
	$(BIN)/python -m pytest -q -x --count $(COUNT) $(RACES)

## Regenerate openapi/openapi.json from the app.
openapi: install
	$(BIN)/python -m app.openapi

## Load the two-day networking seminar (Serock, 29-30 Nov 2022) with ~150 participants.
## Its hint names the database it loaded and the server's address: HOST/PORT when given, else
## the last `make run` on that database (none: it says so).
demo: migrate
	SERVER_URL="$(SERVER_URL)" $(BIN)/python -m app.demo

## Deliver queued e-mails and webhooks (beside the app, or alone with OUTBOX_DISPATCH=off in the app).
worker: migrate
	$(BIN)/python -m app.worker

## Anonymise personal data of events that ended more than DAYS days ago (default 90).
retention: migrate
	$(BIN)/python -m app.retention --days $${DAYS:-90}

## Benchmarks: print figures (see bench/README.md).
bench: install
	$(BIN)/python bench/run_all.py

## New migration from model changes: make migration m="what changed"
migration: install
	$(BIN)/alembic revision --autogenerate -m "$(m)"

docker:
	docker build -t seminar-registration .

## Build the Dockerfile with buildah on a debootstrapped Debian base and check that the image serves
## (scripts/image_check.py). As root with apt-get, buildah and debootstrap are installed (Debian's
## packages) when missing; elsewhere the check is skipped with the reason.
image-check:
	@command -v buildah >/dev/null && command -v debootstrap >/dev/null \
	  || ! command -v apt-get >/dev/null || [ "$$(id -u)" -ne 0 ] \
	  || { apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get \
	       -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends buildah debootstrap >/dev/null; }
	$(PYTHON) scripts/image_check.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
