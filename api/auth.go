package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

const principalKey = "principal"

// authenticate requires "Authorization: Bearer <token>".
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
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

func principal(c *gin.Context) catalog.Principal {
	p, _ := c.Get(principalKey)
	return p.(catalog.Principal)
}

// canSee reports whether p may see an asset of organisation orgID.
func canSee(p catalog.Principal, orgID int64) bool {
	return p.SeesAllOrgs() || p.OrgID == orgID
}
