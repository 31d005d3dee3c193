package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/xmp"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/storage"
)

// serveWithMetadata streams a stored JPEG or MP4 with the asset's metadata
// written into it.
func (s *Server) serveWithMetadata(c *gin.Context, a catalog.Asset, f catalog.File) {
	ctx := c.Request.Context()
	m, err := s.db.Metadata(ctx, a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	x := export.XMP(a, m, export.EmbedOptions{Langs: s.cfg.Languages, StripLocation: c.Query("location") == "omit"})
	if _, err := xmp.Packet(x); err != nil { // refuse before the first byte goes out
		s.fail(c, err)
		return
	}
	r, _, err := s.store.Open(ctx, f.StorageKey)
	if err != nil {
		s.fail(c, &ingest.Error{Code: ingest.CodeStorage, Vi: "Kho lưu trữ tạm thời không truy cập được.", En: "Storage is temporarily unavailable.", Err: err})
		return
	}
	defer r.Close()
	c.Header("Content-Type", f.MIME)
	c.Header("Content-Disposition", storage.ContentDisposition(renditionFileName(a, f)))
	c.Header("Cache-Control", "private, no-cache") // metadata can change under the same URL
	c.Header("X-Content-Type-Options", "nosniff")
	c.Status(http.StatusOK)
	if strings.HasPrefix(f.MIME, "video/") {
		err = xmp.AppendMP4(c.Writer, r, x)
	} else {
		err = xmp.EmbedJPEG(c.Writer, r, x)
	}
	if err != nil { // headers are gone: cut the response short so the client sees a broken download
		s.log.Error("serve rendition", "asset", a.ID, "rendition", f.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
}
