package api_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/testenv"
	"github.com/quangba/quangba/transcode"
)

// lockedBuffer collects log lines written from the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLoggedFixture is newFixture with every component logging, at debug
// level, into the returned buffer, and resumable uploads on.
func newLoggedFixture(t *testing.T) (*fixture, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store := localStore(t)
	te := testenv.New(t, store, nil)
	cfg := ingest.DefaultConfig()
	tc := transcode.DefaultConfig()
	tc.WorkDir = filepath.Join(te.Dir, "work")
	subs := transcode.NewSubtitles(transcode.SubtitleConfig{}, te.DB, store)
	jobs, err := transcode.New(tc, transcode.CatalogQueue{DB: te.DB}, te.DB, store, te.Ingest, subs, log)
	if err != nil {
		t.Fatal(err)
	}
	themesYAML, err := os.ReadFile("../configs/themes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	themes, err := theme.Parse(themesYAML)
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := profile.LoadFS(os.DirFS("../configs"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	byID := profile.ByID(profiles)
	exp := &export.Exporter{DB: te.DB, Store: store, Profiles: byID, Themes: themes}
	s := api.New(api.Config{MaxUploadBytes: cfg.MaxVideoBytes + 1<<20, Themes: themes, Export: exp,
		Uploads: api.UploadConfig{Dir: filepath.Join(te.Dir, "uploads")}}, te.DB, te.Ingest, jobs, subs, store, log)
	f := &fixture{srv: httptest.NewServer(s.Handler()), db: te.DB, jobs: jobs}
	t.Cleanup(f.srv.Close)
	f.contribA = token(t, te.DB, "Báo Đắk Lắk", catalog.RoleContributor)
	f.cu = token(t, te.DB, "Sở VHTTDL", catalog.RoleCurator)
	return f, logs
}

var tokenInPage = regexp.MustCompile(`qb_[a-z2-7]{32}`)

// TestNoSecretsInLogs runs a day's worth of requests through the real
// handlers, with every component logging at debug level, and then looks for
// every secret that crossed the wire in the log text: passwords (right,
// wrong, typed into the login field, changed, reset), bearer tokens (also
// sent as ?token= and ?access_token=, which nothing accepts), session and
// CSRF cookies and fields, the signature of signed download URLs and the
// secrets of newly created tokens.
func TestNoSecretsInLogs(t *testing.T) {
	f, logs := newLoggedFixture(t)
	webUser(t, f, "Sở VHTTDL", "quan.tri", "Quản trị", catalog.RoleAdmin)
	lan := webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	secrets := map[string]string{"password": webPassword, "contributor token": f.contribA, "curator token": f.cu}

	// Failed logins: a wrong password, and a password typed into the login field.
	const wrongPassword, passwordAsLogin = "Sai mật khẩu Ea Súp 77", "Mật khẩu gõ nhầm ô 42"
	secrets["wrong password"], secrets["password typed as login"] = wrongPassword, passwordAsLogin
	b := newBrowser(t, f)
	b.get("/")
	if resp, _ := b.post("/login", url.Values{"login": {"lan.anh"}, "password": {wrongPassword}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/login", url.Values{"login": {passwordAsLogin}, "password": {webPassword}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("password as login: %d", resp.StatusCode)
	}
	su, _ := url.Parse(f.srv.URL)
	for _, c := range b.c.Jar.Cookies(su) {
		if c.Name == "qb_csrf" {
			secrets["login csrf cookie"] = c.Value
		}
	}
	b.login("lan.anh", webPassword)
	for _, c := range b.c.Jar.Cookies(su) {
		if c.Name == "qb_session" {
			secrets["session cookie"] = c.Value
		}
	}
	secrets["session csrf"] = b.csrf

	// Uploads with the cookie and with a token, multipart and tus.
	photo := read(t, "images/orientation/recurser_Landscape_1.jpg")
	resp, body := f.upload(t, f.contribA, "hồ Lắk.jpg", photo, nil, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	a := decode[uploadResult](t, body).Asset
	gps := read(t, "images/gps/mde_HTC_Desire.jpg")
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/uploads", nil)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.Itoa(len(gps)))
	req.Header.Set("Upload-Metadata", tusMeta("filename", "buôn Đôn.jpg"))
	req.Header.Set("X-CSRF-Token", b.csrf)
	resp, _ = b.do(req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("tus create with the cookie: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPatch, f.srv.URL+resp.Header.Get("Location"), bytes.NewReader(gps))
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Offset", "0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("X-CSRF-Token", b.csrf)
	if resp, _ = b.do(req); resp.StatusCode != http.StatusNoContent {
		t.Errorf("tus patch with the cookie: %d", resp.StatusCode)
	}
	bad := []byte("không phải ảnh")
	req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/uploads", nil)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.Itoa(len(bad)))
	req.Header.Set("Upload-Metadata", tusMeta("filename", "giả.jpg"))
	resp, _ = f.do(t, req, f.contribA, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("tus create with a token: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPatch, f.srv.URL+resp.Header.Get("Location"), bytes.NewReader(bad))
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Offset", "0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	if resp, _ = f.do(t, req, f.contribA, nil); resp.StatusCode != http.StatusNoContent || !strings.Contains(resp.Header.Get("Upload-Result"), "refused") {
		t.Errorf("tus refused upload: %d %q", resp.StatusCode, resp.Header.Get("Upload-Result"))
	}
	f.drain(t)

	// Signed download URLs: used, tampered with, and cut off.
	resp, _ = f.get(t, f.contribA, "/api/v1/assets/"+a.ID+"/original")
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("sig") == "" {
		t.Fatalf("original: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	secrets["signature"] = loc.Query().Get("sig")
	if resp, _ := f.get(t, "", loc.String()); resp.StatusCode != http.StatusOK {
		t.Errorf("signed URL: %d", resp.StatusCode)
	}
	q := loc.Query()
	q.Set("sig", strings.Repeat("A", len(secrets["signature"])))
	tampered := *loc
	tampered.RawQuery = q.Encode()
	if resp, _ := f.get(t, "", tampered.String()); resp.StatusCode == http.StatusOK {
		t.Errorf("tampered signed URL: %d", resp.StatusCode)
	}
	q = loc.Query()
	q.Set("exp", "1")
	tampered.RawQuery = q.Encode()
	if resp, _ := f.get(t, "", tampered.String()); resp.StatusCode == http.StatusOK {
		t.Errorf("expired signed URL: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, f.cu, "/api/v1/assets/"+a.ID+"/renditions/preview"); resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusFound {
		t.Errorf("rendition: %d", resp.StatusCode)
	}

	// Tokens in the query string are not credentials.
	for _, p := range []string{"/api/v1/me?token=", "/api/v1/me?access_token=", "/api/v1/assets?token=", "/blobs/x?token="} {
		if resp, _ := f.get(t, "", p+url.QueryEscape(f.contribA)); resp.StatusCode == http.StatusOK {
			t.Errorf("%s<token>: %d, want a refusal", p, resp.StatusCode)
		}
	}
	if resp, _ := f.get(t, "qb_"+strings.Repeat("z", 32), "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
	secrets["unknown token"] = "qb_" + strings.Repeat("z", 32)

	// New tokens: over the API (with the cookie) and on the account page.
	resp, s := b.api(http.MethodPost, "/api/v1/me/tokens", `{"label": "máy dựng"}`, map[string]string{"X-CSRF-Token": b.csrf})
	nt := decode[struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}](t, []byte(s))
	if resp.StatusCode != http.StatusCreated || nt.Token == "" {
		t.Fatalf("create token: %d %s", resp.StatusCode, s)
	}
	secrets["new API token"] = nt.Token
	if resp, _ := f.get(t, nt.Token, "/api/v1/me"); resp.StatusCode != http.StatusOK {
		t.Errorf("new token: %d", resp.StatusCode)
	}
	_, page := b.post("/account/tokens", url.Values{"label": {"máy tính bảng"}})
	if m := tokenInPage.FindString(page); m != "" {
		secrets["new page token"] = m
	} else if _, page = b.get("/account"); tokenInPage.FindString(page) != "" {
		secrets["new page token"] = tokenInPage.FindString(page)
	} else {
		t.Error("the account page did not show the new token")
	}
	if resp, _ := b.api(http.MethodDelete, fmt.Sprint("/api/v1/me/tokens/", nt.ID), "", map[string]string{"X-CSRF-Token": b.csrf}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, nt.Token, "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", resp.StatusCode)
	}

	// A forged CSRF token, a password change, an admin's reset, logout.
	const forged = "csrf-forged-value-Krông-Pắc"
	secrets["forged csrf"] = forged
	if resp, _ := b.api(http.MethodPatch, "/api/v1/assets/"+a.ID, `{"creator": "x"}`, map[string]string{"X-CSRF-Token": forged}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged csrf: %d", resp.StatusCode)
	}
	const changed, reset = "Đổi sang mật khẩu Lắk 2027", "Đặt lại bởi quản trị Cư M'gar"
	secrets["changed password"], secrets["reset password"] = changed, reset
	if resp, _ := b.post("/account/password", url.Values{"old": {webPassword}, "new": {changed}, "new2": {changed}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("password change: %d", resp.StatusCode)
	}
	adm := newBrowser(t, f)
	adm.login("quan.tri", webPassword)
	for _, c := range adm.c.Jar.Cookies(su) {
		if c.Name == "qb_session" {
			secrets["admin session cookie"] = c.Value
		}
	}
	if resp, _ := adm.post(fmt.Sprint("/admin/users/", lan.ID, "/password"), url.Values{"password": {reset}, "password2": {reset}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("admin reset: %d", resp.StatusCode)
	}
	if resp, _ := adm.post("/admin/users", url.Values{"org": {"Báo Đắk Lắk"}, "login": {"hoa.le"}, "name": {"Hoa Lê"}, "role": {"contributor"}, "password": {"Mật khẩu người mới Ea H'leo"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("admin creates a user: %d", resp.StatusCode)
	}
	secrets["new user's password"] = "Mật khẩu người mới Ea H'leo"
	if resp, _ := adm.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	// The old session after logout, as a thief would send it.
	req, _ = http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: "qb_session", Value: secrets["admin session cookie"]})
	if resp, _ := f.do(t, req, "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("session after logout: %d", resp.StatusCode)
	}
	f.srv.Close() // every handler has returned and logged

	text := logs.String()
	if !strings.Contains(text, "path=/api/v1/me") || !strings.Contains(text, "path=/login") || !strings.Contains(text, "/blobs/") {
		t.Fatalf("the log did not capture the requests:\n%s", text)
	}
	for what, v := range secrets {
		if v == "" {
			t.Errorf("%s: not captured by the scenario", what)
			continue
		}
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v), strconv.Quote(v)} {
			if strings.Contains(text, form) {
				t.Errorf("the %s (%q) is in the log", what, form)
			}
		}
	}
	// A truncated token in a log line is still most of a credential: the
	// first half of each random secret must not appear either.
	for what, v := range secrets {
		if strings.Contains(what, "password") || strings.Contains(what, "forged") {
			continue // words people chose, whose halves could be ordinary text
		}
		if len(v) >= 16 && strings.Contains(text, v[:len(v)/2]) {
			t.Errorf("half of the %s is in the log", what)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", text)
	}
}
