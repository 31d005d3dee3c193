package api

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// webFiles holds the pages: templates/ (with the _*.html partials, which
// a directory pattern would leave out), static/ and i18n/.
//
//go:embed web web/templates/_*.html
var webFiles embed.FS

// WebConfig shapes the web pages and their browser sessions.
type WebConfig struct {
	// CookieSecure marks the session cookies Secure: "auto" (default) when
	// the request came over TLS or with X-Forwarded-Proto: https, "true"
	// always, "false" never.
	CookieSecure    string
	SessionIdle     time.Duration // a session unused this long ends (default: 12h)
	SessionLifetime time.Duration // a session ends this long after login (default: 7 days)
	// MediaOrigins are origins, such as "https://s3.example.org:9000",
	// that pages may load images and video from besides their own: the S3
	// endpoint when signed download URLs point there. They are added to
	// img-src and media-src of the Content-Security-Policy.
	MediaOrigins []string
}

func (w WebConfig) withDefaults() WebConfig {
	if w.CookieSecure == "" {
		w.CookieSecure = "auto"
	}
	if w.SessionIdle <= 0 {
		w.SessionIdle = 12 * time.Hour
	}
	if w.SessionLifetime <= 0 {
		w.SessionLifetime = 7 * 24 * time.Hour
	}
	return w
}

// webUI is what the pages need, loaded once at start.
type webUI struct {
	pages  map[string]*template.Template // by page name: layout.html plus templates/<name>.html
	msgs   messages
	static map[string]staticFile // by path under static/
	csp    string
}

// loadWeb parses the embedded templates, messages and static files.
func loadWeb(fsys fs.FS, cfg WebConfig) (*webUI, error) {
	msgs, err := loadMessages(fsys, "web/i18n")
	if err != nil {
		return nil, err
	}
	static, err := loadStatic(fsys, "web/static")
	if err != nil {
		return nil, err
	}
	ui := &webUI{msgs: msgs, static: static, csp: contentPolicy(cfg.MediaOrigins)}
	if ui.pages, err = parsePages(fsys, "web/templates"); err != nil {
		return nil, err
	}
	return ui, nil
}

// mustLoadWeb is loadWeb for New: the files are built in, so an error is
// a bug that must stop the start.
func mustLoadWeb(cfg WebConfig) *webUI {
	ui, err := loadWeb(webFiles, cfg)
	if err != nil {
		panic(fmt.Sprintf("api: web pages: %v", err))
	}
	return ui
}

// contentPolicy allows nothing inline and nothing from elsewhere, except
// media from the configured origins.
func contentPolicy(mediaOrigins []string) string {
	extra := ""
	for _, o := range mediaOrigins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			extra += " " + o
		}
	}
	return "default-src 'self'; img-src 'self' blob: data:" + extra + "; media-src 'self' blob:" + extra +
		"; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
}

// pageHeaders sets the security headers of every page.
func (s *Server) pageHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", s.web.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

// webRoutes adds the pages, their static files and the /api/v1/me routes.
func (s *Server) webRoutes(r *gin.Engine) {
	r.GET("/static/*path", s.serveStatic)
	w := r.Group("", s.pageHeaders)
	w.GET("/", s.loginPage)
	w.POST("/login", s.postLogin)
	w.POST("/lang", s.postLang)
	p := w.Group("", s.pageAuth)
	p.POST("/logout", s.postLogout)
	s.libraryPages(p) // web_library.go: /library, /assets/:id
	s.curatorPages(p) // web_curator.go: /review, /packages, /reports
	s.uploadPages(p)  // web_upload.go: /upload
	p.GET("/account", s.accountPage)
	p.POST("/account/password", s.postAccountPassword)
	p.POST("/account/tokens", s.postAccountToken)
	p.POST("/account/tokens/:id/revoke", s.postAccountRevoke)
	a := p.Group("/admin", s.adminOnly)
	a.GET("", s.adminPage)
	a.POST("/orgs", s.postAdminOrg)
	a.POST("/users", s.postAdminUser)
	a.GET("/users/:id", s.adminUserPage)
	a.POST("/users/:id/password", s.postAdminPassword)
	a.POST("/users/:id/disable", s.postAdminDisable)
	a.POST("/users/:id/enable", s.postAdminEnable)
	a.POST("/users/:id/tokens/:token/revoke", s.postAdminRevoke)
	a.GET("/jobs", s.adminJobsPage)
	a.POST("/jobs/:id/retry", s.postAdminRetry)
	me := r.Group("/api/v1/me", s.authenticate)
	me.GET("", s.getMe)
	me.GET("/tokens", s.listMyTokens)
	me.POST("/tokens", s.createMyToken)
	me.DELETE("/tokens/:id", s.revokeMyToken)
}
