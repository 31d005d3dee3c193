package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode"
)

// Jobs queues work for the transcode workers: trailer cuts and subtitled
// renditions.
type Jobs interface {
	RequestCut(ctx context.Context, r transcode.CutRequest) (catalog.Job, error)
	RequestSubtitled(ctx context.Context, a catalog.Asset, burn string, actor catalog.Principal) (catalog.Job, error)
}

// getRendition serves a named rendition with the asset's current metadata
// embedded (XMP and IPTC-IIM in a JPEG, an XMP box in an MP4), so an edit
// shows in the next download without reprocessing the pixels.
// ?location=omit leaves out GPS and the precise place.
func (s *Server) getRendition(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok {
		return
	}
	files, err := s.db.Files(c.Request.Context(), a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, f := range files {
		if f.Role == "rendition" && f.Name == c.Param("name") {
			s.serveWithMetadata(c, a, f)
			return
		}
	}
	vi, en := "Chưa có bản "+c.Param("name")+" của tư liệu này.", "This asset has no rendition "+c.Param("name")+"."
	if a.Status == catalog.StatusProcessing {
		vi, en = vi+" Tư liệu đang được xử lý; thử lại sau.", en+" It is still being processed; try again later."
	}
	writeError(c, http.StatusNotFound, "not_found", vi, en)
}

// renditionFileName offers "<name>_<rendition>.<ext>" for download.
func renditionFileName(a catalog.Asset, f catalog.File) string {
	ext := ".jpg"
	if f.MIME == "video/mp4" {
		ext = ".mp4"
	}
	return stem(a.RawFileName) + "_" + f.Name + ext
}

func (s *Server) redirectToBlob(c *gin.Context, f catalog.File, name string) {
	u, err := s.store.SignedURL(c.Request.Context(), f.StorageKey, storage.URLOptions{TTL: s.cfg.URLTTL, FileName: name, ContentType: f.MIME})
	if err != nil {
		s.fail(c, &ingest.Error{Code: ingest.CodeStorage, Vi: "Kho lưu trữ tạm thời không truy cập được.", En: "Storage is temporarily unavailable.", Err: err})
		return
	}
	c.Redirect(http.StatusFound, u)
}

// createCut queues a trailer cut of a clip: 202 with the job to poll.
func (s *Server) createCut(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok || !s.allowed(c, catalog.ActCut, a) {
		return
	}
	var req CutRequest
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Start == nil || req.End == nil {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, `Cần gửi JSON {"start": giây, "end": giây}.`, `Send JSON {"start": seconds, "end": seconds}.`)
		return
	}
	p := principal(c)
	j, err := s.jobs.RequestCut(c.Request.Context(), transcode.CutRequest{Source: a, Start: seconds(*req.Start), End: seconds(*req.End),
		ActorID: p.UserID, OrgID: p.OrgID})
	if err != nil {
		s.failCut(c, a, err)
		return
	}
	c.Header("Location", toJob(j).Links.Self)
	c.JSON(http.StatusAccepted, toJob(j))
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func (s *Server) failCut(c *gin.Context, a catalog.Asset, err error) {
	switch {
	case errors.Is(err, transcode.ErrNotVideo):
		writeError(c, http.StatusUnprocessableEntity, ingest.CodeKindMismatch, "Chỉ cắt được trailer từ video.", "Trailers can only be cut from a clip.")
	case errors.Is(err, transcode.ErrBadRange):
		d := a.Duration.Seconds()
		writeError(c, http.StatusUnprocessableEntity, transcode.CodeBadRange,
			fmt.Sprintf("Đoạn cắt không hợp lệ: cần 0 ≤ start < end ≤ %s giây và dài ít nhất %s giây.", viNumber(d), viNumber(transcode.MinCut.Seconds())),
			fmt.Sprintf("Invalid range: need 0 ≤ start < end ≤ %.3f seconds and at least %.1f seconds long.", d, transcode.MinCut.Seconds()))
	default:
		s.fail(c, err)
	}
}

// viNumber writes a number the Vietnamese way: decimal comma.
func viNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	for i := range s {
		if s[i] == '.' {
			return s[:i] + "," + s[i+1:]
		}
	}
	return s
}

// listJobs is for curators and admins.
func (s *Server) listJobs(c *gin.Context) {
	if !principal(c).SeesAllOrgs() {
		writeError(c, http.StatusForbidden, "forbidden", "Chỉ biên tập viên và quản trị viên xem được hàng đợi.", "Only curators and admins can see the job queue.")
		return
	}
	limit, ok := pageLimit(c)
	if !ok {
		return
	}
	q := catalog.JobQuery{State: c.Query("state"), AssetID: c.Query("asset"), Cursor: c.Query("cursor"), Limit: limit}
	jobs, next, err := s.db.ListJobs(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := JobPage{Items: make([]Job, 0, len(jobs)), Next: next}
	for _, j := range jobs {
		page.Items = append(page.Items, toJob(j))
	}
	c.JSON(http.StatusOK, page)
}

// visibleJob loads the job in the path if the caller may see it: curators
// and admins see all, contributors the jobs of their organisation.
func (s *Server) visibleJob(c *gin.Context) (catalog.Job, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		writeError(c, http.StatusNotFound, "not_found", "Không tìm thấy công việc.", "Job not found.")
		return catalog.Job{}, false
	}
	j, err := s.db.Job(c.Request.Context(), id)
	if err == nil && !s.canSeeJob(c, j) {
		err = catalog.ErrNotFound
	}
	if errors.Is(err, catalog.ErrNotFound) {
		writeError(c, http.StatusNotFound, "not_found", "Không tìm thấy công việc.", "Job not found.")
		return catalog.Job{}, false
	}
	if err != nil {
		s.fail(c, err)
		return catalog.Job{}, false
	}
	return j, true
}

func (s *Server) canSeeJob(c *gin.Context, j catalog.Job) bool {
	p := principal(c)
	if p.SeesAllOrgs() || (j.OrgID != 0 && j.OrgID == p.OrgID) {
		return true
	}
	if j.AssetID == "" {
		return false
	}
	a, err := s.db.Asset(c.Request.Context(), j.AssetID)
	return err == nil && a.OrgID == p.OrgID
}

func (s *Server) getJob(c *gin.Context) {
	if j, ok := s.visibleJob(c); ok {
		c.JSON(http.StatusOK, toJob(j))
	}
}

// retryJob queues a failed job again (curators and admins).
func (s *Server) retryJob(c *gin.Context) {
	if !principal(c).SeesAllOrgs() {
		writeError(c, http.StatusForbidden, "forbidden", "Chỉ biên tập viên và quản trị viên được chạy lại công việc.", "Only curators and admins can retry jobs.")
		return
	}
	j, ok := s.visibleJob(c)
	if !ok {
		return
	}
	j, err := s.db.RetryJob(c.Request.Context(), j.ID)
	if errors.Is(err, catalog.ErrInvalid) {
		writeError(c, http.StatusConflict, "not_failed", "Chỉ chạy lại được công việc đã thất bại.", "Only a failed job can be retried.")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toJob(j))
}
