package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/vntext"
	"github.com/quangba/quangba/export/bundle"
	"github.com/quangba/quangba/export/xmp"
)

// ErrBlocked means a plan still has errors (or unacknowledged warnings)
// and cannot be written.
var ErrBlocked = errors.New("export: package does not meet its profile")

// Summary is what a written bundle holds.
type Summary struct {
	Files []bundle.Sum // payload files in order
	Bytes int64        // payload bytes
}

// Write streams the plan's bundle to w: each asset's chosen file with its
// metadata embedded, posters and subtitle sidecars, then manifest.json and
// manifest.csv. Memory does not grow with the size of the bundle.
func (x *Exporter) Write(ctx context.Context, plan *Plan, format bundle.Format, w io.Writer) (Summary, error) {
	if n := plan.Errors(); n > 0 {
		return Summary{}, fmt.Errorf("%w: %d errors", ErrBlocked, n)
	}
	bw, err := bundle.New(w, x.bundleOptions(plan, format))
	if err != nil {
		return Summary{}, err
	}
	for i := range plan.Entries {
		if err := x.writeEntry(ctx, bw, &plan.Entries[i]); err != nil {
			return Summary{}, err
		}
	}
	if err := x.writeManifests(bw, plan); err != nil {
		return Summary{}, err
	}
	if err := bw.Close(); err != nil {
		return Summary{}, fmt.Errorf("export: finish bundle: %w", err)
	}
	s := Summary{Files: bw.Sums()}
	for _, f := range s.Files {
		s.Bytes += f.Size
	}
	return s, nil
}

func (x *Exporter) bundleOptions(plan *Plan, format bundle.Format) bundle.Options {
	p := plan.Package
	desc := p.Name.VI
	if p.Name.EN != "" {
		desc += " / " + p.Name.EN
	}
	return bundle.Options{Format: format, Root: bundleRoot(p), Modified: plan.ContentTime().In(catalog.ProvinceZone),
		BagInfo: []bundle.Field{
			{Name: "Source-Organization", Value: p.OrgName},
			{Name: "External-Identifier", Value: p.ID},
			{Name: "External-Description", Value: desc},
			{Name: "Bag-Group-Identifier", Value: plan.Profile.ID + " " + plan.Profile.Version},
			{Name: "Internal-Sender-Description", Value: "Quảng Bá export for " + plan.Profile.Destination},
		}}
}

// bundleRoot names the bag folder (and the downloaded file): the slug of the
// package's Vietnamese name, or its id.
func bundleRoot(p catalog.Package) string {
	s := vntext.Slug(p.Name.VI)
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	if s == "" {
		return p.ID
	}
	return s
}

// FileName is the name a downloaded bundle of the package is offered under.
func FileName(p catalog.Package, n int, format string) string {
	suffix := ""
	if format == string(bundle.BagIt) {
		suffix = "-bagit"
	}
	return fmt.Sprintf("%s-%d%s.zip", bundleRoot(p), n, suffix)
}

// writeEntry writes one asset: its file, then for videos the poster, then
// the subtitle sidecars.
func (x *Exporter) writeEntry(ctx context.Context, bw *bundle.Writer, e *Entry) error {
	if e.File == nil {
		return fmt.Errorf("%w: asset %s has no file to send", ErrBlocked, e.Asset.ID)
	}
	meta := x.metadata(e)
	if err := x.copyFile(ctx, bw, e.Name, *e.File, meta); err != nil {
		return err
	}
	stem := strings.TrimSuffix(e.Name, path.Ext(e.Name))
	if e.Poster != nil && e.Asset.Kind != catalog.KindPhoto {
		if err := x.copyFile(ctx, bw, stem+".poster.jpg", *e.Poster, meta); err != nil {
			return err
		}
	}
	for _, s := range e.Subtitles {
		f := catalog.File{StorageKey: s.StorageKey, MIME: "application/x-subrip"}
		if err := x.copyFile(ctx, bw, stem+"."+s.Lang+".srt", f, meta); err != nil {
			return err
		}
	}
	return nil
}

// metadata is what gets embedded into an entry's files.
func (x *Exporter) metadata(e *Entry) xmp.Metadata {
	m := XMP(e.Asset, e.Meta, EmbedOptions{Langs: x.Langs, StripLocation: e.Strip})
	m.StripLocation = e.Strip
	return m
}

// copyFile streams a stored file into the bundle, embedding the metadata
// into JPEGs and MP4s.
func (x *Exporter) copyFile(ctx context.Context, bw *bundle.Writer, name string, f catalog.File, meta xmp.Metadata) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, _, err := x.Store.Open(ctx, f.StorageKey)
	if err != nil {
		return fmt.Errorf("export: open %s: %w", f.StorageKey, err)
	}
	defer r.Close()
	w, err := bw.Create(name)
	if err != nil {
		return err
	}
	switch {
	case f.MIME == "image/jpeg":
		err = xmp.EmbedJPEG(w, r, meta)
	case f.MIME == "video/mp4" || f.MIME == "video/quicktime":
		err = xmp.AppendMP4(w, r, meta)
	default:
		_, err = io.Copy(w, r)
	}
	if err != nil {
		return fmt.Errorf("export: write %s from %s: %w", name, f.StorageKey, err)
	}
	return nil
}
