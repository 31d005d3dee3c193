package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

// accountData is the data of the account page.
type accountData struct {
	Me       catalog.User
	Tokens   []catalog.TokenInfo
	NewToken string // the secret of a token just created, shown once
}

// RevokeTokenURL is where the "tokens" partial's revoke button for token
// id posts.
func (accountData) RevokeTokenURL(id int64) string {
	return fmt.Sprintf("/account/tokens/%d/revoke", id)
}

func (s *Server) accountPage(c *gin.Context) {
	s.showAccount(c, "")
}

func (s *Server) showAccount(c *gin.Context, newToken string) {
	p := principal(c)
	u, err := s.db.UserByID(c.Request.Context(), p.UserID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ts, err := s.db.UserTokens(c.Request.Context(), p.UserID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "account", accountData{Me: u, Tokens: ts, NewToken: newToken})
}

// postAccountPassword changes the user's password; every session ends and
// this browser gets a new one.
func (s *Server) postAccountPassword(c *gin.Context) {
	if c.PostForm("new") != c.PostForm("new2") {
		s.flashMsg(c, "error", "account.password_mismatch")
		c.Redirect(http.StatusSeeOther, "/account")
		return
	}
	sess, _ := session(c)
	ns, err := s.accounts.ChangeSessionPassword(c.Request.Context(), sess.ID, c.PostForm("old"), c.PostForm("new"))
	if err != nil {
		s.flashErr(c, err)
		c.Redirect(http.StatusSeeOther, "/account")
		return
	}
	s.startSession(c, ns)
	s.flashMsg(c, "ok", "account.password_changed")
	c.Redirect(http.StatusSeeOther, "/account")
}

// postAccountToken creates an API token and shows its secret once, on
// this response (not after a redirect, so it is never stored in a cookie).
func (s *Server) postAccountToken(c *gin.Context) {
	nt, err := s.db.CreateUserToken(c.Request.Context(), principal(c).UserID, c.PostForm("label"))
	if err != nil {
		s.flashErr(c, err)
		c.Redirect(http.StatusSeeOther, "/account")
		return
	}
	s.showAccount(c, nt.Secret)
}

func (s *Server) postAccountRevoke(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = s.db.RevokeToken(c.Request.Context(), principal(c).UserID, id)
	}
	if err != nil {
		s.flashErr(c, err)
	} else {
		s.flashMsg(c, "ok", "account.token_revoked")
	}
	c.Redirect(http.StatusSeeOther, "/account")
}
