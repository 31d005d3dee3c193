package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/glossary"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/configs"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/local"
	"github.com/quangba/quangba/storage/s3"
	"github.com/quangba/quangba/transcode"
	"github.com/quangba/quangba/transcode/photo"
	"github.com/quangba/quangba/transcode/video"
)

// app holds every component, built explicitly from the configuration.
type app struct {
	cfg    configs.Config
	log    *slog.Logger
	db     *catalog.DB
	store  storage.Store
	ingest *ingest.Service
	jobs   *transcode.Service
	subs   *transcode.Subtitles
	gloss  *glossary.Glossary
	themes *theme.Taxonomy
	export *export.Exporter
}

// build wires the components in dependency order.
func build(ctx context.Context, cfg configs.Config) (*app, error) {
	a := &app{cfg: cfg, log: newLogger(cfg.Log)}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil { // unpublished media and secrets: the owner only
		return nil, fmt.Errorf("data folder %s: %w", cfg.DataDir, err)
	}
	gy, err := cfg.GlossaryYAML()
	if err != nil {
		return nil, err
	}
	if a.gloss, err = glossary.Parse(gy); err != nil {
		return nil, err
	}
	ty, err := cfg.ThemesYAML()
	if err != nil {
		return nil, err
	}
	if a.themes, err = theme.Parse(ty); err != nil {
		return nil, err
	}
	profiles, err := loadProfiles(cfg)
	if err != nil {
		return nil, err
	}
	db, err := catalog.Open(ctx, cfg.Path("catalog.db"))
	if err != nil {
		return nil, err
	}
	a.db = db
	if a.store, err = openStore(ctx, cfg); err != nil {
		db.Close()
		return nil, err
	}
	ic := ingestConfig(cfg)
	ic.Suggest, ic.Themes = a.gloss, a.themes
	if a.ingest, err = ingest.New(ic, db, a.store); err != nil {
		db.Close()
		return nil, err
	}
	a.subs = transcode.NewSubtitles(subtitleConfig(cfg), db, a.store)
	a.jobs, err = transcode.New(transcodeConfig(cfg), transcode.CatalogQueue{DB: db}, db, a.store, a.ingest, a.subs, a.log)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.export = &export.Exporter{DB: db, Store: a.store, Profiles: profiles, Themes: a.themes, Langs: cfg.Metadata.Languages}
	return a, nil
}

// loadProfiles reads the built-in submission profiles, then the configured
// folder's, which replace built-in ones with the same id. A broken file
// stops start-up with its name, line and rule.
func loadProfiles(cfg configs.Config) (map[string]*profile.Profile, error) {
	out := map[string]*profile.Profile{}
	for _, src := range cfg.ProfileSources() {
		ps, err := profile.LoadFS(src.FS, src.Dir)
		if err != nil {
			return nil, fmt.Errorf("profiles in %s: %w", src.Name, err)
		}
		maps.Copy(out, profile.ByID(ps))
	}
	return out, nil
}

func transcodeConfig(cfg configs.Config) transcode.Config {
	t := cfg.Transcode
	tc := transcode.DefaultConfig()
	if t.Workers > 0 {
		tc.Workers = t.Workers
	}
	tc.Lease, tc.WorkDir, tc.FFprobe = t.Lease, cfg.Path("work"), cfg.Ingest.FFprobe
	tc.Photo = photo.Options{Quality: t.JPEGQuality, MaxPixels: cfg.Ingest.MaxPixels, HeifConvert: t.HeifConvert}
	for _, r := range t.Renditions {
		tc.Photo.Renditions = append(tc.Photo.Renditions, photo.Rendition{Name: r.Name, LongEdge: r.LongEdge})
	}
	tc.Video = video.Options{FFmpeg: t.FFmpeg, FFprobe: cfg.Ingest.FFprobe, MaxConcurrent: t.FFmpegJobs,
		ProxyMaxHeight: t.ProxyHeight, DeliveryMaxHeight: t.DeliveryHeight}
	b := cfg.Subtitles.Burn
	tc.Burn = video.BurnStyle{FontName: b.Font, FontSize: b.Size, Outline: b.Outline, MarginV: b.MarginV}
	return tc
}

func (a *app) Close() { a.db.Close() }

func ingestConfig(cfg configs.Config) ingest.Config {
	ic := ingest.DefaultConfig()
	ic.SpoolDir = cfg.Path("tmp")
	ic.MaxPhotoBytes = cfg.Ingest.MaxPhotoMB << 20
	ic.MaxVideoBytes = cfg.Ingest.MaxVideoMB << 20
	ic.MaxPixels = cfg.Ingest.MaxPixels
	ic.FFprobePath = cfg.Ingest.FFprobe
	ic.CaptureZone, _ = cfg.Ingest.CaptureZone() // validated with the configuration
	ic.JobAttempts = cfg.Transcode.MaxAttempts
	ic.Languages = cfg.Metadata.Languages
	if cfg.Ingest.ProbeTimeout > 0 {
		ic.ProbeTimeout = cfg.Ingest.ProbeTimeout
	}
	return ic
}

func (a *app) apiServer() *api.Server {
	return api.New(api.Config{MaxUploadBytes: a.cfg.Ingest.MaxVideoMB<<20 + 1<<20,
		Languages: a.cfg.Metadata.Languages, Glossary: a.gloss, Themes: a.themes, Export: a.export,
		Web: api.WebConfig{CookieSecure: a.cfg.Web.CookieSecure, SessionIdle: a.cfg.Web.SessionIdle, SessionLifetime: a.cfg.Web.SessionLifetime,
			MediaOrigins: a.cfg.MediaOrigins()},
		Uploads:        api.UploadConfig{Dir: a.cfg.Path("uploads"), ExpireAfter: a.cfg.Uploads.ExpireAfter, KeepResults: a.cfg.Uploads.KeepResults},
		UploadsPerUser: a.cfg.Uploads.PerUser}, a.db, a.ingest, a.jobs, a.subs, a.store, a.log)
}

func subtitleConfig(cfg configs.Config) transcode.SubtitleConfig {
	return transcode.SubtitleConfig{Langs: cfg.Metadata.Languages, AlignTolerance: cfg.Subtitles.AlignTolerance, Rules: subtitleRules(cfg)}
}

func openStore(ctx context.Context, cfg configs.Config) (storage.Store, error) {
	if cfg.S3.Endpoint != "" {
		st, err := s3.New(ctx, s3.Config{Endpoint: cfg.S3.Endpoint, AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey,
			Bucket: cfg.S3.Bucket, Region: cfg.S3.Region, UseSSL: cfg.S3.UseSSL})
		if errors.Is(err, storage.ErrUnavailable) {
			return nil, fmt.Errorf("Kho lưu trữ %s tạm thời không truy cập được; chưa có gì được lưu, vui lòng thử lại sau / "+
				"storage %s is temporarily unavailable; nothing was saved, please try again later: %w", cfg.S3.Endpoint, cfg.S3.Endpoint, err)
		}
		return st, err
	}
	key, err := signingKey(cfg.Path("signing.key"))
	if err != nil {
		return nil, err
	}
	return local.New(local.Config{Dir: cfg.Path("blobs"), SigningKey: key, URLPrefix: "/blobs/"})
}

// signingKey reads the key that signs local download URLs, creating a
// random one on first start.
func signingKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) >= 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	return key, nil
}

func newLogger(level configs.LogLevel) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
