# Quảng Bá. `make run` starts the service on the embedded default (SQLite and
# local storage under ./data); `make test` runs the whole suite. Both install
# what they need first (scripts/setup.sh).

GO      ?= go
TAGS    := sqlite_fts5
TOOLS   := $(CURDIR)/.tools
export QUANGBA_MINIO_BIN := $(TOOLS)/bin/minio
export GOFLAGS := -buildvcs=false
# The toolchain go.mod names (a patch release carrying the standard
# library's security fixes; govulncheck checks it), fetched once from the
# Go module proxy: this machine's go.env says GOTOOLCHAIN=local, which
# would ignore go.mod's toolchain line.
export GOTOOLCHAIN := $(shell sed -n 's/^toolchain //p' go.mod)

.PHONY: all build run test bench soak vet fmt-check setup-run setup-test setup-bench clean

all: build

build:
	$(GO) build -tags $(TAGS) -o bin/quangba ./cmd/quangba

run: setup-run build
	./bin/quangba serve

test: setup-test fmt-check vet
	$(GO) test -tags $(TAGS) -count=1 -timeout 45m ./...
	@# A few seconds of fuzzing on the parsers that read what users send
	@# (subtitles, type sniffing, image metadata, profiles, CSV sheets,
	@# search text, bundle paths): under a minute in all.
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 5s ./transcode/subtitle
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 5s ./transcode/subtitle
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzSniffClass$$' -fuzztime 4s ./ingest/probe
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzImageBounded$$' -fuzztime 5s ./ingest/probe
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzMetaReaders$$' -fuzztime 4s ./ingest/probe
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzProfileParse$$' -fuzztime 4s ./export/profile
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzSheetRead$$' -fuzztime 4s ./ingest/sheet
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzSearchText$$' -fuzztime 5s ./catalog
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzCleanPath$$' -fuzztime 3s ./export/bundle
	@# Known vulnerabilities in the modules and the standard library we
	@# call, from an offline copy of the Go vulnerability database that
	@# scripts/setup.sh builds into .tools/vulndb (see docs/SECURITY.md).
	$(GO) run golang.org/x/vuln/cmd/govulncheck@v1.9.0 -db file://$(TOOLS)/vulndb -tags $(TAGS) ./...

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

# Soak: the full load test of cmd/qbload against a real `quangba serve` on
# loopback, first on local storage, then on MinIO: 16 contributors in 4
# organisations upload 20 distinct photos each (half multipart, half tus in
# 5 MiB chunks) and 3 videos of about 80 MB, while 8 curators search and one
# package export runs; then search and listing alone at 8, 16 and 32 clients
# (20 s each). Fails on any error, duplicate asset, upload not catalogued
# exactly once, incomplete export or failed `quangba check`; prints Markdown
# tables. About 4 minutes on 2 cores (13 when shared). The bounded version
# (cmd/qbload/load_test.go: 16 × 5 photos, 1 small video, 5 s search runs)
# runs in `make test`. SOAK_FLAGS adds flags (go run ./cmd/qbload -h).
soak: setup-test build
	$(GO) run -tags $(TAGS) ./cmd/qbload -bin bin/quangba $(SOAK_FLAGS)
	$(GO) run -tags $(TAGS) ./cmd/qbload -bin bin/quangba -s3 $(SOAK_FLAGS)

setup-run:
	@scripts/setup.sh run

setup-bench:
	@scripts/setup.sh bench

setup-test:
	@scripts/setup.sh test

clean:
	rm -rf bin .bench
