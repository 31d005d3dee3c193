package api

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/storage"
)

// blob serves an object of the local store to whoever holds a valid signed
// URL, with range requests where the reader allows them.
func (s *Server) blob(sb SignedBlobs) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := strings.TrimPrefix(c.Param("key"), "/")
		opts, err := sb.VerifySigned(key, c.Request.URL.Query(), time.Now())
		if err != nil {
			writeError(c, http.StatusForbidden, "bad_signature", "Liên kết tải xuống không hợp lệ hoặc đã hết hạn.", "The download link is invalid or has expired.")
			return
		}
		rc, info, err := s.store.Open(c.Request.Context(), key)
		if errors.Is(err, storage.ErrNotFound) {
			writeError(c, http.StatusNotFound, "not_found", "Tệp không còn trong kho.", "The file is no longer in storage.")
			return
		}
		if err != nil {
			writeError(c, http.StatusServiceUnavailable, "storage_unavailable", "Kho lưu trữ tạm thời không truy cập được.", "Storage is temporarily unavailable.")
			return
		}
		defer rc.Close()
		serveBlob(c, rc, info, opts)
	}
}

func serveBlob(c *gin.Context, rc io.ReadCloser, info storage.Info, opts storage.URLOptions) {
	w := c.Writer
	ct := opts.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", storage.ContentDisposition(opts.FileName))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, c.Request, "", info.ModTime, rs)
		return
	}
	w.WriteHeader(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		io.Copy(w, rc)
	}
}
