package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/storage"
)

// packer lets only curators and admins near packages: they may hold other
// organisations' work.
func (s *Server) packer(c *gin.Context) {
	if s.cfg.Export == nil {
		writeError(c, http.StatusServiceUnavailable, "export_unavailable", "Chức năng xuất gói chưa được cấu hình.", "Export is not configured.")
		return
	}
	if p := principal(c); p.Role != catalog.RoleCurator && p.Role != catalog.RoleAdmin {
		writeError(c, http.StatusForbidden, "forbidden", "Chỉ biên tập viên và quản trị viên được lập gói và xuất tư liệu.",
			"Only curators and admins can build packages and export.")
		return
	}
	c.Next()
}

// createPackage makes an empty package for a profile.
func (s *Server) createPackage(c *gin.Context) {
	var req PackageRequest
	if !decodeJSON(c, &req) {
		return
	}
	if req.Name == nil || req.Profile == nil {
		writeError(c, http.StatusBadRequest, "bad_request", "Cần tên gói (name.vi) và hồ sơ nộp (profile).", "A package needs a name (name.vi) and a profile.")
		return
	}
	if _, err := s.cfg.Export.Profile(*req.Profile); err != nil {
		s.failPackage(c, err)
		return
	}
	p := catalog.Package{Name: *req.Name, Profile: *req.Profile}
	if err := s.db.CreatePackage(c.Request.Context(), &p, principal(c)); err != nil {
		s.failPackage(c, err)
		return
	}
	c.Header("Location", "/api/v1/packages/"+p.ID)
	s.writePackage(c, http.StatusCreated, p.ID)
}

