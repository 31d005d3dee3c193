package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	expslog "golang.org/x/exp/slog"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// Resumable uploads (tus 1.0, https://tus.io) under /api/v1/uploads/. The
// browser sends a file in chunks of UploadChunkBytes; a dropped connection
// keeps the bytes received so far and the client resumes from the offset a
// HEAD reports. The partial file lives in UploadConfig.Dir on local disk;
// when its last byte arrives the file goes through ingest in place, exactly
// like a multipart upload, and the outcome is kept for the client to read
// (GET /api/v1/uploads/{id}/result, and the Upload-Result header of the
// final PATCH).

// UploadChunkBytes is the chunk size the upload page sends: below the
// request body limits of common reverse proxies (nginx's client_max_body_size
// must be raised to at least 6m in front of Quảng Bá).
const UploadChunkBytes = 5 << 20

const (
	uploadsBase     = "/api/v1/uploads/"
	ownerMetaKey    = "quangba_owner" // the creating user's id, stored in the upload's .info
	maxMetaHeader   = 8 << 10         // the whole Upload-Metadata header, encoded
	maxFileNameMeta = 1024            // bytes of the filename metadata
	maxKindMeta     = 32
	maxRelPathMeta  = 4096
	cleanupEvery    = 5 * time.Minute
)

// UploadConfig shapes resumable uploads.
type UploadConfig struct {
	Dir         string        // partial uploads (default: quangba-uploads in the system temp folder; serve uses data_dir/uploads)
	ExpireAfter time.Duration // a partial upload untouched this long is deleted (default: 24h)
	KeepResults time.Duration // outcomes of finished uploads are kept this long (default: 7 days)
}

// uploadIDPattern is the shape of filestore's ids (16 random bytes, hex).
var uploadIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

type uploadCtxKey struct{}

// uploadCtx travels from the gin handler into tusd's hooks in the request
// context.
type uploadCtx struct {
	p  catalog.Principal
	rc *http.ResponseController
}

// UploadOutcome is the answer of GET /api/v1/uploads/{id}/result.
type UploadOutcome struct {
	ID       string       `json:"id"`
	Status   string       `json:"status"` // uploading, processing, new, duplicate, refused
	FileName string       `json:"file_name,omitempty"`
	Offset   *int64       `json:"offset,omitempty"` // uploading: bytes received so far
	Length   int64        `json:"length,omitempty"`
	Asset    *Asset       `json:"asset,omitempty"` // new or duplicate (when the uploader may see it)
	Error    *errorDetail `json:"error,omitempty"` // refused, or a duplicate of another organisation's asset
}

// uploadConfig fills in defaults.
func (s *Server) uploadConfig() UploadConfig {
	u := s.cfg.Uploads
	if u.Dir == "" {
		u.Dir = filepath.Join(os.TempDir(), "quangba-uploads")
	}
	if u.ExpireAfter <= 0 {
		u.ExpireAfter = 24 * time.Hour
	}
	if u.KeepResults <= 0 {
		u.KeepResults = 7 * 24 * time.Hour
	}
	return u
}

