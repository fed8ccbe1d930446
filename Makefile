# The README's commands. Everything installs itself on first use:
#   make serve    build the site and serve it with working comments at http://127.0.0.1:8000
#   make test     every test (installs Debian's chromium, Java and PostgreSQL when missing)
#   make preview  live-reloading preview for editors at http://127.0.0.1:8001
#   (make serve PORT=8010, make preview PORT=8011: another port)
#   make site     the build to publish: refuses local addresses and placeholders (see README)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# make preview's port: 8001, so it runs beside make serve, unless PORT is given.
PREVIEW_PORT := $(if $(filter file,$(origin PORT)),8001,$(PORT))
# make serve's own build, so `make build` (into site/) never replaces the served site.
SERVE_SITE := var/serve-site
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve build site preview test lint check-reliability bench new-page review-due system-deps clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Every build makes both editions: English into site/, Spanish into site/es/ (scripts/build_site.py).
build: $(BIN)/.installed
	$(BIN)/python scripts/build_site.py

# The build to publish: SITE_URL, CONTACT_EMAIL and SITE_URL_SOCIAL_IMAGE must be real
# (overrides/hooks/production.py names each one that is not).
site: $(BIN)/.installed
	PRODUCTION_BUILD=true $(BIN)/python scripts/build_site.py

# The port is checked first, so a busy one is said at once rather than after the build.
serve: $(BIN)/.installed
	@$(BIN)/python scripts/check_port.py $(HOST) $(PORT) "make serve"
	SITE_URL=http://$(HOST):$(PORT)/ $(BIN)/python scripts/build_site.py --site-dir $(SERVE_SITE)
	COMMENTS_PUBLIC_URL=$${COMMENTS_PUBLIC_URL:-http://$(HOST):$(PORT)} $(BIN)/comments serve --host $(HOST) --port $(PORT) --site $(SERVE_SITE)

# --dirty rebuilds only the saved page; overrides/hooks/preview.py rebuilds them all when a
# shared file changes, and shows each page's problems at its top.
preview: $(BIN)/.installed
	@$(BIN)/python scripts/check_port.py $(HOST) $(PREVIEW_PORT) "make preview"
	$(BIN)/mkdocs serve --dirty --dev-addr $(HOST):$(PREVIEW_PORT)

system-deps:
	scripts/install_system_packages.sh

lint: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	npx --no-install markdownlint-cli2 "docs/**/*.md" "es/docs/**/*.md" "README.md"
	npx --no-install cspell --no-progress --no-summary "docs/**/*.md" "includes/*.md" "README.md"

test: $(BIN)/.installed node_modules/.installed system-deps lint
	$(BIN)/pytest -n 2

check-reliability: $(BIN)/.installed system-deps
	$(BIN)/pytest -m reliability tests/reliability

bench: $(BIN)/.installed system-deps
	$(BIN)/python bench/run_all.py

new-page: $(BIN)/.installed
	$(BIN)/python scripts/new_page.py "$(SECTION)" "$(TITLE)" --description "$(DESCRIPTION)" --sources "$(SOURCES)" $(if $(SLUG),--slug "$(SLUG)") $(if $(AFTER),--after "$(AFTER)")

review-due: $(BIN)/.installed
	$(BIN)/python scripts/review_due.py

clean:
	rm -rf site $(SERVE_SITE) .pytest_cache .hypothesis
