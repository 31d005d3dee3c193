// Package ingest accepts photo and video files: it recognises them by
// content, enforces limits, hashes while streaming, probes them, stores the
// original content-addressed and catalogues it, leaving nothing behind for
// a refused file.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/storage"
)

// Service ingests files into one catalogue and one store.
type Service struct {
	cfg   Config
	db    *catalog.DB
	store storage.Store
	ff    *probe.FFprobe
	locks keyLocks
}

// New returns a Service; it creates the spool folder.
func New(cfg Config, db *catalog.DB, store storage.Store) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("ingest: spool folder %s: %w", cfg.SpoolDir, err)
	}
	removeStaleSpool(cfg.SpoolDir, 24*time.Hour)
	ff := probe.NewFFprobe(cfg.FFprobePath, cfg.ProbeTimeout, cfg.MaxProbes)
	return &Service{cfg: cfg, db: db, store: store, ff: ff}, nil
}

// removeStaleSpool deletes upload files left by a process that was killed.
// Only old ones: another process (a command-line ingest beside the server)
// may be spooling into the same folder right now.
func removeStaleSpool(dir string, age time.Duration) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && strings.HasPrefix(e.Name(), "upload-") && time.Since(info.ModTime()) > age {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// Request is one file to ingest.
type Request struct {
	FileName string            // as the uploader named it
	Kind     string            // photo, clip or trailer; "" decides from content (video → clip)
	Org      catalog.Org       // owning organisation
	Uploader catalog.Principal // who uploads (zero for the command line)
	Cut      *catalog.Cut      // set when the file is a trailer cut from a clip
	Meta     *catalog.MetaEdit // metadata sent with the file (a spreadsheet row); wins over what the file carries
}

// AddCut catalogues the file at path, cut from c.Source, as a trailer of
// the source's organisation; duplicate is true when the same bytes were
// already catalogued (the same cut made before).
func (s *Service) AddCut(ctx context.Context, path string, c catalog.Cut) (a catalog.Asset, duplicate bool, err error) {
	req := Request{FileName: c.FileName, Kind: catalog.KindTrailer, Org: catalog.Org{ID: c.Source.OrgID, Name: c.Source.OrgName},
		Uploader: catalog.Principal{UserID: c.ActorID}, Cut: &c}
	res, err := s.IngestFile(ctx, req, path)
	return res.Asset, res.Duplicate, err
}

// Result is an ingested (or already present) asset.
type Result struct {
	Asset     catalog.Asset
	Duplicate bool // the same bytes were already catalogued; Asset is that one
}

// ingestSpooled runs the steps after the bytes are on local disk.
func (s *Service) ingestSpooled(ctx context.Context, req Request, sp *spooled) (Result, error) {
	unlock := s.locks.lock(sp.sum)
	defer unlock()
	if dup, err := s.db.AssetBySHA256(ctx, sp.sum); err == nil {
		return Result{Asset: dup, Duplicate: true}, nil
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return Result{}, catalogError(err)
	}
	kind, err := decideKind(req.Kind, sp.format)
	if err != nil {
		return Result{}, err
	}
	info, err := s.probe(ctx, sp)
	if err != nil {
		return Result{}, err
	}
	a := newAsset(req, kind, sp, info, s.cfg.CaptureZone)
	var warnings []string
	a.Prefill, warnings = s.prefill(info.Meta, req.Meta)
	a.Warnings = append(a.Warnings, warnings...)
	putNew, err := s.storeOriginal(ctx, sp)
	if err != nil {
		return Result{}, err
	}
	orig := catalog.File{Name: "original", StorageKey: storage.OriginalKey(sp.sum), MIME: sp.format.MIME,
		ByteSize: sp.size, SHA256: sp.sum, Width: info.Width, Height: info.Height}
	if err := s.db.InsertAsset(ctx, &a, orig, processingJob(kind, s.cfg.JobAttempts)); err != nil {
		return s.afterInsertFailure(ctx, sp, putNew, err)
	}
	s.suggestThemes(ctx, a)
	return Result{Asset: a}, nil
}

// afterInsertFailure resolves a failed catalogue insert: a concurrent
// ingest of the same bytes won (report the duplicate, keep the object),
// otherwise remove the object we added so no orphan remains.
func (s *Service) afterInsertFailure(ctx context.Context, sp *spooled, putNew bool, err error) (Result, error) {
	if errors.Is(err, catalog.ErrDuplicate) {
		if dup, derr := s.db.AssetBySHA256(ctx, sp.sum); derr == nil {
			return Result{Asset: dup, Duplicate: true}, nil
		}
	}
	if putNew {
		if derr := s.store.Delete(context.WithoutCancel(ctx), storage.OriginalKey(sp.sum)); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove stored original: %w", derr))
		}
	}
	return Result{}, catalogError(err)
}

// suggestThemes proposes themes from the metadata the file brought; a
// failure costs only the suggestion.
func (s *Service) suggestThemes(ctx context.Context, a catalog.Asset) {
	if s.cfg.Themes == nil || a.Prefill == nil {
		return
	}
	if m, err := s.db.Metadata(ctx, a.ID); err == nil {
		_ = s.db.SuggestThemes(ctx, a.ID, s.cfg.Themes.Suggest(m.AllText()...))
	}
}

// processingJob is the background job that makes an asset's renditions.
func processingJob(kind string, attempts int) catalog.Job {
	if kind == catalog.KindPhoto {
		return catalog.Job{Type: catalog.JobPhoto, MaxAttempts: attempts}
	}
	return catalog.Job{Type: catalog.JobVideo, MaxAttempts: attempts}
}

func decideKind(want string, f probe.Format) (string, error) {
	want = strings.ToLower(strings.TrimSpace(want))
	switch {
	case want == "" && f.Class == probe.ClassImage:
		return catalog.KindPhoto, nil
	case want == "" && f.Class == probe.ClassVideo:
		return catalog.KindClip, nil
	case want == catalog.KindPhoto && f.Class == probe.ClassImage,
		(want == catalog.KindClip || want == catalog.KindTrailer) && f.Class == probe.ClassVideo:
		return want, nil
	case want != catalog.KindPhoto && want != catalog.KindClip && want != catalog.KindTrailer:
		return "", refuse(CodeBadRequest,
			fmt.Sprintf("Loại tư liệu %q không hợp lệ; chọn photo, clip hoặc trailer.", want),
			fmt.Sprintf("Unknown kind %q; use photo, clip or trailer.", want), nil)
	}
	return "", refuse(CodeKindMismatch,
		fmt.Sprintf("Tệp là %s (%s) nhưng được gửi với loại %q.", classVi(string(f.Class)), strings.ToUpper(f.Name), want),
		fmt.Sprintf("The file is a %s (%s) but was sent as %q.", f.Class, strings.ToUpper(f.Name), want), nil)
}

func catalogError(err error) error {
	return refuse(CodeInternal, "Không ghi được vào danh mục; vui lòng thử lại sau.",
		"Could not write to the catalogue; please try again later.", err)
}