// uploadRoutes mounts the tus endpoints. OPTIONS (protocol discovery) is
// public; everything else needs a signed-in user, and an upload is visible
// only to the user who created it.
func (s *Server) uploadRoutes(r *gin.Engine) {
	h, err := s.newTus()
	g := r.Group("/api/v1/uploads")
	if err != nil {
		s.log.Error("resumable uploads are off", "err", err)
		off := func(c *gin.Context) {
			writeError(c, http.StatusServiceUnavailable, ingest.CodeInternal, "Tải lên từng phần tạm thời không dùng được.", "Resumable uploads are unavailable.")
		}
		g.Any("", off)
		g.Any("/*rest", off)
		return
	}
	options := s.tusServe(h.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	g.OPTIONS("", options)
	g.OPTIONS("/:id", options)
	a := g.Group("", s.authenticate)
	a.POST("", s.uploadSlot, s.createUpload(s.tusServe(h.Middleware(http.HandlerFunc(h.PostFile)))))
	a.HEAD("/:id", s.ownUpload, s.tusServe(h.Middleware(http.HandlerFunc(h.HeadFile))))
	a.PATCH("/:id", s.ownUpload, s.uploadSlot, s.tusServe(h.Middleware(http.HandlerFunc(h.PatchFile))))
	a.DELETE("/:id", s.ownUpload, s.tusServe(h.Middleware(http.HandlerFunc(h.DelFile))))
	a.GET("/:id/result", s.uploadResult)
}

func (s *Server) newTus() (*tusd.UnroutedHandler, error) {
	store := filestore.New(s.uploadConfig().Dir) // it creates the folder with the first upload
	store.DirModePerm, store.FileModePerm = 0o700, 0o600
	composer := tusd.NewStoreComposer()
	store.UseIn(composer)
	memorylocker.New().UseIn(composer) // one process serves uploads; a new request asks a stuck one to let go
	return tusd.NewUnroutedHandler(tusd.Config{
		StoreComposer:             composer,
		BasePath:                  uploadsBase,
		MaxSize:                   s.cfg.MaxUploadBytes,
		DisableDownload:           true,
		DisableConcatenation:      true,
		Cors:                      &tusd.CorsConfig{Disable: true},                      // same origin only
		Logger:                    expslog.New(expslog.NewTextHandler(io.Discard, nil)), // its per-request lines; failures are logged by the hooks
		PreUploadCreateCallback:   s.preUploadCreate,
		PreFinishResponseCallback: s.preFinish,
	})
}

// tusServe hands the request to tusd with the upload id as the path (tusd
// expects the base path stripped) and the principal in the context.
func (s *Server) tusServe(h http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("X-HTTP-Method-Override") != "" {
			writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Không hỗ trợ X-HTTP-Method-Override.", "X-HTTP-Method-Override is not supported.")
			return
		}
		r := c.Request
		uc := &uploadCtx{rc: http.NewResponseController(c.Writer)}
		if p, ok := c.Get(principalKey); ok {
			uc.p = p.(catalog.Principal)
		}
		r2 := r.WithContext(context.WithValue(r.Context(), uploadCtxKey{}, uc))
		u2 := *r.URL
		u2.Path, u2.RawPath = c.Param("id"), ""
		r2.URL = &u2
		h.ServeHTTP(relativeLocation{c.Writer}, r2)
		c.Abort()
	}
}

// createUpload refuses an upload longer than the limit before tusd sees it,
// with the bilingual message of the multipart path, and caps the metadata.
func (s *Server) createUpload(next gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if n, err := strconv.ParseInt(c.GetHeader("Upload-Length"), 10, 64); err == nil && n > s.cfg.MaxUploadBytes {
			s.fail(c, tooLargeRequest(s.cfg.MaxUploadBytes))
			return
		}
		if len(c.GetHeader("Upload-Metadata")) > maxMetaHeader {
			writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Upload-Metadata quá dài.", "Upload-Metadata is too long.")
			return
		}
		next(c)
	}
}

// preUploadCreate keeps the known metadata, checks its lengths and records
// the creating user.
func (s *Server) preUploadCreate(hook tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	uc, _ := hook.Context.Value(uploadCtxKey{}).(*uploadCtx)
	if uc == nil || uc.p.UserID == 0 {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(hook, http.StatusUnauthorized, "unauthorized", "Cần đăng nhập.", "Sign in first.")
	}
	in := hook.Upload.MetaData
	name := in["filename"]
	if name == "" {
		name = in["name"]
	}
	switch {
	case strings.TrimSpace(name) == "":
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(hook, http.StatusBadRequest, ingest.CodeBadRequest,
			"Thiếu tên tệp (Upload-Metadata: filename).", "The file name is missing (Upload-Metadata: filename).")
	case len(name) > maxFileNameMeta || !utf8.ValidString(name):
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(hook, http.StatusBadRequest, ingest.CodeBadRequest,
			fmt.Sprintf("Tên tệp quá dài hoặc không hợp lệ (tối đa %d byte).", maxFileNameMeta),
			fmt.Sprintf("The file name is too long or not valid UTF-8 (at most %d bytes).", maxFileNameMeta))
	case len(in["kind"]) > maxKindMeta:
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(hook, http.StatusBadRequest, ingest.CodeBadRequest,
			"Loại tư liệu không hợp lệ.", "Invalid kind.")
	}
	out := tusd.MetaData{"filename": name, ownerMetaKey: strconv.FormatInt(uc.p.UserID, 10)}
	if k := strings.TrimSpace(in["kind"]); k != "" {
		out["kind"] = k
	}
	if rp := in["relativePath"]; rp != "" && utf8.ValidString(rp) {
		out["relativePath"] = truncateUTF8(rp, maxRelPathMeta)
	}
	return tusd.HTTPResponse{}, tusd.FileInfoChanges{MetaData: out}, nil
}

