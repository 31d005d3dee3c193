// Package storage defines the blob store that originals, renditions and
// bundles live in, and the errors every backend maps its failures to.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Kinds of failure. Backends wrap their own errors so that errors.Is works
// with these and no backend type leaks to callers.
var (
	// ErrNotFound means no object exists under the key.
	ErrNotFound = errors.New("storage: object not found")
	// ErrUnavailable means the backend could not be reached or refused to
	// work (network down, disk full, permission denied); a retry may succeed.
	ErrUnavailable = errors.New("storage: backend unavailable")
	// ErrInvalidKey means the key is not a valid object key (see ValidKey).
	ErrInvalidKey = errors.New("storage: invalid key")
)

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ModTime     time.Time
	ContentType string
}

// PutOptions are optional attributes of a stored object.
type PutOptions struct {
	ContentType string // stored with the object where the backend can (default: application/octet-stream)
}

// URLOptions shape a signed download URL.
type URLOptions struct {
	TTL         time.Duration // how long the URL stays valid (default: 15 minutes)
	FileName    string        // offered to the browser in Content-Disposition (optional)
	ContentType string        // Content-Type of the response (optional)
}

// Store is a flat namespace of immutable blobs addressed by key.
//
// Keys are slash-separated relative paths (see ValidKey). Put makes an object
// visible only when it returns nil: a failed or cancelled Put leaves no object
// (and no partial object) behind. Putting to an existing key replaces it.
type Store interface {
	// Put reads r until EOF and stores it under key. size is the length of r
	// when known, or -1; large objects stream and are never held in memory.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (Info, error)
	// Open returns the object's content; the caller closes the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat returns the object's attributes, or ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix, in key
	// order. An error from fn stops the walk and is returned.
	List(ctx context.Context, prefix string, fn func(Info) error) error
	// SignedURL returns a URL that lets anyone holding it GET the object
	// until it expires: presigned for S3, HMAC-signed and served by us for
	// the local backend. It may be relative to the service's base URL.
	SignedURL(ctx context.Context, key string, opts URLOptions) (string, error)
	// Ping reports whether the backend is reachable (ErrUnavailable if not).
	Ping(ctx context.Context) error
}

// ValidKey checks that key is a clean relative path of safe characters:
// non-empty, at most 1024 bytes, no leading or trailing slash, no empty,
// "." or ".." segments, and only ASCII letters, digits and "-_.~/".
func ValidKey(key string) error {
	if key == "" || len(key) > 1024 || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.~/", c)) {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	return nil
}

// OriginalKey is the content-addressed key of an original file.
func OriginalKey(sha256Hex string) string {
	return "originals/" + sha256Hex[:2] + "/" + sha256Hex
}

// RenditionKey is the key of a named rendition of an asset, e.g.
// renditions/<asset-id>/web.jpg. Running a job again writes the same keys,
// so a retried job replaces its outputs instead of leaving orphans.
func RenditionKey(assetID, name, ext string) string {
	return "renditions/" + assetID + "/" + name + "." + ext
}
