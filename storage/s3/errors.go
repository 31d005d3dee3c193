package s3

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/minio/minio-go/v7"

	"github.com/quangba/quangba/storage"
)

// opError is what every method returns on failure: what failed, the kind
// (a storage sentinel), the context's error if the context ended it, and
// minio-go's message as text. minio-go's error values are not kept, so
// their types never reach callers.
type opError struct {
	op, key string
	kind    error // storage.ErrNotFound, storage.ErrUnavailable or nil
	cause   error // context.Canceled, context.DeadlineExceeded or nil
	msg     string
}

func (e *opError) Error() string {
	var b strings.Builder
	b.WriteString("s3: " + e.op)
	if e.key != "" {
		b.WriteString(" " + e.key)
	}
	if e.kind != nil {
		b.WriteString(": " + e.kind.Error())
	}
	b.WriteString(": " + e.msg)
	return b.String()
}

func (e *opError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.kind, e.cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// fail classifies err, an error of minio-go while doing op on key under
// ctx. A deadline counts as the backend being unavailable: it was too slow.
func fail(ctx context.Context, op, key string, err error) error {
	if err == nil {
		return nil
	}
	e := &opError{op: op, key: key, kind: kindOf(err), cause: ctx.Err(), msg: err.Error()}
	if e.cause == nil && errors.Is(err, context.Canceled) {
		e.cause = context.Canceled
	}
	if errors.Is(e.cause, context.DeadlineExceeded) {
		e.kind = storage.ErrUnavailable
	}
	return e
}

// kindOf classifies an error of minio-go or of the network under it, or
// returns nil for errors of the request itself (a bad argument, say).
func kindOf(err error) error {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return kindOfResponse(resp)
	}
	var (
		opErr  *net.OpError
		dnsErr *net.DNSError
		netErr net.Error // *url.Error is one whatever its cause: only its timeouts count
	)
	switch {
	case errors.As(err, &opErr), errors.As(err, &dnsErr), errors.As(err, &netErr) && netErr.Timeout(),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ETIMEDOUT),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, context.DeadlineExceeded):
		return storage.ErrUnavailable
	}
	return nil
}

func kindOfResponse(resp minio.ErrorResponse) error {
	switch {
	case resp.Code == minio.NoSuchKey, resp.Code == minio.NoSuchBucket, resp.StatusCode == http.StatusNotFound:
		return storage.ErrNotFound
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusForbidden, resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode == http.StatusRequestTimeout, resp.Code == "SlowDown", resp.Code == "RequestTimeout":
		// 403 too: a refusal that fixed credentials or a fixed policy cure.
		return storage.ErrUnavailable
	}
	return nil
}
