# Scalefield: the two commands are `make run` and `make test`.
#
#   make run     set up, build, migrate, seed the demo tenant, serve :8080
#   make test    set up, then every test: Go, Vitest, Playwright (Chromium)
#   make bench   the benchmarks, as one table
#   make stop    stop the private PostgreSQL, Redis and a running server
#   make fuzz    run every fuzz target for FUZZTIME (default 30s) each
#   make generate  regenerate GraphQL code (gqlgen) and frontend types

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/scalefield/scalefield.Version=$(VERSION)
ENV       := . .data/env
FUZZTIME  ?= 30s
BENCHTIME ?= 300x

.PHONY: help run test bench stop setup setup-run deps build build-go build-web test-go test-web test-e2e fuzz generate clean

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@scripts/setup.sh

setup-run:
	@scripts/setup.sh --no-chromium

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package-lock.json package.json frontend/package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.package-lock.json

build-web: deps
	npm run build --silent

build-go:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/scalefield ./cmd/scalefield

build: build-web build-go

# Serves in the foreground; Ctrl-C stops the server (make stop stops the
# databases too). A server left running by an earlier `make run` is stopped
# first, so running it twice works.
run: setup-run build
	@old=$$(cat .data/scalefield.pid 2>/dev/null || true); \
	if [ -n "$$old" ] && kill -0 "$$old" 2>/dev/null; then \
		echo "run: stopping the server started earlier (pid $$old)"; kill "$$old"; \
		while kill -0 "$$old" 2>/dev/null; do sleep 0.1; done; fi
	@$(ENV); echo "run: serving on http://127.0.0.1:8080 (Ctrl-C to stop)"; \
		bin/scalefield serve --demo --log-format text & pid=$$!; echo $$pid > .data/scalefield.pid; \
		forget() { [ "$$(cat .data/scalefield.pid 2>/dev/null)" != "$$pid" ] || rm -f .data/scalefield.pid; }; \
		trap 'kill $$pid 2>/dev/null; wait $$pid; forget' INT TERM; \
		wait $$pid || true; forget

test: setup deps
	$(MAKE) --no-print-directory test-go test-web build test-e2e

test-go:
	@echo "== go vet and go test (PostgreSQL and Redis from .data/env)"
	$(GO) vet ./...
	$(ENV); $(GO) test -count=1 -race ./...

test-web: deps
	@echo "== frontend typecheck and Vitest"
	npm run typecheck --silent
	npm test --silent

test-e2e:
	@echo "== browser tests (Playwright driving $${CHROMIUM_PATH:-/usr/bin/chromium})"
	@$(ENV); scripts/e2e.sh

# Parsers run on one core (their targets are per core), one package at a
# time (go test runs packages side by side otherwise, and each would
# measure the other's load); end-to-end benchmarks run a fixed number of
# batches against a real engine.
bench: setup-run
	@$(ENV); { \
		$(GO) test -p 1 -run '^$$' -bench . -benchmem -cpu 1 ./pipeline/... ./gather/...; \
		$(GO) test -run '^$$' -bench . ./rbac/; \
		$(GO) test -run '^$$' -bench 'BenchmarkHECIngest$$' -benchtime $(BENCHTIME) ./cmd/scalefield/; \
		$(GO) test -run '^$$' -bench 'BenchmarkIngestHECGroupCommit' -benchtime 5000x ./cmd/scalefield/; \
		$(GO) test -run '^$$' -bench 'BenchmarkIngestSyslogTCP' -benchtime 300000x ./cmd/scalefield/; \
		$(GO) test -run '^$$' -bench 'BenchmarkRefine$$' -benchtime 100000x ./cmd/scalefield/; \
		$(GO) test -run '^$$' -bench 'BenchmarkSilverWriteFloor$$' -benchtime 200000x ./store/; \
		SCALEFIELD_BENCH_PLANS=$(CURDIR)/.data/bench-plans.txt \
			$(GO) test -run '^$$' -bench 'BenchmarkExplorer$$' -benchtime 20x -timeout 60m ./cmd/scalefield/; \
		$(GO) test -run '^$$' -bench 'BenchmarkGatherImport$$' -benchtime 4x ./pipeline/; \
		OVERHEAD_CLIENT=agent scripts/pgbench-overhead.sh 30 | grep '^Benchmark'; \
		OVERHEAD_CLIENT=pg_recvlogical scripts/pgbench-overhead.sh 30 | grep '^Benchmark'; \
	} | tee .data/bench.txt | scripts/bench-table.sh

fuzz: setup-run
	@$(ENV); for target in $$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . | sed 's/func //' | sort -u); do \
		pkg=$$(dirname $$(grep -rlE "^func $$target\(" --include='*_test.go' .)); \
		echo "== $$target ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) "$$pkg"; done

generate:
	$(GO) run github.com/99designs/gqlgen generate
	npm run codegen --silent

stop:
	@scripts/stop.sh

clean: stop
	rm -rf bin frontend/dist .data
