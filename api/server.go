// Package api serves the HTTP API (JSON under /api/v1, bearer tokens),
// health checks and signed downloads, on top of the ingest stage, the
// catalogue and the blob store.
package api

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode"
)

//go:embed openapi.yaml
var openapiDoc []byte

// Config shapes the HTTP layer.
type Config struct {
	MaxUploadBytes int64             // a request body larger than this is cut off with 413 (default: the video limit plus 1 MiB)
	URLTTL         time.Duration     // how long download links stay valid (default: 15 minutes)
	Languages      []string          // metadata languages, the first is the default (default: vi, en)
	Glossary       catalog.Suggester // suggests translations of short fields (optional)
	Themes         *theme.Taxonomy   // the theme tree (optional: no themes)
	Export         *export.Exporter  // packages and bundles (optional: 503 on package routes)
	Uploads        UploadConfig      // resumable (tus) uploads under /api/v1/uploads/
	UploadsPerUser int               // upload requests one user may have in flight (default: DefaultUploadsPerUser)
	Web            WebConfig         // web pages and their sessions (web.go)
}

// SignedBlobs is implemented by stores whose signed URLs we serve ourselves
// (the local backend).
type SignedBlobs interface {
	VerifySigned(key string, q url.Values, now time.Time) (storage.URLOptions, error)
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg    Config
	db     *catalog.DB
	ingest *ingest.Service
	jobs   Jobs
	subs   *transcode.Subtitles
	store  storage.Store
	log    *slog.Logger

	exporting chan struct{} // one bundle is built at a time
	uploads   *uploadSlots  // upload requests in flight per user

	accounts *catalog.Accounts // logins and browser sessions
	web      *webUI            // templates, messages and static files of the pages
}

// New returns a Server.
func New(cfg Config, db *catalog.DB, in *ingest.Service, jobs Jobs, subs *transcode.Subtitles, store storage.Store, log *slog.Logger) *Server {
	if cfg.URLTTL <= 0 {
		cfg.URLTTL = 15 * time.Minute
	}
	if len(cfg.Languages) == 0 {
		cfg.Languages = []string{"vi", "en"}
	}
	cfg.Web = cfg.Web.withDefaults()
	return &Server{cfg: cfg, db: db, ingest: in, jobs: jobs, subs: subs, store: store, log: log, exporting: make(chan struct{}, 1),
		accounts: db.Accounts(catalog.AccountOptions{IdleTimeout: cfg.Web.SessionIdle, Lifetime: cfg.Web.SessionLifetime}),
		web:      mustLoadWeb(cfg.Web), uploads: newUploadSlots(cfg.UploadsPerUser)}
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.SetTrustedProxies(nil) // the client address is the peer's: X-Forwarded-For cannot dodge login throttling
	r.Use(s.logRequests, gin.CustomRecovery(s.recovered))
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	if sb, ok := s.store.(SignedBlobs); ok {
		r.GET("/blobs/*key", s.blob(sb))
		r.HEAD("/blobs/*key", s.blob(sb))
	}
	r.GET("/api/v1/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml; charset=utf-8", openapiDoc) })
	v1 := r.Group("/api/v1", s.authenticate)
	v1.POST("/assets", s.uploadSlot, s.createAsset)
	v1.GET("/assets", s.searchAssets)
	v1.GET("/assets/:id", s.getAsset)
	v1.PATCH("/assets/:id", s.patchAsset)
	v1.PUT("/assets/:id/themes", s.putThemes)
	v1.GET("/themes", s.listThemes)
	v1.GET("/reports/activity", s.activityReport)
	v1.POST("/assets/:id/review", s.postReview)
	v1.GET("/assets/:id/history", s.assetHistory)
	v1.GET("/review/queue", s.reviewQueue)
	v1.POST("/assets/metadata", s.bulkMetadata)
	v1.GET("/assets/:id/original", s.getOriginal)
	v1.GET("/assets/:id/renditions/:name", s.getRendition)
	v1.POST("/assets/:id/cuts", s.createCut)
	v1.POST("/assets/:id/subtitles", s.postSubtitles)
	v1.GET("/assets/:id/subtitles", s.listSubtitles)
	v1.GET("/assets/:id/subtitles/:name", s.getSubtitleFile)
	v1.POST("/assets/:id/subtitles/:name/fix", s.fixSubtitles)
	v1.POST("/assets/:id/subtitled", s.postSubtitled)
	v1.GET("/jobs", s.listJobs)
	v1.GET("/jobs/:id", s.getJob)
	v1.POST("/jobs/:id/retry", s.retryJob)
	pk := v1.Group("/packages", s.packer)
	pk.POST("", s.createPackage)
	pk.GET("", s.listPackages)
	pk.GET("/:id", s.getPackage)
	pk.PATCH("/:id", s.patchPackage)
	pk.POST("/:id/assets", s.addPackageAssets)
	pk.DELETE("/:id/assets/:asset_id", s.removePackageAsset)
	pk.GET("/:id/validation", s.packageValidation)
	pk.POST("/:id/export", s.postExport)
	pk.GET("/:id/exports", s.listExports)
	pk.GET("/:id/exports/:n", s.getExport)
	pk.POST("/:id/submissions", s.postSubmission)
	s.uploadRoutes(r)
	s.webRoutes(r)
	r.NoRoute(s.notFound)
	return r
}

// notFound answers an unknown address: a page for browsers, JSON for the API.
func (s *Server) notFound(c *gin.Context) {
	const vi, en = "Không tìm thấy địa chỉ này.", "No such endpoint."
	if !strings.HasPrefix(c.Request.URL.Path, "/api/") && strings.Contains(c.GetHeader("Accept"), "text/html") {
		s.pageHeaders(c)
		s.renderError(c, http.StatusNotFound, "Không tìm thấy trang này.", "No such page.")
		return
	}
	writeError(c, http.StatusNotFound, "not_found", vi, en)
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Info("http", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(),
		"bytes", c.Writer.Size(), "ms", time.Since(start).Milliseconds())
}

func (s *Server) recovered(c *gin.Context, err any) {
	if err == http.ErrAbortHandler { // a download failed half-way: drop the connection
		panic(err)
	}
	s.log.Error("panic in handler", "path", c.Request.URL.Path, "panic", err)
	writeError(c, http.StatusInternalServerError, ingest.CodeInternal, "Lỗi hệ thống; vui lòng thử lại sau.", "Internal error; please try again later.")
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{"database": "ok", "storage": "ok"}
	status := http.StatusOK
	if err := s.db.Ping(ctx); err != nil {
		checks["database"], status = err.Error(), http.StatusServiceUnavailable
	}
	if err := s.store.Ping(ctx); err != nil {
		checks["storage"], status = err.Error(), http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"ready": status == http.StatusOK, "checks": checks})
}
