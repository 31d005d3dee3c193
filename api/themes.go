package api

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
)

// ThemeNode is a theme with its count of confirmed assets and sub-themes.
type ThemeNode struct {
	ID       string      `json:"id"`
	VI       string      `json:"vi"`
	EN       string      `json:"en"`
	Count    int         `json:"count"` // the theme and its sub-themes
	Children []ThemeNode `json:"children,omitempty"`
}

// AssetThemeView is one theme of an asset.
type AssetThemeView struct {
	ID        string `json:"id"`
	VI        string `json:"vi"`
	EN        string `json:"en"`
	Confirmed bool   `json:"confirmed"` // false: suggested from the text
	By        string `json:"by,omitempty"`
}

// listThemes answers the theme tree with counts of the assets the caller
// may see.
func (s *Server) listThemes(c *gin.Context) {
	p := principal(c)
	org := p.OrgID
	if p.SeesAllOrgs() {
		org = 0
	}
	counts, err := s.db.ThemeCounts(c.Request.Context(), org)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []ThemeNode{}
	if s.cfg.Themes != nil {
		for _, th := range s.cfg.Themes.Themes {
			out = append(out, themeNode(th, counts))
		}
	}
	c.JSON(http.StatusOK, gin.H{"themes": out})
}

func themeNode(th theme.Theme, counts map[string]int) ThemeNode {
	n := ThemeNode{ID: th.ID, VI: th.VI, EN: th.EN, Count: counts[th.ID]}
	for _, ch := range th.Children {
		child := themeNode(ch, counts)
		n.Count += child.Count
		n.Children = append(n.Children, child)
	}
	return n
}

// putThemes sets an asset's confirmed themes: {"themes": ["tourism", "ocop/coffee"]}.
func (s *Server) putThemes(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok || !s.allowed(c, catalog.ActEditThemes, a) {
		return
	}
	var req struct {
		Themes []string `json:"themes"`
	}
	if !decodeJSON(c, &req) {
		return
	}
	ids := dedupe(req.Themes)
	for _, id := range ids {
		if _, known := s.cfg.Themes.Get(id); !known {
			writeError(c, http.StatusUnprocessableEntity, "invalid_field", fmt.Sprintf("Không có chủ đề %q; xem GET /api/v1/themes.", id),
				fmt.Sprintf("There is no theme %q; see GET /api/v1/themes.", id))
			return
		}
	}
	if err := s.db.SetThemes(c.Request.Context(), a.ID, ids, principal(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.writeAsset(c, a.ID)
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) themeViews(ts []catalog.AssetTheme) []AssetThemeView {
	out := []AssetThemeView{}
	for _, t := range ts {
		v := AssetThemeView{ID: t.ID, Confirmed: t.Confirmed, By: t.SetBy}
		if s.cfg.Themes != nil {
			if th, ok := s.cfg.Themes.Get(t.ID); ok {
				v.VI, v.EN = th.VI, th.EN
			}
		}
		out = append(out, v)
	}
	return out
}

// suggestThemes recomputes an asset's theme suggestions from its text.
func (s *Server) suggestThemes(c *gin.Context, assetID string) error {
	if s.cfg.Themes == nil {
		return nil
	}
	m, err := s.db.Metadata(c.Request.Context(), assetID)
	if err != nil {
		return err
	}
	return s.suggestThemesFrom(c, assetID, m)
}

// suggestThemesFrom is suggestThemes with the metadata already at hand.
func (s *Server) suggestThemesFrom(c *gin.Context, assetID string, m catalog.Metadata) error {
	if s.cfg.Themes == nil {
		return nil
	}
	return s.db.SuggestThemes(c.Request.Context(), assetID, s.cfg.Themes.Suggest(m.AllText()...))
}
