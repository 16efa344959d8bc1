# tornadio: build, test and demo targets.
#
#   make test   go vet + the whole test suite with -race, the modules of
#               bench/, adapter/redis/, metrics/ and admin/ included (installs
#               the Node clients and servers used by the interop, cluster and
#               admin UI tests first when needed; the Redis tests run their own
#               redis-server), the slow-consumer memory test without -race,
#               a one-minute soak (make soak-short), then make conformance
#   make conformance   the official Engine.IO v4/v3 and Socket.IO v5 protocol
#               suites (../shared/conformance) against cmd/tornadio-conformance
#               at 1, 2 and 4 event loops on tornadio's own listener, then
#               at 2 loops mounted in net/http and with permessage-deflate on;
#               CONFORMANCE_RUNS=20 repeats each loop count, stopping at the
#               first failure
#   make demo   the chat demo on http://localhost:8888
#   make demo-admin   the chat demo with the Socket.IO Admin UI on
#               http://localhost:8888/admin-ui/ (user admin, password changeit)
#   make demo-cluster   the chat demo as a cluster on http://127.0.0.1:8888:
#               two tornadio nodes and a Node socket.io node sharing a Redis
#               pub/sub adapter, behind nginx with sticky sessions (runs its
#               own redis-server and nginx; Ctrl-C stops everything)
#   make fuzz   short runs of every fuzz target (the core module and adapter/redis)
#   make bench  short side-by-side benchmark (tornadio, node socket.io,
#               zishang520, raw gnet; under 3 minutes): bench/results/latest.md
#               and latest.png
#   make bench-full   the long one (the issue's targets): bench/results/full.md
#               BASE=<git rev> (either target) also runs tornadio built from
#               that revision, interleaved, for a before/after table from one
#               run; SERVERS=tornadio,node,raw leaves a peer out
#   make bench-cluster   broadcast through Redis to receivers over 2 nodes
#               (1 000 and 10 000 receivers, max and fixed rate): tornadio
#               cluster vs Node cluster vs one tornadio node, CPU summed over
#               the nodes and redis-server (about 12 minutes):
#               bench/results/cluster.md
#   make soak   tornadio (4 loops, both roads, every transport) under churning
#               clients of every transport for SOAK_DURATION (default 10m):
#               RSS, goroutines, open files and sessions sampled every second,
#               no growth trend, no lost or duplicated broadcast, every session
#               closed once; bench/results/soak.md and soak.png
#   make soak-short   the same for about a minute, fewer clients (in make test)
#   make bench-edges   tornadio behind its gnet edge, mounted in net/http,
#               on Serve(listener) and with permessage-deflate, beside Node
#               with and without perMessageDeflate (about 5 minutes):
#               bench/results/nethttp-deflate.md

GO        ?= go
NPM       ?= npm
NODE_DIR  := interop/node
NODE_MODS := $(NODE_DIR)/node_modules/.package-lock.json
FUZZTIME  ?= 10s

.PHONY: all test vet gotest boundstest benchtest redistest metricstest admintest conformance demo demo-cluster demo-admin fuzz node-deps clean-node

all: test

