package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/storage"
)

// The payloads of issue 8, and evil, all of them in one string.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`</textarea><svg onload=alert(1)>`,
	`{{.CSRF}}`,
	`'; alert(1); //`,
}

var evil = strings.Join(xssPayloads, " ")

// executable are forms of the payloads that must never reach a page raw.
var executable = []string{
	"<script>alert", "<img src=x onerror", "<svg onload", `href="javascript:`, `src="javascript:`,
	"</textarea><svg", `'; alert(1)`, "onerror=alert(1)>", "onload=alert(1)>",
}

// secPage checks one rendered page: the security headers, no executable
// payload and, when shown, the escaped one.
func secPage(t *testing.T, who, path string, resp *http.Response, body string, shown bool) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("%s %s: Content-Security-Policy = %q", who, path, csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options = %q", who, path, resp.Header.Get("X-Content-Type-Options"))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s %s: Content-Type = %q", who, path, ct)
	}
	for _, x := range executable {
		if i := strings.Index(body, x); i >= 0 {
			t.Errorf("%s %s: the page holds %q raw: …%s…", who, path, x, body[max(0, i-200):min(len(body), i+200)])
		}
	}
	if shown {
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;/textarea&gt;&lt;svg onload=alert(1)&gt;", "{{.CSRF}}"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s %s: the escaped payload %q is not shown", who, path, want)
			}
		}
	}
}

// apiJSON checks that an API answer cannot be rendered as a page.
func apiJSON(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type = %q, want application/json", what, ct)
	}
}

// download fetches path as tok, following one redirect to a signed URL,
// and checks the download headers.
func (f *fixture) secDownload(t *testing.T, tok, path string) (*http.Response, []byte) {
	t.Helper()
	resp, b := f.get(t, tok, path)
	if resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther {
		resp, b = f.get(t, "", resp.Header.Get("Location"))
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("download %s: %d %s", path, resp.StatusCode, b)
		return resp, b
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download %s: X-Content-Type-Options = %q", path, resp.Header.Get("X-Content-Type-Options"))
	}
	cd := resp.Header.Get("Content-Disposition")
	if cd == "" || strings.ContainsAny(cd, "<>\r\n") {
		t.Errorf("download %s: Content-Disposition = %q", path, cd)
	}
	if ct := resp.Header.Get("Content-Type"); strings.Contains(ct, "html") || strings.Contains(ct, "xml") && !strings.Contains(ct, "openxmlformats") {
		t.Errorf("download %s: Content-Type = %q", path, ct)
	}
	return resp, b
}

func (f *fixture) uploadNamed(t *testing.T, tok, name, path string) api.Asset {
	t.Helper()
	resp, b := f.upload(t, tok, name, read(t, path), nil, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, resp.StatusCode, b)
	}
	return decode[uploadResult](t, b).Asset
}

