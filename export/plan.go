package export

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/storage"
)

// Exporter validates packages against their profiles and writes bundles.
type Exporter struct {
	DB       *catalog.DB
	Store    storage.Store
	Profiles map[string]*profile.Profile // by id
	Themes   *theme.Taxonomy             // themes that strip location (optional)
	Langs    []string                    // metadata languages, the first is the default (default: vi, en)
}

// Entry is one asset of a package as it will go into the bundle.
type Entry struct {
	Asset     catalog.Asset
	Meta      catalog.Metadata
	Themes    []string // confirmed theme ids
	Subtitles []catalog.SubtitleTrack
	Poster    *catalog.File // videos: the poster image
	File      *catalog.File // the chosen stored file (nil when none qualifies)
	Name      string        // file name in the bundle
	Strip     bool          // location stays out (profile or theme)
	Findings  []profile.Finding
	files     []catalog.File // every stored file
}

// Plan is a package checked against its profile: what would go into the
// bundle, and every finding.
type Plan struct {
	Package catalog.Package
	Profile *profile.Profile
	Entries []Entry
}

// Findings returns every warning and error, in package order.
func (p *Plan) Findings() []profile.Finding {
	var out []profile.Finding
	for _, e := range p.Entries {
		for _, f := range e.Findings {
			if f.Severity != profile.Pass {
				out = append(out, f)
			}
		}
	}
	return out
}

// Errors counts the findings that block export.
func (p *Plan) Errors() int { return p.count(profile.Error) }

// Warnings counts the findings that need a curator's acknowledgement.
func (p *Plan) Warnings() int { return p.count(profile.Warning) }

