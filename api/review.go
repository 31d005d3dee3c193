package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

// postReview applies a review decision and answers the asset.
func (s *Server) postReview(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok {
		return
	}
	var req ReviewRequest
	if !decodeJSON(c, &req) {
		return
	}
	if _, err := s.db.Review(c.Request.Context(), a.ID, req.Decision, req.Note, principal(c)); err != nil {
		s.failReview(c, err)
		return
	}
	s.writeAsset(c, a.ID)
}

// reviewQueue answers the assets awaiting review, oldest first
// (curators and admins); ?kind=, ?org= (name) and ?theme= narrow it.
func (s *Server) reviewQueue(c *gin.Context) {
	if !principal(c).SeesAllOrgs() {
		writeError(c, http.StatusForbidden, "forbidden", "Chỉ biên tập viên và quản trị viên xem được hàng chờ duyệt.",
			"Only curators and admins can see the review queue.")
		return
	}
	limit, ok := pageLimit(c)
	if !ok {
		return
	}
	assets, next, err := s.db.ReviewQueue(c.Request.Context(), catalog.QueueQuery{Kind: c.Query("kind"), Org: c.Query("org"),
		Theme: c.Query("theme"), Limit: limit, Cursor: c.Query("cursor")})
	if err != nil {
		s.fail(c, err)
		return
	}
	page := AssetPage{Items: make([]Asset, 0, len(assets)), Next: next}
	for _, a := range assets {
		page.Items = append(page.Items, toAsset(a))
	}
	c.JSON(http.StatusOK, page)
}

// assetHistory answers what happened to an asset, newest first.
func (s *Server) assetHistory(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok {
		return
	}
	hs, err := s.db.History(c.Request.Context(), "asset", a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toHistory(hs))
}

// allowed reports whether the caller may do act to a; when not, it writes
// 403 with the reason.
func (s *Server) allowed(c *gin.Context, act catalog.Action, a catalog.Asset) bool {
	if err := catalog.Check(principal(c), act, a); err != nil {
		s.failReview(c, err)
		return false
	}
	return true
}

func (s *Server) failReview(c *gin.Context, err error) {
	var pe *catalog.PermissionError
	var te *catalog.TransitionError
	switch {
	case errors.As(err, &pe):
		writeError(c, http.StatusForbidden, "forbidden", pe.Vi, pe.En)
	case errors.As(err, &te):
		writeError(c, http.StatusUnprocessableEntity, "invalid_transition", te.Vi, te.En)
	default:
		s.failMeta(c, err)
	}
}
