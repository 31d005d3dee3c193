# Quảng Bá. `make run` starts the service on the embedded default (SQLite and
# local storage under ./data); `make test` runs the whole suite. Both install
# what they need first (scripts/setup.sh).

GO      ?= go
TAGS    := sqlite_fts5
TOOLS   := $(CURDIR)/.tools
export QUANGBA_MINIO_BIN := $(TOOLS)/bin/minio
export GOFLAGS := -buildvcs=false

.PHONY: all build run test bench vet fmt-check setup-run setup-test clean

all: build

build:
	$(GO) build -tags $(TAGS) -o bin/quangba ./cmd/quangba

run: setup-run build
	./bin/quangba serve

test: setup-test fmt-check vet
	$(GO) test -tags $(TAGS) -count=1 -timeout 45m ./...

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.tools/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# Benchmarks: ingest throughput and peak memory against a bare minio-go
# PutObject of the same file, measured in the same run. BENCH_SIZE_MB sets
# the file size (default 1024).
bench: setup-test build
	$(GO) run -tags $(TAGS) ./cmd/qbbench -size-mb $(or $(BENCH_SIZE_MB),1024)

setup-run:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

clean:
	rm -rf bin .bench
