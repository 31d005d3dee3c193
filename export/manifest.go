package export

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export/bundle"
	"github.com/quangba/quangba/export/sheet"
)

// Manifest is manifest.json: the package, its profile, every file with its
// checksum and every asset's full bilingual metadata.
type Manifest struct {
	Package  ManifestPackage  `json:"package"`
	Profile  ManifestProfile  `json:"profile"`
	Modified string           `json:"modified"` // the bundle's timestamp (latest change), RFC 3339
	Files    []ManifestFile   `json:"files"`
	Assets   []ManifestAsset  `json:"assets"`
	Warnings []string         `json:"acknowledged_warnings,omitempty"`
	Counts   map[string]int64 `json:"counts"`
}

// ManifestPackage names the package.
type ManifestPackage struct {
	ID           string        `json:"id"`
	Name         catalog.Names `json:"name"`
	Organisation string        `json:"organisation"`
}

// ManifestProfile names the profile the bundle was checked against.
type ManifestProfile struct {
	ID          string `json:"id"`
	Version     string `json:"version"`
	Destination string `json:"destination"`
}

// ManifestFile is one payload file.
type ManifestFile struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	AssetID string `json:"asset_id"`
	Role    string `json:"role"` // media, poster or subtitles
	Lang    string `json:"lang,omitempty"`
}

// ManifestAsset is one asset with its metadata in every language.
type ManifestAsset struct {
	ID          string                       `json:"id"`
	Kind        string                       `json:"kind"`
	File        string                       `json:"file"`
	Source      string                       `json:"source"` // original or the rendition's name
	Width       int                          `json:"width,omitempty"`
	Height      int                          `json:"height,omitempty"`
	Duration    float64                      `json:"duration_seconds,omitempty"`
	Text        map[string]map[string]string `json:"text"`     // field → language → value
	Keywords    map[string][]string          `json:"keywords"` // language → keywords
	Creator     string                       `json:"creator"`
	Credit      string                       `json:"credit"`
	DateCreated string                       `json:"date_created"`
	CountryCode string                       `json:"country_code,omitempty"`
	SourceType  string                       `json:"digital_source_type,omitempty"`
	Themes      []string                     `json:"themes"`
	GPS         *catalog.GPS                 `json:"gps,omitempty"`
	Location    string                       `json:"location_policy"` // kept or stripped
	Subtitles   []string                     `json:"subtitles"`
}

// writeManifests adds manifest.json and manifest.csv after the media.
func (x *Exporter) writeManifests(bw *bundle.Writer, plan *Plan) error {
	m := x.manifest(plan, bw.Sums())
	w, err := bw.Create("manifest.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("export: manifest.json: %w", err)
	}
	if w, err = bw.Create("manifest.csv"); err != nil {
		return err
	}
	headers, rows := x.manifestSheet(plan, m)
	return sheet.WriteCSV(w, headers, rows)
}

func (x *Exporter) manifest(plan *Plan, sums []bundle.Sum) Manifest {
	p := plan.Package
	m := Manifest{Package: ManifestPackage{ID: p.ID, Name: p.Name, Organisation: p.OrgName},
		Profile:  ManifestProfile{ID: plan.Profile.ID, Version: plan.Profile.Version, Destination: plan.Profile.Destination},
		Modified: plan.ContentTime().In(catalog.ProvinceZone).Format("2006-01-02T15:04:05Z07:00"),
		Warnings: plan.WarningKeys(), Counts: map[string]int64{}}
	owner := map[string]ManifestFile{}
	for i := range plan.Entries {
		e := &plan.Entries[i]
		m.Assets = append(m.Assets, x.manifestAsset(e))
		for k, v := range entryFiles(e) {
			owner[k] = v
		}
	}
	for _, s := range sums {
		f := owner[s.Path]
		f.Path, f.Size, f.SHA256 = s.Path, s.Size, s.SHA256
		m.Files = append(m.Files, f)
		m.Counts["files"]++
		m.Counts["bytes"] += s.Size
	}
	m.Counts["assets"] = int64(len(plan.Entries))
	return m
}