# npm ci runs when node_modules is missing or older than package-lock.json.
# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core uses /usr/bin/chromium.
$(NODE_MODS): $(NODE_DIR)/package-lock.json $(NODE_DIR)/package.json
	cd $(NODE_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(NPM) ci --no-audit --no-fund
	@touch $@

node-deps: $(NODE_MODS)

vet:
	$(GO) vet ./...

gotest: node-deps
	$(GO) test -race -count=1 ./...

# The memory tests read the process's resident set, which the race detector
# multiplies: they build without -race only, so they run here too.
boundstest:
	$(GO) test -count=1 -run '^TestSlowConsumersBounded$$' -v .

# bench/ is a module of its own: its load generator and runner have tests too.
benchtest:
	cd bench && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# adapter/redis is a module of its own (go-redis stays out of the core
# module). Its cluster tests start redis-server on loopback ports and drive
# Node socket.io nodes from interop/node, hence node-deps.
redistest: node-deps
	cd adapter/redis && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# metrics/ is a module of its own (the Prometheus client stays out of the
# core module).
metricstest:
	cd metrics && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# admin/ is a module of its own (golang.org/x/crypto stays out of the core
# module). Its tests drive the admin UI's protocol with socket.io-client in
# Node and the real UI from npm (@socket.io/admin-ui) in headless Chromium,
# hence node-deps.
admintest: node-deps
	cd admin && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# The suites' own npm packages are installed by the runner, into its cache
# (CONFORMANCE_CACHE, default $TMPDIR/tornadio-conformance). Skipped, with
# one line, where ../shared/conformance is absent.
conformance:
	GO=$(GO) ./scripts/conformance.sh
	GO=$(GO) CONFORMANCE_EDGE=nethttp CONFORMANCE_LOOPS=2 ./scripts/conformance.sh
	GO=$(GO) CONFORMANCE_SERVER_FLAGS=-deflate CONFORMANCE_LOOPS=2 ./scripts/conformance.sh

test: node-deps vet gotest boundstest benchtest soak-short redistest metricstest admintest conformance

demo: node-deps
	$(GO) run ./examples/chat

# The chat demo instrumented for the Socket.IO Admin UI, whose page it serves
# on /admin-ui/ (user admin, password changeit). Built, then run.
DEMO_ADMIN_BIN := $(or $(TMPDIR),/tmp)/tornadio-demo-admin

demo-admin: node-deps
	cd admin && $(GO) build -o $(DEMO_ADMIN_BIN) ./examples/chat
	$(DEMO_ADMIN_BIN) -root $(CURDIR) -admin-password changeit

# adapter/redis/examples/democluster starts and stops redis-server, the nodes
# and nginx itself; its test drives the same set-up in headless Chromium.
# Built, then run (`go run` would end Ctrl-C with status 1).
DEMO_CLUSTER_BIN := $(or $(TMPDIR),/tmp)/tornadio-democluster

demo-cluster: node-deps
	cd adapter/redis && $(GO) build -o $(DEMO_CLUSTER_BIN) ./examples/democluster
	$(DEMO_CLUSTER_BIN) -root $(CURDIR)

# Every Fuzz* function of every package, each for $(FUZZTIME); runs them all,
# then fails if any failed. (Very short FUZZTIME values, around 1s, can make
# the go fuzzer itself report "context deadline exceeded".)
fuzz:
	@failed=""; for mod in . adapter/redis; do \
	  for pkg in $$(cd $$mod && $(GO) list ./...); do \
	    for f in $$(cd $$mod && $(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	      echo "== $$pkg $$f"; \
	      (cd $$mod && $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg) || failed="$$failed $$pkg.$$f"; \
	    done; \
	  done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz failures:$$failed"; exit 1; fi

clean-node:
	rm -rf $(NODE_DIR)/node_modules

# Benchmarks (bench/ is a module of its own). The Node server under test
# needs its own node_modules (socket.io 4.8.4, pinned by the lock file).
BENCH_NODE_MODS := bench/node/node_modules/.package-lock.json

$(BENCH_NODE_MODS): bench/node/package-lock.json bench/node/package.json
	cd bench/node && $(NPM) ci --no-audit --no-fund
	@touch $@

.PHONY: bench bench-full bench-cluster bench-edges

BASE    ?=
SERVERS ?=
BENCH_FLAGS = $(if $(BASE),-base $(BASE)) $(if $(SERVERS),-servers $(SERVERS))

bench: $(BENCH_NODE_MODS)
	cd bench && $(GO) run ./cmd/tornadio-bench -profile short $(BENCH_FLAGS) -out results/latest.md -png results/latest.png

bench-full: $(BENCH_NODE_MODS)
	cd bench && $(GO) run ./cmd/tornadio-bench -profile full $(BENCH_FLAGS) -out results/full.md -png results/full.png

# The Node nodes use bench/node's @socket.io/redis-adapter and redis (same
# lock file); redis-server must be installed.
bench-cluster: $(BENCH_NODE_MODS)
	cd bench && $(GO) run ./cmd/tornadio-bench -profile cluster -out results/cluster.md

bench-edges: $(BENCH_NODE_MODS)
	cd bench && $(GO) run ./cmd/tornadio-bench -profile edges -out results/nethttp-deflate.md

# The soak (bench/cmd/soak): its server is a process of its own, so the
# samples are the server's alone. soak-short writes its report under
# $(TMPDIR) (the committed one is make soak's).
.PHONY: soak soak-short

SOAK_DURATION ?= 10m
SOAK_SHORT_DIR := $(or $(TMPDIR),/tmp)

soak:
	cd bench && $(GO) run ./cmd/soak -duration $(SOAK_DURATION) -out results/soak.md -png results/soak.png

soak-short:
	cd bench && $(GO) run ./cmd/soak -short -duration 50s -out $(SOAK_SHORT_DIR)/tornadio-soak-short.md -png $(SOAK_SHORT_DIR)/tornadio-soak-short.png
