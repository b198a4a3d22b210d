# Two commands on a fresh machine: `make run` and `make test` (README.md).
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STACK := infra/local/stack

.PHONY: help setup run stop test test-unit lint bench bench-registry bench-draw bench-assign bench-inspection bench-evidence bench-search bench-publication-index bench-ocr bench-notification check-deploy lock clean

help:
	@echo "make run           install, start the servers and every service, print where to look"
	@echo "make test          install, start what the tests need, run unit + integration + e2e, stop"
	@echo "make stop          stop services and servers started by make run"
	@echo "make test-unit     unit tests only (no servers)"
	@echo "make lint          ruff + mypy + import contracts (.importlinter)"
	@echo "make bench         benchmarks in tests/perf (needs the stack: $(STACK) up)"
	@echo "make bench-registry registry import and query benchmarks (needs the stack)"
	@echo "make bench-draw    draw benchmark, 10,000,000 entities, beside PostgreSQL (needs the stack)"
	@echo "make bench-assign  inspector assignment, 50,000 entities to teams of 2 from 5,000 inspectors"
	@echo "make bench-inspection result submission latency under 20 concurrent inspectors (needs the stack)"
	@echo "make bench-evidence 10 MiB evidence uploads with hashing and locking beside raw put_object (needs the stack)"
	@echo "make bench-search  1,000,000 results indexed and queried by 20 clients beside the standard analyzer (needs the stack)"
	@echo "make bench-notification one draw's assignment notifications to SMTP and the SMS gateway beside raw loops (needs the stack)"
	@echo "make bench-publication-index results through events -> publication -> index beside write_many and a raw bulk"
	@echo "make bench-ocr     OCR pages/s of scanned A4 record forms (chi_sim) beside rendering only, threads, workers, psm"
	@echo "make check-deploy  validate docker-compose.yml and the helm chart offline"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements/lock.txt $(wildcard libs/*/pyproject.toml services/*/pyproject.toml) infra/local/python-env
	infra/local/python-env
	@touch $@

run: setup
	$(STACK) up
	infra/local/services up

stop:
	-infra/local/services down
	$(STACK) down

test: setup
	infra/local/test-all

test-unit: setup
	$(PY) -m pytest -m "not integration and not e2e"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy -p hrss.contracts -p hrss.db -p hrss.bus -p hrss.observability -p hrss.testing -p hrss.audit -p hrss.auth -p hrss.workdays -p hrss.drawkit -p hrss.drawnative -p hrss.web -p hrss.storage -p hrss.search
	for src in services/*/src; do $(VENV)/bin/mypy "$$src" || exit 1; done
	$(VENV)/bin/lint-imports --no-cache

bench: setup
	$(PY) tests/perf/bench_dispatch.py

bench-registry: setup
	$(PY) tests/perf/bench_registry_import.py
	$(PY) tests/perf/bench_registry_query.py

bench-draw: setup
	$(PY) tests/perf/bench_draw.py

bench-assign: setup
	$(PY) tests/perf/bench_assign.py

bench-inspection: setup
	$(PY) tests/perf/bench_inspection.py

bench-evidence: setup
	$(PY) tests/perf/bench_evidence.py

bench-search: setup
	$(PY) tests/perf/bench_search.py

bench-notification: setup
	$(PY) tests/perf/bench_notification.py

bench-publication-index: setup
	$(PY) tests/perf/bench_publication_index.py

bench-ocr: setup
	$(PY) tests/perf/bench_ocr.py

check-deploy:
	infra/deploy/check

lock:
	infra/local/python-env --lock

clean:
	rm -rf $(VENV)
