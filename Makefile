# ikc-share — see README.md. Every target sets itself up from requirements-dev.txt (the run-time
# requirements.txt plus tests and tooling, both pinned with hashes by pip-compile from requirements*.in).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install messages migrate demo run test test-fast lint format migrations-check ci bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	# pip before 23.3 refuses a hashed lock whose packages ask for extras (weasyprint -> fonttools[woff]).
	$(BIN)/pip install -q --upgrade 'pip>=25'
	$(BIN)/pip install -q --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	DEBUG=1 $(PY) manage.py compile_translations

migrate: messages
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo

## The app with demo data: web server + Celery worker with beat (filesystem broker, no server needed).
run: demo
	DEBUG=1 HOST=$(HOST) PORT=$(PORT) scripts/run-embedded.sh

## The whole test suite (SQLite, tasks eager; browser tests skip where Chromium is absent),
## on every core (pytest-xdist; TEST_JOBS=1 for one process).
TEST_JOBS ?= auto
test: messages
	$(BIN)/pytest -q -n $(TEST_JOBS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

ci:
	.ci/run

bench: install
	bench/run

clean:
	rm -rf var/celery var/db.sqlite3* var/private var/staticfiles