// entryFiles names the files an entry writes, by bundle path.
func entryFiles(e *Entry) map[string]ManifestFile {
	stem := strings.TrimSuffix(e.Name, pathExt(e.Name))
	out := map[string]ManifestFile{e.Name: {AssetID: e.Asset.ID, Role: "media"}}
	if e.Poster != nil && e.Asset.Kind != catalog.KindPhoto {
		out[stem+".poster.jpg"] = ManifestFile{AssetID: e.Asset.ID, Role: "poster"}
	}
	for _, s := range e.Subtitles {
		out[stem+"."+s.Lang+".srt"] = ManifestFile{AssetID: e.Asset.ID, Role: "subtitles", Lang: s.Lang}
	}
	return out
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > strings.LastIndexByte(name, '/') {
		return name[i:]
	}
	return ""
}

func (x *Exporter) manifestAsset(e *Entry) ManifestAsset {
	a, md := e.Asset, e.Meta
	ma := ManifestAsset{ID: a.ID, Kind: a.Kind, File: e.Name, Text: map[string]map[string]string{}, Keywords: map[string][]string{},
		Creator: md.Creator, Credit: md.Credit, DateCreated: dateOf(a, md, catalog.ProvinceZone), CountryCode: md.CountryCode,
		SourceType: md.SourceType, Themes: nonNil(e.Themes), Location: "kept", Subtitles: []string{}}
	if e.File != nil {
		ma.Source = e.File.Name
		c := candidate(a, *e.File)
		ma.Width, ma.Height = c.Width, c.Height
	}
	if a.Kind != catalog.KindPhoto {
		ma.Duration = a.Duration.Seconds()
	}
	for field, byLang := range md.Texts {
		if e.Strip && (field == catalog.FieldSublocation || field == catalog.FieldCity) {
			continue
		}
		for lang, t := range byLang {
			if field == catalog.FieldKeywords {
				ma.Keywords[lang] = t.Keywords
				continue
			}
			if ma.Text[field] == nil {
				ma.Text[field] = map[string]string{}
			}
			ma.Text[field][lang] = t.Value
		}
	}
	if e.Strip {
		ma.Location = "stripped"
	} else {
		ma.GPS = a.GPS
	}
	for _, s := range e.Subtitles {
		ma.Subtitles = append(ma.Subtitles, s.Lang)
	}
	return ma
}

// manifestSheet is manifest.csv: one row per asset, a column per field and
// language, headings in Vietnamese and English.
func (x *Exporter) manifestSheet(plan *Plan, m Manifest) ([]string, [][]string) {
	langs := x.langs()
	headers := []string{"Tệp / File", "Mã tư liệu / Asset ID", "Loại / Kind"}
	fields := []struct{ field, vi, en string }{
		{catalog.FieldTitle, "Tiêu đề", "Title"}, {catalog.FieldCaption, "Chú thích", "Caption"},
		{catalog.FieldKeywords, "Từ khóa", "Keywords"}, {catalog.FieldAltText, "Văn bản thay thế", "Alt text"},
		{catalog.FieldCopyright, "Bản quyền", "Copyright"}, {catalog.FieldProvince, "Tỉnh", "Province"},
	}
	for _, f := range fields {
		for _, l := range langs {
			headers = append(headers, fmt.Sprintf("%s (%s) / %s (%s)", f.vi, l, f.en, l))
		}
	}
	headers = append(headers, "Tác giả / Creator", "Nguồn / Credit", "Ngày tạo / Date created", "Chủ đề / Themes",
		"Rộng × cao (px) / Width × height (px)", "Thời lượng (giây) / Duration (s)", "SHA-256")
	sums := map[string]string{}
	for _, f := range m.Files {
		sums[f.Path] = f.SHA256
	}
	var rows [][]string
	for _, a := range m.Assets {
		row := []string{a.File, a.ID, a.Kind}
		for _, f := range fields {
			for _, l := range langs {
				if f.field == catalog.FieldKeywords {
					row = append(row, strings.Join(a.Keywords[l], "; "))
				} else {
					row = append(row, a.Text[f.field][l])
				}
			}
		}
		dur := ""
		if a.Duration > 0 {
			dur = strconv.FormatFloat(a.Duration, 'f', 1, 64)
		}
		row = append(row, a.Creator, a.Credit, a.DateCreated, strings.Join(a.Themes, "; "),
			fmt.Sprintf("%d × %d", a.Width, a.Height), dur, sums[a.File])
		rows = append(rows, row)
	}
	return headers, rows
}

func (x *Exporter) langs() []string {
	if len(x.Langs) == 0 {
		return []string{"vi", "en"}
	}
	return x.Langs
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