// preFinish ingests the finished file in place, deletes the partial upload
// and records the outcome; the final PATCH answers 204 either way (the bytes
// did arrive) with the outcome in the Upload-Result header.
func (s *Server) preFinish(hook tusd.HookEvent) (tusd.HTTPResponse, error) {
	info := hook.Upload
	uc, _ := hook.Context.Value(uploadCtxKey{}).(*uploadCtx)
	if uc == nil || uc.p.UserID == 0 {
		return tusd.HTTPResponse{}, tusError(hook, http.StatusUnauthorized, "unauthorized", "Cần đăng nhập.", "Sign in first.")
	}
	if uc.rc != nil { // a large video takes a while to hash and store: let the response wait
		_ = uc.rc.SetWriteDeadline(time.Time{})
	}
	p := uc.p
	// Finish even if the client goes away now: the outcome is kept for it.
	ctx := context.WithoutCancel(hook.Context)
	row := catalog.UploadResult{ID: info.ID, UserID: p.UserID, FileName: info.MetaData["filename"], Bytes: info.Size, Status: catalog.UploadProcessing}
	if err := s.db.PutUploadResult(ctx, row); err != nil {
		s.log.Error("upload result", "upload", info.ID, "err", err)
	}
	req := ingest.Request{FileName: info.MetaData["filename"], Kind: info.MetaData["kind"], Org: catalog.Org{ID: p.OrgID, Name: p.OrgName}, Uploader: p}
	res, err := s.ingest.IngestFile(ctx, req, info.Storage[filestore.StorageKeyPath])
	removeUpload(info.Storage[filestore.StorageKeyPath], info.Storage[filestore.StorageKeyInfoPath])
	switch {
	case err != nil:
		e := ingest.AsError(err)
		if status, ok := statusOf[e.Code]; !ok || status >= 500 {
			s.log.Error("resumable upload failed", "upload", info.ID, "code", e.Code, "err", err)
		}
		row.Status, row.ErrorCode, row.MessageVi, row.MessageEn = catalog.UploadRefused, e.Code, e.Vi, e.En
	case res.Duplicate && !canSee(p, res.Asset.OrgID):
		row.Status, row.ErrorCode, row.MessageVi, row.MessageEn = catalog.UploadDuplicate, "duplicate_elsewhere",
			"Tệp này đã được một đơn vị khác gửi lên trước đó; không cần gửi lại.",
			"This file was already submitted by another organisation; there is no need to send it again."
	case res.Duplicate:
		row.Status, row.AssetID = catalog.UploadDuplicate, res.Asset.ID
	default:
		row.Status, row.AssetID = catalog.UploadNew, res.Asset.ID
	}
	if err := s.db.PutUploadResult(ctx, row); err != nil {
		s.log.Error("upload result", "upload", info.ID, "err", err)
	}
	return tusd.HTTPResponse{Header: tusd.HTTPHeader{"Upload-Result": resultHeader(row)}}, nil
}

