# PhoneAuth: `make run` starts the server on embedded defaults, `make test` runs the whole suite.
# Both install what is missing first (Debian packages; run as root or with sudo available).

SWIFT          ?= swift
CONFIG         ?= debug
SYSTEM_PACKAGES = libcurl4-openssl-dev libssl-dev libsqlite3-dev pkg-config
SUDO           := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SERVER_ARGS    ?=
# `make run` is for development on one machine, where every code comes from 127.0.0.1 and one developer signs in over
# and over: the per-network and per-phone limits are opened up and the resend cooldown shortened, and +1 555 555 0100
# signs in with 123456 (a test number, valid for 30 days from today, never texted). `make run DEV_ARGS=` runs with the
# shipped limits. None of this is in the binary's defaults, so production is unaffected.
DEV_ARGS       ?= --max-sends-per-ip-hour 1000 --max-challenges-per-ip-hour 1000 --max-sends-per-phone-hour 50 \
                  --max-sends-per-phone-day 100 --resend-cooldown 10 --max-verify-failures-per-network-hour 1000 \
                  --test-numbers +15555550100:123456:$(shell date -u -d '+30 days' +%F)

PYTHON         ?= python3
# Package.swift: the server, clientcli and the tests sit behind the Server trait, so an app that adds this package for
# ClientCore resolves none of their dependencies. Every build here enables it.
TRAITS          = --traits Server

# The release before this one (the last commit before schema v14): PreviousReleaseTests runs its server beside this
# one's on the schema this one migrates to. Built from git into .build-previous (once; about 5 minutes). Moved on to
# this release's last commit whenever a release adds a schema version.
PREVIOUS_RELEASE = 590dbc9
PREVIOUS_DIR     = .build-previous/$(PREVIOUS_RELEASE)

.PHONY: help deps test-deps previous-release build run test docs docs-check bench bench-micro screenshots clean fuzz fuzz-build \
	fuzz-smoke test-sanitizers

help:
	@echo "make run    install missing system packages, build, start the server (http://127.0.0.1:8080)"
	@echo "make test   install missing system packages, build, run every test"
	@echo "make build  build all products ($(CONFIG))"
	@echo "make bench  every load of bench/results/latest.md on loopback, release build, beside the Django peer"
	@echo "make docs   the DocC site of ClientCore, PhoneAuthAPI and the resource-server kit into .build/docs (open .build/docs/documentation/clientcore/index.html via a web server)"
	@echo "make fuzz   every fuzz target under libFuzzer for FUZZ_SECONDS (600) each; make test-sanitizers: ThreadSanitizer and AddressSanitizer runs"
	@echo "make screenshots  refresh the README's console screenshots (after make test)"
	@echo "make clean  remove build output"

# Installs only what dpkg does not already have; `apt-get update` runs once, and only when something is missing.
deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

# The SNS tests run moto's AWS server on loopback; the storage tests a throwaway PostgreSQL 15 cluster, with PgBouncer
# in transaction pooling in front of it; the console tests headless Chromium through chromedriver and selenium; the fleet
# tests HAProxy in front of three instances; the metrics tests Prometheus (and promtool) with deploy/'s configuration.
TEST_PACKAGES  = postgresql-15 pgbouncer chromium chromium-driver haproxy prometheus
test-deps: deps
	@missing=""; \
	for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing test packages:$$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi
	@$(PYTHON) -c "import moto.server, flask_cors" >/dev/null 2>&1 || { \
		echo "installing moto[server] from PyPI"; \
		$(PYTHON) -m pip install -q 'moto[server]'; }
	@$(PYTHON) -c "import schemathesis, openapi_spec_validator" >/dev/null 2>&1 || { \
		echo "installing schemathesis and openapi-spec-validator from PyPI"; \
		$(PYTHON) -m pip install -q schemathesis openapi-spec-validator; }
	@$(PYTHON) -c "import selenium" >/dev/null 2>&1 || { \
		echo "installing selenium from PyPI"; \
		$(PYTHON) -m pip install -q selenium; }
	@$(PYTHON) -c "import standardwebhooks" >/dev/null 2>&1 || { \
		echo "installing standardwebhooks from PyPI (the webhook tests' outside verifier)"; \
		$(PYTHON) -m pip install -q standardwebhooks; }

build: deps
	$(SWIFT) build $(TRAITS) -c $(CONFIG)

