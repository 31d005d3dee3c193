package transcode

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode/subtitle"
)

// SubtitleConfig holds the subtitle rules and the languages tracks may have.
type SubtitleConfig struct {
	Langs          []string       // languages a track may have (default: vi, en)
	Rules          subtitle.Rules // default: subtitle.DefaultRules()
	AlignTolerance time.Duration  // vi/en cue starts further apart are reported (default: 500ms)
}

// ErrNoSubtitleLang: a track was sent without a language in use.
var ErrNoSubtitleLang = fmt.Errorf("transcode: subtitle language not in use")

// Subtitles reads, checks and stores subtitle tracks of clips and trailers.
type Subtitles struct {
	cfg   SubtitleConfig
	db    *catalog.DB
	store storage.Store
}

// NewSubtitles returns the subtitle service.
func NewSubtitles(cfg SubtitleConfig, db *catalog.DB, store storage.Store) *Subtitles {
	if len(cfg.Langs) == 0 {
		cfg.Langs = []string{"vi", "en"}
	}
	if cfg.Rules == (subtitle.Rules{}) {
		cfg.Rules = subtitle.DefaultRules()
	}
	if cfg.AlignTolerance <= 0 {
		cfg.AlignTolerance = 500 * time.Millisecond
	}
	return &Subtitles{cfg: cfg, db: db, store: store}
}

// Checked is a stored track with its report and the parse warnings.
type Checked struct {
	Track    catalog.SubtitleTrack
	Report   subtitle.Report
	Warnings []subtitle.Warning
}

// Attach decodes, parses and checks a subtitle file for a clip or trailer
// and stores it as the asset's track in lang (replacing an earlier one).
func (s *Subtitles) Attach(ctx context.Context, a catalog.Asset, lang, name string, data []byte, actor catalog.Principal) (Checked, error) {
	if a.Kind == catalog.KindPhoto {
		return Checked{}, fmt.Errorf("%w: asset %s is a photo", ErrNotVideo, a.ID)
	}
	if !slices.Contains(s.cfg.Langs, lang) {
		return Checked{}, fmt.Errorf("%w: %q (use %v)", ErrNoSubtitleLang, lang, s.cfg.Langs)
	}
	text, enc, err := subtitle.Decode(data)
	if err != nil {
		return Checked{}, err
	}
	tr, warnings, err := subtitle.Parse([]byte(text), name)
	if err != nil {
		return Checked{}, err
	}
	return s.save(ctx, a, lang, name, enc, tr, warnings, actor)
}

// save checks a parsed track and stores it as SRT.
func (s *Subtitles) save(ctx context.Context, a catalog.Asset, lang, source, enc string, tr subtitle.Track, warnings []subtitle.Warning, actor catalog.Principal) (Checked, error) {
	rep := subtitle.Check(tr, s.cfg.Rules, a.FrameRate, a.Duration)
	key := "subtitles/" + a.ID + "/" + lang + ".srt"
	srt := tr.SRT()
	if _, err := s.store.Put(ctx, key, bytes.NewReader(srt), int64(len(srt)), storage.PutOptions{ContentType: "application/x-subrip; charset=utf-8"}); err != nil {
		return Checked{}, wrap("store subtitles", err)
	}
	findings, _ := json.Marshal(FindingsJSON(rep.Findings))
	t := catalog.SubtitleTrack{AssetID: a.ID, Lang: lang, Source: source, Encoding: enc, StorageKey: key, Cues: len(tr.Cues),
		Errors: rep.Errors, Warnings: rep.Warnings + len(warnings), Report: findings}
	if err := s.db.PutSubtitle(ctx, &t, actor); err != nil {
		return Checked{}, err
	}
	return Checked{Track: t, Report: rep, Warnings: warnings}, nil
}

// Track loads a stored track.
func (s *Subtitles) Track(ctx context.Context, a catalog.Asset, lang string) (subtitle.Track, catalog.SubtitleTrack, error) {
	t, err := s.db.Subtitle(ctx, a.ID, lang)
	if err != nil {
		return subtitle.Track{}, t, err
	}
	r, _, err := s.store.Open(ctx, t.StorageKey)
	if err != nil {
		return subtitle.Track{}, t, wrap("open subtitles", err)
	}
	defer r.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		return subtitle.Track{}, t, wrap("read subtitles", err)
	}
	tr, _, err := subtitle.Parse(b.Bytes(), "track.srt")
	return tr, t, err
}

// Fix is a one-call correction of a stored track.
type Fix struct {
	Shift  time.Duration // move every cue
	Scale  float64       // multiply every time (frame-rate conversion); 0 or 1 leaves times
	Rewrap bool          // merge and split lines to the rules' limits
}

// Apply fixes a stored track, checks it again and stores it.
func (s *Subtitles) Apply(ctx context.Context, a catalog.Asset, lang string, f Fix, actor catalog.Principal) (Checked, error) {
	tr, t, err := s.Track(ctx, a, lang)
	if err != nil {
		return Checked{}, err
	}
	if f.Scale > 0 && f.Scale != 1 {
		tr = tr.Scale(f.Scale)
	}
	if f.Shift != 0 {
		tr = tr.Shift(f.Shift)
	}
	if f.Rewrap {
		tr = tr.Rewrap(s.cfg.Rules.MaxLineChars, s.cfg.Rules.MaxLines)
	}
	return s.save(ctx, a, lang, t.Source, t.Encoding, tr, nil, actor)
}

// Alignment compares the tracks of the first two languages in use.
func (s *Subtitles) Alignment(ctx context.Context, a catalog.Asset) ([]subtitle.Finding, error) {
	if len(s.cfg.Langs) < 2 {
		return nil, nil
	}
	x, _, errX := s.Track(ctx, a, s.cfg.Langs[0])
	y, _, errY := s.Track(ctx, a, s.cfg.Langs[1])
	if errX != nil || errY != nil {
		return nil, nil // nothing to compare yet
	}
	return subtitle.Align(x, y, s.cfg.AlignTolerance), nil
}

// Finding is a check finding as stored and as the API shows it.
type Finding struct {
	Cue      int     `json:"cue"`
	At       float64 `json:"at_seconds"`
	Rule     string  `json:"rule"`
	Severity string  `json:"severity"`
	Vi       string  `json:"message_vi"`
	En       string  `json:"message_en"`
}

// FindingsJSON converts findings to their stored form (never nil).
func FindingsJSON(fs []subtitle.Finding) []Finding {
	out := []Finding{}
	for _, f := range fs {
		out = append(out, Finding{Cue: f.Cue, At: f.At.Seconds(), Rule: f.Rule, Severity: f.Severity, Vi: f.Vi, En: f.En})
	}
	return out
}
