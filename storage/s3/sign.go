package s3

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/quangba/quangba/storage"
)

const defaultURLTTL = 15 * time.Minute

// SignedURL presigns a GET of the object. The name and type are passed as
// response-content-disposition and response-content-type, which S3 echoes
// as headers. S3 caps a presigned URL at 7 days.
func (s *Store) SignedURL(ctx context.Context, key string, opts storage.URLOptions) (string, error) {
	if err := storage.ValidKey(key); err != nil {
		return "", fmt.Errorf("s3: signed url: %w", err)
	}
	ttl := opts.TTL
	if ttl <= 0 {
		ttl = defaultURLTTL
	}
	params := url.Values{}
	if opts.FileName != "" {
		params.Set("response-content-disposition", storage.ContentDisposition(opts.FileName))
	}
	if opts.ContentType != "" {
		params.Set("response-content-type", opts.ContentType)
	}
	u, err := s.client.PresignedGetObject(ctx, s.cfg.Bucket, key, ttl, params)
	if err != nil {
		return "", fail(ctx, "signed url", key, err)
	}
	return u.String(), nil
}
