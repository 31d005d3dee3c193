package s3

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/quangba/quangba/storage"
)

// Open starts the download; errors such as a missing key come back here,
// not from the first Read. The body is bound to ctx.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, fmt.Errorf("s3: open: %w", err)
	}
	rc, oi, _, err := s.core.GetObject(ctx, s.cfg.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, storage.Info{}, fail(ctx, "open", key, err)
	}
	return &body{rc: rc, key: key}, info(oi), nil
}

// body classifies the errors of a download that breaks off.
type body struct {
	rc  io.ReadCloser
	key string
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = fail(context.Background(), "read", b.key, err)
	}
	return n, err
}

func (b *body) Close() error { return b.rc.Close() }

// Stat returns the object's attributes.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, fmt.Errorf("s3: stat: %w", err)
	}
	oi, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return storage.Info{}, fail(ctx, "stat", key, err)
	}
	return info(oi), nil
}

func info(oi minio.ObjectInfo) storage.Info {
	return storage.Info{Key: oi.Key, Size: oi.Size, ModTime: oi.LastModified, ContentType: oi.ContentType}
}

// Delete removes the object; S3 answers success for a missing key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return fmt.Errorf("s3: delete: %w", err)
	}
	err := s.client.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{})
	return fail(ctx, "delete", key, err)
}

// List pages through the bucket in key order. ContentType is left empty:
// S3 listings do not carry it.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.Info) error) error {
	ctx, cancel := context.WithCancel(ctx) // stops minio-go's paging when fn stops us
	defer cancel()
	for oi := range s.client.ListObjectsIter(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return fail(ctx, "list", prefix, oi.Err)
		}
		if err := fn(storage.Info{Key: oi.Key, Size: oi.Size, ModTime: oi.LastModified}); err != nil {
			return err
		}
	}
	return nil
}
