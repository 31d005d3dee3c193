package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quangba/quangba/internal/testbin"
)

const tusChunk = 5 << 20 // the upload page's chunk size

// client calls the API as one user.
type client struct {
	base  string
	token string
	hc    *http.Client
}

func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr, Timeout: 15 * time.Minute}
}

// httpError is an answer with an unexpected status.
type httpError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, strings.TrimSpace(testbin.Tail(e.Body, 400)))
}

// do sends a request and decodes a JSON answer with one of the wanted
// statuses into out (when not nil).
func (c *client) do(ctx context.Context, method, path string, body io.Reader, hdr http.Header, out any, want ...int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	ok := false
	for _, w := range want {
		ok = ok || resp.StatusCode == w
	}
	if !ok {
		return resp, &httpError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp, fmt.Errorf("%s %s: decode %q: %w", method, path, testbin.Tail(string(b), 200), err)
		}
	}
	return resp, nil
}

func (c *client) getJSON(ctx context.Context, path string, out any) error {
	_, err := c.do(ctx, http.MethodGet, path, nil, nil, out, http.StatusOK)
	return err
}

func (c *client) sendJSON(ctx context.Context, method, path string, in, out any, want ...int) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, method, path, bytes.NewReader(b), http.Header{"Content-Type": {"application/json"}}, out, want...)
	return err
}

// asset is the part of an asset answer the load test reads.
type asset struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	SHA256    string `json:"sha256"`
	Bytes     int64  `json:"bytes"`
	Duplicate bool   `json:"duplicate"`
}

type searchPage struct {
	Items  []asset                   `json:"items"`
	Facets map[string]map[string]int `json:"facets"`
	Next   string                    `json:"next"`
	Total  int                       `json:"total"`
}

// upload is one file to send: its bytes are open() (a fresh reader each
// time), size long, with a known SHA-256.
type upload struct {
	Name   string
	Kind   string // "" lets the server decide
	Size   int64
	SHA256 string
	Open   func() (io.ReadCloser, error)
}

// uploadMultipart sends the file as POST /api/v1/assets and returns the new
// asset's id; a duplicate answer is an error (every file is distinct).
func (c *client) uploadMultipart(ctx context.Context, u upload) (string, error) {
	src, err := u.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			if u.Kind != "" {
				if err := mw.WriteField("kind", u.Kind); err != nil {
					return err
				}
			}
			w, err := mw.CreateFormFile("file", u.Name)
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, src); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	var a asset
	_, err = c.do(ctx, http.MethodPost, "/api/v1/assets", pr, http.Header{"Content-Type": {mw.FormDataContentType()}}, &a, http.StatusCreated, http.StatusOK)
	pr.CloseWithError(io.ErrClosedPipe)
	if err != nil {
		return "", err
	}
	return checkNew(u, a.ID, a.SHA256, a.Duplicate)
}

func checkNew(u upload, id, sha string, dup bool) (string, error) {
	switch {
	case dup:
		return "", fmt.Errorf("%s: answered duplicate of %s for a distinct file", u.Name, id)
	case id == "":
		return "", fmt.Errorf("%s: no asset id in the answer", u.Name)
	case sha != "" && sha != u.SHA256:
		return "", fmt.Errorf("%s: asset %s has sha256 %s, sent %s", u.Name, id, sha, u.SHA256)
	}
	return id, nil
}

// uploadTus sends the file with the tus 1.0 protocol as the upload page does
// (POST, then PATCH in 5 MiB chunks) and reads the outcome from the last
// PATCH's Upload-Result header.
func (c *client) uploadTus(ctx context.Context, u upload) (string, error) {
	meta := "filename " + base64.StdEncoding.EncodeToString([]byte(u.Name))
	if u.Kind != "" {
		meta += ",kind " + base64.StdEncoding.EncodeToString([]byte(u.Kind))
	}
	hdr := http.Header{"Tus-Resumable": {"1.0.0"}, "Upload-Length": {strconv.FormatInt(u.Size, 10)}, "Upload-Metadata": {meta}}
	resp, err := c.do(ctx, http.MethodPost, "/api/v1/uploads", nil, hdr, nil, http.StatusCreated)
	if err != nil {
		return "", err
	}
	loc := resp.Header.Get("Location")
	lu, err := url.Parse(loc)
	if err != nil || loc == "" {
		return "", fmt.Errorf("tus create: Location %q", loc)
	}
	path := lu.RequestURI()
	src, err := u.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	buf := make([]byte, tusChunk)
	var off int64
	var result string
	for off < u.Size {
		n, err := io.ReadFull(src, buf[:min(int64(len(buf)), u.Size-off)])
		if err != nil {
			return "", fmt.Errorf("read %s: %w", u.Name, err)
		}
		hdr := http.Header{"Tus-Resumable": {"1.0.0"}, "Upload-Offset": {strconv.FormatInt(off, 10)},
			"Content-Type": {"application/offset+octet-stream"}}
		resp, err := c.do(ctx, http.MethodPatch, path, bytes.NewReader(buf[:n]), hdr, nil, http.StatusNoContent)
		if err != nil {
			return "", err
		}
		got, err := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
		if err != nil || got != off+int64(n) {
			return "", fmt.Errorf("tus PATCH %s: Upload-Offset %q, want %d", path, resp.Header.Get("Upload-Offset"), off+int64(n))
		}
		off = got
		result = resp.Header.Get("Upload-Result")
	}
	var r struct {
		Status  string `json:"status"`
		AssetID string `json:"asset_id"`
		Error   *struct {
			Code    string `json:"code"`
			Message string `json:"message_en"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(result), &r); err != nil {
		return "", fmt.Errorf("tus %s: Upload-Result %q: %v", u.Name, result, err)
	}
	switch r.Status {
	case "new":
		return checkNew(u, r.AssetID, "", false)
	case "duplicate":
		return checkNew(u, r.AssetID, "", true)
	default:
		if r.Error != nil {
			return "", fmt.Errorf("tus %s: %s: %s: %s", u.Name, r.Status, r.Error.Code, r.Error.Message)
		}
		return "", fmt.Errorf("tus %s: Upload-Result %s", u.Name, result)
	}
}