# A clone made with --depth lacks the commit: its history is fetched from where it was cloned.
previous-release: deps
	@test -x $(PREVIOUS_DIR)/.build/debug/PhoneAuthServer || { \
		git cat-file -e '$(PREVIOUS_RELEASE)^{commit}' 2>/dev/null || git fetch -q --unshallow || { \
			echo "the previous release, commit $(PREVIOUS_RELEASE), is not in this clone's history"; exit 1; }; \
		echo "building the previous release ($(PREVIOUS_RELEASE)) into $(PREVIOUS_DIR)"; \
		rm -rf $(PREVIOUS_DIR) && mkdir -p $(PREVIOUS_DIR) && git archive $(PREVIOUS_RELEASE) | tar -x -C $(PREVIOUS_DIR) && \
		$(SWIFT) build $(TRAITS) --package-path $(PREVIOUS_DIR) --product PhoneAuthServer; }

run: build
	$(SWIFT) run $(TRAITS) -c $(CONFIG) --skip-build PhoneAuthServer serve $(DEV_ARGS) $(SERVER_ARGS)

# Serial: several tests check deadlines, spawn the CLIs and start moto; run all at once on 2 cores they starve each
# other's timers. Serially the suite takes about 6 minutes after the build (real servers, PostgreSQL, Chromium).
# PreviousReleaseTests needs the previous release built first (previous-release, above).
# The PostgreSQL cluster is stopped and removed when the tests end, pass or fail. PHONEAUTH_TEST_POSTGRES makes every
# storage suite run on PostgreSQL too, and a PostgreSQL case that cannot reach it fail.
test: test-deps previous-release
	@eval "$$(bash Tests/postgres.sh start)"; \
	trap 'bash Tests/postgres.sh stop "$$PG_DIR"; [ -z "$${PGB_DIR:-}" ] || bash Tests/pgbouncer.sh stop "$$PGB_DIR"' EXIT; \
	eval "$$(bash Tests/pgbouncer.sh start "$$PG_PORT")"; \
	echo "PostgreSQL 15 test cluster on 127.0.0.1:$$PG_PORT, PgBouncer (transaction pooling) on 127.0.0.1:$$PGB_PORT"; \
	PHONEAUTH_TEST_POSTGRES="postgres://postgres@127.0.0.1:$$PG_PORT/postgres" PHONEAUTH_TEST_POSTGRES_DATA="$$PG_DIR/data" \
	PHONEAUTH_TEST_PGBOUNCER_PORT="$$PGB_PORT" PHONEAUTH_PREVIOUS_RELEASE="$(CURDIR)/$(PREVIOUS_DIR)/.build/debug/PhoneAuthServer" \
		stdbuf -oL -eL $(SWIFT) test $(TRAITS) --no-parallel
	@$(MAKE) --no-print-directory docs-check
	@$(MAKE) --no-print-directory fuzz-smoke

