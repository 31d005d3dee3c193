package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// Me is the caller of GET /api/v1/me.
type Me struct {
	UserID       int64  `json:"user_id"`
	Name         string `json:"name"`
	Login        string `json:"login,omitempty"` // "" for token-only accounts
	OrgID        int64  `json:"org_id"`
	Organisation string `json:"organisation"`
	Role         string `json:"role"`
	Lang         string `json:"lang"` // page language: vi or en
	Auth         string `json:"auth"` // how this request authenticated: session or token
}

// MyToken is one of the caller's API tokens, without its secret.
type MyToken struct {
	ID         int64      `json:"id"`
	Prefix     string     `json:"prefix"` // the first characters of the secret, to recognise it
	Label      string     `json:"label"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// TokenRequest creates an API token.
type TokenRequest struct {
	Label string `json:"label"` // what the token is for, at most 100 characters
}

// CreatedToken is a new API token; Token is shown this once.
type CreatedToken struct {
	MyToken
	Token string `json:"token"`
}

func toMyToken(t catalog.TokenInfo) MyToken {
	return MyToken{ID: t.ID, Prefix: t.Prefix, Label: t.Label, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (s *Server) getMe(c *gin.Context) {
	p := principal(c)
	u, err := s.db.UserByID(c.Request.Context(), p.UserID)
	if err != nil {
		s.failAccount(c, err)
		return
	}
	l, err := s.db.UserLang(c.Request.Context(), p.UserID)
	if err != nil {
		s.failAccount(c, err)
		return
	}
	auth := "token"
	if _, ok := session(c); ok {
		auth = "session"
	}
	c.JSON(http.StatusOK, Me{UserID: u.ID, Name: u.Name, Login: u.Login, OrgID: u.OrgID, Organisation: u.OrgName, Role: u.Role, Lang: l, Auth: auth})
}

func (s *Server) listMyTokens(c *gin.Context) {
	ts, err := s.db.UserTokens(c.Request.Context(), principal(c).UserID)
	if err != nil {
		s.failAccount(c, err)
		return
	}
	out := make([]MyToken, 0, len(ts))
	for _, t := range ts {
		out = append(out, toMyToken(t))
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

func (s *Server) createMyToken(c *gin.Context) {
	var req TokenRequest
	if !decodeJSON(c, &req) {
		return
	}
	nt, err := s.db.CreateUserToken(c.Request.Context(), principal(c).UserID, req.Label)
	if err != nil {
		s.failAccount(c, err)
		return
	}
	ts, err := s.db.UserTokens(c.Request.Context(), principal(c).UserID)
	if err != nil {
		s.failAccount(c, err)
		return
	}
	for _, t := range ts {
		if t.ID == nt.ID {
			c.JSON(http.StatusCreated, CreatedToken{MyToken: toMyToken(t), Token: nt.Secret})
			return
		}
	}
	s.fail(c, errors.New("api: the new token is not listed"))
}

func (s *Server) revokeMyToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		writeError(c, http.StatusNotFound, "token_not_found", "Không tìm thấy mã truy cập.", "No such token.")
		return
	}
	if err := s.db.RevokeToken(c.Request.Context(), principal(c).UserID, id); err != nil {
		s.failAccount(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// accountStatus maps the kind of an account refusal to its status.
var accountStatus = []struct {
	kind   error
	status int
}{
	{catalog.ErrInvalid, http.StatusBadRequest},
	{catalog.ErrDuplicate, http.StatusConflict},
	{catalog.ErrUnauthorized, http.StatusUnauthorized},
	{catalog.ErrForbidden, http.StatusForbidden},
	{catalog.ErrNotFound, http.StatusNotFound},
}

// failAccount writes an account refusal with its own code and messages.
func (s *Server) failAccount(c *gin.Context, err error) {
	var ae *catalog.AccountError
	if errors.As(err, &ae) {
		for _, k := range accountStatus {
			if errors.Is(err, k.kind) {
				writeError(c, k.status, ae.Code, ae.Vi, ae.En)
				return
			}
		}
	}
	if errors.Is(err, catalog.ErrNotFound) || errors.Is(err, catalog.ErrInvalid) {
		s.fail(c, err)
		return
	}
	s.fail(c, &ingest.Error{Code: ingest.CodeInternal, Vi: "Lỗi hệ thống; vui lòng thử lại sau.", En: "Internal error; please try again later.", Err: err})
}