// ownUpload lets a request through only to an upload of the caller's; any
// other (or unknown) id is 404. A HEAD for an upload already finished and
// ingested answers "complete" so a client retrying after a lost final
// response does not send the file again.
func (s *Server) ownUpload(c *gin.Context) {
	id, p := c.Param("id"), principal(c)
	if !uploadIDPattern.MatchString(id) {
		uploadNotFound(c)
		return
	}
	info, err := s.readUploadInfo(id)
	if err == nil {
		if info.MetaData[ownerMetaKey] != strconv.FormatInt(p.UserID, 10) {
			uploadNotFound(c)
			return
		}
		c.Next()
		return
	}
	if c.Request.Method == http.MethodHead {
		if row, err := s.db.UploadResultByID(c.Request.Context(), id); err == nil && row.UserID == p.UserID {
			n := strconv.FormatInt(row.Bytes, 10)
			c.Header("Tus-Resumable", "1.0.0")
			c.Header("Cache-Control", "no-store")
			c.Header("Upload-Offset", n)
			c.Header("Upload-Length", n)
			c.Header("Upload-Result", resultHeader(row))
			c.AbortWithStatus(http.StatusOK)
			return
		}
	}
	uploadNotFound(c)
}

// uploadResult answers what became of an upload.
func (s *Server) uploadResult(c *gin.Context) {
	id, p := c.Param("id"), principal(c)
	if !uploadIDPattern.MatchString(id) {
		uploadNotFound(c)
		return
	}
	ctx := c.Request.Context()
	row, err := s.db.UploadResultByID(ctx, id)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		s.fail(c, err)
		return
	}
	if err != nil || row.UserID != p.UserID {
		if info, ierr := s.readUploadInfo(id); ierr == nil && info.MetaData[ownerMetaKey] == strconv.FormatInt(p.UserID, 10) {
			off := partialSize(s.uploadConfig().Dir, id)
			c.JSON(http.StatusOK, UploadOutcome{ID: id, Status: "uploading", FileName: info.MetaData["filename"], Offset: &off, Length: info.Size})
			return
		}
		uploadNotFound(c)
		return
	}
	out := UploadOutcome{ID: id, Status: row.Status, FileName: row.FileName, Length: row.Bytes}
	if row.AssetID != "" {
		if a, err := s.db.Asset(ctx, row.AssetID); err == nil && canSee(p, a.OrgID) {
			v := toAsset(a)
			out.Asset = &v
		}
	}
	if row.ErrorCode != "" {
		out.Error = &errorDetail{Code: row.ErrorCode, Message: pick(lang(c), row.MessageVi, row.MessageEn), MessageVi: row.MessageVi, MessageEn: row.MessageEn}
	}
	c.JSON(http.StatusOK, out)
}

