# One obvious way to run everything. The README names `make dev` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FRONTEND_STAMP := frontend/node_modules/.installed
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/package.json -type f 2>/dev/null)
PYTEST_ARGS ?=

.PHONY: install dev test test-python test-frontend system-deps lint typecheck bench openapi sam-build sam-validate clean

$(STAMP): requirements-dev.txt layers/govhub/requirements.txt cli/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: $(FRONTEND_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run build

install: $(STAMP) frontend/dist/index.html

## Start the whole hub locally (no Docker, no AWS account). Ctrl-C stops it. MLFLOW=1 also starts an MLflow server wired to it.
dev: install
	$(PY) -m local_stack $(if $(MLFLOW),--mlflow)

## Debian packages the tests need: chromium (browser tests) and poppler-utils (PDF checks).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## Run the whole test suite (unit, integration, end-to-end over HTTP and in Chromium, frontend).
test: install system-deps typecheck
	$(PY) -m pytest $(PYTEST_ARGS)
	cd frontend && npm test

lint: $(STAMP) typecheck
	$(VENV)/bin/ruff check layers functions local_stack cli tests

## mypy (config: mypy.ini) over the layer, the local stack, the CLI and each function (a function's own modules
## sit beside its app.py, as Lambda puts them on its path: one run per function, the layer's types come from the cache).
typecheck: $(STAMP)
	$(VENV)/bin/mypy layers/govhub/govhub local_stack cli/govhub_cli
	@for fn in functions/*/; do entry=$$(ls $$fn/app.py 2>/dev/null || ls $$fn*.py); MYPYPATH=$$fn $(VENV)/bin/mypy --no-error-summary $$entry || exit 1; done  # each function with its handler modules (app.py, or every module of a multi-handler function)

## Benchmarks named in the issues; figures are printed as ratios measured in one run.
bench: install
	$(PY) -m tests.bench

PROOF_SUITES := tests/security tests/fuzz tests/concurrency tests/load tests/infra
.PHONY: proof proof-long

## Proof under attack, load and faults, CI-sized (also part of `make test`): token attacks, fuzzing, concurrency, load, template.
proof: install
	$(PY) -m pytest $(PROOF_SUITES) $(PYTEST_ARGS)

## The long versions (fuzzing at 30 examples per operation, FUZZ_MAX_EXAMPLES for more; a 5-minute load run); writes the figures to docs/proof-results.md.
proof-long: install
	mkdir -p .local && rm -f .local/proof-results.json
	status=0; PROOF_LONG=1 PROOF_RESULTS=.local/proof-results.json $(PY) -m pytest -s $(PROOF_SUITES) $(PYTEST_ARGS) || status=$$?; \
	$(PY) -m tests.infra.write_results .local/proof-results.json docs/proof-results.md $$status; exit $$status

## The API contract: docs/openapi.json from the routes, then the dashboard's types from it (both committed; tests and the build check them).
openapi: $(STAMP) $(FRONTEND_STAMP)
	$(PY) -c "import sys; sys.path.insert(0, 'layers/govhub'); from govhub.api.openapi import openapi_json; open('docs/openapi.json', 'w').write(openapi_json() + '\n')"
	cd frontend && npm run -s api-types

.sam-venv/bin/sam:
	$(PYTHON) -m venv .sam-venv
	.sam-venv/bin/pip install --quiet aws-sam-cli

sam-build: export SAM_CLI_TELEMETRY = 0
sam-build: .sam-venv/bin/sam
	.sam-venv/bin/sam build

sam-validate: export SAM_CLI_TELEMETRY = 0
sam-validate: .sam-venv/bin/sam
	.sam-venv/bin/sam validate --lint

clean:
	rm -rf $(VENV) .sam-venv .aws-sam frontend/node_modules frontend/dist .local
