package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
)

// curatorPages adds the review queue, the packages and the reports pages.
func (s *Server) curatorPages(p *gin.RouterGroup) {
	g := p.Group("", s.curatorOnly)
	g.GET("/review", s.reviewPage)
	g.POST("/review/:id", s.postReviewPage)
	g.GET("/reports", s.reportsPage)
	k := g.Group("/packages", s.exportConfigured)
	k.GET("", s.packagesPage)
	k.POST("", s.postPackagePage)
	k.GET("/:id", s.packagePage)
	k.POST("/:id", s.postPackageEdit)
	k.POST("/:id/assets", s.postPackageAddPage)
	k.POST("/:id/assets/:asset_id/remove", s.postPackageRemovePage)
	k.POST("/:id/export", s.postPackageExportPage)
	k.POST("/:id/submissions", s.postPackageSubmissionPage)
}

// curatorOnly lets curators and admins through and shows others a 403 page.
func (s *Server) curatorOnly(c *gin.Context) {
	if !principal(c).SeesAllOrgs() {
		s.renderError(c, http.StatusForbidden, "Chỉ biên tập viên và quản trị viên được vào trang này.",
			"Only curators and admins may open this page.")
		return
	}
	c.Next()
}

// exportConfigured shows a 503 page when packages are not configured.
func (s *Server) exportConfigured(c *gin.Context) {
	if s.cfg.Export == nil {
		s.renderError(c, http.StatusServiceUnavailable, "Chức năng xuất gói chưa được cấu hình.", "Export is not configured.")
		return
	}
	c.Next()
}

// flashKey leaves the message key formatted with args; an int arg is
// written with each language's separators.
func (s *Server) flashKey(c *gin.Context, kind, key string, args ...any) {
	m := s.web.msgs[key]
	f := func(lang string) string {
		if len(args) == 0 {
			return m[lang]
		}
		out := make([]any, len(args))
		for i, a := range args {
			if n, ok := a.(int); ok {
				out[i] = formatInt(int64(n), lang)
			} else {
				out[i] = a
			}
		}
		return fmt.Sprintf(m[lang], out...)
	}
	s.flash(c, kind, f("vi"), f("en"))
}

// flashCatalogErr leaves the bilingual message a catalogue error carries;
// notFound is the message key for ErrNotFound and invalid the one for
// another ErrInvalid (which carries English only).
func (s *Server) flashCatalogErr(c *gin.Context, err error, notFound, invalid string) {
	var pe *catalog.PermissionError
	var te *catalog.TransitionError
	var fe *catalog.FieldError
	var ae *catalog.AccountError
	switch {
	case errors.As(err, &pe):
		s.flash(c, "error", pe.Vi, pe.En)
	case errors.As(err, &te):
		s.flash(c, "error", te.Vi, te.En)
	case errors.As(err, &fe):
		s.flash(c, "error", fe.Vi, fe.En)
	case errors.As(err, &ae):
		s.flash(c, "error", ae.Vi, ae.En)
	case errors.Is(err, catalog.ErrNotFound):
		s.flashMsg(c, "error", notFound)
	case errors.Is(err, catalog.ErrInvalid):
		s.log.Info("page action refused", "path", c.Request.URL.Path, "err", err)
		s.flashMsg(c, "error", invalid)
	default:
		s.flashErr(c, err)
	}
}

// --- Review queue ---

var queueKinds = []string{catalog.KindPhoto, catalog.KindClip, catalog.KindTrailer}

// reviewFields are the fields the queue shows as still empty or draft.
var reviewFields = []string{catalog.FieldTitle, catalog.FieldCaption, catalog.FieldKeywords, catalog.FieldAltText}

// reviewData is the data of /review.
type reviewData struct {
	Rows              []reviewRow
	Kind, Org, Theme  string
	Kinds             []string
	Orgs              []string
	Themes            []option
	Cursor            string
	FirstURL, NextURL string // "" when there is no such page
	Back              string // this page, for the forms to come back to
	Decisions         []string
}

// option is a value of a select and its label in the page's language.
type option struct{ Value, Label string }

// reviewRow is one asset awaiting review.
type reviewRow struct {
	Asset            catalog.Asset
	TitleVI, TitleEN string
	Alt              string
	Pending          []pendingField
}

// pendingField is a field in a language that is empty or only a draft.
type pendingField struct{ Field, Lang, State string }

