package api

// Pages are html/template files rendered inside templates/layout.html.
//
// A page file templates/<page>.html defines "title" and "main", and may
// define "head" (extra <link>s) and "scripts" (extra <script src>s; no
// inline scripts or styles: the Content-Security-Policy forbids them).
// Files named templates/_*.html hold partials ({{define}}s) shared by
// every page.
// s.render(c, status, "<page>", data) executes it with a *View as dot:
//
//	.Lang            "vi" or "en"
//	.User            *catalog.Principal, nil when nobody is logged in
//	.CSRF            token for every form: <input type="hidden" name="csrf" value="{{.CSRF}}">;
//	                 fetch sends it as X-CSRF-Token (layout.html puts it in <body data-csrf>)
//	.Path            the request path
//	.Flash           *Flash: the message left by the previous POST (PRG), or nil
//	.Data            the page's own data
//	.T "key"         the message in .Lang from api/web/i18n/*.yaml (an unknown key fails the page)
//	.Tf "key" args…  the same, through fmt.Sprintf
//	.Date t          02/01/2006 in UTC+7 (time.Time or *time.Time; nil is "—")
//	.DateTime t      02/01/2006 15:04 in UTC+7
//	.Num n           1.234.567 and 3,5 in Vietnamese; 1,234,567 and 3.5 in English
//	.Bytes n         "4,2 MB" (1024-based)
//	.Role r          a role's name; .Status s an asset or job status's name
//	.Can "action"    whether the user may use a part of the site: library,
//	                 upload, review, packages, reports, jobs, admin
//	.Static "app.js" the URL of a static file with its version
//	.Active "/path"  whether the page is /path or under it (for the nav)
//	.OtherLang       the language the switch offers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

// View is the dot of every page template; see the top of this file.
type View struct {
	Lang  string
	User  *catalog.Principal
	CSRF  string
	Path  string
	Flash *Flash
	Data  any
	ui    *webUI
}

// Flash is a message shown once, on the page a POST redirected to.
type Flash struct {
	Kind string // "ok" or "error"
	Text string // in the page's language
}

// errorPage is the data of the error page (layout.html's own blocks).
type errorPage struct {
	Status  int
	Message string
}

