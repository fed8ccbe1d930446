# The README's commands. Everything installs itself on first use:
#   make serve    build the site and serve it with working comments at http://127.0.0.1:8000
#   make test     every test (installs Debian's chromium, Java and PostgreSQL when missing)
#   make preview  live-reloading preview for editors at http://127.0.0.1:8001
#   make site     the build to publish: refuses local addresses and placeholders (see README)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
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

serve: $(BIN)/.installed
	SITE_URL=http://$(HOST):$(PORT)/ $(BIN)/python scripts/build_site.py
	COMMENTS_PUBLIC_URL=$${COMMENTS_PUBLIC_URL:-http://$(HOST):$(PORT)} $(BIN)/comments serve --host $(HOST) --port $(PORT) --site site

preview: $(BIN)/.installed
	$(BIN)/mkdocs serve --dev-addr $(HOST):8001

system-deps:
	scripts/install_system_packages.sh

lint: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npx --no-install markdownlint-cli2 "docs/**/*.md" "es/docs/**/*.md" "README.md"
	npx --no-install cspell --no-progress --no-summary "docs/**/*.md" "includes/*.md" "README.md"

test: $(BIN)/.installed node_modules/.installed system-deps lint
	$(BIN)/pytest -n 2

check-reliability: $(BIN)/.installed system-deps
	$(BIN)/pytest -m reliability tests/reliability

bench: $(BIN)/.installed system-deps
	$(BIN)/python bench/run_all.py

new-page: $(BIN)/.installed
	$(BIN)/python scripts/new_page.py "$(SECTION)" "$(TITLE)" --description "$(DESCRIPTION)" --sources "$(SOURCES)" $(if $(SLUG),--slug "$(SLUG)")

review-due: $(BIN)/.installed
	$(BIN)/python scripts/review_due.py

clean:
	rm -rf site .pytest_cache .hypothesis
