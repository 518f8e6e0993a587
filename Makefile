# Two commands do all set-up on a fresh machine: `make slides` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: slides test setup system lint clean

slides: setup
	$(PY) build.py build content/genai-intro

test: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadfile

setup: system $(STAMP) node_modules/.package-lock.json

# Debian packages: chromium (browser tests, slides PDF), LibreOffice Impress (opening our PPTX),
# poppler (reading PDFs), and the fonts (Lato, its substitutes, Noto for other scripts; see
# docs/fonts.md). Installed only when missing.
system:
	@sh scripts/install-system-packages.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf out .pytest_cache
