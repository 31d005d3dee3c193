package api

// The library (/library) and the asset page (/assets/:id). Both are
// server-rendered from the catalogue so they work without JavaScript;
// static/library.js and static/asset.js enhance them by calling the JSON
// API with the session cookie and X-CSRF-Token. The small POST handlers
// below are the no-script fallbacks of the asset page's forms.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/transcode"
	"github.com/quangba/quangba/transcode/subtitle"
)

// libraryPageSize is the number of tiles on a page of the library.
const libraryPageSize = 48

// libraryPages adds the library (/library) and the asset page (/assets/:id).
func (s *Server) libraryPages(p *gin.RouterGroup) {
	p.GET("/library", s.libraryPage)
	p.GET("/assets/:id", s.assetPage)
	p.POST("/assets/:id/metadata", s.postAssetMetadata)
	p.POST("/assets/:id/themes", s.postAssetThemes)
	p.POST("/assets/:id/review", s.postAssetReview)
	p.POST("/assets/:id/subtitles", s.postAssetSubtitles)
}

// ---- library ----

// libraryData is the data of templates/library.html.
type libraryData struct {
	Form     libraryForm
	Tiles    []libraryTile
	Total    int
	Next     string // URL of the next page ("" on the last)
	First    string // URL of the first page when this is a later one
	Themes   []libFacet
	Kinds    []libFacet
	Statuses []libFacet
	Orgs     []libFacet // empty for contributors: they see one organisation
	Subs     []libFacet // has_subtitle
	Sorts    []libFacet
	Langs    []string // metadata languages (bulk edit columns)
	Error    string   // a filter that could not be used, in the page language
	AllOrgs  bool     // the user sees every organisation (curators, admins)
	CanPack  bool     // the user may add assets to packages
}

// libraryForm is what the filter form shows as chosen.
type libraryForm struct {
	Q, Kind, Status, Org, Incomplete, HasSubtitle, Sort, Cursor string
	Themes                                                      []string
}

// libFacet is one choice of a filter with the count of matching assets.
type libFacet struct {
	Value, Label string
	Count        int
	HasCount     bool
	Selected     bool
	Depth        int // sub-themes are 1
}

// libraryTile is one asset in the grid.
type libraryTile struct {
	ID, Kind, Status string
	Title, TitleLang string // TitleLang is set when the title is not in the page language
	Date             time.Time
	Thumb            bool // a thumbnail exists (not processing or failed)
	Restricted       bool
}

var (
	libraryKinds    = []string{catalog.KindPhoto, catalog.KindClip, catalog.KindTrailer}
	libraryStatuses = []string{catalog.StatusProcessing, catalog.StatusReady, catalog.StatusChangesRequested, catalog.StatusApproved,
		catalog.StatusRejected, catalog.StatusArchived, catalog.StatusFailed}
	librarySorts = []string{"", catalog.SortRelevance, catalog.SortUploaded, catalog.SortCaptured}
)