# Fuzzing: phoneauth-fuzz built with libFuzzer's coverage instrumentation and AddressSanitizer into .build-fuzz (release;
# about 4 minutes the first time). SwiftPM renames an executable's `main`, so the target keeps its own and calls
# libFuzzer's driver from the runtime without a main (libclang_rt.fuzzer_no_main, beside swiftc). Each target checks a
# property of one parser (`.build-fuzz/release/phoneauth-fuzz --list`); Tests/Fuzz/run.sh reports executions,
# coverage and findings. `make fuzz` runs each for FUZZ_SECONDS; `make test` runs each for FUZZ_SMOKE_SECONDS (15) after
# replaying the corpora (FuzzCorpusTests), so a regression fails CI.
FUZZ_SECONDS   ?= 600
FUZZER_RUNTIME  = $(firstword $(wildcard $(dir $(realpath $(shell command -v swiftc)))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
fuzz-build: deps
	@test -n "$(FUZZER_RUNTIME)" || { echo "libclang_rt.fuzzer_no_main-x86_64.a not found beside swiftc"; exit 1; }
	@# gold warns once per sanitizer symbol ("Cannot export local symbol"): harmless, filtered; the build's status kept.
	bash -o pipefail -c '$(SWIFT) build $(TRAITS) -c release --scratch-path .build-fuzz --product phoneauth-fuzz -Xswiftc -DFUZZING \
		-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
		-Xlinker $(FUZZER_RUNTIME) -Xlinker -lstdc++ 2>&1 | { grep -v "Cannot export local symbol" || true; }'

fuzz: fuzz-build
	bash Tests/Fuzz/run.sh $(FUZZ_SECONDS)

# 15 s a target in make test: at 20 s a clean clone's make test took 29 m 46 s here, against CI's 30-minute budget.
FUZZ_SMOKE_SECONDS ?= 15
fuzz-smoke: fuzz-build
	bash Tests/Fuzz/run.sh $(FUZZ_SMOKE_SECONDS)

# ThreadSanitizer over the concurrent suites (auth-state cache and its invalidation, the listener, the SMS dispatcher,
# two instances, shutdown, crash safety, the revocation stream, the log buffer) and AddressSanitizer over the rest,
# each in its own build folder (a debug build each, about 7 minutes the first time). A report stops the process
# (halt_on_error), so it fails its test; server processes the tests start are the instrumented ones and stop the same way.
TSAN_SUITES = AuthStateCacheTests|AuthStateStreamTests|ListenerLivenessTests|SMSConcurrencyTests|TwoInstanceTests|ShutdownTests|CrashSafetyTests|RevocationStreamTests|RevocationKitTests|HotPathTests|LogHandlerTests|SendLockTests|WebhookTests
test-sanitizers: test-deps
	@eval "$$(bash Tests/postgres.sh start)"; \
	trap 'bash Tests/postgres.sh stop "$$PG_DIR"; [ -z "$${PGB_DIR:-}" ] || bash Tests/pgbouncer.sh stop "$$PGB_DIR"' EXIT; \
	eval "$$(bash Tests/pgbouncer.sh start "$$PG_PORT")"; \
	export PHONEAUTH_TEST_POSTGRES="postgres://postgres@127.0.0.1:$$PG_PORT/postgres" PHONEAUTH_TEST_POSTGRES_DATA="$$PG_DIR/data" \
		PHONEAUTH_TEST_PGBOUNCER_PORT="$$PGB_PORT"; \
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test $(TRAITS) --no-parallel --scratch-path .build-tsan --sanitize=thread \
		--filter '$(TSAN_SUITES)' && \
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=0 $(SWIFT) test $(TRAITS) --no-parallel --scratch-path .build-asan \
		--sanitize=address --skip '$(TSAN_SUITES)|PreviousReleaseTests'

# ClientCore's documentation with PhoneAuthAPI's, the resource-server kit's and its middleware's (swift-docc-plugin): one static site in .build/docs, with a coverage
# report per module (the merged archive keeps only the last one's, so each module's own is read).
DOCS_DIR = .build/docs
DOCS_ARCHIVES = .build/plugins/Swift-DocC/outputs/intermediates
docs:
	$(SWIFT) package $(TRAITS) --disable-sandbox --allow-writing-to-directory $(DOCS_DIR) generate-documentation \
		--target ClientCore --target PhoneAuthAPI --target PhoneAuthResourceServer --target PhoneAuthHummingbird \
		--enable-experimental-combined-documentation \
		--disable-indexing --transform-for-static-hosting --output-path $(DOCS_DIR) --warnings-as-errors \
		--experimental-documentation-coverage --coverage-summary-level brief

# Part of make test: a DocC warning (a broken link in the catalog) or a public symbol without a doc comment fails it.
docs-check: docs
	$(PYTHON) Tests/Docs/coverage.py $(DOCS_ARCHIVES)/ClientCore.doccarchive/documentation-coverage.json \
		$(DOCS_ARCHIVES)/PhoneAuthAPI.doccarchive/documentation-coverage.json \
		$(DOCS_ARCHIVES)/PhoneAuthResourceServer.doccarchive/documentation-coverage.json \
		$(DOCS_ARCHIVES)/PhoneAuthHummingbird.doccarchive/documentation-coverage.json

# Loopback only, every load ends by itself; release builds; beside the Django peer (PEER=0 skips it, PG=0 skips
# PostgreSQL). Prints the table and writes bench/results/latest.md and .json; then the in-process micro-benchmarks.
BENCH_PACKAGES = wrk postgresql-15
bench: deps
	@missing=""; \
	for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing bench packages:$$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi
	$(SWIFT) build $(TRAITS) -c release --product PhoneAuthServer
	$(SWIFT) build $(TRAITS) -c release --product clientcli
	$(SWIFT) build -c release --package-path Benchmarks --product phoneauth-load
	$(PYTHON) Tests/Bench/bench.py
	$(MAKE) bench-micro

# Token verify, claims decode, phone normalization, code hashing and profile encoding, in process (ordo-one/benchmark).
bench-micro: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark --target PhoneAuthMicro --no-progress

# The README shows the browser test's screenshots; copied from its last run (make test writes them under .build/).
screenshots:
	@test -f .build/console-screenshots/overview.png || { echo "run make test first"; exit 1; }
	cp .build/console-screenshots/overview.png .build/console-screenshots/user.png Tests/Browser/screenshots/

clean:
	rm -rf .build
