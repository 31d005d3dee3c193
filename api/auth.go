package api

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

const (
	principalKey = "principal"
	sessionKey   = "session" // the catalog.Session of a cookie-authenticated request
)

// authenticate accepts "Authorization: Bearer <token>" or the session
// cookie of the web pages. A cookie request that changes something must
// also send the session's CSRF token (X-CSRF-Token, or the form field
// csrf of a url-encoded form); a bearer request need not.
func (s *Server) authenticate(c *gin.Context) {
	if c.GetHeader("Authorization") != "" || !hasCookie(c, sessionCookie) {
		s.bearer(c)
		return
	}
	sess, err := s.cookieSession(c)
	if errors.Is(err, catalog.ErrNotFound) {
		writeError(c, http.StatusUnauthorized, "unauthorized", "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.", "The session has ended; please log in again.")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if changesState(c.Request.Method) && !csrfMatches(sess.CSRF, apiCSRF(c)) {
		writeError(c, http.StatusForbidden, "csrf", "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token); tải lại trang rồi thử lại.",
			"The anti-forgery token (X-CSRF-Token) is missing or wrong; reload the page and try again.")
		return
	}
	c.Set(principalKey, sess.Principal)
	c.Set(sessionKey, sess)
	c.Next()
}

// bearer requires "Authorization: Bearer <token>".
func (s *Server) bearer(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		writeError(c, http.StatusUnauthorized, "unauthorized", "Cần mã truy cập (Authorization: Bearer ...).", "An access token is required (Authorization: Bearer ...).")
		return
	}
	p, err := s.db.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if errors.Is(err, catalog.ErrUnauthorized) {
		writeError(c, http.StatusUnauthorized, "unauthorized", "Mã truy cập không hợp lệ hoặc đã bị thu hồi.", "The access token is invalid or revoked.")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(principalKey, p)
	c.Next()
}

// cookieSession returns the session of the request's cookie: an
// ErrNotFound when there is none or it has ended.
func (s *Server) cookieSession(c *gin.Context) (catalog.Session, error) {
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" {
		return catalog.Session{}, catalog.ErrNotFound
	}
	return s.accounts.SessionByToken(c.Request.Context(), token)
}

func hasCookie(c *gin.Context, name string) bool {
	v, err := c.Cookie(name)
	return err == nil && v != ""
}

func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// apiCSRF is the token an API request sends: the header, or the field of
// a url-encoded form (never a multipart body, which an upload streams).
func apiCSRF(c *gin.Context) string {
	if h := c.GetHeader("X-CSRF-Token"); h != "" {
		return h
	}
	if strings.HasPrefix(c.ContentType(), "application/x-www-form-urlencoded") {
		return c.PostForm("csrf")
	}
	return ""
}

// csrfMatches compares in constant time; an empty token never matches.
func csrfMatches(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func principal(c *gin.Context) catalog.Principal {
	p, _ := c.Get(principalKey)
	return p.(catalog.Principal)
}

// session returns the session of a cookie-authenticated request.
func session(c *gin.Context) (catalog.Session, bool) {
	v, ok := c.Get(sessionKey)
	if !ok {
		return catalog.Session{}, false
	}
	sess, ok := v.(catalog.Session)
	return sess, ok
}

// canSee reports whether p may see an asset of organisation orgID.
func canSee(p catalog.Principal, orgID int64) bool {
	return p.SeesAllOrgs() || p.OrgID == orgID
}