func (s *Server) libraryPage(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.pageLang(c)
	p := principal(c)
	q, form, problem := s.libraryQuery(c)
	res, err := s.db.Search(ctx, q)
	var fe *catalog.FieldError
	if errors.As(err, &fe) || (err != nil && errors.Is(err, catalog.ErrInvalid)) {
		if fe != nil {
			problem = fe.Field + ": " + s.pick(c, fe.Vi, fe.En)
		} else {
			problem = s.pick(c, "Tham số tìm kiếm không hợp lệ.", "Invalid search parameter.")
		}
		q.Cursor, q.Sort, form.Cursor, form.Sort = "", "", "", ""
		res, err = s.db.Search(ctx, q)
		if errors.As(err, &fe) || errors.Is(err, catalog.ErrInvalid) { // a bad filter: keep only the words
			q = catalog.SearchQuery{Text: q.Text, VisibleOrg: q.VisibleOrg, Limit: q.Limit}
			form = libraryForm{Q: form.Q}
			res, err = s.db.Search(ctx, q)
		}
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d := libraryData{Form: form, Total: res.Total, Error: problem, AllOrgs: p.SeesAllOrgs(), CanPack: p.SeesAllOrgs() && s.cfg.Export != nil,
		Langs: s.cfg.Languages}
	for _, a := range res.Assets {
		m, err := s.db.Metadata(ctx, a.ID)
		if err != nil && !errors.Is(err, catalog.ErrNotFound) {
			s.pageFail(c, err)
			return
		}
		t := libraryTile{ID: a.ID, Kind: a.Kind, Status: a.Status, Date: a.CreatedAt, Restricted: a.Review.Restricted,
			Thumb: a.Status != catalog.StatusProcessing && a.Status != catalog.StatusFailed}
		if a.CapturedAt != nil {
			t.Date = *a.CapturedAt
		}
		t.Title, t.TitleLang = s.libTitleOf(m, a, lang)
		d.Tiles = append(d.Tiles, t)
	}
	base := libraryValues(c)
	if res.Next != "" {
		v := libCloneValues(base)
		v.Set("cursor", res.Next)
		d.Next = "/library?" + v.Encode()
	}
	if form.Cursor != "" {
		d.First = "/library"
		if len(base) > 0 {
			d.First += "?" + base.Encode()
		}
	}
	d.Themes = s.libThemeOptions(res.Facets[catalog.FacetTheme], form.Themes, lang)
	for _, k := range libraryKinds {
		n, ok := res.Facets[catalog.FacetKind][k]
		d.Kinds = append(d.Kinds, libFacet{Value: k, Label: libKindName(k, lang), Count: n, HasCount: ok || res.Facets != nil, Selected: form.Kind == k})
	}
	for _, st := range libraryStatuses {
		n := res.Facets[catalog.FacetStatus][st]
		d.Statuses = append(d.Statuses, libFacet{Value: st, Count: n, HasCount: true, Selected: form.Status == st})
	}
	if d.AllOrgs {
		names := make([]string, 0, len(res.Facets[catalog.FacetOrganisation]))
		for name := range res.Facets[catalog.FacetOrganisation] {
			names = append(names, name)
		}
		if form.Org != "" && !slices.Contains(names, form.Org) {
			names = append(names, form.Org)
		}
		sort.Strings(names)
		for _, name := range names {
			d.Orgs = append(d.Orgs, libFacet{Value: name, Label: name, Count: res.Facets[catalog.FacetOrganisation][name], HasCount: true, Selected: form.Org == name})
		}
	}
	for _, l := range s.cfg.Languages {
		d.Subs = append(d.Subs, libFacet{Value: l, Label: libLangName(l, lang), Selected: form.HasSubtitle == l})
	}
	for _, so := range librarySorts {
		d.Sorts = append(d.Sorts, libFacet{Value: so, Selected: form.Sort == so})
	}
	s.render(c, http.StatusOK, "library", d)
}

// libraryQuery reads the query string as searchQuery (search.go) does,
// but a filter it cannot use is dropped with a message instead of failing
// the page.
func (s *Server) libraryQuery(c *gin.Context) (catalog.SearchQuery, libraryForm, string) {
	form := libraryForm{Q: c.Query("q"), Kind: c.Query("kind"), Status: c.Query("status"), Org: strings.TrimSpace(c.Query("org")),
		Incomplete: c.Query("incomplete"), HasSubtitle: c.Query("has_subtitle"), Sort: c.Query("sort"), Cursor: c.Query("cursor")}
	q := catalog.SearchQuery{Text: form.Q, Kind: form.Kind, Status: form.Status, DateField: c.Query("date_field"),
		Orientation: c.Query("orientation"), HasSubtitle: form.HasSubtitle, LacksSubtitle: c.Query("lacks_subtitle"),
		Incomplete: form.Incomplete, SHA256: c.Query("sha256"), Sort: form.Sort, Limit: libraryPageSize, Cursor: form.Cursor}
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 && n <= 200 {
		q.Limit = n
	}
	for _, v := range c.QueryArray("theme") {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				q.Themes = append(q.Themes, t)
			}
		}
	}
	form.Themes = q.Themes
	p := principal(c)
	if !p.SeesAllOrgs() {
		q.VisibleOrg = p.OrgID
	}
	var problem string
	if form.Org != "" {
		org, err := s.db.OrgByName(c.Request.Context(), form.Org)
		if err != nil {
			problem = s.pick(c, fmt.Sprintf("Không có đơn vị %q; bỏ qua bộ lọc này.", form.Org), fmt.Sprintf("There is no organisation %q; that filter is ignored.", form.Org))
			form.Org = ""
		} else {
			q.OrgID = org.ID
		}
	}
	for _, d := range []struct {
		name string
		dst  **time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := c.Query(d.name); v != "" {
			if t, err := time.ParseInLocation("2006-01-02", v, vietnam); err == nil {
				*d.dst = &t
			} else {
				problem = s.pick(c, d.name+": ngày phải có dạng 2026-03-10.", d.name+": the date must look like 2026-03-10.")
			}
		}
	}
	return q, form, problem
}