func (p *Plan) count(sev string) int {
	n := 0
	for _, f := range p.Findings() {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

// WarningKeys lists the warnings as "asset/rule", sorted: what a curator
// acknowledges.
func (p *Plan) WarningKeys() []string {
	var out []string
	for _, f := range p.Findings() {
		if f.Severity == profile.Warning {
			out = append(out, f.AssetID+"/"+f.Rule)
		}
	}
	sort.Strings(out)
	return out
}

// ContentTime is the time written into the bundle: the latest change of the
// package or of any asset in it, to the second. Building the same package
// twice gives the same time, so the same bytes.
func (p *Plan) ContentTime() time.Time {
	t := p.Package.UpdatedAt
	for _, e := range p.Entries {
		if e.Asset.UpdatedAt.After(t) {
			t = e.Asset.UpdatedAt
		}
	}
	return t.UTC().Truncate(time.Second)
}

// Profile returns the profile with the given id.
func (x *Exporter) Profile(id string) (*profile.Profile, error) {
	p, ok := x.Profiles[id]
	if !ok {
		return nil, fmt.Errorf("%w: no profile %q (known: %s)", catalog.ErrInvalid, id, strings.Join(x.ProfileIDs(), ", "))
	}
	return p, nil
}

// ProfileIDs lists the known profiles, sorted.
func (x *Exporter) ProfileIDs() []string {
	ids := make([]string, 0, len(x.Profiles))
	for id := range x.Profiles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Plan loads a package's assets and checks them against its profile.
func (x *Exporter) Plan(ctx context.Context, pkgID string) (*Plan, error) {
	pkg, err := x.DB.Package(ctx, pkgID)
	if err != nil {
		return nil, err
	}
	prof, err := x.Profile(pkg.Profile)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Package: pkg, Profile: prof}
	items := make([]profile.Item, 0, len(pkg.AssetIDs))
	for _, id := range pkg.AssetIDs {
		e, item, err := x.load(ctx, id)
		if err != nil {
			return nil, err
		}
		plan.Entries, items = append(plan.Entries, e), append(items, item)
	}
	for i, ch := range prof.Check(items) {
		e := &plan.Entries[i]
		e.Name, e.Findings = ch.Name, append(statusFindings(e.Asset), ch.Findings...)
		e.File = pickFile(e, ch.File.Name)
		e.Strip = prof.StripLocation || (x.Themes != nil && x.Themes.StripsLocation(e.Themes))
	}
	return plan, nil
}

// load reads one asset and what the profile needs to know about it.
func (x *Exporter) load(ctx context.Context, id string) (Entry, profile.Item, error) {
	var e Entry
	var err error
	if e.Asset, err = x.DB.Asset(ctx, id); err != nil {
		return e, profile.Item{}, err
	}
	if e.Meta, err = x.DB.Metadata(ctx, id); err != nil {
		return e, profile.Item{}, err
	}
	if e.Subtitles, err = x.DB.Subtitles(ctx, id); err != nil {
		return e, profile.Item{}, err
	}
	ths, err := x.DB.Themes(ctx, id)
	if err != nil {
		return e, profile.Item{}, err
	}
	for _, t := range ths {
		if t.Confirmed {
			e.Themes = append(e.Themes, t.ID)
		}
	}
	files, err := x.DB.Files(ctx, id)
	if err != nil {
		return e, profile.Item{}, err
	}
	e.files = files
	for i := range files {
		if files[i].Name == "poster" {
			e.Poster = &files[i]
		}
	}
	return e, x.item(e), nil
}

// item describes an entry the way a profile sees it.
func (x *Exporter) item(e Entry) profile.Item {
	a, m := e.Asset, e.Meta
	it := profile.Item{AssetID: a.ID, Kind: a.Kind, FileName: a.RawFileName, Texts: map[string]map[string]profile.Text{},
		Creator: m.Creator, Credit: m.Credit, DateCreated: m.DateCreated, CapturedAt: a.CapturedAt, SourceType: m.SourceType,
		HasAudio: a.HasAudio}
	for field, byLang := range m.Texts {
		it.Texts[field] = map[string]profile.Text{}
		for lang, t := range byLang {
			v := t.Value
			if len(t.Keywords) > 0 {
				v = strings.Join(t.Keywords, "; ")
			}
			it.Texts[field][lang] = profile.Text{Value: v, State: t.State}
		}
	}
	for _, s := range e.Subtitles {
		it.SubtitleLangs = append(it.SubtitleLangs, s.Lang)
	}
	for _, f := range e.files {
		if f.Name == "poster" || strings.HasPrefix(f.MIME, "text/") {
			continue // never the main file of an asset
		}
		it.Files = append(it.Files, candidate(a, f))
	}
	return it
}

// candidate describes a stored file: the original with the asset's probed
// values (upright), a rendition with its own size and the codecs we encode.
func candidate(a catalog.Asset, f catalog.File) profile.File {
	c := profile.File{Name: f.Name, Bytes: f.ByteSize, Width: f.Width, Height: f.Height, Format: formatOf(f.MIME)}
	video := strings.HasPrefix(f.MIME, "video/")
	if video {
		c.Duration, c.FrameRate = a.Duration, a.FrameRate
		c.VideoCodec, c.AudioCodec = "h264", ""
		if a.HasAudio {
			c.AudioCodec = "aac"
		}
	}
	if f.Role != "original" {
		return c
	}
	c.Format, c.Width, c.Height = a.Format, a.Width, a.Height
	if video {
		c.VideoCodec, c.AudioCodec = a.VideoCodec, a.AudioCodec
	}
	if a.Orientation >= 5 && a.Orientation <= 8 || a.Rotation == 90 || a.Rotation == 270 || a.Rotation == -90 {
		c.Width, c.Height = c.Height, c.Width
	}
	return c
}

// formatOf names the format of a rendition from its MIME type.
func formatOf(mime string) string {
	switch mime {
	case "image/jpeg":
		return "jpeg"
	case "video/mp4":
		return "mp4"
	case "image/png":
		return "png"
	case "image/webp":
		return "webp"
	}
	_, sub, _ := strings.Cut(mime, "/")
	return sub
}

// pickFile finds the stored file the profile chose.
func pickFile(e *Entry, name string) *catalog.File {
	for i := range e.files {
		if e.files[i].Name == name {
			return &e.files[i]
		}
	}
	return nil
}

// statusFindings refuses an asset that is no longer approved or has been
// restricted since it was packed, whatever the profile says.
func statusFindings(a catalog.Asset) []profile.Finding {
	if err := catalog.Check(catalog.Principal{Role: catalog.RoleCurator}, catalog.ActExport, a); err != nil {
		pe, _ := err.(*catalog.PermissionError)
		f := profile.Finding{AssetID: a.ID, Rule: "status", Severity: profile.Error, Value: a.Status, Limit: catalog.StatusApproved}
		if pe != nil {
			f.Message = profile.Message{VI: pe.Vi, EN: pe.En}
		}
		if a.Review.Restricted {
			f.Value = "restricted"
		}
		return []profile.Finding{f}
	}
	return []profile.Finding{{AssetID: a.ID, Rule: "status", Severity: profile.Pass, Value: a.Status, Limit: catalog.StatusApproved,
		Message: profile.Message{VI: "Tư liệu đã duyệt và không bị hạn chế.", EN: "The asset is approved and not restricted."}}}
}
