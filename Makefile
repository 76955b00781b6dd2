# dailybrief: `make demo` runs the whole pipeline on the bundled demo site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := poppler-utils fonts-noto-cjk chromium

.PHONY: install demo test lint system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the project needs: CJK fonts for the PDF, poppler-utils to read PDFs back in tests,
# chromium for the editor app's browser tests (Playwright drives it; never `playwright install`).
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "install these Debian packages first (as root):$$missing"; fi; \
	fi

install: system-deps $(STAMP)

demo: install
	$(BIN)/dailybrief demo --out demo-output

test: install
	$(BIN)/ruff check dailybrief tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check dailybrief tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