// RunUploadCleanup deletes abandoned partial uploads and old outcomes now
// and every few minutes until ctx ends.
func (s *Server) RunUploadCleanup(ctx context.Context) {
	t := time.NewTicker(cleanupEvery)
	defer t.Stop()
	for {
		if n, err := s.CleanUploads(ctx, time.Now()); err != nil {
			s.log.Warn("upload cleanup", "err", err)
		} else if n > 0 {
			s.log.Info("abandoned uploads deleted", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CleanUploads deletes the partial uploads nobody wrote to for
// UploadConfig.ExpireAfter before now (data and .info) and the outcomes
// older than KeepResults; it returns how many uploads went.
func (s *Server) CleanUploads(ctx context.Context, now time.Time) (int, error) {
	u := s.uploadConfig()
	entries, err := os.ReadDir(u.Dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	latest := map[string]time.Time{} // upload id → last change of any of its files
	files := map[string][]string{}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		id := e.Name()
		if i := strings.IndexByte(id, '.'); i >= 0 {
			id = id[:i]
		}
		files[id] = append(files[id], filepath.Join(u.Dir, e.Name()))
		if fi.ModTime().After(latest[id]) {
			latest[id] = fi.ModTime()
		}
	}
	cutoff, n := now.Add(-u.ExpireAfter), 0
	var errs []error
	for id, t := range latest {
		if !t.Before(cutoff) {
			continue
		}
		for _, f := range files[id] {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		n++
	}
	if _, err := s.db.DeleteUploadResultsBefore(ctx, now.Add(-u.KeepResults)); err != nil {
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

func (s *Server) readUploadInfo(id string) (tusd.FileInfo, error) {
	var info tusd.FileInfo
	b, err := os.ReadFile(filepath.Join(s.uploadConfig().Dir, id+".info"))
	if err != nil {
		return info, err
	}
	return info, json.Unmarshal(b, &info)
}

func partialSize(dir, id string) int64 {
	if fi, err := os.Stat(filepath.Join(dir, id)); err == nil {
		return fi.Size()
	}
	return 0
}

func removeUpload(paths ...string) {
	for _, p := range paths {
		if p != "" {
			os.Remove(p)
		}
	}
}

func uploadNotFound(c *gin.Context) {
	writeError(c, http.StatusNotFound, "not_found", "Không tìm thấy lượt tải lên này.", "No such upload.")
}

// tusError is a refusal from a tusd hook, with this API's JSON error body.
func tusError(hook tusd.HookEvent, status int, code, vi, en string) tusd.Error {
	msg := vi
	if strings.HasPrefix(strings.ToLower(hook.HTTPRequest.Header.Get("Accept-Language")), "en") {
		msg = en
	}
	body, _ := json.Marshal(errorBody{Error: errorDetail{Code: code, Message: msg, MessageVi: vi, MessageEn: en}})
	return tusd.Error{ErrorCode: code, Message: en, HTTPResponse: tusd.HTTPResponse{StatusCode: status, Body: string(body),
		Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}
}

// resultHeader is the outcome as one-line JSON in ASCII (non-ASCII
// characters escaped as \uXXXX), fit for an HTTP header.
func resultHeader(r catalog.UploadResult) string {
	v := struct {
		Status  string       `json:"status"`
		AssetID string       `json:"asset_id,omitempty"`
		Error   *errorDetail `json:"error,omitempty"`
	}{Status: r.Status, AssetID: r.AssetID}
	if r.ErrorCode != "" {
		v.Error = &errorDetail{Code: r.ErrorCode, Message: r.MessageVi, MessageVi: r.MessageVi, MessageEn: r.MessageEn}
	}
	b, _ := json.Marshal(v)
	var sb strings.Builder
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case r <= 0xFFFF:
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			r -= 0x10000
			fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		}
	}
	return sb.String()
}

func pick(l, vi, en string) string {
	if l == "en" {
		return en
	}
	return vi
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// relativeLocation turns tusd's absolute Location (built from the Host
// header, wrong behind a TLS proxy) into a path.
type relativeLocation struct{ gin.ResponseWriter }

func (w relativeLocation) WriteHeader(code int) {
	if loc := w.Header().Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil && u.IsAbs() {
			w.Header().Set("Location", u.RequestURI())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w relativeLocation) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// UploadPage is the data of templates/upload.html.
type UploadPage struct {
	Endpoint   string // where tus-js-client creates uploads
	ChunkBytes int64  // PATCH body size
	MaxBytes   int64  // largest file accepted
	Parallel   int    // files sent at once
	UserID     int64  // part of the resume fingerprint, so two users of one browser do not mix
	ExpireMS   int64  // partial uploads older than this are gone from the server (the page forgets them)
}

// uploadPage is GET /upload (registered with the other pages in web_upload.go).
func (s *Server) uploadPage(c *gin.Context) {
	s.render(c, http.StatusOK, "upload", s.uploadPageData(c))
}

// uploadPageData is what GET /upload renders templates/upload.html with.
func (s *Server) uploadPageData(c *gin.Context) any {
	d := UploadPage{Endpoint: strings.TrimSuffix(uploadsBase, "/"), ChunkBytes: UploadChunkBytes, MaxBytes: s.cfg.MaxUploadBytes, Parallel: 3,
		ExpireMS: s.uploadConfig().ExpireAfter.Milliseconds()}
	if p, ok := c.Get(principalKey); ok {
		d.UserID = p.(catalog.Principal).UserID
	}
	return d
}
