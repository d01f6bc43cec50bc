# Petstore: the shelter staff app. `make help` lists the targets.

SHELL := /bin/bash
BIN := bin/petstore
PLAYWRIGHT_VERSION := 1.64.1
# axe-core is injected into pages by the e2e tests (0 WCAG 2 A/AA violations).
AXE_VERSION := 4.14.1
# The Playwright driver (the npm package playwright-core beside the system
# node), kept outside the repo so every clone on this machine shares it.
PLAYWRIGHT_DRIVER_PATH ?= $(HOME)/.cache/petstore/playwright-$(PLAYWRIGHT_VERSION)
CHROMIUM ?= /usr/bin/chromium
export PLAYWRIGHT_DRIVER_PATH CHROMIUM

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {n++; t[n] = $$1; d[n] = $$2; if (length($$1) > w) w = length($$1)} \
		END {for (i = 1; i <= n; i++) printf "  %-*s  %s\n", w, t[i], d[i]}' $(MAKEFILE_LIST)

.PHONY: run
run: build ## Build and run the app on http://localhost:3000 (SQLite under .data/)
	@# exec: Ctrl-C reaches the app, which shuts down cleanly, with no make error.
	@exec ./$(BIN)

.PHONY: build
build: ## Build the binary into bin/petstore (the first build takes a few minutes)
	go build -buildvcs=auto -o $(BIN) .

.PHONY: generate
generate: ## Regenerate the templ views (*_templ.go)
	go tool templ generate

.PHONY: lint
lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...

.PHONY: check-generated
check-generated: ## Fail when the committed *_templ.go are stale
	@if [ -n "$$(find . -name '*.templ' -not -path './node_modules/*' | head -1)" ]; then \
		go tool templ generate >/dev/null && \
		if git rev-parse --git-dir >/dev/null 2>&1 && [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
			echo "generated templ files are stale; run make generate and commit:"; git status --porcelain -- '*_templ.go'; exit 1; \
		fi; \
	fi

.PHONY: e2e-deps
e2e-deps: ## Install Debian's chromium and the Playwright driver when missing
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing chromium (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@if [ ! -f "$(PLAYWRIGHT_DRIVER_PATH)/package/cli.js" ]; then \
		echo "installing playwright-core@$(PLAYWRIGHT_VERSION) into $(PLAYWRIGHT_DRIVER_PATH)"; \
		mkdir -p "$(PLAYWRIGHT_DRIVER_PATH)" && \
		npm install --silent --no-audit --no-fund --prefix "$(PLAYWRIGHT_DRIVER_PATH)" playwright-core@$(PLAYWRIGHT_VERSION) && \
		ln -sfn node_modules/playwright-core "$(PLAYWRIGHT_DRIVER_PATH)/package" && \
		ln -sfn "$$(command -v node)" "$(PLAYWRIGHT_DRIVER_PATH)/node"; \
	fi
	@if [ ! -f "$(PLAYWRIGHT_DRIVER_PATH)/node_modules/axe-core/axe.min.js" ]; then \
		echo "installing axe-core@$(AXE_VERSION) into $(PLAYWRIGHT_DRIVER_PATH)"; \
		npm install --silent --no-audit --no-fund --prefix "$(PLAYWRIGHT_DRIVER_PATH)" axe-core@$(AXE_VERSION); \
	fi

.PHONY: pg-deps
pg-deps: ## Install Debian's PostgreSQL when missing (the tests start a throwaway cluster of their own)
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing postgresql (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

# The packages whose tests run a second time on PostgreSQL: each test binary
# starts a cluster of its own in a temp directory (internal/pgtest) and each
# test gets a fresh database.
PG_TEST_PKGS := ./db/... ./internal/store/... ./internal/jobs/... ./internal/auth/... ./internal/metrics/... ./internal/loadtest ./web

.PHONY: test
test: e2e-deps pg-deps lint check-generated ## Run every test, on SQLite and then on PostgreSQL (installs what it needs first)
	go test -count=1 -timeout 20m ./...
	PETSTORE_TEST_ENGINE=postgres go test -count=1 -timeout 20m $(PG_TEST_PKGS)

.PHONY: test-pg
test-pg: pg-deps ## Run the tests that use the database on PostgreSQL only
	PETSTORE_TEST_ENGINE=postgres go test -count=1 -timeout 20m $(PG_TEST_PKGS)

.PHONY: loadtest
loadtest: build ## Measure the built binary over HTTP (about 3 minutes; LOADTEST_FLAGS="-h" lists the options)
	go run ./internal/cmd/loadtest -bin $(BIN) $(LOADTEST_FLAGS)

.PHONY: bench
bench: ## Run the benchmarks
	go test -run '^$$' -bench . -benchmem ./...
