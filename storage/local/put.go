package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/quangba/quangba/storage"
)

const copyBufSize = 256 << 10

// Put writes r to a temporary file, syncs it and renames it over the key,
// so readers see the old object or the new one, never a part. On any
// failure, including ctx being cancelled, the temporary file is removed.
// A cancelled ctx interrupts the copy between two reads of r; a read that
// blocks forever is the caller's to unblock.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (info storage.Info, err error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, fmt.Errorf("local: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return storage.Info{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	tmp, fi, err := s.writeTemp(ctx, r, size)
	if err != nil {
		return storage.Info{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	ct := contentType(opts.ContentType)
	if err := s.writeMeta(key, ct, fi); err != nil {
		return storage.Info{}, fmt.Errorf("local: put %s: content type: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return storage.Info{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	if err := s.rename(tmp, s.path(key)); err != nil {
		return storage.Info{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	return storage.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime(), ContentType: ct}, nil
}

// writeTemp copies r into a new synced file in the temp folder and returns
// its path and attributes. The file is gone if it returns an error.
func (s *Store) writeTemp(ctx context.Context, r io.Reader, size int64) (path string, fi os.FileInfo, err error) {
	f, err := os.CreateTemp(s.tmpDir, "put-*")
	if err != nil {
		return "", nil, writeErr(err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = io.LimitReader(src, size)
	}
	// Hide f's ReadFrom: its fallback copies in 32 KiB steps.
	n, err := io.CopyBuffer(struct{ io.Writer }{f}, src, make([]byte, copyBufSize))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", nil, ctxErr
		}
		return "", nil, writeErr(err)
	}
	if size >= 0 && n != size {
		return "", nil, fmt.Errorf("short read: got %d bytes, want %d", n, size)
	}
	if err := f.Sync(); err != nil {
		return "", nil, writeErr(err)
	}
	if fi, err = f.Stat(); err != nil {
		return "", nil, writeErr(err)
	}
	if err := f.Close(); err != nil {
		return "", nil, writeErr(err)
	}
	return f.Name(), fi, nil
}

// rename moves a finished temp file into place and syncs the folder so the
// new name survives a crash. Delete removes empty folders, so a folder it
// removed between MkdirAll and Rename is made again.
func (s *Store) rename(tmp, dst string) error {
	var err error
	for range 3 {
		if err = os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return writeErr(err)
		}
		if err = os.Rename(tmp, dst); !errors.Is(err, syscall.ENOENT) {
			break
		}
	}
	if err != nil {
		return writeErr(err)
	}
	return writeErr(syncDir(filepath.Dir(dst)))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeErr classifies an error of a write. A key whose path runs into a
// file ("a/b" after "a") or onto a folder ("a" after "a/b") cannot be
// stored here, which is a property of the key, not of the disk.
func writeErr(err error) error {
	switch {
	case err == nil, errors.Is(err, storage.ErrInvalidKey), errors.Is(err, storage.ErrUnavailable):
		return err
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.EEXIST):
		return fmt.Errorf("%w: key clashes with an object or a folder of objects: %w", storage.ErrInvalidKey, err)
	case unavailable(err):
		return fmt.Errorf("%w: %w", storage.ErrUnavailable, err)
	}
	return err
}

// ctxReader stops a copy at the next Read once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
