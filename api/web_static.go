package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticFile is an embedded file with its version (a hash of its bytes).
type staticFile struct {
	body    []byte
	mime    string
	version string
}

// loadStatic reads every file under dir, keyed by its path under dir.
func loadStatic(fsys fs.FS, dir string) (map[string]staticFile, error) {
	out := map[string]staticFile{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[strings.TrimPrefix(p, dir+"/")] = staticFile{body: b, mime: ct, version: hex.EncodeToString(sum[:6])}
		return nil
	})
	return out, err
}

// serveStatic serves an embedded static file. A URL with the current
// version (?v=, as View.Static writes it) may be cached for a year; any
// other is revalidated against its ETag.
func (s *Server) serveStatic(c *gin.Context) {
	f, ok := s.web.static[strings.TrimPrefix(c.Param("path"), "/")]
	if !ok {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("404"))
		return
	}
	etag := `"` + f.version + `"`
	h := c.Writer.Header()
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if c.Query("v") == f.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, f.mime, f.body)
}