func (s *Server) reviewPage(c *gin.Context) {
	ctx := c.Request.Context()
	d := reviewData{Kind: c.Query("kind"), Org: strings.TrimSpace(c.Query("org")), Theme: c.Query("theme"), Cursor: c.Query("cursor"),
		Kinds: queueKinds, Decisions: []string{"approve", "request_changes", "reject"}}
	if !slices.Contains(queueKinds, d.Kind) {
		d.Kind = ""
	}
	lang := s.pageLang(c)
	if s.cfg.Themes != nil {
		labels := s.cfg.Themes.Labels(lang)
		for _, t := range s.cfg.Themes.Themes {
			d.Themes = append(d.Themes, option{t.ID, labels[t.ID]})
			for _, ch := range t.Children {
				d.Themes = append(d.Themes, option{ch.ID, labels[t.ID] + " › " + labels[ch.ID]})
			}
		}
		if !slices.ContainsFunc(d.Themes, func(o option) bool { return o.Value == d.Theme }) {
			d.Theme = ""
		}
	} else {
		d.Theme = ""
	}
	orgs, err := s.db.OrgSummaries(ctx)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, o.Name)
	}
	q := url.Values{}
	for k, v := range map[string]string{"kind": d.Kind, "org": d.Org, "theme": d.Theme} {
		if v != "" {
			q.Set(k, v)
		}
	}
	filter := q.Encode()
	qq := catalog.QueueQuery{Kind: d.Kind, Org: d.Org, Theme: d.Theme, Cursor: d.Cursor, Limit: 50}
	assets, next, err := s.db.ReviewQueue(ctx, qq)
	if errors.Is(err, catalog.ErrInvalid) && d.Cursor != "" { // a stale or forged cursor: start again
		d.Cursor, qq.Cursor = "", ""
		assets, next, err = s.db.ReviewQueue(ctx, qq)
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		d.NextURL = "/review?" + nq.Encode()
	}
	if d.Cursor != "" {
		d.FirstURL = "/review"
		if filter != "" {
			d.FirstURL += "?" + filter
		}
	}
	d.Back = "/review"
	if d.Cursor != "" {
		q.Set("cursor", d.Cursor)
	}
	if e := q.Encode(); e != "" {
		d.Back += "?" + e
	}
	for _, a := range assets {
		m, err := s.db.Metadata(ctx, a.ID)
		if err != nil {
			s.pageFail(c, err)
			return
		}
		r := reviewRow{Asset: a, TitleVI: m.Text(catalog.FieldTitle, "vi").Value, TitleEN: m.Text(catalog.FieldTitle, "en").Value}
		r.Alt = r.TitleVI
		if lang == "en" && r.TitleEN != "" || r.Alt == "" {
			r.Alt = r.TitleEN
		}
		if r.Alt == "" {
			r.Alt = a.FileName
		}
		for _, f := range reviewFields {
			for _, l := range s.cfg.Languages {
				if st := m.Text(f, l).State; st == catalog.TextEmpty || st == catalog.TextDraft || st == "" {
					if st == "" {
						st = catalog.TextEmpty
					}
					r.Pending = append(r.Pending, pendingField{Field: f, Lang: l, State: st})
				}
			}
		}
		d.Rows = append(d.Rows, r)
	}
	s.render(c, http.StatusOK, "review", d)
}

func (s *Server) postReviewPage(c *gin.Context) {
	to := safeNext(c.PostForm("next"))
	if to == "" || !strings.HasPrefix(to, "/review") && !strings.HasPrefix(to, "/assets/") {
		to = "/review"
	}
	decision := c.PostForm("decision")
	if !slices.Contains([]string{"approve", "request_changes", "reject"}, decision) {
		s.flashMsg(c, "error", "cur.review.bad_decision")
		back(c, to)
		return
	}
	_, err := s.db.Review(c.Request.Context(), c.Param("id"), decision, c.PostForm("note"), principal(c))
	if err != nil {
		s.flashCatalogErr(c, err, "cur.review.not_found", "cur.invalid")
	} else {
		s.flashMsg(c, "ok", "cur.review.done_"+decision)
	}
	back(c, to)
}

// --- Packages ---

// packagesData is the data of /packages.
type packagesData struct {
	Rows     []packageRow
	Profiles []option
}

// packageRow is one package in the list.
type packageRow struct {
	ID, Name, Profile string
	Assets            int
	Updated           time.Time
	LastExport        string // status of the newest export, "" when none
}

