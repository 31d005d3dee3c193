// Package testenv builds the real components that tests run against: a
// catalogue in a temporary folder, local or MinIO storage, and an ingest
// service on top of them.
package testenv

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/local"
	"github.com/quangba/quangba/storage/s3"
)

// Env is a catalogue and an ingest service over one store.
type Env struct {
	Dir    string // the temporary folder everything lives in
	DB     *catalog.DB
	Store  storage.Store
	Ingest *ingest.Service
	Spool  string // ingest's spool folder
}

// New opens a fresh catalogue and an ingest service over store; tune may
// change ingest's configuration first.
func New(t testing.TB, store storage.Store, tune func(*ingest.Config)) *Env {
	t.Helper()
	dir := t.TempDir()
	db, err := catalog.Open(context.Background(), filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := ingest.DefaultConfig()
	cfg.SpoolDir = filepath.Join(dir, "tmp")
	if tune != nil {
		tune(&cfg)
	}
	in, err := ingest.New(cfg, db, store)
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Dir: dir, DB: db, Store: store, Ingest: in, Spool: cfg.SpoolDir}
}

// Org returns (creating it) the organisation with this name.
func (e *Env) Org(t testing.TB, name string) catalog.Org {
	t.Helper()
	org, err := e.DB.EnsureOrg(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// LocalStore is local storage in a temporary folder.
func LocalStore(t testing.TB) storage.Store {
	t.Helper()
	s, err := local.New(local.Config{Dir: t.TempDir(), SigningKey: bytes.Repeat([]byte("k"), 32), URLPrefix: "/blobs/"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// MinIOStore is a fresh bucket on a real MinIO server.
func MinIOStore(t testing.TB, srv *miniotest.Server) *s3.Store {
	t.Helper()
	bucket := "t-" + strings.ToLower(catalog.NewAssetID())
	s, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Backends runs fn against local storage and against a real MinIO server.
func Backends(t *testing.T, fn func(t *testing.T, store storage.Store)) {
	t.Run("local", func(t *testing.T) { fn(t, LocalStore(t)) })
	t.Run("minio", func(t *testing.T) { fn(t, MinIOStore(t, miniotest.Start(t))) })
}
