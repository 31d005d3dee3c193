// Package s3 provides a storage.Store on an S3 bucket (MinIO or AWS) with
// minio-go.
package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/quangba/quangba/storage"
)

const (
	minPartSize = 5 << 20 // S3's smallest part
	maxParts    = 10000   // S3's most parts in one upload
	pingTimeout = 5 * time.Second
)

// Config configures an S3 Store.
type Config struct {
	Endpoint  string // host:port of the S3 API, without scheme
	AccessKey string
	SecretKey string
	Bucket    string // created by New if missing
	Region    string // optional; looked up from the bucket if empty
	UseSSL    bool
	PartSize  uint64 // bytes per multipart part, at least 5 MiB (default: 16 MiB; a stream of unknown size may have 10,000 parts: 156 GiB)
	Threads   uint   // parts of a file (an io.ReaderAt of known size) uploaded at once (default: 4)
	// MaxRetries is how many times a request is tried before an error is
	// returned (default: minio-go's 10, with backoff: about 4 s against a
	// server that refuses connections).
	MaxRetries int
}

// Validate checks the config after defaults are applied.
func (c Config) Validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("s3: Endpoint is required")
	case strings.Contains(c.Endpoint, "://"):
		return fmt.Errorf("s3: Endpoint %q must be host:port without a scheme (set UseSSL for https)", c.Endpoint)
	case c.Bucket == "":
		return errors.New("s3: Bucket is required")
	case c.PartSize < minPartSize:
		return fmt.Errorf("s3: PartSize %d is below the S3 minimum of 5 MiB", c.PartSize)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.PartSize == 0 {
		c.PartSize = 16 << 20
	}
	if c.Threads == 0 {
		c.Threads = 4
	}
	return c
}

// Store is a storage.Store on one bucket. It is safe for concurrent use.
type Store struct {
	client *minio.Client
	core   minio.Core
	cfg    Config
}

var _ storage.Store = (*Store)(nil)

// New connects to the endpoint and creates the bucket if it is missing.
func New(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseSSL,
		Region:     cfg.Region,
		MaxRetries: cfg.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %s: %s", cfg.Endpoint, err)
	}
	s := &Store{client: client, core: minio.Core{Client: client}, cfg: cfg}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return fail(ctx, "check bucket", s.cfg.Bucket, err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.cfg.Bucket, minio.MakeBucketOptions{Region: s.cfg.Region})
	if code := minio.ToErrorResponse(err).Code; code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" {
		return nil // created by a concurrent New
	}
	return fail(ctx, "create bucket", s.cfg.Bucket, err)
}

// Ping checks that the bucket answers within a few seconds.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return fail(ctx, "ping", s.cfg.Bucket, err)
	}
	if !ok {
		return fmt.Errorf("s3: ping: %w: bucket %s does not exist", storage.ErrUnavailable, s.cfg.Bucket)
	}
	return nil
}
