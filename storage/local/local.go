// Package local provides a storage.Store on a folder of the local disk.
//
// An object is the file Dir/<key>. Writes go to a temporary file in
// Dir/@tmp and are renamed into place, so an object appears whole or not
// at all. The content type lives in a sidecar Dir/@meta/<key> that names
// the data file it belongs to. The '@' in the names of these folders is not
// a key character, so no key can reach them.
//
// Like every file-system store, a key cannot be both an object and a
// prefix folder of another key ("a" and "a/b"): the second Put fails.
package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/quangba/quangba/storage"
)

const (
	tmpDirName   = "@tmp"
	metaDirName  = "@meta"
	staleTempAge = time.Hour // a live Put writes to its temp file far more often
)

// Config configures a local Store.
type Config struct {
	Dir        string // folder that holds the objects; created if missing
	SigningKey []byte // HMAC key for signed URLs, at least 16 bytes
	URLPrefix  string // path the download handler is mounted at (default: "/blobs/")
}

// Validate checks the config after defaults are applied.
func (c Config) Validate() error {
	if c.Dir == "" {
		return errors.New("local: Dir is required")
	}
	if len(c.SigningKey) < 16 {
		return errors.New("local: SigningKey must be at least 16 bytes")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.URLPrefix == "" {
		c.URLPrefix = "/blobs/"
	}
	return c
}

// Store is a storage.Store on a local folder. It is safe for concurrent use.
type Store struct {
	dir, tmpDir, metaDir string
	key                  []byte
	urlPrefix            string
}

var _ storage.Store = (*Store)(nil)

// New opens (and creates) the folder and removes temporary files left by
// a crash.
func New(cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	s := &Store{
		dir:       dir,
		tmpDir:    filepath.Join(dir, tmpDirName),
		metaDir:   filepath.Join(dir, metaDirName),
		key:       append([]byte(nil), cfg.SigningKey...),
		urlPrefix: cfg.URLPrefix,
	}
	for _, d := range []string{s.dir, s.tmpDir, s.metaDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("local: create %s: %w", d, classify(err))
		}
	}
	s.removeStaleTemp(time.Now().Add(-staleTempAge))
	return s, nil
}

// removeStaleTemp removes temporary files a crashed Put left behind. Another
// process may share the folder, so only files nobody wrote to for a while go.
func (s *Store) removeStaleTemp(before time.Time) {
	entries, _ := os.ReadDir(s.tmpDir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(s.tmpDir, e.Name()))
		}
	}
}

func (s *Store) path(key string) string     { return filepath.Join(s.dir, filepath.FromSlash(key)) }
func (s *Store) metaPath(key string) string { return filepath.Join(s.metaDir, filepath.FromSlash(key)) }

// classify adds the storage error kind to a file-system error and keeps the
// cause: errors.Is works with both storage.ErrUnavailable and syscall.ENOSPC.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	case unavailable(err):
		return fmt.Errorf("%w: %w", storage.ErrUnavailable, err)
	}
	return err
}

// unavailable reports errors of the disk rather than of the request: a
// retry, or an operator, can fix them.
func unavailable(err error) bool {
	for _, e := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EACCES, syscall.EPERM,
		syscall.EROFS, syscall.EIO, syscall.ENXIO, syscall.ESTALE, syscall.EMFILE, syscall.ENFILE} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Ping checks that a file can be created in the folder.
func (s *Store) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(s.tmpDir, "ping-*")
	if err == nil {
		f.Close()
		err = os.Remove(f.Name())
	}
	if err != nil {
		return fmt.Errorf("local: ping: %w: %w", storage.ErrUnavailable, err)
	}
	return nil
}