func TestSecurityXSS(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Sở VHTTDL", "quan.tri", "Quản trị", catalog.RoleAdmin)
	evilUser := webUser(t, f, evil, "xss.contrib", evil, catalog.RoleContributor)
	tok := token(t, f.db, evil, catalog.RoleContributor)
	cu := curatorBrowser(t, f)
	adm := newBrowser(t, f)
	adm.login("quan.tri", webPassword)
	con := newBrowser(t, f)
	con.login("xss.contrib", webPassword)

	// Uploads whose file names carry the payloads (a multipart file name
	// loses what comes before its last slash).
	photo := f.uploadNamed(t, tok, evil+".jpg", "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	clip := f.uploadNamed(t, tok, evil+".mp4", "video/mp4ff_bbb_prog_10s.mp4")
	plainName := f.uploadNamed(t, tok, `"><img src=x onerror=alert(1)>.jpg`, "images/gps/ianare_gps_DSCN0025.jpg")
	f.drain(t)

	// Every text field in vi and en, keywords one payload each, creator and credit.
	texts := map[string]map[string]string{}
	for _, field := range []string{"title", "caption", "alt_text", "copyright", "usage_terms", "sublocation", "city", "province", "country"} {
		texts[field] = map[string]string{"vi": evil, "en": evil}
	}
	for _, field := range []string{"sublocation", "city", "province", "country"} { // at most 120 characters
		texts[field] = map[string]string{"vi": strings.Join([]string{xssPayloads[0], xssPayloads[1], xssPayloads[3], xssPayloads[4]}, " "),
			"en": strings.Join([]string{xssPayloads[2], xssPayloads[5], xssPayloads[0]}, " ")}
	}
	patch := map[string]any{"keywords": map[string][]string{"vi": xssPayloads, "en": xssPayloads}, "creator": evil, "credit": evil}
	for k, v := range texts {
		patch[k] = v
	}
	body, _ := json.Marshal(patch)
	for _, a := range []api.Asset{photo, clip, plainName} {
		if resp, b := f.patch(t, tok, "/api/v1/assets/"+a.ID, string(body)); resp.StatusCode != http.StatusOK {
			t.Fatalf("patch %s: %d %s", a.ID, resp.StatusCode, b)
		}
	}
	// A subtitle whose cue is the payload, uploaded under a hostile name.
	srt := "1\n00:00:01,000 --> 00:00:03,000\n" + evil + "\n\n2\n00:00:04,000 --> 00:00:06,000\n<b>" + xssPayloads[1] + "</b>\n"
	if resp, b := f.postSubtitle(t, tok, clip.ID, "vi", evil+".srt", []byte(srt)); resp.StatusCode >= 300 {
		t.Fatalf("subtitle: %d %s", resp.StatusCode, b)
	}
	f.drain(t)

	// Token labels (at most 100 characters: one payload each).
	for _, p := range xssPayloads {
		if resp, b := con.post("/account/tokens", url.Values{"label": {p}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("token label %q: %d %s", p, resp.StatusCode, b)
		}
	}

	// The review queue while they wait.
	for _, p := range []string{"/review", "/review?kind=photo", "/review?kind=clip"} {
		resp, b := cu.get(p)
		secPage(t, "curator", p, resp, b, true)
	}

	// Reviews: a change request and a rejection whose notes are payloads,
	// a resubmission with a note, then approval of the photo.
	if resp, b := f.review(t, f.cu, photo.ID, "request_changes", evil); resp.StatusCode != http.StatusOK {
		t.Fatalf("request changes: %d %s", resp.StatusCode, b)
	}
	if resp, b := f.review(t, tok, photo.ID, "resubmit", evil); resp.StatusCode != http.StatusOK {
		t.Fatalf("resubmit: %d %s", resp.StatusCode, b)
	}
	review := `{"review": ["title.vi", "title.en", "caption.vi", "caption.en", "alt_text.vi", "alt_text.en", "keywords.vi", "keywords.en"]}`
	if resp, b := f.patch(t, f.cu, "/api/v1/assets/"+photo.ID, review); resp.StatusCode != http.StatusOK {
		t.Fatalf("mark reviewed: %d %s", resp.StatusCode, b)
	}
	if resp, b := f.review(t, f.cu, photo.ID, "approve", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d %s", resp.StatusCode, b)
	}
	if resp, b := f.review(t, f.cu, plainName.ID, "reject", evil); resp.StatusCode != http.StatusOK {
		t.Fatalf("reject: %d %s", resp.StatusCode, b)
	}

	// A package named with the payloads, exported and submitted with them.
	pb, _ := json.Marshal(map[string]any{"name": map[string]string{"vi": evil, "en": evil}, "profile": "happyvietnam-2025"})
	resp, b := f.post(t, f.cu, "/api/v1/packages", string(pb))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("package: %d %s", resp.StatusCode, b)
	}
	pkg := decode[api.Package](t, b)
	base := "/api/v1/packages/" + pkg.ID
	if resp, b := f.post(t, f.cu, base+"/assets", `{"asset_ids": ["`+photo.ID+`"]}`); resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"added":["`+photo.ID) {
		t.Fatalf("add: %d %s", resp.StatusCode, b)
	}
	exported := false
	if resp, b := f.post(t, f.cu, base+"/export", `{"format": "zip", "acknowledge_warnings": true}`); resp.StatusCode == http.StatusAccepted {
		f.waitForBundle(t, base+"/exports/1")
		sb, _ := json.Marshal(map[string]any{"export": 1, "reference": evil, "note": evil, "date": "2026-11-27"})
		if resp, b := f.post(t, f.cu, base+"/submissions", string(sb)); resp.StatusCode != http.StatusCreated {
			t.Errorf("submission: %d %s", resp.StatusCode, b)
		} else {
			exported = true
		}
	} else {
		t.Errorf("export of the package (for the submission fields): %d %s", resp.StatusCode, b)
	}

	// An organisation whose name is a spreadsheet formula.
	const formula = `=HYPERLINK("http://x")`
	reportAsset(t, f.db, formula, catalog.KindPhoto)

	// Every page, for someone who can see the texts.
	shownBy := map[string][]string{ // path → who must see the escaped payload
		"/library":                               {"contributor", "curator", "admin"},
		"/library?q=alert":                       {"contributor", "curator"},
		"/assets/" + photo.ID:                    {"contributor", "curator", "admin"},
		"/assets/" + clip.ID:                     {"contributor", "curator"},
		"/assets/" + plainName.ID:                {"contributor", "curator"},
		"/packages":                              {"curator"},
		"/packages/" + pkg.ID:                    {"curator"},
		"/account":                               {"contributor"},
		"/admin":                                 {"admin"},
		fmt.Sprint("/admin/users/", evilUser.ID): {"admin"},
	}
	browsers := map[string]*browser{"contributor": con, "curator": cu, "admin": adm}
	for path, whos := range shownBy {
		for _, who := range whos {
			resp, body := browsers[who].get(path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s %s: %d", who, path, resp.StatusCode)
			}
			secPage(t, who, path, resp, body, true)
		}
	}
	// Pages that show some of the texts, or none.
	today := time.Now().In(catalog.ProvinceZone)
	from, to := today.AddDate(0, 0, -1), today.AddDate(0, 0, 1)
	reports := "/reports?from=" + from.Format("02/01/2006") + "&to=" + to.Format("02/01/2006")
	resp, page := cu.get(reports)
	secPage(t, "curator", reports, resp, page, false)
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the reports page does not show the hostile organisation escaped")
	}
	for who, b := range browsers {
		for _, p := range []string{"/upload", "/admin/jobs", "/review", "/reports"} {
			resp, body := b.get(p)
			secPage(t, who, p, resp, body, false)
		}
	}
	// The package page shows the submission's reference and note.
	if exported {
		_, page := cu.get("/packages/" + pkg.ID)
		if n := strings.Count(page, "&lt;script&gt;alert(1)&lt;/script&gt;"); n < 4 { // names vi, en, reference, note
			t.Errorf("package page shows the escaped payload %d times; want the names, the reference and the note", n)
		}
	}
	// The history with the review notes.
	if _, page := con.get("/assets/" + plainName.ID); !strings.Contains(page, `class="asset-note">`+"&lt;script&gt;") {
		t.Errorf("the rejection reason is not shown escaped on the asset page")
	}

	// Reflected input: queries, a login name, the next address, unknown ids.
	q := url.QueryEscape(evil)
	for who, b := range browsers {
		paths := []string{"/review?kind=" + q, "/reports?from=" + q + "&to=" + q, "/packages?x=" + q, "/assets/" + q, "/admin/users/" + q, "/nowhere/" + q}
		for _, param := range []string{"q", "kind", "theme", "status", "org", "sort", "from", "to", "cursor", "has_subtitle", "incomplete", "date_field"} {
			paths = append(paths, "/library?"+param+"="+q)
		}
		for _, p := range paths {
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+p, nil)
			req.Header.Set("Accept", "text/html")
			resp, body := b.do(req)
			if resp.StatusCode == http.StatusNotFound && resp.Header.Get("Content-Security-Policy") == "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				continue // a JSON 404 for the API-ish address
			}
			if resp.StatusCode >= 500 {
				t.Errorf("%s %s: %d", who, p, resp.StatusCode)
			}
			secPage(t, who, p, resp, body, false)
		}
	}
	anon := newBrowser(t, f)
	for _, p := range []string{"/", "/?next=" + url.QueryEscape("javascript:alert(1)"), "/?next=" + q} {
		resp, body := anon.get(p)
		secPage(t, "anonymous", p, resp, body, false)
	}
	resp, page = anon.post("/login", url.Values{"login": {evil}, "password": {"x"}, "next": {"javascript:alert(1)"}})
	secPage(t, "anonymous", "POST /login", resp, page, false)
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") && !strings.Contains(page, "Tên đăng nhập") {
		t.Errorf("login failure page: %d", resp.StatusCode)
	}

	// The JSON API returns the texts as JSON, never as a page.
	for _, p := range []string{"/api/v1/assets/" + photo.ID, "/api/v1/assets?q=alert", "/api/v1/assets/" + photo.ID + "/history",
		"/api/v1/assets/" + clip.ID + "/subtitles", "/api/v1/review/queue", base, "/api/v1/packages", "/api/v1/me/tokens", "/api/v1/assets/" + q, "/api/v1/nowhere"} {
		who := f.cu
		if strings.HasPrefix(p, "/api/v1/me") {
			resp, _ := con.get(p)
			apiJSON(t, p, resp)
			continue
		}
		resp, b := f.get(t, who, p)
		apiJSON(t, p, resp)
		if bytes.Contains(b, []byte("<script>")) {
			t.Errorf("%s: JSON holds <script> unescaped (harmless as application/json, but gin escapes by default)", p)
		}
	}

	// Downloads: originals, renditions, subtitles, reports, bundles.
	f.secDownload(t, tok, "/api/v1/assets/"+photo.ID+"/original")
	f.secDownload(t, tok, "/api/v1/assets/"+clip.ID+"/original")
	for _, r := range []string{"thumb", "web"} {
		f.secDownload(t, tok, "/api/v1/assets/"+photo.ID+"/renditions/"+r)
	}
	for _, r := range []string{"poster", "proxy"} {
		f.secDownload(t, tok, "/api/v1/assets/"+clip.ID+"/renditions/"+r)
	}
	for _, s := range []string{"vi.srt", "vi.vtt"} {
		resp, b := f.secDownload(t, tok, "/api/v1/assets/"+clip.ID+"/subtitles/"+s)
		if !strings.Contains(string(b), "alert(1)") {
			t.Errorf("%s does not hold the cue", s)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/vtt") && !strings.HasPrefix(ct, "application/x-subrip") && !strings.HasPrefix(ct, "text/plain") && !strings.HasPrefix(ct, "application/octet-stream") {
			t.Errorf("%s: Content-Type = %q", s, ct)
		}
	}
	rep := "/api/v1/reports/activity?from=" + from.Format(time.DateOnly) + "&to=" + to.Format(time.DateOnly)
	f.secDownload(t, f.cu, rep+"&format=xlsx")
	resp, b = f.secDownload(t, f.cu, rep+"&format=csv")
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	found := false
	for _, rec := range recs {
		for _, cell := range rec {
			if strings.Contains(cell, "HYPERLINK") {
				found = true
				if strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("report CSV cell %q is a live formula", cell)
				}
			}
		}
	}
	if !found {
		t.Errorf("the report CSV does not name the organisation %s:\n%s", formula, b)
	}
	if exported {
		f.waitForBundle(t, base+"/exports/1") // checks the Content-Type and Content-Disposition
		resp, _ := f.get(t, f.cu, base+"/exports/1")
		resp, _ = f.get(t, "", resp.Header.Get("Location"))
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("bundle download: X-Content-Type-Options = %q", resp.Header.Get("X-Content-Type-Options"))
		}
	}
}