// profileOptions lists the loaded profiles with their names in lang.
func (s *Server) profileOptions(lang string) []option {
	var out []option
	for _, id := range s.cfg.Export.ProfileIDs() {
		p, err := s.cfg.Export.Profile(id)
		if err != nil {
			continue
		}
		out = append(out, option{id, pickMsg(p.Name, lang)})
	}
	return out
}

func pickMsg(m profile.Message, lang string) string {
	if lang == "en" && m.EN != "" {
		return m.EN
	}
	if m.VI == "" {
		return m.EN
	}
	return m.VI
}

func pickNames(n catalog.Names, lang string) string {
	if lang == "en" && n.EN != "" {
		return n.EN
	}
	return n.VI
}

func (s *Server) profileName(id, lang string) string {
	if p, err := s.cfg.Export.Profile(id); err == nil {
		return pickMsg(p.Name, lang)
	}
	return id
}

func (s *Server) packagesPage(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.pageLang(c)
	ps, err := s.db.Packages(ctx, 200)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d := packagesData{Profiles: s.profileOptions(lang)}
	for _, p := range ps {
		r := packageRow{ID: p.ID, Name: pickNames(p.Name, lang), Profile: s.profileName(p.Profile, lang), Assets: len(p.AssetIDs), Updated: p.UpdatedAt}
		es, err := s.db.Exports(ctx, p.ID)
		if err != nil {
			s.pageFail(c, err)
			return
		}
		if len(es) > 0 {
			r.LastExport = newestExport(es).Status
		}
		d.Rows = append(d.Rows, r)
	}
	s.render(c, http.StatusOK, "packages", d)
}

func newestExport(es []catalog.Export) catalog.Export {
	best := es[0]
	for _, e := range es[1:] {
		if e.N > best.N {
			best = e
		}
	}
	return best
}

// packageNames reads name_vi and name_en of a form, or leaves an error.
func (s *Server) packageNames(c *gin.Context) (catalog.Names, bool) {
	n := catalog.Names{VI: strings.TrimSpace(c.PostForm("name_vi")), EN: strings.TrimSpace(c.PostForm("name_en"))}
	switch {
	case n.VI == "":
		s.flashMsg(c, "error", "cur.pkg.name_required")
	case len(n.VI) > 300 || len(n.EN) > 300:
		s.flashMsg(c, "error", "cur.pkg.name_long")
	default:
		return n, true
	}
	return n, false
}

func (s *Server) postPackagePage(c *gin.Context) {
	names, ok := s.packageNames(c)
	if !ok {
		back(c, "/packages")
		return
	}
	prof := c.PostForm("profile")
	if _, err := s.cfg.Export.Profile(prof); err != nil {
		s.flashMsg(c, "error", "cur.pkg.bad_profile")
		back(c, "/packages")
		return
	}
	p := catalog.Package{Name: names, Profile: prof}
	if err := s.db.CreatePackage(c.Request.Context(), &p, principal(c)); err != nil {
		s.flashCatalogErr(c, err, "cur.pkg.not_found", "cur.invalid")
		back(c, "/packages")
		return
	}
	s.flashMsg(c, "ok", "cur.pkg.created")
	back(c, "/packages/"+p.ID)
}

func (s *Server) postPackageEdit(c *gin.Context) {
	id := c.Param("id")
	to := "/packages/" + url.PathEscape(id)
	names, ok := s.packageNames(c)
	if !ok {
		back(c, to)
		return
	}
	ch := catalog.PackageChange{Name: &names}
	if prof := c.PostForm("profile"); prof != "" {
		if _, err := s.cfg.Export.Profile(prof); err != nil {
			s.flashMsg(c, "error", "cur.pkg.bad_profile")
			back(c, to)
			return
		}
		ch.Profile = &prof
	}
	if _, err := s.db.UpdatePackage(c.Request.Context(), id, ch, principal(c)); err != nil {
		s.flashCatalogErr(c, err, "cur.pkg.not_found", "cur.invalid")
	} else {
		s.flashMsg(c, "ok", "cur.pkg.saved")
	}
	back(c, to)
}

