package api_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
)

const webPassword = "Buôn Ma Thuột 2026"

// browser is a client with a cookie jar that does not follow redirects,
// as a person's browser on the fixture's server.
type browser struct {
	t    *testing.T
	f    *fixture
	c    *http.Client
	csrf string // the last csrf field seen on a page
}

func newBrowser(t *testing.T, f *fixture) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = html.UnescapeString(string(m[1]))
	}
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.f.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form; the csrf field is added unless the form has one.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login opens the login page and logs in; it fails the test unless the
// server sends the browser on with 303.
func (b *browser) login(login, password string) *http.Response {
	b.t.Helper()
	b.get("/")
	resp, body := b.post("/login", url.Values{"login": {login}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d %s", login, resp.StatusCode, body)
	}
	b.get("/account") // pick up the session's csrf
	return resp
}

func (b *browser) api(method, path, body string, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

func webUser(t *testing.T, f *fixture, org, login, name, role string) catalog.User {
	t.Helper()
	u, err := f.db.CreateUser(context.Background(), catalog.NewUser{Org: org, Login: login, Name: name, Role: role, Password: webPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestWebLoginFlow(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	b := newBrowser(t, f)

	resp, body := b.get("/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/login"`) || b.csrf == "" || !strings.Contains(body, `<html lang="vi">`) {
		t.Fatalf("login page: %d %s", resp.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff", "Referrer-Policy": "same-origin",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q; want %q", h, got, want)
		}
	}

	resp, body = b.post("/login", url.Values{"login": {"lan.anh"}, "password": {"wrong password!"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Tên đăng nhập hoặc mật khẩu không đúng.") || !strings.Contains(body, `value="lan.anh"`) {
		t.Errorf("wrong password: %d %s", resp.StatusCode, body)
	}
	resp, _ = b.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}, "csrf": {""}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without csrf: %d; want 403", resp.StatusCode)
	}
	resp, _ = b.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}, "csrf": {"forged"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login with a forged csrf: %d; want 403", resp.StatusCode)
	}

	resp, body = b.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/library" {
		t.Fatalf("login: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	c := cookieNamed(resp, "qb_session")
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("session cookie = %+v; want HttpOnly, SameSite=Lax, not Secure over plain HTTP, Path=/", c)
	}
	resp, body = b.get("/library")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Lan Anh") || !strings.Contains(body, "Báo Đắk Lắk") {
		t.Fatalf("library: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(body, `href="/admin"`) || strings.Contains(body, `href="/review"`) || !strings.Contains(body, `href="/upload"`) {
		t.Error("a contributor's nav shows admin or review, or no upload")
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/library" {
		t.Errorf("/ when logged in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	if resp, _ := b.post("/logout", url.Values{"csrf": {""}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout without csrf: %d; want 403", resp.StatusCode)
	}
	resp, _ = b.post("/logout", nil)
	if c := cookieNamed(resp, "qb_session"); resp.StatusCode != http.StatusSeeOther || c == nil || c.MaxAge >= 0 {
		t.Errorf("logout: %d, cookie %+v; want 303 and the cookie cleared", resp.StatusCode, c)
	}
	resp, _ = b.get("/library")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?next=%2Flibrary" {
		t.Errorf("library after logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Back to the page asked for, never to another site.
	b.get("/?next=%2Faccount")
	resp, _ = b.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}, "next": {"/account"}})
	if resp.Header.Get("Location") != "/account" {
		t.Errorf("login with next=/account went to %q", resp.Header.Get("Location"))
	}
	b2 := newBrowser(t, f)
	b2.get("/")
	resp, _ = b2.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}, "next": {"//evil.example/"}})
	if resp.Header.Get("Location") != "/library" {
		t.Errorf("login with next=//evil.example/ went to %q", resp.Header.Get("Location"))
	}
}

func TestWebSecureCookie(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	form := url.Values{"login": {"lan.anh"}, "password": {webPassword}, "csrf": {strings.Repeat("a", 43)}}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.AddCookie(&http.Cookie{Name: "qb_csrf", Value: strings.Repeat("a", 43)})
	resp, b := f.do(t, req, "", nil)
	c := cookieNamed(resp, "qb_session")
	if resp.StatusCode != http.StatusSeeOther || c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("login behind HTTPS: %d %s, cookie %+v; want Secure, HttpOnly, SameSite=Lax", resp.StatusCode, b, c)
	}
}

func TestWebThrottle(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	b := newBrowser(t, f)
	b.get("/")
	for i := 1; i <= 5; i++ {
		if resp, _ := b.post("/login", url.Values{"login": {"lan.anh"}, "password": {fmt.Sprint("wrong ", i)}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, resp.StatusCode)
		}
	}
	resp, body := b.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "thử lại sau 15 phút") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("sixth login: %d Retry-After=%q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestWebCSRFOnAPI(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	_, up := f.upload(t, f.contribA, "hồ.jpg", read(t, "images/orientation/recurser_Landscape_1.jpg"), nil, nil)
	a := decode[uploadResult](t, up)
	b := newBrowser(t, f)
	b.login("lan.anh", webPassword)
	patch := `{"title": {"vi": "Hồ Lắk", "en": "Lak Lake"}}`

	resp, body := b.api(http.MethodPatch, "/api/v1/assets/"+a.ID, patch, nil)
	if e := decode[errorBody](t, []byte(body)); resp.StatusCode != http.StatusForbidden || e.Error.Code != "csrf" || e.Error.MessageEn == "" || e.Error.MessageVi == "" {
		t.Errorf("cookie PATCH without X-CSRF-Token: %d %s; want 403 csrf", resp.StatusCode, body)
	}
	resp, body = b.api(http.MethodPatch, "/api/v1/assets/"+a.ID, patch, map[string]string{"X-CSRF-Token": "forged"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cookie PATCH with a forged token: %d %s", resp.StatusCode, body)
	}
	resp, body = b.api(http.MethodPatch, "/api/v1/assets/"+a.ID, patch, map[string]string{"X-CSRF-Token": b.csrf})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("cookie PATCH with X-CSRF-Token: %d %s", resp.StatusCode, body)
	}
	if resp, b := f.patch(t, f.contribA, "/api/v1/assets/"+a.ID, patch); resp.StatusCode != http.StatusOK {
		t.Errorf("bearer PATCH: %d %s", resp.StatusCode, b)
	}
	if resp, body := b.api(http.MethodGet, "/api/v1/assets/"+a.ID, "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("cookie GET: %d %s", resp.StatusCode, body)
	}

	// The caller and their tokens.
	resp, body = b.api(http.MethodGet, "/api/v1/me", "", nil)
	me := decode[apiMe](t, []byte(body))
	if resp.StatusCode != http.StatusOK || me.Name != "Lan Anh" || me.Login != "lan.anh" || me.Lang != "vi" || me.Auth != "session" || me.Organisation != "Báo Đắk Lắk" {
		t.Errorf("me: %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.api(http.MethodPost, "/api/v1/me/tokens", `{"label": "máy dựng"}`, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token without csrf: %d; want 403", resp.StatusCode)
	}
	resp, body = b.api(http.MethodPost, "/api/v1/me/tokens", `{"label": "máy dựng"}`, map[string]string{"X-CSRF-Token": b.csrf})
	nt := decode[struct {
		ID     int64  `json:"id"`
		Token  string `json:"token"`
		Prefix string `json:"prefix"`
		Label  string `json:"label"`
	}](t, []byte(body))
	if resp.StatusCode != http.StatusCreated || nt.Token == "" || !strings.HasPrefix(nt.Token, nt.Prefix) || nt.Label != "máy dựng" {
		t.Fatalf("create token: %d %s", resp.StatusCode, body)
	}
	resp, raw := f.get(t, nt.Token, "/api/v1/me")
	if me := decode[apiMe](t, raw); resp.StatusCode != http.StatusOK || me.Auth != "token" || me.Name != "Lan Anh" {
		t.Errorf("me by the new token: %d %s", resp.StatusCode, raw)
	}
	resp, body = b.api(http.MethodGet, "/api/v1/me/tokens", "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, nt.Prefix) || strings.Contains(body, nt.Token) {
		t.Errorf("list tokens: %d %s", resp.StatusCode, body)
	}
	resp, body = b.api(http.MethodDelete, fmt.Sprint("/api/v1/me/tokens/", nt.ID), "", map[string]string{"X-CSRF-Token": b.csrf})
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("revoke: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.get(t, nt.Token, "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d; want 401", resp.StatusCode)
	}
	if resp, body := b.api(http.MethodDelete, "/api/v1/me/tokens/99999", "", map[string]string{"X-CSRF-Token": b.csrf}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoke unknown token: %d %s", resp.StatusCode, body)
	}
}

type apiMe struct {
	Name, Login, Organisation, Role, Lang, Auth string
}

func TestWebAdmin(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Sở VHTTDL", "quan.tri", "Quản trị", catalog.RoleAdmin)
	lan := webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	adm, contrib := newBrowser(t, f), newBrowser(t, f)
	adm.login("quan.tri", webPassword)
	contrib.login("lan.anh", webPassword)

	if resp, body := contrib.get("/admin"); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Chỉ quản trị viên") {
		t.Errorf("contributor on /admin: %d %s", resp.StatusCode, body)
	}
	if resp, _ := contrib.get("/admin/jobs"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("contributor on /admin/jobs: %d", resp.StatusCode)
	}
	if resp, _ := contrib.post(fmt.Sprint("/admin/users/", lan.ID, "/disable"), nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("contributor disabling: %d", resp.StatusCode)
	}

	// An organisation and a user whose names try to inject markup.
	const evilOrg, evilName = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`
	resp, _ := adm.post("/admin/orgs", url.Values{"name": {evilOrg}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("create org: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := adm.get("/admin")
	if !strings.Contains(body, "Đã tạo đơn vị.") {
		t.Error("no flash after creating the organisation")
	}
	if resp, _ := adm.post("/admin/orgs", url.Values{"name": {evilOrg}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("duplicate org: %d", resp.StatusCode)
	}
	if _, body := adm.get("/admin"); !strings.Contains(body, "Đã có đơn vị tên này.") {
		t.Error("no error flash for a duplicate organisation")
	}
	resp, _ = adm.post("/admin/users", url.Values{"org": {evilOrg}, "login": {"xss.user"}, "name": {evilName}, "role": {"curator"}, "password": {webPassword}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/users/") {
		t.Fatalf("create user: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = adm.get("/admin")
	if strings.Contains(body, evilOrg) || strings.Contains(body, "<img src=x") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
		!strings.Contains(body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("admin page does not escape names:\n%s", body)
	}
	if resp, _ := adm.post("/admin/users", url.Values{"org": {evilOrg}, "login": {"x"}, "role": {"curator"}, "password": {webPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("bad user: %d", resp.StatusCode)
	}
	if _, body := adm.get("/admin"); !strings.Contains(body, "Tên đăng nhập phải dài") {
		t.Error("no error flash for a too short login")
	}
	if nu, err := f.db.UserByLogin(context.Background(), "xss.user"); err != nil || nu.Role != catalog.RoleCurator || nu.OrgName != evilOrg {
		t.Errorf("created user = %+v, %v", nu, err)
	}

	// Tokens: the contributor makes one, the admin sees and revokes it.
	resp, body = contrib.post("/account/tokens", url.Values{"label": {"máy dựng phim"}})
	secret := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || secret == nil {
		t.Fatalf("create token on /account: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.get(t, secret[1], "/api/v1/me"); resp.StatusCode != http.StatusOK {
		t.Errorf("new token: %d", resp.StatusCode)
	}
	if _, body := contrib.get("/account"); strings.Contains(body, secret[1]) || !strings.Contains(body, secret[1][:12]) {
		t.Error("the account page shows the secret again, or not its prefix")
	}
	userPage := fmt.Sprint("/admin/users/", lan.ID)
	_, body = adm.get(userPage)
	if !strings.Contains(body, secret[1][:12]) || !strings.Contains(body, "máy dựng phim") {
		t.Errorf("admin's user page does not list the token:\n%s", body)
	}
	tokens, _ := f.db.UserTokens(context.Background(), lan.ID)
	resp, _ = adm.post(fmt.Sprint(userPage, "/tokens/", tokens[0].ID, "/revoke"), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != userPage {
		t.Errorf("revoke: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := f.get(t, secret[1], "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token revoked by the admin: %d", resp.StatusCode)
	}

	// Reset password: the user's sessions end, the new password works.
	const newPassword = "Hồ Lắk mùa nước nổi"
	if resp, _ := adm.post(userPage+"/password", url.Values{"password": {newPassword}, "password2": {newPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("reset password: %d", resp.StatusCode)
	}
	if _, body := adm.get(userPage); !strings.Contains(body, "Đã đặt lại mật khẩu.") {
		t.Error("no flash after the reset")
	}
	if resp, _ := contrib.get("/library"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session after a password reset: %d; want 303 to login", resp.StatusCode)
	}
	contrib.login("lan.anh", newPassword)

	// Disable: the session stops working and logging in is refused.
	if resp, _ := adm.post(userPage+"/disable", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disable: %d", resp.StatusCode)
	}
	if resp, _ := contrib.get("/library"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/") {
		t.Errorf("disabled user's session: %d", resp.StatusCode)
	}
	contrib.get("/")
	if resp, body := contrib.post("/login", url.Values{"login": {"lan.anh"}, "password": {newPassword}}); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Tài khoản đã bị khoá.") {
		t.Errorf("disabled login: %d %s", resp.StatusCode, body)
	}
	if _, body := adm.get(userPage); !strings.Contains(body, "Đã khoá") {
		t.Error("user page does not say disabled")
	}
	adm.post(userPage+"/enable", nil)
	contrib.login("lan.anh", newPassword)

	// An admin cannot lock themselves out.
	me, _ := f.db.UserByLogin(context.Background(), "quan.tri")
	adm.post(fmt.Sprint("/admin/users/", me.ID, "/disable"), nil)
	if resp, _ := adm.get("/admin"); resp.StatusCode != http.StatusOK {
		t.Errorf("admin disabled themselves: %d", resp.StatusCode)
	}
}

func TestWebAdminJobs(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Sở VHTTDL", "quan.tri", "Quản trị", catalog.RoleAdmin)
	ctx := context.Background()
	j := &catalog.Job{Type: catalog.JobCut}
	if err := f.db.Enqueue(ctx, j); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Claim(ctx, "test", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.FailJob(ctx, j.ID, "test", "ffmpeg: exit status 1", true, 0); err != nil {
		t.Fatal(err)
	}
	adm := newBrowser(t, f)
	adm.login("quan.tri", webPassword)
	resp, body := adm.get("/admin/jobs?state=failed")
	retry := fmt.Sprint(`action="/admin/jobs/`, j.ID, `/retry"`)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, retry) {
		t.Fatalf("jobs page: %d %s", resp.StatusCode, body)
	}
	resp, _ = adm.post(fmt.Sprint("/admin/jobs/", j.ID, "/retry"), url.Values{"state": {"failed"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/jobs?state=failed" {
		t.Errorf("retry: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got, _ := f.db.Job(ctx, j.ID); got.State != catalog.JobQueued {
		t.Errorf("job after retry: %s", got.State)
	}
	_, body = adm.get("/admin/jobs")
	if !strings.Contains(body, "Đã đưa công việc vào hàng đợi lại.") || strings.Contains(body, retry) {
		t.Errorf("jobs page after retry:\n%s", body)
	}
	adm.post(fmt.Sprint("/admin/jobs/", j.ID, "/retry"), nil)
	if _, body := adm.get("/admin/jobs"); !strings.Contains(body, "Chỉ chạy lại được công việc đã thất bại.") {
		t.Error("no flash for retrying a queued job")
	}
}

func TestWebLanguage(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)

	// Before login the switch only sets a cookie.
	visitor := newBrowser(t, f)
	visitor.get("/")
	if resp, _ := visitor.post("/lang", url.Values{"lang": {"en"}, "csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("switch with a forged csrf: %d", resp.StatusCode)
	}
	if resp, _ := visitor.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("switch on the login page: %d", resp.StatusCode)
	}
	if _, body := visitor.get("/"); !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Log in") {
		t.Errorf("login page after switching to English:\n%s", body)
	}
	resp, body := visitor.post("/login", url.Values{"login": {"lan.anh"}, "password": {"wrong password!"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong login or password.") {
		t.Errorf("wrong password in English: %d %s", resp.StatusCode, body)
	}

	b := newBrowser(t, f)
	b.login("lan.anh", webPassword)
	_, body = b.get("/account")
	if !strings.Contains(body, `<html lang="vi">`) || !strings.Contains(body, "Đổi mật khẩu") {
		t.Fatal("account page is not in Vietnamese by default")
	}
	if !regexp.MustCompile(`\d{2}/\d{2}/\d{4} \d{2}:\d{2}`).MatchString(body) {
		t.Error("no dd/mm/yyyy HH:MM date on the account page")
	}
	resp, _ = b.post("/lang", url.Values{"lang": {"en"}, "next": {"/account"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Fatalf("switch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = b.get("/account")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Change password") || !strings.Contains(body, "Contributor") {
		t.Errorf("account page after switching: not English")
	}
	if resp, body := b.api(http.MethodGet, "/api/v1/me", "", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"lang":"en"`) {
		t.Errorf("me after switching: %s", body)
	}
	if resp, _ := b.post("/lang", url.Values{"lang": {"fr"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("switch to fr: %d", resp.StatusCode)
	}
	if resp, body := b.post("/lang", url.Values{"lang": {"vi"}, "next": {"https://evil.example/"}}); resp.Header.Get("Location") != "/" {
		t.Errorf("switch with an outside next: %d, went to %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	b.post("/lang", url.Values{"lang": {"en"}})

	// Remembered after logout, and in another browser after login.
	b.post("/logout", nil)
	if _, body := b.get("/"); !strings.Contains(body, `<html lang="en">`) {
		t.Error("login page after logout is not English")
	}
	other := newBrowser(t, f)
	other.login("lan.anh", webPassword)
	if _, body := other.get("/library"); !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Library") {
		t.Error("the language is not remembered for the user")
	}
}

func TestWebPasswordChange(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	b, other := newBrowser(t, f), newBrowser(t, f)
	b.login("lan.anh", webPassword)
	other.login("lan.anh", webPassword)
	const newPassword = "Thác Dray Nur 2026"
	b.post("/account/password", url.Values{"old": {webPassword}, "new": {newPassword}, "new2": {"something else"}})
	if _, body := b.get("/account"); !strings.Contains(body, "Hai lần nhập mật khẩu mới không khớp.") {
		t.Error("no flash for differing new passwords")
	}
	b.post("/account/password", url.Values{"old": {"not my password"}, "new": {newPassword}, "new2": {newPassword}})
	if _, body := b.get("/account"); !strings.Contains(body, "Mật khẩu hiện tại không đúng.") {
		t.Error("no flash for a wrong old password")
	}
	resp, _ := b.post("/account/password", url.Values{"old": {webPassword}, "new": {newPassword}, "new2": {newPassword}})
	if c := cookieNamed(resp, "qb_session"); resp.StatusCode != http.StatusSeeOther || c == nil || c.Value == "" {
		t.Fatalf("change password: %d, cookie %+v; want 303 and a new session", resp.StatusCode, c)
	}
	if resp, body := b.get("/account"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Đã đổi mật khẩu.") {
		t.Errorf("after the change: %d", resp.StatusCode)
	}
	if resp, _ := other.get("/account"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session survived the change: %d", resp.StatusCode)
	}
}

func TestWebStatic(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	resp, body := f.get(t, "", "/static/app.css")
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || etag == "" || len(body) == 0 {
		t.Fatalf("app.css: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/static/app.css", nil)
	if resp, _ := f.do(t, req, "", map[string]string{"If-None-Match": etag}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d; want 304", resp.StatusCode)
	}
	_, page := f.get(t, "", "/")
	m := regexp.MustCompile(`src="(/static/app\.js\?v=\w+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no versioned app.js in the login page")
	}
	if resp, _ := f.get(t, "", string(m[1])); !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("versioned app.js: %v", resp.Header)
	}
	if resp, _ := f.get(t, "", "/static/../server.go"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("path outside static: %d", resp.StatusCode)
	}
}