// routeURL fills in a route's parameters.
func routeURL(path string) string {
	for _, p := range []string{":id", ":asset_id", ":name", ":n", ":token", "*key", "*path"} {
		v := "1"
		if p == ":id" || p == ":asset_id" {
			v = "01JC0000000000000000000000"
		}
		path = strings.ReplaceAll(path, p, v)
	}
	return path
}

// secRoutes lists the routes of a server built like the fixture's.
func secRoutes(t *testing.T, f *fixture) gin.RoutesInfo {
	t.Helper()
	s := api.New(api.Config{}, f.db, nil, nil, nil, localStore(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	return s.Handler().(*gin.Engine).Routes()
}

func TestSecurityCSRF(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Sở VHTTDL", "quan.tri", "Quản trị", catalog.RoleAdmin)
	adm := newBrowser(t, f)
	adm.login("quan.tri", webPassword)
	pages, apis := 0, 0
	for _, r := range secRoutes(t, f) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			continue
		}
		u := f.srv.URL + routeURL(r.Path)
		if strings.HasPrefix(r.Path, "/api/") {
			apis++
			for _, body := range []struct{ ct, body string }{{"application/json", "{}"}, {"application/x-www-form-urlencoded", "csrf="}, {"application/offset+octet-stream", ""}} {
				req, _ := http.NewRequest(r.Method, u, strings.NewReader(body.body))
				req.Header.Set("Content-Type", body.ct)
				req.Header.Set("Tus-Resumable", "1.0.0")
				req.Header.Set("Upload-Length", "10")
				resp, b := adm.do(req)
				if resp.StatusCode != http.StatusForbidden || !strings.Contains(b, `"code":"csrf"`) {
					t.Errorf("%s %s (%s) with the session cookie and no X-CSRF-Token: %d %s", r.Method, r.Path, body.ct, resp.StatusCode, b)
				}
			}
			// A wrong token is refused too.
			req, _ := http.NewRequest(r.Method, u, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", adm.csrf+"x")
			if resp, b := adm.do(req); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with a wrong X-CSRF-Token: %d %s", r.Method, r.Path, resp.StatusCode, b)
			}
			continue
		}
		pages++
		if r.Path == "/login" || r.Path == "/lang" {
			continue // before login: the double-submit cookie, below
		}
		for _, form := range []url.Values{{}, {"csrf": {""}}, {"csrf": {"forged"}}} {
			req, _ := http.NewRequest(r.Method, u, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, b := adm.do(req)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with the session cookie and csrf=%q: %d %.300s", r.Method, r.Path, form.Get("csrf"), resp.StatusCode, b)
			}
		}
		// A multipart form without the field.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("x", "y")
		mw.Close()
		req, _ := http.NewRequest(r.Method, u, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if resp, b := adm.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s multipart without csrf: %d %.300s", r.Method, r.Path, resp.StatusCode, b)
		}
	}
	t.Logf("checked %d state-changing page routes and %d API routes", pages, apis)
	if pages < 20 || apis < 20 {
		t.Errorf("only %d page and %d API routes change state: the route scan is broken", pages, apis)
	}
	// The session is still alive: the refusals did not log the admin out.
	if resp, _ := adm.get("/admin"); resp.StatusCode != http.StatusOK {
		t.Errorf("/admin after the refusals: %d", resp.StatusCode)
	}

	// Login and language: the double-submit cookie.
	for _, p := range []string{"/login", "/lang"} {
		b := newBrowser(t, f)
		b.get("/")
		for _, form := range []url.Values{
			{"login": {"quan.tri"}, "password": {webPassword}, "lang": {"en"}, "csrf": {""}},
			{"login": {"quan.tri"}, "password": {webPassword}, "lang": {"en"}, "csrf": {"forged"}},
		} {
			if resp, body := b.post(p, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s with csrf %q: %d %.300s", p, form.Get("csrf"), resp.StatusCode, body)
			}
		}
		// A forged request from another site carries no qb_csrf cookie: the
		// field alone does not do.
		other := newBrowser(t, f)
		if resp, _ := other.post(p, url.Values{"login": {"quan.tri"}, "password": {webPassword}, "csrf": {b.csrf}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s without the csrf cookie: %d", p, resp.StatusCode)
		}
	}
	b := newBrowser(t, f)
	b.login("quan.tri", webPassword) // the real form works
}

func TestSecurityIsolation(t *testing.T) {
	store := localStore(t)
	f := newFixture(t, store, nil)
	ctx := context.Background()
	webUser(t, f, "Báo Đắk Lắk", "nguoi.a", "Người A", catalog.RoleContributor)
	userB := webUser(t, f, "Đài PT-TH Phú Yên", "nguoi.b", "Người B", catalog.RoleContributor)
	webUser(t, f, "Sở VHTTDL", "quan.tri", "Quản trị", catalog.RoleAdmin)
	photo := f.uploadReady(t, f.contribA, "Hồ Lắk bí mật.jpg", "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	clip := f.uploadReady(t, f.contribA, "Lễ hội bí mật.mp4", "video/mp4ff_bbb_prog_10s.mp4")
	if resp, b := f.postSubtitle(t, f.contribA, clip.ID, "vi", "vi.srt", read(t, "subtitles/vietnamese/vietface_fansub_vi_utf8_crlf.srt")); resp.StatusCode >= 300 {
		t.Fatalf("subtitle: %d %s", resp.StatusCode, b)
	}
	f.drain(t)
	a, bb := newBrowser(t, f), newBrowser(t, f)
	a.login("nguoi.a", webPassword)
	bb.login("nguoi.b", webPassword)

	// Library and search.
	if _, page := a.get("/library"); !strings.Contains(page, photo.ID) {
		t.Fatal("A does not see its own photo in the library")
	}
	for _, p := range []string{"/library", "/library?q=" + url.QueryEscape("bí mật"), "/library?kind=clip", "/library?status=ready"} {
		resp, page := bb.get(p)
		if resp.StatusCode != http.StatusOK || strings.Contains(page, photo.ID) || strings.Contains(page, clip.ID) || strings.Contains(page, "bí mật.jpg") || strings.Contains(page, "Báo Đắk Lắk") {
			t.Errorf("B's %s reveals A's assets (%d)", p, resp.StatusCode)
		}
	}
	for _, q := range []string{"", "?q=" + url.QueryEscape("bí mật"), "?kind=clip", "?status=ready", "?org=" + url.QueryEscape("Báo Đắk Lắk")} {
		resp, b := f.get(t, f.contribB, "/api/v1/assets"+q)
		if resp.StatusCode >= 500 {
			t.Errorf("B search %s: %d", q, resp.StatusCode)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			continue // a refused filter reveals nothing either
		}
		sp := decode[api.SearchPage](t, b)
		if sp.Total != 0 || len(sp.Items) != 0 || bytes.Contains(b, []byte(photo.ID)) || bytes.Contains(b, []byte(clip.ID)) || bytes.Contains(b, []byte("Báo Đắk Lắk")) {
			t.Errorf("B search %s reveals A's assets: %s", q, b)
		}
		for facet, counts := range sp.Facets {
			for v, n := range counts {
				if n != 0 {
					t.Errorf("B search %s: facet %s/%s counts %d", q, facet, v, n)
				}
			}
		}
	}
	if _, b := f.get(t, f.contribA, "/api/v1/assets"); decode[api.SearchPage](t, b).Total != 2 {
		t.Errorf("A's own search: %s", b)
	}

	// Every read and write of A's assets, as B.
	srt := read(t, "subtitles/vietnamese/vietface_fansub_vi_utf8_crlf.srt")
	for _, as := range []api.Asset{photo, clip} {
		p := "/api/v1/assets/" + as.ID
		if resp, page := bb.get("/assets/" + as.ID); resp.StatusCode != http.StatusNotFound || strings.Contains(page, "bí mật") {
			t.Errorf("B opens the page of %s: %d", as.Kind, resp.StatusCode)
		}
		for _, g := range []string{p, p + "/original", p + "/history", p + "/subtitles", p + "/subtitles/vi.srt", p + "/subtitles/vi.vtt",
			p + "/renditions/thumb", p + "/renditions/web", p + "/renditions/poster", p + "/renditions/proxy"} {
			if resp, b := f.get(t, f.contribB, g); resp.StatusCode != http.StatusNotFound {
				t.Errorf("B GET %s: %d %s", g, resp.StatusCode, b)
			}
		}
		writes := []struct {
			method, path, body string
		}{
			{http.MethodPatch, p, `{"creator": "B"}`},
			{http.MethodPut, p + "/themes", `{"themes": ["ocop/coffee"]}`},
			{http.MethodPost, p + "/review", `{"decision": "resubmit", "note": "x"}`},
			{http.MethodPost, p + "/review", `{"decision": "approve"}`},
			{http.MethodPost, p + "/cuts", `{"start": 1, "end": 4}`},
			{http.MethodPost, p + "/subtitles/vi/fix", `{"shift_seconds": 1}`},
			{http.MethodPost, p + "/subtitled", `{"lang": "vi"}`},
			{http.MethodPost, "/api/v1/assets/metadata", `{"ids": ["` + as.ID + `"], "set": {"creator": "B"}}`},
			{http.MethodPost, "/api/v1/packages", `{"name": {"vi": "Gói"}, "profile": "happyvietnam-2025"}`},
		}
		for _, w := range writes {
			resp, b := f.do(t, mustReq(t, w.method, f.srv.URL+w.path, w.body), f.contribB, map[string]string{"Content-Type": "application/json"})
			if resp.StatusCode < 300 || (resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden) {
				t.Errorf("B %s %s: %d %s", w.method, w.path, resp.StatusCode, b)
			}
			if w.path == "/api/v1/assets/metadata" && bytes.Contains(b, []byte(`"updated"`)) && bytes.Contains(b, []byte(as.ID)) && !bytes.Contains(b, []byte("not_found")) {
				t.Errorf("B's bulk edit touched %s: %s", as.ID, b)
			}
		}
		if resp, b := f.postSubtitle(t, f.contribB, as.ID, "en", "en.srt", srt); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("B POST subtitles: %d %s", resp.StatusCode, b)
		}
		// The pages' forms.
		bb.get("/library")
		for _, w := range []struct {
			path string
			form url.Values
		}{
			{"/assets/" + as.ID + "/metadata", url.Values{"creator": {"B"}}},
			{"/assets/" + as.ID + "/themes", url.Values{"theme": {"ocop/coffee"}}},
			{"/assets/" + as.ID + "/review", url.Values{"decision": {"resubmit"}}},
			{"/review/" + as.ID, url.Values{"decision": {"approve"}}},
		} {
			if resp, b := bb.post(w.path, w.form); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Errorf("B POST %s: %d %.300s", w.path, resp.StatusCode, b)
			}
		}
	}
	// Nothing changed.
	_, b := f.get(t, f.contribA, "/api/v1/assets/"+photo.ID)
	if got := decode[api.Asset](t, b); got.Status != catalog.StatusReady || bytes.Contains(b, []byte(`"creator":"B"`)) {
		t.Errorf("A's photo after B's attempts: %s", b)
	}
	// Packages and the review queue are not for contributors.
	for _, p := range []string{"/api/v1/packages", "/api/v1/review/queue"} {
		if resp, _ := f.get(t, f.contribB, p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("B GET %s: %d", p, resp.StatusCode)
		}
	}
	for _, p := range []string{"/review", "/packages", "/reports"} {
		if resp, _ := bb.get(p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("B opens %s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := bb.post("/packages", url.Values{"name_vi": {"Gói"}, "profile": {"happyvietnam-2025"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("B POST /packages: %d", resp.StatusCode)
	}

	// Signed URLs.
	resp, _ := f.get(t, f.contribA, "/api/v1/assets/"+photo.ID+"/original")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/blobs/") || !strings.Contains(loc, "sig=") {
		t.Fatalf("A's original: %d %q", resp.StatusCode, loc)
	}
	if resp, _ := f.get(t, "", loc); resp.StatusCode != http.StatusOK {
		t.Fatalf("the signed URL: %d", resp.StatusCode)
	}
	resp, _ = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/original")
	clipLoc := resp.Header.Get("Location")
	u, _ := url.Parse(loc)
	cu, _ := url.Parse(clipLoc)
	swapped := cu.Path + "?" + u.RawQuery // the clip's key, the photo's signature
	if resp, _ := f.get(t, "", swapped); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another key with the same signature: %d", resp.StatusCode)
	}
	q := u.Query()
	exp, _ := strconv.ParseInt(q.Get("exp"), 10, 64)
	q.Set("exp", strconv.FormatInt(exp+3600, 10))
	if resp, _ := f.get(t, "", u.Path+"?"+q.Encode()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a tampered expiry: %d", resp.StatusCode)
	}
	q = u.Query()
	q.Set("type", "text/html")
	if resp, _ := f.get(t, "", u.Path+"?"+q.Encode()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a tampered content type: %d", resp.StatusCode)
	}
	q = u.Query()
	q.Del("sig")
	if resp, _ := f.get(t, "", u.Path+"?"+q.Encode()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no signature: %d", resp.StatusCode)
	}
	key := strings.TrimPrefix(u.Path, "/blobs/")
	short, err := store.(interface {
		SignedURL(context.Context, string, storage.URLOptions) (string, error)
	}).SignedURL(ctx, key, storage.URLOptions{TTL: 2 * time.Second}) // expiry is in whole seconds: valid for 1–2 s
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := f.get(t, "", short); resp.StatusCode != http.StatusOK {
		t.Errorf("a fresh short URL: %d", resp.StatusCode)
	}
	time.Sleep(3100 * time.Millisecond)
	if resp, _ := f.get(t, "", short); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an expired URL: %d", resp.StatusCode)
	}

	// Tokens: revoked at once.
	resp, body := a.api(http.MethodPost, "/api/v1/me/tokens", `{"label": "máy dựng"}`, map[string]string{"X-CSRF-Token": a.csrf})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create token: %d %s", resp.StatusCode, body)
	}
	nt := decode[api.CreatedToken](t, []byte(body))
	if resp, _ := f.get(t, nt.Token, "/api/v1/assets/"+photo.ID); resp.StatusCode != http.StatusOK {
		t.Errorf("new token: %d", resp.StatusCode)
	}
	if resp, body := a.api(http.MethodDelete, fmt.Sprint("/api/v1/me/tokens/", nt.ID), "", map[string]string{"X-CSRF-Token": a.csrf}); resp.StatusCode >= 300 {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/api/v1/me", "/api/v1/assets/" + photo.ID, "/api/v1/assets/" + photo.ID + "/original"} {
		if resp, _ := f.get(t, nt.Token, p); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("revoked token GET %s: %d", p, resp.StatusCode)
		}
	}
	// B cannot revoke A's token either.
	resp, body = a.api(http.MethodPost, "/api/v1/me/tokens", `{"label": "khác"}`, map[string]string{"X-CSRF-Token": a.csrf})
	other := decode[api.CreatedToken](t, []byte(body))
	if resp, _ := bb.api(http.MethodDelete, fmt.Sprint("/api/v1/me/tokens/", other.ID), "", map[string]string{"X-CSRF-Token": bb.csrf}); resp.StatusCode < 300 {
		t.Errorf("B revoked A's token: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, other.Token, "/api/v1/me"); resp.StatusCode != http.StatusOK {
		t.Errorf("A's token after B's attempt: %d", resp.StatusCode)
	}

	// A disabled user's session and tokens stop at once.
	bTok, err := f.db.CreateUserToken(ctx, userB.ID, "b")
	if err != nil {
		t.Fatal(err)
	}
	adm := newBrowser(t, f)
	adm.login("quan.tri", webPassword)
	if resp, _ := adm.post(fmt.Sprint("/admin/users/", userB.ID, "/disable"), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp, _ := bb.get("/library"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/") {
		t.Errorf("disabled user's page: %d", resp.StatusCode)
	}
	if resp, _ := bb.api(http.MethodGet, "/api/v1/me", "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user's cookie on the API: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, bTok.Secret, "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user's token: %d", resp.StatusCode)
	}
}

func TestSecuritySessions(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)

	login := func(proto string) (*browser, *http.Cookie) {
		b := newBrowser(t, f)
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/", nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, _ := b.do(req)
		if c := cookieNamed(resp, "qb_csrf"); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != (proto == "https") {
			t.Errorf("login csrf cookie (%q) = %+v", proto, c)
		}
		form := url.Values{"login": {"lan.anh"}, "password": {webPassword}, "csrf": {b.csrf}}
		req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, body := b.do(req)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d %s", resp.StatusCode, body)
		}
		c := cookieNamed(resp, "qb_session")
		if c == nil || c.Value == "" {
			t.Fatalf("no session cookie: %v", resp.Header)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("session cookie = %+v", c)
		}
		if c.Secure != (proto == "https") {
			t.Errorf("session cookie behind X-Forwarded-Proto %q: Secure = %v", proto, c.Secure)
		}
		if raw := resp.Header.Values("Set-Cookie"); !strings.Contains(strings.Join(raw, "\n"), "qb_session="+c.Value+"; Path=/") {
			t.Errorf("Set-Cookie = %q", raw)
		}
		return b, c
	}
	login("https")
	b, c := login("")
	b.get("/account")

	// The old session value is dead after logout, on pages and on the API.
	if resp, _ := b.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	thief := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/library", "/account", "/api/v1/me"} {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+p, nil)
		req.AddCookie(&http.Cookie{Name: "qb_session", Value: c.Value})
		resp, err := thief.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if strings.HasPrefix(p, "/api/") {
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("old session on %s: %d", p, resp.StatusCode)
			}
		} else if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/?next=") {
			t.Errorf("old session on %s: %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// Logout itself needs the csrf field, so a forged one cannot end a session.
	b2, _ := login("")
	b2.get("/account")
	if resp, _ := b2.post("/logout", url.Values{"csrf": {""}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout without csrf: %d", resp.StatusCode)
	}
	if resp, _ := b2.get("/account"); resp.StatusCode != http.StatusOK {
		t.Errorf("session after a refused logout: %d", resp.StatusCode)
	}
	// A session fixed by an attacker is not adopted: logging in issues a new value.
	b3 := newBrowser(t, f)
	fixed := &http.Cookie{Name: "qb_session", Value: "attacker-chosen-value-0123456789abcdefghijklmno"}
	su, _ := url.Parse(f.srv.URL)
	b3.c.Jar.SetCookies(su, []*http.Cookie{fixed})
	b3.get("/")
	resp, _ := b3.post("/login", url.Values{"login": {"lan.anh"}, "password": {webPassword}})
	if nc := cookieNamed(resp, "qb_session"); resp.StatusCode != http.StatusSeeOther || nc == nil || nc.Value == fixed.Value {
		t.Errorf("login with a planted session cookie: %d %+v", resp.StatusCode, nc)
	}
}
