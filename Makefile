# claimtrail: `make help` lists the targets. Needs Go; npm and Chromium are
# optional locally (pages work without htmx; browser tests skip without
# Chromium, except under CI=true where they must run).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO     ?= go
NPM    ?= npm
VENDOR := web/static/vendor
# Extra flags for `make run`, e.g. make run ARGS='-addr 127.0.0.1:9000'
ARGS   ?=

.PHONY: help run build generate check-generated lint test bench train eval assets clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: assets ## start the demo server (serve -demo; extra flags via ARGS=...)
	$(GO) run ./cmd/claimtrail serve -demo $(ARGS)

build: assets ## build bin/claimtrail
	$(GO) build -o bin/claimtrail ./cmd/claimtrail

generate: ## regenerate *_templ.go from the .templ files
	$(GO) tool templ generate -log-level error

check-generated: ## fail if committed *_templ.go files are stale or missing
	@echo "==> check-generated: go tool templ generate"
	@$(GO) tool templ generate -log-level error
	@if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		echo "check-generated: not a git checkout; comparing with templ generate -check"; \
		$(GO) tool templ generate -check -log-level error; \
		exit 0; \
	fi; \
	stale=$$(git status --porcelain --untracked-files=all -- '*_templ.go'); \
	if [ -n "$$stale" ]; then \
		echo "check-generated: FAIL - these generated files differ from git or are untracked:"; \
		echo "$$stale" | sed 's/^/    /'; \
		echo "Run 'make generate' and commit the *_templ.go files with their .templ sources."; \
		exit 1; \
	fi
	@echo "    generated code matches git"

