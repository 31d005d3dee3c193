package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/quangba/quangba/storage"
)

// Put uploads r; the object appears only when the upload completes.
//
// Memory stays bounded whatever the size:
//   - an io.ReaderAt with an offset (a file) and a known size goes up in
//     Threads parallel parts read straight from it, with no part buffers;
//   - any other reader of known size goes up one buffered part at a time;
//   - a reader of unknown size is read up to one part: if it ends there it
//     is sent in a single PUT, otherwise one part at a time (about two parts
//     of memory: the first part read and minio-go's own part buffer).
//
// A failed or cancelled multipart upload is aborted by minio-go, with a
// context of its own. If the server is unreachable the abort cannot reach
// it either; MinIO drops such uploads after 24 hours (stale_uploads_expiry),
// AWS needs an AbortIncompleteMultipartUpload lifecycle rule. Incomplete
// uploads are never visible as objects.
//
// An error of r is returned as is (wrapped), not as a backend error. A
// file's read offset is not moved: it is read with ReadAt.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, fmt.Errorf("s3: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return storage.Info{}, fmt.Errorf("s3: put %s: %w", key, err)
	}
	src, body := newSource(r, size)
	if size < 0 {
		head, err := readUpTo(ctx, src, int(s.cfg.PartSize))
		if err != nil {
			return storage.Info{}, s.putFail(ctx, key, src, err)
		}
		body = bytes.NewReader(head)
		if len(head) < int(s.cfg.PartSize) {
			size = int64(len(head))
		} else {
			body = io.MultiReader(body, src)
		}
	}
	ct := contentType(opts.ContentType)
	up, err := s.client.PutObject(ctx, s.cfg.Bucket, key, body, size, minio.PutObjectOptions{
		ContentType: ct,
		PartSize:    s.partSize(size),
		NumThreads:  s.cfg.Threads,
	})
	if err != nil {
		return storage.Info{}, s.putFail(ctx, key, src, err)
	}
	mod := up.LastModified
	if mod.IsZero() { // S3 does not return it for PUT
		mod = time.Now()
	}
	return storage.Info{Key: key, Size: up.Size, ModTime: mod, ContentType: ct}, nil
}

func (s *Store) putFail(ctx context.Context, key string, src *source, err error) error {
	if rerr := src.err(); rerr != nil {
		return fmt.Errorf("s3: put %s: reading the data: %w", key, rerr)
	}
	return fail(ctx, "put", key, err)
}

// partSize is the configured part size, grown for objects so big that
// they would need more than S3's 10,000 parts.
func (s *Store) partSize(size int64) uint64 {
	p := s.cfg.PartSize
	if size > 0 && uint64(size) > p*maxParts {
		const mib = 1 << 20
		p = (uint64(size)/maxParts + mib) / mib * mib
	}
	return p
}

func contentType(ct string) string {
	if ct == "" {
		return "application/octet-stream"
	}
	return ct
}

// readUpTo reads r until EOF or until it has max bytes, growing its buffer
// as the data comes so that a small object costs little memory.
func readUpTo(ctx context.Context, r io.Reader, max int) ([]byte, error) {
	buf := make([]byte, 0, min(64<<10, max))
	for len(buf) < max {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(make([]byte, 0, min(2*cap(buf), max)), buf...)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// source wraps the caller's reader. It reads at most size bytes (when
// known), turns an early EOF into errShort, and remembers the first error,
// so that a failing reader is reported as such and not as a backend error.
// errShort is not io.ErrUnexpectedEOF itself, which minio-go takes for
// the normal end of a last part.
type source struct {
	r     io.Reader
	size  int64 // -1 if unknown
	n     int64 // bytes read so far
	mu    sync.Mutex
	first error
}

var errShort = errors.New("reader ended before the given size")

// newSource wraps r. For a file (io.ReaderAt and io.Seeker) of known size
// the reader for minio-go is a section from the file's current offset,
// which minio-go uploads in parallel parts; otherwise it reads r.
func newSource(r io.Reader, size int64) (*source, io.Reader) {
	ra, okAt := r.(io.ReaderAt)
	sk, okSeek := r.(io.Seeker)
	if size >= 0 && okAt && okSeek {
		if off, err := sk.Seek(0, io.SeekCurrent); err == nil { // fails on pipes
			sec := io.NewSectionReader(ra, off, size)
			src := &source{r: sec, size: size}
			return src, fileSource{src, sec}
		}
	}
	src := &source{r: r, size: size}
	return src, src
}

func (s *source) Read(p []byte) (int, error) {
	if s.size >= 0 {
		if s.n >= s.size {
			return 0, io.EOF
		}
		p = p[:min(int64(len(p)), s.size-s.n)]
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err == io.EOF && s.n < s.size {
		err = fmt.Errorf("%w: got %d bytes, want %d", errShort, s.n, s.size)
	}
	return n, s.record(err)
}

func (s *source) record(err error) error {
	if err != nil && err != io.EOF {
		s.mu.Lock()
		if s.first == nil {
			s.first = err
		}
		s.mu.Unlock()
	}
	return err
}

func (s *source) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

// fileSource is a source that minio-go also reads with ReadAt, from
// several goroutines at once.
type fileSource struct {
	*source
	sec *io.SectionReader
}

func (f fileSource) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.sec.ReadAt(p, off)
	if err == io.EOF && off+int64(n) < f.size && n < len(p) {
		err = fmt.Errorf("%w: file ends at %d bytes, want %d", errShort, off+int64(n), f.size)
	}
	return n, f.record(err)
}

func (f fileSource) Seek(offset int64, whence int) (int64, error) {
	return f.sec.Seek(offset, whence)
}
