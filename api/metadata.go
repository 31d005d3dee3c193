package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// maxMetaBody bounds a metadata request (captions are at most a few KB).
const maxMetaBody = 1 << 20

// patchAsset changes an asset's metadata and answers the asset.
func (s *Server) patchAsset(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok || !s.allowed(c, catalog.ActEditMetadata, a) {
		return
	}
	var p MetadataPatch
	if !decodeJSON(c, &p) {
		return
	}
	m, err := s.db.EditMetadata(c.Request.Context(), a.ID, p.edit(), principal(c), s.cfg.Languages, s.cfg.Glossary)
	if err != nil {
		s.failMeta(c, err)
		return
	}
	if err := s.suggestThemesFrom(c, a.ID, m); err != nil {
		s.fail(c, err)
		return
	}
	s.writeAsset(c, a.ID)
}

// bulkMetadata applies one patch to many assets, all or nothing.
func (s *Server) bulkMetadata(c *gin.Context) {
	var b BulkMetadata
	if !decodeJSON(c, &b) {
		return
	}
	if len(b.IDs) == 0 || len(b.IDs) > 1000 {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Cần từ 1 đến 1000 mã tư liệu trong \"ids\".", "Send 1 to 1000 asset ids in \"ids\".")
		return
	}
	p := principal(c)
	for _, id := range b.IDs {
		a, err := s.db.Asset(c.Request.Context(), id)
		if err != nil || !canSee(p, a.OrgID) {
			writeError(c, http.StatusNotFound, "not_found", "Không tìm thấy tư liệu "+id+"; không có gì được thay đổi.", "Asset "+id+" not found; nothing was changed.")
			return
		}
		if !s.allowed(c, catalog.ActEditMetadata, a) {
			return
		}
	}
	if err := s.db.EditMetadataMany(c.Request.Context(), b.IDs, b.Set.edit(), p, s.cfg.Languages, s.cfg.Glossary); err != nil {
		s.failMeta(c, err)
		return
	}
	for _, id := range b.IDs {
		if err := s.suggestThemes(c, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"updated": len(b.IDs), "ids": b.IDs})
}

// decodeJSON reads a bounded JSON body with no unknown fields, or writes 400.
func decodeJSON(c *gin.Context, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxMetaBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "JSON không hợp lệ: "+err.Error(), "Invalid JSON: "+err.Error())
		return false
	}
	return true
}

func (s *Server) failMeta(c *gin.Context, err error) {
	var fe *catalog.FieldError
	switch {
	case errors.As(err, &fe):
		writeError(c, http.StatusUnprocessableEntity, "invalid_field", fmt.Sprintf("%s: %s", fe.Field, fe.Vi), fmt.Sprintf("%s: %s", fe.Field, fe.En))
	case errors.Is(err, catalog.ErrForbidden):
		writeError(c, http.StatusForbidden, "forbidden", "Chỉ biên tập viên và quản trị viên được duyệt bản dịch.", "Only curators and admins can mark translations reviewed.")
	default:
		s.fail(c, err)
	}
}

// writeAsset answers one asset with its renditions and metadata.
func (s *Server) writeAsset(c *gin.Context, id string) {
	ctx := c.Request.Context()
	a, err := s.db.Asset(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	files, err := s.db.Files(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.db.Metadata(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	ts, err := s.db.Themes(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := toAsset(a)
	out.Renditions = toRenditions(a.ID, files)
	out.Metadata = toMetadata(m, s.cfg.Languages)
	out.Themes = s.themeViews(ts)
	c.JSON(http.StatusOK, out)
}