lint: ## gofmt must list nothing; go vet must pass
	@echo "==> lint: gofmt -l, go vet"
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*' -not -path './.git/*')); \
	if [ -n "$$unformatted" ]; then \
		echo "lint: FAIL - gofmt would change these files (run gofmt -w on them):"; \
		echo "$$unformatted" | sed 's/^/    /'; \
		exit 1; \
	fi
	@$(GO) vet ./...
	@echo "    gofmt and go vet clean"

# The race detector runs, beside the whole suite, the tests in which
# goroutines meet: in RACE_PACKAGES, every test whose own body starts
# goroutines (listed by .ci/race-tests.awk; browser tests left out) and
# those in RACE_ALSO, whose goroutines are the server's (streams, clients
# hanging up, a server's start and stop). Not the whole suite: under -race,
# storage and web had run a quarter of their tests after 45 minutes on 2
# cores. Long runs (crashes, power cuts, load) skip under -short and run
# only in the plain suite. SQLite and the C library beneath it
# (modernc.org/..., C translated to Go; database/sql hands each connection
# to one goroutine at a time) are left uninstrumented, which halves the
# cost; our code and database/sql are instrumented. -race needs cgo and a C compiler: without one it is skipped
# locally, and fails under CI.
RACE_PACKAGES := ./storage/... ./web/... ./cmd/claimtrail
RACE_DIRS     := storage web cmd/claimtrail
RACE_ALSO     := TestClientHangingUpAtAnyPoint TestWriteCancelledAtAnyPoint \
	TestAPITokenUseRecordedWhenTheClientLeaves TestStalledStreamClientsAreDropped \
	TestServeLeavesNoGoroutinesBehind
RACE_FLAGS    := -race -short -gcflags='modernc.org/...=-race=false'

# Fuzz targets' seed corpora (testdata/fuzz and f.Add) run as ordinary tests.
# A package may take longer than go test's 10 minutes on a shared, loaded machine
# (web took 9-15 at load 20-30); -timeout 30m keeps that from failing a run.
test: assets check-generated lint ## check-generated, lint, go test -count=1 ./..., then the race detector on tests where goroutines meet
	@echo "==> go test -count=1 ./..."
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	status=0; $(GO) test -count=1 -timeout 30m ./... 2>&1 | tee "$$log" || status=$$?; \
	ok=$$(grep -c '^ok ' "$$log" || true); \
	notests=$$(grep -c '^? ' "$$log" || true); \
	failed=$$(grep -E '^FAIL[[:space:]]+[^[:space:]]+' "$$log" | awk '{print $$2}' | paste -sd ' ' || true); \
	racetests=$$( { awk -f .ci/race-tests.awk $$(find $(RACE_DIRS) -name '*_test.go'); printf '%s\n' $(RACE_ALSO); } | sort -u); \
	cc=$$(CGO_ENABLED=1 $(GO) env CC); race="$$(echo "$$racetests" | wc -l) tests under the race detector"; \
	if command -v "$${cc%% *}" >/dev/null 2>&1; then \
		echo "==> go test $(RACE_FLAGS) -run <$$(echo "$$racetests" | wc -l) tests> $(RACE_PACKAGES)"; \
		rlog=$$(mktemp); trap 'rm -f "$$log" "$$rlog"' EXIT; \
		CGO_ENABLED=1 $(GO) test -count=1 -timeout 30m $(RACE_FLAGS) -run "^($$(echo "$$racetests" | paste -sd '|'))$$" $(RACE_PACKAGES) 2>&1 | tee "$$rlog" || status=$$?; \
		rfailed=$$(grep -E '^FAIL[[:space:]]+[^[:space:]]+' "$$rlog" | awk '{print $$2 " (race)"}' | paste -sd ' ' || true); \
		failed="$$failed $$rfailed"; \
	elif [ -n "$${CI:-}" ]; then \
		echo "make test: FAIL - the race detector needs a C compiler ($$cc) and none was found"; status=1; \
	else \
		race="race detector skipped: no C compiler ($$cc)"; \
		echo "==> $$race"; \
	fi; \
	echo; \
	if [ "$$status" -eq 0 ]; then \
		echo "make test: PASS - generated code current, gofmt/vet clean, $$ok packages ok, $$notests without tests, $$race"; \
	else \
		echo "make test: FAIL - go test exited $$status; failed: $${failed:-see output above}"; \
		exit "$$status"; \
	fi

bench: ## go benchmarks, then bench/*.sh (load.sh seeds a 1,000,000-claim database once)
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@for script in bench/*.sh; do \
		[ -e "$$script" ] || continue; \
		echo "==> $$script"; \
		bash "$$script"; \
	done

# The labelled data lives beside the repository, never in it.
CLAIMDATA ?= ../shared/claimdata/checkthat2024

train: ## rebuild domain/extract/model.bin from the labelled data (deterministic)
	$(GO) run ./cmd/train -data $(CLAIMDATA) -o domain/extract/model.bin

eval: ## precision, recall, F1 and average precision on dev and dev-test; the claim matcher's quality
	$(GO) run ./cmd/train -data $(CLAIMDATA) -eval
	$(GO) run ./cmd/matcheval -split held-out -background $(CLAIMDATA)/train.tsv
	$(GO) run ./cmd/matcheval -split all -background $(CLAIMDATA)/train.tsv

# The library files are not committed. Without npm (or offline) the pages
# still work: htmx only enhances them.
assets: ## copy htmx and modern-normalize into web/static/vendor (optional)
	@if ! command -v $(NPM) >/dev/null 2>&1; then \
		echo "assets: npm not found; skipping htmx and modern-normalize (pages work without them)"; \
	elif ! { [ node_modules/.package-lock.json -nt package-lock.json ] || $(NPM) ci --no-audit --no-fund --loglevel=error >/dev/null; }; then \
		echo "assets: npm ci failed; skipping htmx and modern-normalize (pages work without them)"; \
	elif cp node_modules/htmx.org/dist/htmx.min.js node_modules/modern-normalize/modern-normalize.css $(VENDOR)/; then \
		echo "assets: htmx.min.js and modern-normalize.css are in $(VENDOR)"; \
	else \
		echo "assets: could not copy the library files; skipping (pages work without them)"; \
	fi

clean: ## remove bin/, vendored copies and test artifacts (keeps node_modules)
	rm -rf bin artifacts
	find $(VENDOR) -mindepth 1 -not -name .gitkeep -delete
