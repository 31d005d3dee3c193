package seccheck

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/internal/testenv"
)

// The routes anyone may call; every other route needs a session or a token.
func public(method, path string) bool {
	switch {
	case method == http.MethodOptions,
		path == "/", path == "/login", path == "/lang",
		path == "/healthz", path == "/readyz", path == "/api/v1/openapi.yaml",
		strings.HasPrefix(path, "/static/"),
		strings.HasPrefix(path, "/blobs/"): // the signature is the credential
		return true
	}
	return false
}

// adminOnly and curatorOnly are the routes a role gate guards before any
// lookup; the rest are checked per asset and organisation
// (api TestSecurityIsolation) and per action (catalog TestPermissionMatrix).
func adminOnly(path string) bool { return path == "/admin" || strings.HasPrefix(path, "/admin/") }

func curatorOnly(method, path string) bool {
	switch {
	case strings.HasPrefix(path, "/api/v1/packages"), path == "/api/v1/review/queue", path == "/api/v1/reports/activity",
		method == http.MethodGet && path == "/api/v1/jobs", path == "/api/v1/jobs/:id/retry",
		path == "/review", // a decision on /review/:id is checked per asset, as on /assets/:id/review
		path == "/packages", strings.HasPrefix(path, "/packages/"),
		path == "/reports", strings.HasPrefix(path, "/reports/"):
		return true
	}
	return false
}

func fill(path string) string {
	for _, p := range []string{":id", ":asset_id", ":name", ":n", ":token", "*key", "*path"} {
		v := "1"
		if p == ":id" || p == ":asset_id" {
			v = "01JC0000000000000000000000"
		}
		path = strings.ReplaceAll(path, p, v)
	}
	return path
}

type caller struct {
	name  string
	token string       // API
	web   *http.Client // pages, with the session cookie
	csrf  string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func login(t *testing.T, base, login, password string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(p string) string {
		resp, err := c.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := csrfField.FindSubmatch(b)
		if m == nil {
			t.Fatalf("no csrf field on %s", p)
		}
		return html.UnescapeString(string(m[1]))
	}
	csrf := page("/")
	resp, err := c.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}, "csrf": {csrf}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %v %v", login, resp, err)
	}
	resp.Body.Close()
	return c, page("/account")
}

// TestEveryRouteNeedsItsRole walks every route the server has (a new
// route that fits none of the classes above fails here until it is
// classified): without credentials each non-public route answers 401 (API)
// or sends to the login page (pages) and never 2xx; a contributor gets 403
// on curator-only and admin-only routes and a curator on admin-only ones,
// through the API with a token and through the pages with a session and a
// valid CSRF token (so the 403 is the role's, not the CSRF check's); the
// role allowed is let through the gate.
func TestEveryRouteNeedsItsRole(t *testing.T) {
	te := testenv.New(t, testenv.LocalStore(t), nil)
	s := api.New(api.Config{MaxUploadBytes: 1 << 20, Export: &export.Exporter{DB: te.DB, Store: te.Store}, Uploads: api.UploadConfig{Dir: filepath.Join(te.Dir, "uploads")}},
		te.DB, te.Ingest, nil, nil, te.Store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := s.Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := context.Background()
	const pw = "Mật khẩu kiểm tra quyền 2026"
	users := map[string]string{catalog.RoleContributor: "phong.vien", catalog.RoleCurator: "bien.tap", catalog.RoleAdmin: "quan.tri"}
	callers := map[string]*caller{}
	for role, l := range users {
		if _, err := te.DB.CreateUser(ctx, catalog.NewUser{Org: "Sở VHTTDL", Login: l, Name: l, Role: role, Password: pw}); err != nil {
			t.Fatal(err)
		}
		nt, err := te.DB.CreateToken(ctx, "Sở VHTTDL", "", role)
		if err != nil {
			t.Fatal(err)
		}
		web, csrf := login(t, srv.URL, l, pw)
		callers[role] = &caller{name: role, token: nt.Secret, web: web, csrf: csrf}
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	send := func(c *http.Client, method, path, token, csrf string) *http.Response {
		var body io.Reader
		if method != http.MethodGet && method != http.MethodHead {
			body = strings.NewReader(url.Values{"csrf": {csrf}}.Encode())
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Accept", "text/html")
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		req.Header.Set("Tus-Resumable", "1.0.0")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	routes := h.(*gin.Engine).Routes()
	guarded := 0
	for _, r := range routes {
		path := fill(r.Path)
		isAPI := strings.HasPrefix(r.Path, "/api/")
		if public(r.Method, r.Path) {
			if resp := send(anon, r.Method, path, "", ""); resp.StatusCode >= 500 {
				t.Errorf("anonymous %s %s: %d", r.Method, r.Path, resp.StatusCode)
			}
			if strings.HasPrefix(r.Path, "/blobs/") {
				if resp := send(anon, r.Method, path, "", ""); resp.StatusCode < 400 {
					t.Errorf("anonymous %s %s without a signature: %d", r.Method, r.Path, resp.StatusCode)
				}
			}
			continue
		}
		guarded++
		resp := send(anon, r.Method, path, "", "")
		switch {
		case isAPI && resp.StatusCode != http.StatusUnauthorized:
			t.Errorf("anonymous %s %s: %d, want 401", r.Method, r.Path, resp.StatusCode)
		case !isAPI && (resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/")):
			t.Errorf("anonymous %s %s: %d %q, want 303 to the login page", r.Method, r.Path, resp.StatusCode, resp.Header.Get("Location"))
		}
		var refused, allowed []string
		switch {
		case adminOnly(r.Path):
			refused, allowed = []string{catalog.RoleContributor, catalog.RoleCurator}, []string{catalog.RoleAdmin}
		case curatorOnly(r.Method, r.Path):
			refused, allowed = []string{catalog.RoleContributor}, []string{catalog.RoleCurator, catalog.RoleAdmin}
		default:
			allowed = []string{catalog.RoleContributor, catalog.RoleCurator, catalog.RoleAdmin}
		}
		try := func(role string) *http.Response {
			c := callers[role]
			if isAPI {
				return send(anon, r.Method, path, c.token, "")
			}
			return send(c.web, r.Method, path, "", c.csrf)
		}
		for _, role := range refused {
			if resp := try(role); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s %s: %d, want 403", role, r.Method, r.Path, resp.StatusCode)
			}
		}
		for _, role := range allowed {
			if resp := try(role); resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden && !isAPIOwnershipRefusal(r.Path) {
				t.Errorf("%s %s %s: %d, want past the role gate", role, r.Method, r.Path, resp.StatusCode)
			}
		}
	}
	if guarded < 50 {
		t.Errorf("only %d guarded routes: the route list is not the server's", guarded)
	}
}

// isAPIOwnershipRefusal: tus uploads belong to the user who created them;
// another caller's (here: a made-up) upload id answers 403 or 404.
func isAPIOwnershipRefusal(path string) bool { return strings.HasPrefix(path, "/api/v1/uploads/") }