// splitIDs reads asset ids from form values: several fields, or ids
// separated by spaces, commas or new lines.
func splitIDs(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, id := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// postPackageAddPage adds assets by id (field asset_ids, repeated or
// separated by spaces/commas). An optional next field sends the browser
// back to the page the form was on (the library), else to the package.
func (s *Server) postPackageAddPage(c *gin.Context) {
	id := c.Param("id")
	to := safeNext(c.PostForm("next"))
	if to == "" {
		to = "/packages/" + url.PathEscape(id)
	}
	ids := splitIDs(c.PostFormArray("asset_ids"))
	if len(ids) == 0 {
		s.flashMsg(c, "error", "cur.pkg.no_ids")
		back(c, to)
		return
	}
	added, refused, err := s.db.AddToPackage(c.Request.Context(), id, ids, principal(c))
	if err != nil {
		s.flashCatalogErr(c, err, "cur.pkg.not_found", "cur.pkg.too_many")
		back(c, to)
		return
	}
	if len(refused) == 0 {
		s.flashKey(c, "ok", "cur.pkg.added", len(added))
		back(c, to)
		return
	}
	vi, en := s.web.msgs["cur.pkg.added_refused"]["vi"], s.web.msgs["cur.pkg.added_refused"]["en"]
	vi, en = fmt.Sprintf(vi, formatInt(int64(len(added)), "vi"), formatInt(int64(len(refused)), "vi")), fmt.Sprintf(en, formatInt(int64(len(added)), "en"), formatInt(int64(len(refused)), "en"))
	for i, r := range refused {
		if i == 8 { // the flash is a cookie: keep it small
			vi, en = vi+" …", en+" …"
			break
		}
		vi += " " + r.AssetID + ": " + r.Vi
		en += " " + r.AssetID + ": " + r.En
	}
	kind := "error"
	if len(added) > 0 {
		kind = "ok"
	}
	s.flash(c, kind, vi, en)
	back(c, to)
}

func (s *Server) postPackageRemovePage(c *gin.Context) {
	id := c.Param("id")
	if err := s.db.RemoveFromPackage(c.Request.Context(), id, c.Param("asset_id"), principal(c)); err != nil {
		s.flashCatalogErr(c, err, "cur.pkg.asset_not_in", "cur.invalid")
	} else {
		s.flashMsg(c, "ok", "cur.pkg.removed")
	}
	back(c, "/packages/"+url.PathEscape(id))
}

func (s *Server) postPackageExportPage(c *gin.Context) {
	id := c.Param("id")
	to := "/packages/" + url.PathEscape(id)
	format := c.PostForm("format")
	if format != "zip" && format != "bagit" {
		s.flashMsg(c, "error", "cur.pkg.bad_format")
		back(c, to)
		return
	}
	ack := c.PostForm("acknowledge_warnings") != ""
	actor := principal(c)
	plan, e, err := s.cfg.Export.Start(c.Request.Context(), export.Request{PackageID: id, Format: format, AckAll: ack}, actor)
	var be *export.BlockedError
	switch {
	case errors.As(err, &be):
		if be.Errors > 0 {
			s.flashKey(c, "error", "cur.pkg.blocked_errors", be.Errors)
		} else {
			s.flashKey(c, "error", "cur.pkg.blocked_warnings", len(be.Unacknowledged))
		}
	case err != nil:
		s.flashCatalogErr(c, err, "cur.pkg.not_found", "cur.pkg.cannot_export")
	default:
		go s.buildExport(plan, e, actor)
		s.flashKey(c, "ok", "cur.pkg.export_started", e.N)
	}
	back(c, to)
}

// parseDMY reads dd/mm/yyyy (d/m/yyyy too) or YYYY-MM-DD.
func parseDMY(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) postPackageSubmissionPage(c *gin.Context) {
	id := c.Param("id")
	to := "/packages/" + url.PathEscape(id)
	n, err := strconv.Atoi(c.PostForm("export"))
	if err != nil || n < 1 {
		s.flashMsg(c, "error", "cur.sub.no_export")
		back(c, to)
		return
	}
	date, ok := time.Time{}, true
	if raw := strings.TrimSpace(c.PostForm("date")); raw != "" {
		date, ok = parseDMY(raw)
	} else {
		date = time.Now().In(vnZone)
	}
	if !ok {
		s.flashMsg(c, "error", "cur.sub.bad_date")
		back(c, to)
		return
	}
	ctx := c.Request.Context()
	e, err := s.db.Export(ctx, id, n)
	if err != nil {
		s.flashCatalogErr(c, err, "cur.sub.no_such_export", "cur.invalid")
		back(c, to)
		return
	}
	if e.Status != catalog.ExportDone {
		s.flashMsg(c, "error", "cur.sub.not_done")
		back(c, to)
		return
	}
	sub := catalog.Submission{PackageID: id, Export: n, Destination: strings.TrimSpace(c.PostForm("destination")),
		Reference: strings.TrimSpace(c.PostForm("reference")), Date: date.Format(time.DateOnly), Note: c.PostForm("note")}
	if err := s.db.AddSubmission(ctx, &sub, principal(c)); err != nil {
		s.flashCatalogErr(c, err, "cur.sub.no_such_export", "cur.sub.invalid")
	} else {
		s.flashMsg(c, "ok", "cur.sub.recorded")
	}
	back(c, to)
}

// packageData is the data of /packages/:id.
type packageData struct {
	Pkg               catalog.Package
	Name              string
	ProfileID         string
	ProfileName       string
	Profiles          []option
	OK                bool
	Errors, Warnings  int
	Entries           []entryRow
	Exports           []catalog.Export
	Done              []int // finished exports, newest first
	Submissions       []submissionRow
	Destination       string // the profile's, to prefill the submission form
	Today             string // dd/mm/yyyy
	HasRunningExports bool
}

// entryRow is one asset of the package with its findings.
type entryRow struct {
	Seq                 int
	AssetID, Title, Alt string
	Kind                string
	Groups              []findingGroup // errors, then warnings
	File, Name          string
	Stripped            bool
	Errors, Warnings    []findingRow
	Passes              int
}

// findingGroup is the findings of one severity.
type findingGroup struct {
	Severity string
	Findings []findingRow
}

// submissionRow is a submission with its date as dd/mm/yyyy.
type submissionRow struct {
	catalog.Submission
	DateDMY string
}

// findingRow is a finding with its message in the page's language.
type findingRow struct {
	AssetID, Rule, Severity string
	Message, Value, Limit   string
	File                    string
}

func (s *Server) packagePage(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.pageLang(c)
	plan, err := s.cfg.Export.Plan(ctx, c.Param("id"))
	if errors.Is(err, catalog.ErrNotFound) {
		s.renderError(c, http.StatusNotFound, "Không tìm thấy gói.", "No such package.")
		return
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	p := plan.Package
	d := packageData{Pkg: p, Name: pickNames(p.Name, lang), ProfileID: p.Profile, ProfileName: pickMsg(plan.Profile.Name, lang),
		Profiles: s.profileOptions(lang), Errors: plan.Errors(), Warnings: plan.Warnings(), Destination: plan.Profile.Destination,
		Today: time.Now().In(vnZone).Format("02/01/2006")}
	d.OK = d.Errors == 0
	for _, e := range plan.Entries {
		r := entryRow{Seq: len(d.Entries) + 1, AssetID: e.Asset.ID, Kind: e.Asset.Kind, Name: e.Name, Stripped: e.Strip}
		r.Title = e.Meta.Text(catalog.FieldTitle, lang).Value
		if r.Title == "" {
			r.Title = e.Meta.Text(catalog.FieldTitle, "vi").Value
		}
		if r.Title == "" {
			r.Title = e.Asset.FileName
		}
		r.Alt = r.Title
		if e.File != nil {
			r.File = e.File.Name
		}
		for _, f := range e.Findings {
			fr := findingRow{AssetID: e.Asset.ID, Rule: f.Rule, Severity: f.Severity, Message: pickMsg(f.Message, lang), Value: f.Value, Limit: f.Limit, File: f.File}
			switch f.Severity {
			case profile.Error:
				r.Errors = append(r.Errors, fr)
			case profile.Warning:
				r.Warnings = append(r.Warnings, fr)
			default:
				r.Passes++
			}
		}
		if len(r.Errors) > 0 {
			r.Groups = append(r.Groups, findingGroup{profile.Error, r.Errors})
		}
		if len(r.Warnings) > 0 {
			r.Groups = append(r.Groups, findingGroup{profile.Warning, r.Warnings})
		}
		d.Entries = append(d.Entries, r)
	}
	if d.Exports, err = s.db.Exports(ctx, p.ID); err != nil {
		s.pageFail(c, err)
		return
	}
	slices.SortFunc(d.Exports, func(a, b catalog.Export) int { return b.N - a.N })
	for i, e := range d.Exports {
		if e.Status == catalog.ExportFailed {
			vi, en := export.FailureMessage(e.Error)
			d.Exports[i].Error = s.pick(c, vi, en)
		}
		if e.Status == catalog.ExportDone {
			d.Done = append(d.Done, e.N)
		}
		if e.Status == catalog.ExportRunning {
			d.HasRunningExports = true
		}
	}
	subs, err := s.db.Submissions(ctx, p.ID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	for _, sub := range subs {
		r := submissionRow{Submission: sub, DateDMY: sub.Date}
		if t, err := time.Parse(time.DateOnly, sub.Date); err == nil {
			r.DateDMY = t.Format("02/01/2006")
		}
		d.Submissions = append(d.Submissions, r)
	}
	s.render(c, http.StatusOK, "package", d)
}

// --- Reports ---

// reportsData is the data of /reports.
type reportsData struct {
	From, To     string // as typed, dd/mm/yyyy
	Error        string // in the page's language
	Shown        bool   // a report is shown
	Rows         []reportRow
	Total        ReportCounts
	Destinations []DestinationCount
	Quick        []quickPeriod
	XLSX, CSV    string
}

// reportRow is a report row with labels in the page's language.
type reportRow struct {
	Org, Theme, Kind string
	ReportCounts
}

// quickPeriod is a link to a usual period.
type quickPeriod struct{ Key, From, To string }

// halfYear is the half-year around now in UTC+7.
func halfYear(now time.Time) (from, to time.Time) {
	now = now.In(vnZone)
	y := now.Year()
	if now.Month() <= time.June {
		return time.Date(y, 1, 1, 0, 0, 0, 0, vnZone), time.Date(y, 6, 30, 0, 0, 0, 0, vnZone)
	}
	return time.Date(y, 7, 1, 0, 0, 0, 0, vnZone), time.Date(y, 12, 31, 0, 0, 0, 0, vnZone)
}

func (s *Server) reportsPage(c *gin.Context) {
	lang := s.pageLang(c)
	const dmy = "02/01/2006"
	now := time.Now().In(vnZone)
	y := now.Year()
	defFrom, defTo := halfYear(now)
	d := reportsData{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	d.Quick = []quickPeriod{
		{"cur.rep.first_half", fmt.Sprintf("01/01/%d", y), fmt.Sprintf("30/06/%d", y)},
		{"cur.rep.second_half", fmt.Sprintf("01/07/%d", y), fmt.Sprintf("31/12/%d", y)},
		{"cur.rep.whole_year", fmt.Sprintf("01/01/%d", y), fmt.Sprintf("31/12/%d", y)},
	}
	if d.From == "" {
		d.From = defFrom.Format(dmy)
	}
	if d.To == "" {
		d.To = defTo.Format(dmy)
	}
	from, okFrom := parseDMY(d.From)
	to, okTo := parseDMY(d.To)
	switch {
	case !okFrom || !okTo:
		d.Error = s.pick(c, "Ngày phải có dạng dd/mm/yyyy, ví dụ 01/01/"+strconv.Itoa(y)+".", "Dates must be dd/mm/yyyy, e.g. 01/01/"+strconv.Itoa(y)+".")
	case to.Before(from):
		d.Error = s.pick(c, "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", "The end date must be on or after the start date.")
	}
	if d.Error != "" {
		s.render(c, http.StatusBadRequest, "reports", d)
		return
	}
	r, err := s.db.ActivityReport(c.Request.Context(), from, to)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	var labels map[string]string
	if s.cfg.Themes != nil {
		labels = s.cfg.Themes.Labels(lang)
	}
	noThemeLabel, _ := s.web.msgs.text("cur.rep.no_theme", lang)
	for _, row := range r.Rows {
		th := noThemeLabel
		if row.Theme != "" {
			th = label(row.Theme, labels)
		}
		k, err := s.web.msgs.text("cur.kind."+row.Kind, lang)
		if err != nil {
			k = row.Kind
		}
		d.Rows = append(d.Rows, reportRow{Org: row.Org, Theme: th, Kind: k, ReportCounts: ReportCounts(row.ReportCounts)})
	}
	d.Total = ReportCounts(r.Total)
	for _, dc := range r.Destinations {
		d.Destinations = append(d.Destinations, DestinationCount{Destination: dc.Destination, Label: label(dc.Destination, destLabels), Assets: dc.Assets, Packages: dc.Packages})
	}
	d.From, d.To, d.Shown = from.Format(dmy), to.Format(dmy), true
	q := func(format string) string {
		return "/api/v1/reports/activity?from=" + from.Format(time.DateOnly) + "&to=" + to.Format(time.DateOnly) + "&format=" + format
	}
	d.XLSX, d.CSV = q("xlsx"), q("csv")
	s.render(c, http.StatusOK, "reports", d)
}
