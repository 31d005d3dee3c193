package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// createAsset streams one multipart "file" part into ingest. The optional
// kind comes as ?kind= or as a form field sent before the file.
func (s *Server) createAsset(c *gin.Context) {
	p := principal(c)
	if c.Request.ContentLength > s.cfg.MaxUploadBytes { // refuse before the client sends it all
		s.fail(c, tooLargeRequest(s.cfg.MaxUploadBytes))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxUploadBytes)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Cần gửi tệp dạng multipart/form-data, trường \"file\".",
			"Send the file as multipart/form-data in the field \"file\".")
		return
	}
	req := ingest.Request{Kind: c.Query("kind"), Org: catalog.Org{ID: p.OrgID, Name: p.OrgName}, Uploader: p}
	res, found, err := s.ingestParts(c, mr, req)
	switch {
	case err != nil:
		s.fail(c, err)
	case !found:
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Thiếu tệp: trường \"file\" trống.", "No file: the \"file\" field is missing.")
	case res.Duplicate && !canSee(p, res.Asset.OrgID):
		// Another organisation's unpublished work: say so, show nothing of it.
		writeError(c, http.StatusConflict, "duplicate_elsewhere",
			"Tệp này đã được một đơn vị khác gửi lên trước đó; không cần gửi lại.",
			"This file was already submitted by another organisation; there is no need to send it again.")
	case res.Duplicate:
		c.JSON(http.StatusOK, UploadResult{Asset: toAsset(res.Asset), Duplicate: true})
	default:
		c.JSON(http.StatusCreated, UploadResult{Asset: toAsset(res.Asset)})
	}
}

func (s *Server) ingestParts(c *gin.Context, mr *multipart.Reader, req ingest.Request) (ingest.Result, bool, error) {
	var res ingest.Result
	found := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return res, found, nil
		}
		if err != nil {
			return res, found, badMultipart(err)
		}
		switch part.FormName() {
		case "kind":
			v, _ := io.ReadAll(io.LimitReader(part, 64))
			req.Kind = strings.TrimSpace(string(v))
		case "file":
			if found {
				return res, found, ingestErr(ingest.CodeBadRequest, "Mỗi yêu cầu chỉ gửi một tệp.", "Send one file per request.")
			}
			found = true
			req.FileName = part.FileName()
			if res, err = s.ingest.Ingest(c.Request.Context(), req, part); err != nil {
				return res, found, err
			}
		}
		part.Close()
	}
}

func badMultipart(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLargeRequest(mbe.Limit)
	}
	return &ingest.Error{Code: ingest.CodeBadRequest, Vi: "Dữ liệu multipart không hợp lệ.", En: "Malformed multipart body.", Err: err}
}

func tooLargeRequest(limit int64) error {
	mb := limit >> 20
	return &ingest.Error{Code: ingest.CodeTooLarge,
		Vi: fmt.Sprintf("Yêu cầu quá lớn: tối đa %d MiB mỗi tệp.", mb), En: fmt.Sprintf("Request too large: at most %d MiB per file.", mb)}
}

func ingestErr(code, vi, en string) error { return &ingest.Error{Code: code, Vi: vi, En: en} }

// pageLimit reads ?limit= (0 when absent); it writes 400 and reports false
// when it is not a positive whole number.
func pageLimit(c *gin.Context) (int, bool) {
	l := c.Query("limit")
	if l == "" {
		return 0, true
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "limit phải là số nguyên dương.", "limit must be a positive whole number.")
		return 0, false
	}
	return n, true
}

// visibleAsset loads the asset named in the path if the caller may see it;
// otherwise it writes 404 (not 403, so existence does not leak).
func (s *Server) visibleAsset(c *gin.Context) (catalog.Asset, bool) {
	a, err := s.db.Asset(c.Request.Context(), c.Param("id"))
	if err == nil && !catalog.Can(principal(c), catalog.ActView, a) {
		err = fmt.Errorf("%w: asset %s", catalog.ErrNotFound, c.Param("id"))
	}
	if err != nil {
		s.fail(c, err)
		return catalog.Asset{}, false
	}
	return a, true
}

// getAsset answers one asset with its renditions and metadata.
func (s *Server) getAsset(c *gin.Context) {
	if a, ok := s.visibleAsset(c); ok {
		s.writeAsset(c, a.ID)
	}
}

// getOriginal redirects to a short-lived signed URL of the original.
func (s *Server) getOriginal(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok {
		return
	}
	f, err := s.db.Original(c.Request.Context(), a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectToBlob(c, f, a.RawFileName)
}
