package api

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

// Cookies of the web pages. All are HttpOnly, SameSite=Lax, Path=/ and
// Secure as configured.
const (
	sessionCookie = "qb_session" // the session token
	csrfCookie    = "qb_csrf"    // anti-forgery token before login (double submit)
	langCookie    = "qb_lang"    // page language when nobody is logged in
	flashCookie   = "qb_flash"   // the message a POST leaves for the next page
)

const (
	langKey      = "page_lang"  // the logged-in user's language
	loginCSRFKey = "login_csrf" // a login CSRF token made during this request
)

// secure reports whether cookies for this request get the Secure flag.
func (s *Server) secure(c *gin.Context) bool {
	switch s.cfg.Web.CookieSecure {
	case "true":
		return true
	case "false":
		return false
	}
	return c.Request.TLS != nil || strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

// setCookie sets (maxAge > 0), keeps for the browser session (0) or
// deletes (< 0) a cookie.
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginCSRF returns the anti-forgery token of a visitor who is not logged
// in, setting its cookie when missing. Forms carry it in the field csrf,
// which must equal the cookie: a site that cannot read our cookies cannot
// forge the field.
func (s *Server) loginCSRF(c *gin.Context) string {
	if v := c.GetString(loginCSRFKey); v != "" {
		return v
	}
	if v, err := c.Cookie(csrfCookie); err == nil && len(v) == 43 {
		return v
	}
	v := randomString()
	s.setCookie(c, csrfCookie, v, 0)
	c.Set(loginCSRFKey, v)
	return v
}

// loginCSRFOK checks the double-submitted token of a visitor.
func loginCSRFOK(c *gin.Context) bool {
	v, err := c.Cookie(csrfCookie)
	return err == nil && csrfMatches(v, c.PostForm("csrf"))
}

// pageLang is the logged-in user's language, else the language cookie's,
// else Vietnamese.
func (s *Server) pageLang(c *gin.Context) string {
	if l := c.GetString(langKey); l != "" {
		return l
	}
	if v, _ := c.Cookie(langCookie); v == "en" {
		return "en"
	}
	return "vi"
}

// pick returns vi or en by the page language.
func (s *Server) pick(c *gin.Context, vi, en string) string {
	if s.pageLang(c) == "en" {
		return en
	}
	return vi
}

// pageAuth lets a logged-in user through, with the principal, the session
// and their language set. Anyone else goes to the login page, which
// brings them back to a GET afterwards. A form must carry the session's
// CSRF token.
func (s *Server) pageAuth(c *gin.Context) {
	sess, err := s.cookieSession(c)
	if errors.Is(err, catalog.ErrNotFound) {
		if hasCookie(c, sessionCookie) {
			s.setCookie(c, sessionCookie, "", -1)
		}
		to := "/"
		if c.Request.Method == http.MethodGet {
			to += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
		}
		c.Redirect(http.StatusSeeOther, to)
		c.Abort()
		return
	}
	if err != nil {
		s.pageFail(c, err)
		c.Abort()
		return
	}
	c.Set(sessionKey, sess)
	c.Set(principalKey, sess.Principal)
	if lang, err := s.db.UserLang(c.Request.Context(), sess.UserID); err == nil {
		c.Set(langKey, lang)
	}
	if changesState(c.Request.Method) && !csrfMatches(sess.CSRF, pageCSRF(c)) {
		s.renderCSRF(c)
		return
	}
	c.Next()
}

// pageCSRF is the token a page request sends: the header or the form field.
func pageCSRF(c *gin.Context) string {
	if h := c.GetHeader("X-CSRF-Token"); h != "" {
		return h
	}
	return c.PostForm("csrf")
}

func (s *Server) renderCSRF(c *gin.Context) {
	s.renderError(c, http.StatusForbidden, "Biểu mẫu đã cũ hoặc không hợp lệ (mã chống giả mạo sai). Tải lại trang rồi thử lại.",
		"The form is stale or invalid (wrong anti-forgery token). Reload the page and try again.")
}

// pageFail shows an unexpected error as a 500 page.
func (s *Server) pageFail(c *gin.Context, err error) {
	s.log.Error("page failed", "path", c.Request.URL.Path, "err", err)
	s.renderError(c, http.StatusInternalServerError, "Lỗi hệ thống; vui lòng thử lại sau.", "Internal error; please try again later.")
}

// safeNext returns next when it is a path on this site, else "".
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return next
}

// loginForm is the data of the login page.
type loginForm struct {
	Login string
	Next  string
	Error string
}

// loginPage shows the login form, or sends a logged-in user on.
func (s *Server) loginPage(c *gin.Context) {
	if _, err := s.cookieSession(c); err == nil {
		to := safeNext(c.Query("next"))
		if to == "" {
			to = "/library"
		}
		c.Redirect(http.StatusSeeOther, to)
		return
	}
	s.render(c, http.StatusOK, "login", loginForm{Next: safeNext(c.Query("next"))})
}

