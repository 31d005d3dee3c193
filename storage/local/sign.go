package local

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/quangba/quangba/storage"
)

// ErrBadSignature means a signed URL is expired, altered or not ours.
var ErrBadSignature = errors.New("local: bad or expired URL signature")

const defaultURLTTL = 15 * time.Minute

// SignedURL returns URLPrefix + key + "?exp=UNIX&sig=HEX", followed by
// "&name=...&type=..." when opts set them. The signature covers the key,
// the expiry, the name and the type; VerifySigned checks it. The object is
// not looked up: a URL for a missing key yields a 404 when fetched.
func (s *Store) SignedURL(ctx context.Context, key string, opts storage.URLOptions) (string, error) {
	if err := storage.ValidKey(key); err != nil {
		return "", fmt.Errorf("local: signed url: %w", err)
	}
	ttl := opts.TTL
	if ttl <= 0 {
		ttl = defaultURLTTL
	}
	exp := strconv.FormatInt(time.Now().Add(ttl).Unix(), 10)
	u := s.urlPrefix + key + "?exp=" + exp + "&sig=" + s.sign(key, exp, opts.FileName, opts.ContentType)
	if opts.FileName != "" {
		u += "&name=" + url.QueryEscape(opts.FileName)
	}
	if opts.ContentType != "" {
		u += "&type=" + url.QueryEscape(opts.ContentType)
	}
	return u, nil
}

// VerifySigned checks the query of a URL made by SignedURL for key at time
// now and returns the options it was signed with, TTL being the time left.
// Errors wrap ErrBadSignature.
func (s *Store) VerifySigned(key string, query url.Values, now time.Time) (storage.URLOptions, error) {
	exp, name, typ, sig := query.Get("exp"), query.Get("name"), query.Get("type"), query.Get("sig")
	got, err := hex.DecodeString(sig)
	if err != nil || sig == "" {
		return storage.URLOptions{}, fmt.Errorf("%w: malformed signature", ErrBadSignature)
	}
	want, _ := hex.DecodeString(s.sign(key, exp, name, typ))
	if !hmac.Equal(got, want) {
		return storage.URLOptions{}, fmt.Errorf("%w: signature does not match", ErrBadSignature)
	}
	expUnix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return storage.URLOptions{}, fmt.Errorf("%w: malformed expiry %q", ErrBadSignature, exp)
	}
	left := time.Unix(expUnix, 0).Sub(now)
	if left <= 0 {
		return storage.URLOptions{}, fmt.Errorf("%w: expired %s ago", ErrBadSignature, -left.Round(time.Second))
	}
	return storage.URLOptions{TTL: left, FileName: name, ContentType: typ}, nil
}

// sign is the hex HMAC-SHA256 of the length-prefixed fields, so that no
// two different field lists share a message.
func (s *Store) sign(fields ...string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("quangba-local-url-v1"))
	for _, f := range fields {
		m.Write(binary.BigEndian.AppendUint64(nil, uint64(len(f))))
		m.Write([]byte(f))
	}
	return hex.EncodeToString(m.Sum(nil))
}
