package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/local"
	"github.com/quangba/quangba/storage/s3"
)

// runChild performs one measurement and prints {"Seconds": …, "PeakKB": …}.
func runChild(ctx context.Context, mode, file, endpoint, keys, work string) error {
	access, secret, _ := strings.Cut(keys, ":")
	bucket := "bench-" + strings.ToLower(catalog.NewAssetID())
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	var run func() error
	switch mode {
	case "bare-put":
		run = barePut(ctx, file, endpoint, access, secret, bucket)
	case "ingest-s3", "ingest-s3-stream", "ingest-local":
		svc, org, err := ingestService(ctx, mode, endpoint, access, secret, bucket, work)
		if err != nil {
			return err
		}
		run = ingestRun(ctx, svc, org, file, mode == "ingest-s3-stream")
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	start := time.Now()
	if err := run(); err != nil {
		return err
	}
	return report(start)
}

func barePut(ctx context.Context, file, endpoint, access, secret, bucket string) func() error {
	return func() error {
		c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, "")})
		if err != nil {
			return err
		}
		if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
			return err
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		st, _ := f.Stat()
		_, err = c.PutObject(ctx, bucket, "bare", f, st.Size(), minio.PutObjectOptions{ContentType: "video/x-matroska"})
		return err
	}
}

func ingestService(ctx context.Context, mode, endpoint, access, secret, bucket, work string) (*ingest.Service, catalog.Org, error) {
	db, err := catalog.Open(ctx, filepath.Join(work, "catalog.db"))
	if err != nil {
		return nil, catalog.Org{}, err
	}
	org, err := db.EnsureOrg(ctx, "bench")
	if err != nil {
		return nil, org, err
	}
	var store storage.Store
	if mode == "ingest-local" {
		store, err = local.New(local.Config{Dir: filepath.Join(work, "blobs"), SigningKey: []byte("bench-signing-key-bench-signing-key"), URLPrefix: "/blobs/"})
	} else {
		store, err = s3.New(ctx, s3.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: bucket})
	}
	if err != nil {
		return nil, org, err
	}
	cfg := ingest.DefaultConfig()
	cfg.SpoolDir = filepath.Join(work, "tmp")
	svc, err := ingest.New(cfg, db, store)
	return svc, org, err
}

func ingestRun(ctx context.Context, svc *ingest.Service, org catalog.Org, file string, stream bool) func() error {
	return func() error {
		req := ingest.Request{Org: org}
		var err error
		if stream {
			f, ferr := os.Open(file)
			if ferr != nil {
				return ferr
			}
			defer f.Close()
			req.FileName = filepath.Base(file)
			_, err = svc.Ingest(ctx, req, struct{ io.Reader }{f})
		} else {
			_, err = svc.IngestFile(ctx, req, file)
		}
		return err
	}
}

// report prints a child's result: its time and its own peak RSS. The peak
// comes from VmHWM, not from the parent's rusage: Go starts children with
// vfork, and Linux counts the parent's resident set into the child's
// ru_maxrss at exec, so a large parent would inflate every child.
func report(start time.Time) error {
	secs := time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(struct{ Seconds, PeakKB float64 }{secs, peakKB()})
}

// peakKB reads this process's peak resident set (VmHWM) in KiB.
func peakKB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb
		}
	}
	return 0
}