// parsePages parses layout.html and the partials shared by every page
// (files named _*.html), then every other page in dir on top of a copy of
// them; "error" is the layout alone.
func parsePages(fsys fs.FS, dir string) (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Option("missingkey=error").ParseFS(fsys, dir+"/layout.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(fsys, dir+"/_*.html")
	if err != nil {
		return nil, err
	}
	if len(partials) > 0 {
		if base, err = base.ParseFS(fsys, partials...); err != nil {
			return nil, err
		}
	}
	names, err := fs.Glob(fsys, dir+"/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range append(names, "error") {
		page := strings.TrimSuffix(path.Base(name), ".html")
		if page == "layout" || strings.HasPrefix(page, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if page != "error" {
			if t, err = t.ParseFS(fsys, name); err != nil {
				return nil, err
			}
		}
		pages[page] = t
	}
	return pages, nil
}

// render writes page with data, or a 500 when the template fails.
func (s *Server) render(c *gin.Context, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.execute(&buf, page, s.view(c, data)); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Lỗi hệ thống / Internal error"))
		c.Abort()
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) execute(buf *bytes.Buffer, page string, v *View) error {
	t, ok := s.web.pages[page]
	if !ok {
		return fmt.Errorf("no page %q in api/web/templates", page)
	}
	return t.ExecuteTemplate(buf, "layout.html", v)
}

// renderError shows the error page with a message in the page's language.
func (s *Server) renderError(c *gin.Context, status int, vi, en string) {
	msg := vi
	if s.pageLang(c) == "en" {
		msg = en
	}
	s.render(c, status, "error", errorPage{Status: status, Message: msg})
	c.Abort()
}

// view builds the dot of a page for this request.
func (s *Server) view(c *gin.Context, data any) *View {
	v := &View{Lang: s.pageLang(c), Path: c.Request.URL.Path, Data: data, ui: s.web, Flash: s.takeFlash(c)}
	if sess, ok := session(c); ok {
		p := sess.Principal
		v.User, v.CSRF = &p, sess.CSRF
	} else {
		v.CSRF = s.loginCSRF(c)
	}
	return v
}

// T returns the message key in the page's language.
func (v *View) T(key string) (string, error) { return v.ui.msgs.text(key, v.Lang) }

// Tf formats the message key with args.
func (v *View) Tf(key string, args ...any) (string, error) {
	f, err := v.T(key)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(f, args...), nil
}

// OtherLang is the language the switch offers.
func (v *View) OtherLang() string {
	if v.Lang == "en" {
		return "vi"
	}
	return "en"
}

// Active reports whether the page is p or under it.
func (v *View) Active(p string) bool {
	return v.Path == p || strings.HasPrefix(v.Path, strings.TrimSuffix(p, "/")+"/")
}

// vnZone is the time of the province: UTC+7, no daylight saving.
var vnZone = time.FixedZone("UTC+7", 7*60*60)

// Date writes t as dd/mm/yyyy in UTC+7.
func (v *View) Date(t any) (string, error) { return formatTime(t, "02/01/2006") }

// DateTime writes t as dd/mm/yyyy HH:MM in UTC+7.
func (v *View) DateTime(t any) (string, error) { return formatTime(t, "02/01/2006 15:04") }

func formatTime(t any, layout string) (string, error) {
	switch t := t.(type) {
	case time.Time:
		if t.IsZero() {
			return "—", nil
		}
		return t.In(vnZone).Format(layout), nil
	case *time.Time:
		if t == nil {
			return "—", nil
		}
		return formatTime(*t, layout)
	}
	return "", fmt.Errorf("date of a %T", t)
}

// Num writes a number with the page language's separators; fractions get
// at most two decimals.
func (v *View) Num(n any) (string, error) {
	switch n := n.(type) {
	case int:
		return formatInt(int64(n), v.Lang), nil
	case int64:
		return formatInt(n, v.Lang), nil
	case float64:
		return formatFloat(n, 2, v.Lang), nil
	}
	return "", fmt.Errorf("number of a %T", n)
}

// Bytes writes a size such as "4,2 MB".
func (v *View) Bytes(n any) (string, error) {
	var b float64
	switch n := n.(type) {
	case int:
		b = float64(n)
	case int64:
		b = float64(n)
	default:
		return "", fmt.Errorf("size of a %T", n)
	}
	units := []string{"B", "KB", "MB", "GB", "TB"}
	i := 0
	for math.Abs(b) >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return formatFloat(b, 1, v.Lang) + " " + units[i], nil
}

func separators(lang string) (thousands, decimal string) {
	if lang == "en" {
		return ",", "."
	}
	return ".", ","
}

func formatInt(n int64, lang string) string {
	th, _ := separators(lang)
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	return sign + group(s, th)
}

// formatFloat rounds f to decimals places and drops trailing zeros.
func formatFloat(f float64, decimals int, lang string) string {
	th, dec := separators(lang)
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	sign := ""
	if f < 0 && strings.Trim(whole+frac, "0") != "" {
		sign = "-"
	}
	out := sign + group(whole, th)
	if frac != "" {
		out += dec + frac
	}
	return out
}

// group puts sep between groups of three digits.
func group(digits, sep string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Role names a role in the page's language.
func (v *View) Role(r string) string { return v.named("role.", r) }

// Status names an asset status or a job state in the page's language.
func (v *View) Status(s string) string { return v.named("status.", s) }

func (v *View) named(prefix, s string) string {
	if t, err := v.T(prefix + s); err == nil {
		return t
	}
	return s
}

// Can reports whether the user may use a part of the site.
func (v *View) Can(part string) (bool, error) {
	if v.User == nil {
		return false, nil
	}
	switch part {
	case "library", "upload":
		return true, nil
	case "review", "packages", "reports", "jobs":
		return v.User.SeesAllOrgs(), nil
	case "admin":
		return v.User.Role == catalog.RoleAdmin, nil
	}
	return false, fmt.Errorf("Can %q: not a part of the site", part)
}

// Static returns the versioned URL of a file in api/web/static.
func (v *View) Static(name string) (string, error) {
	f, ok := v.ui.static[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + f.version, nil
}