// listPackages answers the packages, most recently changed first.
func (s *Server) listPackages(c *gin.Context) {
	ps, err := s.db.Packages(c.Request.Context(), 200)
	if err != nil {
		s.failPackage(c, err)
		return
	}
	out := make([]Package, 0, len(ps))
	for _, p := range ps {
		prof, _ := s.cfg.Export.Profile(p.Profile)
		out = append(out, Package{ID: p.ID, Name: p.Name, Profile: toProfileRef(prof, p.Profile), Org: p.OrgName, CreatedBy: p.CreatedBy,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, AssetIDs: nonNilStrings(p.AssetIDs), Exports: []Export{}, Submissions: []Submission{}})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

func (s *Server) getPackage(c *gin.Context) { s.writePackage(c, http.StatusOK, c.Param("id")) }

// patchPackage renames a package or moves it to another profile.
func (s *Server) patchPackage(c *gin.Context) {
	var req PackageRequest
	if !decodeJSON(c, &req) {
		return
	}
	if req.Profile != nil {
		if _, err := s.cfg.Export.Profile(*req.Profile); err != nil {
			s.failPackage(c, err)
			return
		}
	}
	if _, err := s.db.UpdatePackage(c.Request.Context(), c.Param("id"), catalog.PackageChange{Name: req.Name, Profile: req.Profile}, principal(c)); err != nil {
		s.failPackage(c, err)
		return
	}
	s.writePackage(c, http.StatusOK, c.Param("id"))
}

// addPackageAssets adds approved, unrestricted assets; others are refused
// one by one with the reason.
func (s *Server) addPackageAssets(c *gin.Context) {
	var req PackageAssetsRequest
	if !decodeJSON(c, &req) {
		return
	}
	if len(req.AssetIDs) == 0 {
		writeError(c, http.StatusBadRequest, "bad_request", "Danh sách asset_ids trống.", "asset_ids is empty.")
		return
	}
	added, refused, err := s.db.AddToPackage(c.Request.Context(), c.Param("id"), req.AssetIDs, principal(c))
	if err != nil {
		s.failPackage(c, err)
		return
	}
	out := make([]gin.H, 0, len(refused))
	for _, r := range refused {
		msg := r.Vi
		if lang(c) == "en" {
			msg = r.En
		}
		out = append(out, gin.H{"asset_id": r.AssetID, "code": r.Code, "message": msg, "message_vi": r.Vi, "message_en": r.En})
	}
	status := http.StatusOK
	if len(added) == 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, gin.H{"added": nonNilStrings(added), "refused": out})
}

func (s *Server) removePackageAsset(c *gin.Context) {
	if err := s.db.RemoveFromPackage(c.Request.Context(), c.Param("id"), c.Param("asset_id"), principal(c)); err != nil {
		s.failPackage(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// packageValidation answers the package checked against its profile.
func (s *Server) packageValidation(c *gin.Context) {
	plan, err := s.cfg.Export.Plan(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.failPackage(c, err)
		return
	}
	c.JSON(http.StatusOK, toValidation(plan))
}

// writePackage answers a package with its validation, exports and
// submissions.
func (s *Server) writePackage(c *gin.Context, status int, id string) {
	ctx := c.Request.Context()
	plan, err := s.cfg.Export.Plan(ctx, id)
	if err != nil {
		s.failPackage(c, err)
		return
	}
	p := plan.Package
	out := Package{ID: p.ID, Name: p.Name, Profile: toProfileRef(plan.Profile, p.Profile), Org: p.OrgName, CreatedBy: p.CreatedBy,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, AssetIDs: nonNilStrings(p.AssetIDs), Validation: toValidation(plan),
		Exports: []Export{}, Submissions: []Submission{}}
	es, err := s.db.Exports(ctx, id)
	if err != nil {
		s.failPackage(c, err)
		return
	}
	for _, e := range es {
		out.Exports = append(out.Exports, toExport(e))
	}
	subs, err := s.db.Submissions(ctx, id)
	if err != nil {
		s.failPackage(c, err)
		return
	}
	for _, sub := range subs {
		out.Submissions = append(out.Submissions, toSubmission(sub))
	}
	c.JSON(status, out)
}

// postExport checks the package and starts its bundle in the background:
// 202 with the export to poll, or 409 with the findings that block it.
func (s *Server) postExport(c *gin.Context) {
	var req ExportRequest
	if !decodeJSON(c, &req) {
		return
	}
	if req.Format == "" {
		req.Format = "zip"
	}
	actor := principal(c)
	plan, e, err := s.cfg.Export.Start(c.Request.Context(), export.Request{PackageID: c.Param("id"), Format: req.Format,
		AckAll: req.AcknowledgeWarnings, Acknowledge: req.Acknowledge}, actor)
	var be *export.BlockedError
	if errors.As(err, &be) {
		s.writeBlocked(c, be)
		return
	}
	if err != nil {
		s.failPackage(c, err)
		return
	}
	go s.buildExport(plan, e, actor)
	loc := "/api/v1/packages/" + e.PackageID + "/exports/" + strconv.Itoa(e.N)
	c.Header("Location", loc)
	c.JSON(http.StatusAccepted, toExport(e))
}

// buildExport runs one bundle at a time per server; the others wait.
func (s *Server) buildExport(plan *export.Plan, e catalog.Export, actor catalog.Principal) {
	s.exporting <- struct{}{}
	defer func() { <-s.exporting }()
	if _, err := s.cfg.Export.Build(context.Background(), plan, e, nil, actor); err != nil {
		s.log.Error("export failed", "package", e.PackageID, "export", e.N, "err", err)
		return
	}
	s.log.Info("export done", "package", e.PackageID, "export", e.N)
}

func (s *Server) writeBlocked(c *gin.Context, be *export.BlockedError) {
	vi, en := "Gói chưa đạt yêu cầu của hồ sơ nộp; hãy sửa các lỗi trước khi xuất.", "The package does not meet its profile; fix the errors before exporting."
	code := "validation_failed"
	if be.Errors == 0 {
		code = "warnings_unacknowledged"
		vi, en = "Gói còn cảnh báo chưa được xác nhận; hãy xem và xác nhận trước khi xuất.", "The package has warnings nobody acknowledged; review and acknowledge them before exporting."
	}
	msg := vi
	if lang(c) == "en" {
		msg = en
	}
	c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": errorDetail{Code: code, Message: msg, MessageVi: vi, MessageEn: en},
		"findings": be.Findings, "unacknowledged": nonNilStrings(be.Unacknowledged)})
}

// listExports answers a package's exports, newest first.
func (s *Server) listExports(c *gin.Context) {
	es, err := s.db.Exports(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.failPackage(c, err)
		return
	}
	out := make([]Export, 0, len(es))
	for _, e := range es {
		out = append(out, toExport(e))
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// getExport redirects to the bundle once it is ready (?info=1 answers the
// export's record instead); 202 while it is being built.
func (s *Server) getExport(c *gin.Context) {
	ctx := c.Request.Context()
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		writeError(c, http.StatusNotFound, "not_found", "Không có lần xuất này.", "No such export.")
		return
	}
	e, err := s.db.Export(ctx, c.Param("id"), n)
	if err != nil {
		s.failPackage(c, err)
		return
	}
	switch {
	case c.Query("info") != "":
		c.JSON(http.StatusOK, toExport(e))
	case e.Status == catalog.ExportRunning:
		c.Header("Retry-After", "2")
		c.JSON(http.StatusAccepted, toExport(e))
	case e.Status == catalog.ExportFailed:
		vi, en := export.FailureMessage(e.Error)
		writeError(c, http.StatusConflict, "export_failed", vi, en)
	default:
		s.redirectToBundle(c, e)
	}
}

func (s *Server) redirectToBundle(c *gin.Context, e catalog.Export) {
	p, err := s.db.Package(c.Request.Context(), e.PackageID)
	if err != nil {
		s.failPackage(c, err)
		return
	}
	u, err := s.store.SignedURL(c.Request.Context(), e.StorageKey, storage.URLOptions{TTL: s.cfg.URLTTL,
		FileName: export.FileName(p, e.N, e.Format), ContentType: "application/zip"})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusFound, u)
}

// postSubmission records that an export was sent to its destination.
func (s *Server) postSubmission(c *gin.Context) {
	var req SubmissionRequest
	if !decodeJSON(c, &req) {
		return
	}
	sub := catalog.Submission{PackageID: c.Param("id"), Export: req.Export, Destination: req.Destination, Reference: req.Reference,
		Date: req.Date, Note: req.Note}
	if err := s.db.AddSubmission(c.Request.Context(), &sub, principal(c)); err != nil {
		s.failPackage(c, err)
		return
	}
	c.JSON(http.StatusCreated, toSubmission(sub))
}

// failPackage writes err with package wording for "not found".
func (s *Server) failPackage(c *gin.Context, err error) {
	var pe *catalog.PermissionError
	switch {
	case errors.As(err, &pe):
		writeError(c, http.StatusForbidden, "forbidden", pe.Vi, pe.En)
	case errors.Is(err, catalog.ErrNotFound):
		writeError(c, http.StatusNotFound, "not_found", "Không tìm thấy gói, lần xuất hoặc tư liệu: "+err.Error(), "Package, export or asset not found: "+err.Error())
	default:
		s.fail(c, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
