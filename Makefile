# containerize — see README.md. Every target works on a fresh machine with Go 1.26.
GO      ?= go
BIN     ?= bin/containerize
SAMPLE  ?= library
DEMO    := .demo

.PHONY: build test cross e2e e2e-kube e2e-corpus lint demo bench fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/containerize

## test: unit tests, golden files, testscript CLI tests, and a short run of every fuzz target's seed corpus
test:
	$(GO) vet ./...
	$(GO) test ./...

## cross: every teammate's machine. containerize builds for macOS and Windows (amd64, arm64);
## every package, tests included, vets for macOS (amd64, arm64) and Windows (amd64); and the
## Windows test binaries link (go vet type-checks them, go test -c also links them)
CROSS_BUILD ?= darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
CROSS_VET   ?= darwin/amd64 darwin/arm64 windows/amd64
cross:
	@set -e; for t in $(CROSS_BUILD); do \
	  echo "== build $$t"; GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build -o /dev/null ./cmd/containerize; \
	done; \
	for t in $(CROSS_VET); do \
	  echo "== vet $$t"; GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) vet ./...; \
	done; \
	echo "== test binaries windows/amd64"; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	GOOS=windows GOARCH=amd64 $(GO) test -c -o "$$tmp/" ./... >/dev/null

## e2e: install and start Docker, Compose v2, stand-in base images and a local package index
## (first run: minutes; warm: seconds), then run the generated setup of the samples for real
e2e:
	bash e2e/run.sh
	bash e2e/build/run.sh
	bash e2e/build/sbom.sh requirements-celery

## e2e-kube: issue 13's proof on a single-node Kubernetes built from the Go module proxy and
## Debian packages (e2e/kube/README.md): today a real kube-apiserver validates every object of the
## library and Celery samples' kustomize overlays with a server-side dry run (first run: about 10
## minutes to build the programs; warm: under a minute). Not in `make e2e` or .ci/run yet
e2e-kube:
	bash e2e/kube/dryrun.sh

## e2e-corpus: the run rate on the corpus of real repositories (e2e/corpus/README.md): init --yes,
## compose up --wait, GET / and the admin login, for each one the local index can serve (ARGS=--all:
## every one, to see why the others fail). Not part of `make e2e` or CI: it needs the repositories'
## mirrors (CORPUS_MIRRORS, default /work/.mirror), which the CI machine does not have
e2e-corpus:
	bash e2e/corpus/run.sh $(ARGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

## demo: containerize init --yes on a copy of a built-in sample project (SAMPLE=library by default)
demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO) && cp -R testdata/projects/$(SAMPLE) $(DEMO)/$(SAMPLE)
	$(BIN) detect $(DEMO)/$(SAMPLE)
	@echo
	$(BIN) init --yes $(DEMO)/$(SAMPLE)
	@echo
	@echo "--- $(DEMO)/$(SAMPLE)/Dockerfile ---"
	@cat $(DEMO)/$(SAMPLE)/Dockerfile
	@echo "--- $(DEMO)/$(SAMPLE)/docker-compose.yml ---"
	@cat $(DEMO)/$(SAMPLE)/docker-compose.yml
	@echo "--- $(DEMO)/$(SAMPLE)/docker-compose.override.yml (the development environment) ---"
	@cat $(DEMO)/$(SAMPLE)/docker-compose.override.yml

## bench: detection on a generated 50,000-file tree
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./detect/

## fuzz: run each fuzz target of every package for FUZZTIME (default 20s); new inputs are not
## minimised (minimising stalls some targets at a few runs a minute)
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$(grep -l '^func Fuzz' $$(git ls-files '*_test.go') | xargs -n1 dirname | sort -u); do \
	  for t in $$($(GO) test -list '^Fuzz' ./$$pkg | grep ^Fuzz); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 0 ./$$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin $(DEMO)
