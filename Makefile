# Quảng Bá. `make run` starts the service on the embedded default (SQLite and
# local storage under ./data); `make test` runs the whole suite. Both install
# what they need first (scripts/setup.sh).

GO      ?= go
TAGS    := sqlite_fts5
TOOLS   := $(CURDIR)/.tools
export QUANGBA_MINIO_BIN := $(TOOLS)/bin/minio
export GOFLAGS := -buildvcs=false

.PHONY: all build run test bench vet fmt-check setup-run setup-test setup-bench clean

all: build

build:
	$(GO) build -tags $(TAGS) -o bin/quangba ./cmd/quangba

run: setup-run build
	./bin/quangba serve

test: setup-test fmt-check vet
	$(GO) test -tags $(TAGS) -count=1 -timeout 45m ./...
	@# A few seconds of fuzzing on the parsers that read what users send.
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 5s ./transcode/subtitle
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 5s ./transcode/subtitle

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.tools/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# Benchmarks: the S3 backend's Put against a bare minio-go PutObject (Go
# benchmarks, 64 MiB; QUANGBA_BENCH_SIZE=1GiB for more), then ingest
# throughput and peak memory of a whole video against a bare PutObject of
# the same file, measured in the same run. BENCH_SIZE_MB sets that file's
# size (default 1024).
bench: setup-bench build
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchtime 3x ./storage/s3
	$(GO) run -tags $(TAGS) ./cmd/qbbench -size-mb $(or $(BENCH_SIZE_MB),1024)

setup-run:
	@scripts/setup.sh run

setup-bench:
	@scripts/setup.sh bench

setup-test:
	@scripts/setup.sh test

clean:
	rm -rf bin .bench
