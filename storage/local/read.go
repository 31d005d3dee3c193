package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/quangba/quangba/storage"
)

// Open returns the object's file; the caller closes it.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, fmt.Errorf("local: open: %w", err)
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("local: open %s: %w", key, classify(err))
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist // a folder of other keys
	}
	if err != nil {
		f.Close()
		return nil, storage.Info{}, fmt.Errorf("local: open %s: %w", key, classify(err))
	}
	return f, s.info(key, fi), nil
}

// Stat returns the object's attributes.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, fmt.Errorf("local: stat: %w", err)
	}
	fi, err := os.Stat(s.path(key))
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return storage.Info{}, fmt.Errorf("local: stat %s: %w", key, classify(err))
	}
	return s.info(key, fi), nil
}

func (s *Store) info(key string, fi os.FileInfo) storage.Info {
	return storage.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime(), ContentType: s.readContentType(key, fi)}
}

// Delete removes the object, its sidecar and the folders that become empty.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return fmt.Errorf("local: delete: %w", err)
	}
	path := s.path(key)
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return nil // a folder of other keys, not an object
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("local: delete %s: %w", key, classify(err))
	}
	_ = os.Remove(s.metaPath(key))
	removeEmptyDirs(s.dir, filepath.Dir(path))
	removeEmptyDirs(s.metaDir, filepath.Dir(s.metaPath(key)))
	return nil
}

// List walks the folder in key order. ContentType is left empty: reading
// every sidecar would cost a file read per object.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.Info) error) error {
	err := s.walk(ctx, "", prefix, fn)
	if stop, ok := err.(stopErr); ok {
		return stop.err
	}
	return err
}

// stopErr carries an error of List's fn up the walk; List returns it as is.
type stopErr struct{ err error }

func (e stopErr) Error() string { return e.err.Error() }

// walk lists the folder of keys starting with dirKey ("" or "a/b/").
// Entries are sorted as keys sort: a folder "a" as "a/", which puts
// "a-c" and "a.d" before everything under "a/".
func (s *Store) walk(ctx context.Context, dirKey, prefix string, fn func(storage.Info) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("local: list %s: %w", prefix, err)
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, filepath.FromSlash(dirKey)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed by a concurrent Delete
		}
		return fmt.Errorf("local: list %s: %w", prefix, classify(err))
	}
	type entry struct {
		key string
		e   fs.DirEntry
	}
	keys := make([]entry, 0, len(entries))
	for _, e := range entries {
		if storage.ValidKey(e.Name()) != nil {
			continue // @tmp, @meta and anything else that is not ours
		}
		k := dirKey + e.Name()
		if e.IsDir() {
			k += "/"
		}
		keys = append(keys, entry{k, e})
	}
	slices.SortFunc(keys, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	for _, k := range keys {
		if err := s.visit(ctx, k.key, k.e, prefix, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) visit(ctx context.Context, key string, e fs.DirEntry, prefix string, fn func(storage.Info) error) error {
	if e.IsDir() {
		if strings.HasPrefix(key, prefix) || strings.HasPrefix(prefix, key) {
			return s.walk(ctx, key, prefix, fn)
		}
		return nil
	}
	if !e.Type().IsRegular() || !strings.HasPrefix(key, prefix) {
		return nil
	}
	fi, err := e.Info()
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed by a concurrent Delete
	}
	if err != nil {
		return fmt.Errorf("local: list %s: %w", prefix, classify(err))
	}
	if err := fn(storage.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
		return stopErr{err}
	}
	return nil
}