func (s *Server) postLogin(c *gin.Context) {
	if !loginCSRFOK(c) {
		s.renderCSRF(c)
		return
	}
	form := loginForm{Login: c.PostForm("login"), Next: safeNext(c.PostForm("next"))}
	sess, err := s.accounts.Login(c.Request.Context(), form.Login, c.PostForm("password"), c.ClientIP())
	var te *catalog.ThrottleError
	var ae *catalog.AccountError
	switch {
	case errors.As(err, &te):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
		form.Error = s.pick(c, te.Vi, te.En)
		s.render(c, http.StatusTooManyRequests, "login", form)
		return
	case errors.As(err, &ae) && (errors.Is(err, catalog.ErrUnauthorized) || errors.Is(err, catalog.ErrForbidden)):
		status := http.StatusUnauthorized
		if errors.Is(err, catalog.ErrForbidden) {
			status = http.StatusForbidden
		}
		form.Error = s.pick(c, ae.Vi, ae.En)
		s.render(c, status, "login", form)
		return
	case err != nil:
		s.pageFail(c, err)
		return
	}
	s.startSession(c, sess)
	to := form.Next
	if to == "" {
		to = "/library"
	}
	c.Redirect(http.StatusSeeOther, to)
}

// startSession sets the cookies of a new session: the token, and the
// user's language for the login page after they log out.
func (s *Server) startSession(c *gin.Context, sess catalog.Session) {
	s.setCookie(c, sessionCookie, sess.ID, int(s.cfg.Web.SessionLifetime.Seconds()))
	s.setCookie(c, csrfCookie, "", -1)
	if lang, err := s.db.UserLang(c.Request.Context(), sess.UserID); err == nil {
		s.setCookie(c, langCookie, lang, 365*24*3600)
	}
}

func (s *Server) postLogout(c *gin.Context) {
	sess, _ := session(c)
	if err := s.accounts.Logout(c.Request.Context(), sess.ID); err != nil {
		s.pageFail(c, err)
		return
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

// postLang switches the page language: for the logged-in user in the
// catalogue, and in a cookie for the login page.
func (s *Server) postLang(c *gin.Context) {
	sess, err := s.cookieSession(c)
	loggedIn := err == nil
	if loggedIn {
		c.Set(sessionKey, sess)
		c.Set(principalKey, sess.Principal)
	}
	switch {
	case loggedIn && !csrfMatches(sess.CSRF, pageCSRF(c)), !loggedIn && !loginCSRFOK(c):
		s.renderCSRF(c)
		return
	}
	lang := c.PostForm("lang")
	if lang != catalog.LangVi && lang != catalog.LangEn {
		s.renderError(c, http.StatusBadRequest, "Ngôn ngữ không hợp lệ.", "Unknown language.")
		return
	}
	if loggedIn {
		if err := s.db.SetUserLang(c.Request.Context(), sess.UserID, lang); err != nil {
			s.pageFail(c, err)
			return
		}
	}
	s.setCookie(c, langCookie, lang, 365*24*3600)
	to := safeNext(c.PostForm("next"))
	if to == "" {
		to = "/"
	}
	c.Redirect(http.StatusSeeOther, to)
}

// flashNote is a flash message as its cookie holds it.
type flashNote struct {
	Kind string `json:"k"`
	Vi   string `json:"vi"`
	En   string `json:"en"`
}

// flash leaves a message for the page the POST redirects to.
func (s *Server) flash(c *gin.Context, kind, vi, en string) {
	b, _ := json.Marshal(flashNote{Kind: kind, Vi: vi, En: en})
	s.setCookie(c, flashCookie, base64.RawURLEncoding.EncodeToString(b), 60)
}

// flashMsg leaves the message key of api/web/i18n.
func (s *Server) flashMsg(c *gin.Context, kind, key string) {
	m := s.web.msgs[key]
	s.flash(c, kind, m["vi"], m["en"])
}

// flashErr leaves the messages of err, or a general one.
func (s *Server) flashErr(c *gin.Context, err error) {
	var ae *catalog.AccountError
	if errors.As(err, &ae) {
		s.flash(c, "error", ae.Vi, ae.En)
		return
	}
	s.log.Error("page action failed", "path", c.Request.URL.Path, "err", err)
	s.flash(c, "error", "Lỗi hệ thống; vui lòng thử lại sau.", "Internal error; please try again later.")
}

// takeFlash reads and clears the flash message.
func (s *Server) takeFlash(c *gin.Context) *Flash {
	v, err := c.Cookie(flashCookie)
	if err != nil || v == "" {
		return nil
	}
	s.setCookie(c, flashCookie, "", -1)
	b, err := base64.RawURLEncoding.DecodeString(v)
	var n flashNote
	if err != nil || json.Unmarshal(b, &n) != nil || (n.Kind != "ok" && n.Kind != "error") {
		return nil
	}
	return &Flash{Kind: n.Kind, Text: s.pick(c, n.Vi, n.En)}
}