// libraryValues is the page's query string without the cursor and empty
// values: what the next page and the first page links keep.
func libraryValues(c *gin.Context) url.Values {
	out := url.Values{}
	for k, vs := range c.Request.URL.Query() {
		if k == "cursor" {
			continue
		}
		for _, v := range vs {
			if v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

func libCloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// libThemeOptions flattens the taxonomy: each theme, then its sub-themes.
func (s *Server) libThemeOptions(counts map[string]int, chosen []string, lang string) []libFacet {
	var out []libFacet
	if s.cfg.Themes == nil {
		return out
	}
	var walk func(ts []theme.Theme, depth int)
	walk = func(ts []theme.Theme, depth int) {
		for _, t := range ts {
			label := t.VI
			if lang == "en" && t.EN != "" {
				label = t.EN
			}
			out = append(out, libFacet{Value: t.ID, Label: label, Count: counts[t.ID], HasCount: counts != nil, Selected: slices.Contains(chosen, t.ID), Depth: depth})
			walk(t.Children, depth+1)
		}
	}
	walk(s.cfg.Themes.Themes, 0)
	return out
}

// libTitleOf is the asset's title in lang, else in another language, else
// its file name; the second result is the language of the text when it is
// not lang ("" for a file name).
func (s *Server) libTitleOf(m catalog.Metadata, a catalog.Asset, lang string) (string, string) {
	return s.libTextIn(m, catalog.FieldTitle, lang, a.RawFileName)
}

func (s *Server) libTextIn(m catalog.Metadata, field, lang, fallback string) (string, string) {
	if t := m.Text(field, lang); t.Value != "" {
		return t.Value, ""
	}
	for _, l := range s.cfg.Languages {
		if t := m.Text(field, l); l != lang && t.Value != "" {
			return t.Value, l
		}
	}
	if fallback == "" {
		return "", ""
	}
	return fallback, ""
}

func libKindName(kind, lang string) string {
	names := map[string][2]string{catalog.KindPhoto: {"Ảnh", "Photo"}, catalog.KindClip: {"Clip", "Clip"}, catalog.KindTrailer: {"Trailer", "Trailer"}}
	n, ok := names[kind]
	if !ok {
		return kind
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// libLangName names a metadata language in the page language.
func libLangName(code, lang string) string {
	names := map[string][2]string{"vi": {"Tiếng Việt", "Vietnamese"}, "en": {"Tiếng Anh", "English"}}
	n, ok := names[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// ---- asset page ----

// assetData is the data of templates/asset.html.
type assetData struct {
	Asset      Asset
	Title      string
	TitleLang  string // set when the title is not in the page language
	Alt        string
	AltLang    string
	IsVideo    bool
	Preview    string // photo rendition shown large: preview, web or ""
	HasPoster  bool
	Tracks     []assetTrack
	Langs      []assetLang
	Fields     []assetFieldRow
	Plain      []assetPlain
	Themes     []assetThemeChoice
	Suggested  []AssetThemeView
	Confirmed  []AssetThemeView
	Renditions []Rendition
	Tech       []assetTech
	History    []assetEvent
	Decisions  []string // review decisions valid now, for curators and admins
	Failure    string
	Review     *Review
	ReviewNote string

	CanEdit, CanThemes, CanSubtitles, CanReview, CanResubmit, Curator bool
	EditRefusal                                                       string // why the metadata cannot be edited now
}

type assetLang struct{ Code, Name string }

// assetFieldRow is a language-bearing field with one cell per language.
type assetFieldRow struct {
	Field    string
	Long     bool // a textarea
	Keywords bool // comma-separated items
	Cells    []assetFieldCell
}

type assetFieldCell struct {
	Lang, Name, ID, Value, State, Origin, By string
	At                                       *time.Time
	Suggested                                bool // drafted from the glossary or the translation memory
}

type assetPlain struct {
	Name, ID, Value, Hint string
}

type assetThemeChoice struct {
	ID, Label string
	Depth     int
	Checked   bool
	Suggested bool
}

type assetTech struct{ Label, Value string }

type assetTrack struct {
	Lang, LangName, Source, Encoding, By string
	Cues, Errors, Warnings               int
	At                                   time.Time
	Findings                             []assetFinding
	VTT, SRT                             string
}

type assetFinding struct {
	Cue            int
	At             string
	Rule, Severity string
	Message        string
}

type assetEvent struct {
	At     time.Time
	Actor  string
	Action string
	Detail string
}

// libReviewChoices are the decisions a curator can take from each status
// (catalog/review.go's transitions); restrict or unrestrict is added by
// the flag.
var libReviewChoices = map[string][]string{
	catalog.StatusReady:            {catalog.DecisionApprove, catalog.DecisionRequestChanges, catalog.DecisionReject},
	catalog.StatusChangesRequested: {catalog.DecisionResubmit, catalog.DecisionReject},
	catalog.StatusApproved:         {catalog.DecisionArchive, catalog.DecisionSendBack},
	catalog.StatusArchived:         {catalog.DecisionSendBack},
	catalog.StatusRejected:         {catalog.DecisionSendBack},
}

// pageAsset loads the asset of the path if the user may see it, or shows
// the 404 page (as visibleAsset does for the API).
func (s *Server) pageAsset(c *gin.Context) (catalog.Asset, bool) {
	a, err := s.db.Asset(c.Request.Context(), c.Param("id"))
	if err == nil && !catalog.Can(principal(c), catalog.ActView, a) {
		err = catalog.ErrNotFound
	}
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		s.renderError(c, http.StatusNotFound, "Không tìm thấy tư liệu này.", "No such asset.")
		return a, false
	case err != nil:
		s.pageFail(c, err)
		return a, false
	}
	return a, true
}

func (s *Server) assetPage(c *gin.Context) {
	a, ok := s.pageAsset(c)
	if !ok {
		return
	}
	d, err := s.assetData(c, a)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "asset", d)
}

func (s *Server) assetData(c *gin.Context, a catalog.Asset) (assetData, error) {
	ctx := c.Request.Context()
	lang := s.pageLang(c)
	p := principal(c)
	var d assetData
	files, err := s.db.Files(ctx, a.ID)
	if err != nil {
		return d, err
	}
	m, err := s.db.Metadata(ctx, a.ID)
	if err != nil {
		return d, err
	}
	ts, err := s.db.Themes(ctx, a.ID)
	if err != nil {
		return d, err
	}
	subs, err := s.db.Subtitles(ctx, a.ID)
	if err != nil {
		return d, err
	}
	hs, err := s.db.History(ctx, "asset", a.ID)
	if err != nil {
		return d, err
	}
	d.Asset = toAsset(a)
	d.Renditions = toRenditions(a.ID, files)
	d.Title, d.TitleLang = s.libTitleOf(m, a, lang)
	d.Alt, d.AltLang = s.libTextIn(m, catalog.FieldAltText, lang, "")
	if d.Alt == "" {
		d.Alt, d.AltLang = d.Title, d.TitleLang
	}
	d.IsVideo = a.Kind != catalog.KindPhoto
	for _, r := range d.Renditions {
		switch r.Name {
		case "preview":
			d.Preview = "preview"
		case "web":
			if d.Preview == "" {
				d.Preview = "web"
			}
		case "poster":
			d.HasPoster = true
		}
	}
	if a.Status == catalog.StatusFailed && d.Asset.Failure != nil {
		d.Failure = s.pick(c, d.Asset.Failure.MessageVi, d.Asset.Failure.MessageEn)
	}
	d.Review = d.Asset.Review
	d.Curator = p.SeesAllOrgs()
	d.CanEdit = catalog.Can(p, catalog.ActEditMetadata, a)
	if err := catalog.Check(p, catalog.ActEditMetadata, a); err != nil {
		var pe *catalog.PermissionError
		if errors.As(err, &pe) {
			d.EditRefusal = s.pick(c, pe.Vi, pe.En)
		}
	}
	d.CanThemes = catalog.Can(p, catalog.ActEditThemes, a)
	d.CanSubtitles = d.IsVideo && catalog.Can(p, catalog.ActAttachSubtitles, a)
	d.CanResubmit = !d.Curator && a.Status == catalog.StatusChangesRequested && catalog.Can(p, catalog.ActResubmit, a)
	if d.Curator {
		d.CanReview = true
		d.Decisions = append(d.Decisions, libReviewChoices[a.Status]...)
		if a.Review.Restricted {
			d.Decisions = append(d.Decisions, catalog.DecisionUnrestrict)
		} else {
			d.Decisions = append(d.Decisions, catalog.DecisionRestrict)
		}
	}

	for _, l := range s.cfg.Languages {
		d.Langs = append(d.Langs, assetLang{Code: l, Name: libLangName(l, lang)})
	}
	for _, f := range catalog.TextFields {
		row := assetFieldRow{Field: f, Long: f == catalog.FieldCaption || f == catalog.FieldUsageTerms, Keywords: f == catalog.FieldKeywords}
		for _, l := range s.cfg.Languages {
			t := m.Text(f, l)
			v := t.Value
			if row.Keywords {
				v = strings.Join(t.Keywords, "; ")
			}
			row.Cells = append(row.Cells, assetFieldCell{Lang: l, Name: f + "." + l, ID: "f-" + f + "-" + l, Value: v, State: t.State, Origin: t.Origin,
				By: t.SetBy, At: t.SetAt, Suggested: t.State == catalog.TextDraft && (t.Origin == catalog.OriginMemory || t.Origin == catalog.OriginGlossary)})
		}
		d.Fields = append(d.Fields, row)
	}
	d.Plain = []assetPlain{
		{Name: "creator", Value: m.Creator}, {Name: "credit", Value: m.Credit}, {Name: "date_created", Value: libDisplayDate(m.DateCreated)},
		{Name: "country_code", Value: m.CountryCode}, {Name: "source_type", Value: m.SourceType},
	}
	for i := range d.Plain {
		d.Plain[i].ID = "f-" + d.Plain[i].Name
	}

	views := s.themeViews(ts)
	state := map[string]AssetThemeView{}
	for _, v := range views {
		state[v.ID] = v
		if v.Confirmed {
			d.Confirmed = append(d.Confirmed, v)
		} else {
			d.Suggested = append(d.Suggested, v)
		}
	}
	for _, o := range s.libThemeOptions(nil, nil, lang) {
		v, ok := state[o.Value]
		d.Themes = append(d.Themes, assetThemeChoice{ID: o.Value, Label: o.Label, Depth: o.Depth, Checked: ok && v.Confirmed, Suggested: ok && !v.Confirmed})
	}

	d.Tech = s.libTechRows(a, lang)
	for _, t := range subs {
		row := assetTrack{Lang: t.Lang, LangName: libLangName(t.Lang, lang), Source: t.Source, Encoding: t.Encoding, By: t.SetBy, Cues: t.Cues,
			Errors: t.Errors, Warnings: t.Warnings, At: t.SetAt, VTT: "/api/v1/assets/" + a.ID + "/subtitles/" + t.Lang + ".vtt",
			SRT: "/api/v1/assets/" + a.ID + "/subtitles/" + t.Lang + ".srt"}
		var fs []Finding
		if len(t.Report) > 0 {
			_ = json.Unmarshal(t.Report, &fs) // a report we cannot read shows as none
		}
		for _, f := range fs {
			row.Findings = append(row.Findings, assetFinding{Cue: f.Cue, At: libCueTime(f.At), Rule: f.Rule, Severity: f.Severity, Message: s.pick(c, f.Vi, f.En)})
		}
		d.Tracks = append(d.Tracks, row)
	}
	for _, h := range hs {
		d.History = append(d.History, assetEvent{At: h.At, Actor: h.Actor, Action: h.Action, Detail: libHistoryDetail(h, lang)})
	}
	return d, nil
}

// libTechRows are the technical facts of the file, formatted for lang.
func (s *Server) libTechRows(a catalog.Asset, lang string) []assetTech {
	v := &View{Lang: lang, ui: s.web}
	tr := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	var out []assetTech
	add := func(vi, en, value string) {
		if value != "" {
			out = append(out, assetTech{Label: tr(vi, en), Value: value})
		}
	}
	add("Định dạng", "Format", strings.ToUpper(a.Format)+" ("+a.MIME+")")
	size, _ := v.Bytes(a.ByteSize)
	add("Dung lượng", "Size", size)
	if a.Width > 0 && a.Height > 0 {
		add("Kích thước", "Dimensions", fmt.Sprintf("%s × %s px", formatInt(int64(a.Width), lang), formatInt(int64(a.Height), lang)))
	}
	if a.Kind != catalog.KindPhoto {
		add("Thời lượng", "Duration", libClock(a.Duration))
		codecs := a.VideoCodec
		if a.AudioCodec != "" {
			codecs += " / " + a.AudioCodec
		}
		add("Mã hoá", "Codecs", codecs)
		if a.FrameRate > 0 {
			add("Số khung hình/giây", "Frame rate", formatFloat(a.FrameRate, 3, lang)+" fps")
		}
		if a.LoudnessLUFS != nil {
			add("Độ to (EBU R128)", "Loudness (EBU R128)", formatFloat(*a.LoudnessLUFS, 1, lang)+" LUFS")
		}
		if a.TruePeakDBTP != nil {
			add("Đỉnh thực", "True peak", formatFloat(*a.TruePeakDBTP, 1, lang)+" dBTP")
		}
	}
	add("Máy ảnh", "Camera", strings.TrimSpace(a.CameraMake+" "+a.CameraModel))
	if a.CapturedAt != nil {
		at, _ := v.DateTime(a.CapturedAt)
		add("Thời điểm chụp/quay", "Captured", at)
	}
	if a.GPS != nil {
		add("Toạ độ GPS", "GPS", formatFloat(a.GPS.Lat, 5, lang)+"; "+formatFloat(a.GPS.Lon, 5, lang))
	}
	up, _ := v.DateTime(a.CreatedAt)
	add("Tải lên lúc", "Uploaded", up)
	add("Người tải lên", "Uploaded by", a.Uploader)
	add("Đơn vị", "Organisation", a.OrgName)
	add("Tên tệp gốc", "Original file name", a.RawFileName)
	return out
}

// libClock writes a duration as m:ss or h:mm:ss.
func libClock(d time.Duration) string {
	sec := int(d.Round(time.Second).Seconds())
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// libCueTime writes a cue's start as m:ss.mmm.
func libCueTime(sec float64) string {
	ms := int(sec*1000 + 0.5)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

var (
	libISODay = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	libVNDay  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// libDisplayDate shows a full stored date as dd/mm/yyyy; partial ones (2026,
// 2026-03) as they are.
func libDisplayDate(s string) string {
	if m := libISODay.FindStringSubmatch(s); m != nil {
		return m[3] + "/" + m[2] + "/" + m[1]
	}
	return s
}

// libStoredDate turns a typed dd/mm/yyyy into 2026-03-10; anything else is
// left for the catalogue to accept or refuse.
func libStoredDate(s string) string {
	s = strings.TrimSpace(s)
	if m := libVNDay.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s-%02d-%02d", m[3], mo, d)
	}
	return s
}

// libHistoryDetail summarises an event for the history list.
func libHistoryDetail(h catalog.HistoryEntry, lang string) string {
	det := h.Detail
	str := func(k string) string {
		if v, ok := det[k].(string); ok {
			return v
		}
		return ""
	}
	switch h.Action {
	case "asset.metadata":
		var fields []string
		if cs, ok := det["changes"].([]any); ok {
			for _, ch := range cs {
				if m, ok := ch.(map[string]any); ok {
					if f, ok := m["field"].(string); ok {
						fields = append(fields, f)
					}
				}
			}
		}
		return strings.Join(fields, ", ")
	case "asset.review":
		out := str("decision")
		if from, to := str("from"), str("to"); from != "" && to != "" && from != to {
			out += " (" + from + " → " + to + ")"
		}
		if n := str("note"); n != "" {
			out += ": " + n
		}
		return out
	case "asset.themes":
		var ids []string
		if l, ok := det["after"].([]any); ok {
			for _, v := range l {
				if s, ok := v.(string); ok {
					ids = append(ids, s)
				}
			}
		}
		return strings.Join(ids, ", ")
	case "asset.subtitles":
		return fmt.Sprintf("%s %v", str("lang"), str("source"))
	}
	return ""
}

// ---- no-script fallbacks of the asset page's forms ----

// libPatchFromForm reads the metadata form: "title.vi", "keywords.en" (items
// separated by ; or ,), the plain fields, and "review" checkboxes. Only
// the fields present in the form are changed.
func libPatchFromForm(c *gin.Context, langs []string) MetadataPatch {
	var p MetadataPatch
	texts := map[string]*map[string]string{catalog.FieldTitle: &p.Title, catalog.FieldCaption: &p.Caption, catalog.FieldAltText: &p.AltText,
		catalog.FieldCopyright: &p.Copyright, catalog.FieldUsageTerms: &p.UsageTerms, catalog.FieldSublocation: &p.Sublocation,
		catalog.FieldCity: &p.City, catalog.FieldProvince: &p.Province, catalog.FieldCountry: &p.Country}
	for field, dst := range texts {
		for _, l := range langs {
			if v, ok := c.GetPostForm(field + "." + l); ok {
				if *dst == nil {
					*dst = map[string]string{}
				}
				(*dst)[l] = v
			}
		}
	}
	for _, l := range langs {
		if v, ok := c.GetPostForm("keywords." + l); ok {
			if p.Keywords == nil {
				p.Keywords = map[string][]string{}
			}
			p.Keywords[l] = libSplitKeywords(v)
		}
	}
	for name, dst := range map[string]**string{"creator": &p.Creator, "credit": &p.Credit, "date_created": &p.DateCreated,
		"country_code": &p.CountryCode, "source_type": &p.SourceType} {
		if v, ok := c.GetPostForm(name); ok {
			if name == "date_created" {
				v = libStoredDate(v)
			}
			*dst = &v
		}
	}
	p.Review = c.PostFormArray("review")
	return p
}

func libSplitKeywords(s string) []string {
	out := []string{}
	for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func (s *Server) postAssetMetadata(c *gin.Context) {
	a, ok := s.pageAsset(c)
	if !ok {
		return
	}
	to := "/assets/" + a.ID
	p := principal(c)
	if err := catalog.Check(p, catalog.ActEditMetadata, a); err != nil {
		s.flashPageErr(c, err)
		back(c, to)
		return
	}
	patch := libPatchFromForm(c, s.cfg.Languages)
	m, err := s.db.EditMetadata(c.Request.Context(), a.ID, patch.edit(), p, s.cfg.Languages, s.cfg.Glossary)
	if err == nil {
		err = s.suggestThemesFrom(c, a.ID, m)
	}
	if err != nil {
		s.flashPageErr(c, err)
	} else {
		s.flashMsg(c, "ok", "asset.saved")
	}
	back(c, to)
}

func (s *Server) postAssetThemes(c *gin.Context) {
	a, ok := s.pageAsset(c)
	if !ok {
		return
	}
	to := "/assets/" + a.ID
	if err := catalog.Check(principal(c), catalog.ActEditThemes, a); err != nil {
		s.flashPageErr(c, err)
		back(c, to)
		return
	}
	ids := dedupe(c.PostFormArray("theme"))
	for _, id := range ids {
		if _, known := s.cfg.Themes.Get(id); !known {
			s.flash(c, "error", fmt.Sprintf("Không có chủ đề %q.", id), fmt.Sprintf("There is no theme %q.", id))
			back(c, to)
			return
		}
	}
	if err := s.db.SetThemes(c.Request.Context(), a.ID, ids, principal(c)); err != nil {
		s.flashPageErr(c, err)
	} else {
		s.flashMsg(c, "ok", "asset.themes_saved")
	}
	back(c, to)
}

func (s *Server) postAssetReview(c *gin.Context) {
	a, ok := s.pageAsset(c)
	if !ok {
		return
	}
	if _, err := s.db.Review(c.Request.Context(), a.ID, c.PostForm("decision"), c.PostForm("note"), principal(c)); err != nil {
		s.flashPageErr(c, err)
	} else {
		s.flashMsg(c, "ok", "asset.review_done")
	}
	back(c, "/assets/"+a.ID)
}

// postAssetSubtitles attaches a subtitle file sent by the page's form
// (multipart with the csrf field, which the API route does not read).
func (s *Server) postAssetSubtitles(c *gin.Context) {
	a, ok := s.pageAsset(c)
	if !ok {
		return
	}
	to := "/assets/" + a.ID
	defer back(c, to)
	if err := catalog.Check(principal(c), catalog.ActAttachSubtitles, a); err != nil {
		s.flashPageErr(c, err)
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		s.flash(c, "error", "Chưa chọn tệp phụ đề.", "No subtitle file was chosen.")
		return
	}
	data, err := readUpload(fh)
	if err != nil {
		s.flashPageErr(c, err)
		return
	}
	got, err := s.subs.Attach(c.Request.Context(), a, strings.TrimSpace(c.PostForm("lang")), fh.Filename, data, principal(c))
	var ee *subtitle.EncodingError
	switch {
	case errors.As(err, &ee):
		s.flash(c, "error", ee.Vi, ee.En)
	case errors.Is(err, subtitle.ErrFormat):
		s.flash(c, "error", "Không đọc được tệp phụ đề: "+err.Error(), "Cannot read the subtitle file: "+err.Error())
	case errors.Is(err, transcode.ErrNotVideo):
		s.flash(c, "error", "Chỉ video mới có phụ đề.", "Only clips and trailers have subtitles.")
	case errors.Is(err, transcode.ErrNoSubtitleLang):
		s.flash(c, "error", fmt.Sprintf("Ngôn ngữ phụ đề phải là một trong %v.", s.cfg.Languages), fmt.Sprintf("The subtitle language must be one of %v.", s.cfg.Languages))
	case err != nil:
		s.flashPageErr(c, err)
	default:
		t := got.Track
		s.flash(c, "ok", fmt.Sprintf("Đã tải phụ đề: %d câu thoại, %d lỗi, %d cảnh báo.", t.Cues, t.Errors, t.Warnings),
			fmt.Sprintf("Subtitles uploaded: %d cues, %d errors, %d warnings.", t.Cues, t.Errors, t.Warnings))
	}
}

// flashPageErr leaves the message of a refused change for the next page.
func (s *Server) flashPageErr(c *gin.Context, err error) {
	var fe *catalog.FieldError
	var pe *catalog.PermissionError
	var te *catalog.TransitionError
	switch {
	case errors.As(err, &fe):
		s.flash(c, "error", fe.Field+": "+fe.Vi, fe.Field+": "+fe.En)
	case errors.As(err, &pe):
		s.flash(c, "error", pe.Vi, pe.En)
	case errors.As(err, &te):
		s.flash(c, "error", te.Vi, te.En)
	case errors.As(err, new(*ingest.Error)):
		e := ingest.AsError(err)
		s.flash(c, "error", e.Vi, e.En)
	case errors.Is(err, catalog.ErrForbidden):
		s.flash(c, "error", "Chỉ biên tập viên và quản trị viên được duyệt bản dịch.", "Only curators and admins can mark translations reviewed.")
	default:
		s.flashErr(c, err)
	}
}
