// Package configs loads the service configuration: built-in defaults, then
// a YAML file, then QUANGBA_* environment variables. It is the only package
// that knows file names and environment variable names.
package configs

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultFile is read when present and no --config is given.
const DefaultFile = "configs/quangba.yaml"

// Config is the whole service configuration.
type Config struct {
	DataDir   string    `yaml:"data_dir"` // SQLite file, local blobs and spool live here (default: ./data)
	Addr      string    `yaml:"addr"`     // HTTP listen address (default: 127.0.0.1:8080)
	S3        S3        `yaml:"s3"`
	Ingest    Ingest    `yaml:"ingest"`
	Transcode Transcode `yaml:"transcode"`
	Metadata  Metadata  `yaml:"metadata"`
	Subtitles Subtitles `yaml:"subtitles"`
	Export    Export    `yaml:"export"`
	Uploads   Uploads   `yaml:"uploads"`
	Web       Web       `yaml:"web"`
	HomeOrg   string    `yaml:"home_org"` // organisation that command-line ingests belong to by default
	Log       LogLevel  `yaml:"log_level"`
}

// S3 selects the S3 backend when Endpoint is set.
type S3 struct {
	Endpoint  string `yaml:"endpoint"`   // host:port; empty means local storage
	AccessKey string `yaml:"access_key"` //
	SecretKey string `yaml:"secret_key"` //
	Bucket    string `yaml:"bucket"`     // created if missing (default: quangba)
	Region    string `yaml:"region"`     //
	UseSSL    bool   `yaml:"use_ssl"`    //
}

// Ingest holds the upload limits.
type Ingest struct {
	MaxPhotoMB   int64         `yaml:"max_photo_mb"`  // default 200
	MaxVideoMB   int64         `yaml:"max_video_mb"`  // default 8192
	MaxPixels    int64         `yaml:"max_pixels"`    // default 200000000
	FFprobe      string        `yaml:"ffprobe"`       // default ffprobe
	ProbeTimeout time.Duration `yaml:"probe_timeout"` // default 60s
	// CaptureUTCOffset is the zone of capture times recorded without one,
	// as "+07:00" (default: Vietnam).
	CaptureUTCOffset string `yaml:"capture_utc_offset"`
}

// Transcode sets the job workers and the outputs they make.
type Transcode struct {
	Workers        int           `yaml:"workers"`         // jobs at once in serve or worker; 0 = number of cores (default: 0)
	Lease          time.Duration `yaml:"lease"`           // a job whose worker is silent this long is picked up again (default: 60s)
	MaxAttempts    int           `yaml:"max_attempts"`    // tries before a job fails for good (default: 5)
	FFmpeg         string        `yaml:"ffmpeg"`          // default ffmpeg
	FFmpegJobs     int           `yaml:"ffmpeg_jobs"`     // ffmpeg runs at once per process (default: 2)
	JPEGQuality    int           `yaml:"jpeg_quality"`    // photo renditions and posters (default: 85)
	HeifConvert    string        `yaml:"heif_convert"`    // libheif's heif-convert for HEIC/HEIF/AVIF (default: heif-convert)
	Renditions     []Rendition   `yaml:"renditions"`      // photo rendition set (default: web 2048, preview 1280, thumb 320)
	ProxyHeight    int           `yaml:"proxy_height"`    // proxy MP4 at most this many lines (default: 720)
	DeliveryHeight int           `yaml:"delivery_height"` // delivery MP4 at most this many lines (default: 1080)
}

// Metadata sets the languages of descriptive metadata and the glossary.
type Metadata struct {
	Languages []string `yaml:"languages"` // the first is the default, repeated as x-default in files (default: vi, en)
	Glossary  string   `yaml:"glossary"`  // a glossary file replacing the built-in configs/glossary.yaml (default: "")
	Themes    string   `yaml:"themes"`    // a themes file replacing the built-in configs/themes.yaml (default: "")
}

//go:embed themes.yaml
var builtinThemes []byte

// ThemesYAML returns the theme taxonomy: the file named in the
// configuration, or the one built in.
func (c Config) ThemesYAML() ([]byte, error) {
	if c.Metadata.Themes == "" {
		return builtinThemes, nil
	}
	b, err := os.ReadFile(c.Metadata.Themes)
	if err != nil {
		return nil, fmt.Errorf("config: metadata.themes: %w", err)
	}
	return b, nil
}

// Export sets where submission profiles come from.
type Export struct {
	// Profiles is a folder of *.yaml profiles added to the built-in
	// configs/profiles; a file with a built-in profile's id replaces it
	// (default: "", the built-in ones only).
	Profiles string `yaml:"profiles"`
}

//go:embed profiles/*.yaml
var builtinProfiles embed.FS

// ProfileSources returns the folders submission profiles are read from, in
// order: the built-in one, then the configured one (if any). Each is a
// file system and the folder inside it.
func (c Config) ProfileSources() []ProfileSource {
	out := []ProfileSource{{Name: "configs/profiles (built in)", FS: builtinProfiles, Dir: "profiles"}}
	if c.Export.Profiles != "" {
		out = append(out, ProfileSource{Name: c.Export.Profiles, FS: os.DirFS(c.Export.Profiles), Dir: "."})
	}
	return out
}

// ProfileSource is a folder of profile files.
type ProfileSource struct {
	Name string // for messages
	FS   fs.FS
	Dir  string
}

//go:embed glossary.yaml
var builtinGlossary []byte

// GlossaryYAML returns the glossary: the file named in the configuration,
// or the one built in.
func (c Config) GlossaryYAML() ([]byte, error) {
	if c.Metadata.Glossary == "" {
		return builtinGlossary, nil
	}
	b, err := os.ReadFile(c.Metadata.Glossary)
	if err != nil {
		return nil, fmt.Errorf("config: metadata.glossary: %w", err)
	}
	return b, nil
}

// Subtitles holds the subtitle rules (DOMAIN.md; a profile can tighten
// them) and the burn-in style.
type Subtitles struct {
	MaxLines       int           `yaml:"max_lines"`       // default 2
	MaxLineChars   int           `yaml:"max_line_chars"`  // user-perceived characters (default: 42)
	MaxCPS         float64       `yaml:"max_cps"`         // reading speed, characters per second (default: 17)
	MinDuration    time.Duration `yaml:"min_duration"`    // default 833ms (5/6 s)
	MaxDuration    time.Duration `yaml:"max_duration"`    // default 7s
	MinGapFrames   int           `yaml:"min_gap_frames"`  // default 2
	AlignTolerance time.Duration `yaml:"align_tolerance"` // vi and en cues further apart are reported (default: 500ms)
	Burn           BurnStyle     `yaml:"burn"`
}

// BurnStyle is how burned-in subtitles look.
type BurnStyle struct {
	Font    string `yaml:"font"`     // a font with every Vietnamese glyph (default: Noto Sans)
	Size    int    `yaml:"size"`     // in ASS units of a 288-line script, scaled to the video (default: 22)
	Outline int    `yaml:"outline"`  // default 2
	MarginV int    `yaml:"margin_v"` // bottom margin, same units (default: 24)
}

// Web sets the browser sessions of the web pages.
type Web struct {
	// CookieSecure marks the session cookie Secure: "auto" when the request
	// came over TLS or with X-Forwarded-Proto: https, "true" always,
	// "false" never (default: auto).
	CookieSecure    string        `yaml:"cookie_secure"`
	SessionIdle     time.Duration `yaml:"session_idle"`     // a session unused this long ends (default: 12h)
	SessionLifetime time.Duration `yaml:"session_lifetime"` // a session ends this long after login whatever happens (default: 168h)
}

// MediaOrigins are the origins, other than the service's own, that pages
// load images and video from: the S3 endpoint, which signed download URLs
// point at, when S3 storage is used.
func (c Config) MediaOrigins() []string {
	if c.S3.Endpoint == "" {
		return nil
	}
	scheme := "http://"
	if c.S3.UseSSL {
		scheme = "https://"
	}
	return []string{scheme + c.S3.Endpoint}
}

// Uploads sets resumable (tus) uploads from the browser. Partial uploads
// are kept on local disk in data_dir/uploads, never in S3.
type Uploads struct {
	ExpireAfter time.Duration `yaml:"expire_after"` // a partial upload nobody added to this long is deleted (default: 24h)
	KeepResults time.Duration `yaml:"keep_results"` // the outcome of a finished upload stays readable this long (default: 168h)
	PerUser     int           `yaml:"per_user"`     // upload requests one user may have in flight; more get 429 (default: 6)
}

// Rendition is one named photo size.
type Rendition struct {
	Name     string `yaml:"name"`
	LongEdge int    `yaml:"long_edge"` // pixels; smaller photos are never enlarged
}

// LogLevel is debug, info, warn or error.
type LogLevel string

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		DataDir: "./data",
		Addr:    "127.0.0.1:8080",
		S3:      S3{Bucket: "quangba"},
		Ingest:  Ingest{MaxPhotoMB: 200, MaxVideoMB: 8192, MaxPixels: 200_000_000, FFprobe: "ffprobe", ProbeTimeout: 60 * time.Second, CaptureUTCOffset: "+07:00"},
		Transcode: Transcode{Lease: 60 * time.Second, MaxAttempts: 5, FFmpeg: "ffmpeg", FFmpegJobs: 2, JPEGQuality: 85,
			HeifConvert: "heif-convert", ProxyHeight: 720, DeliveryHeight: 1080,
			Renditions: []Rendition{{"web", 2048}, {"preview", 1280}, {"thumb", 320}}},
		Metadata: Metadata{Languages: []string{"vi", "en"}},
		Subtitles: Subtitles{MaxLines: 2, MaxLineChars: 42, MaxCPS: 17, MinDuration: 833 * time.Millisecond, MaxDuration: 7 * time.Second,
			MinGapFrames: 2, AlignTolerance: 500 * time.Millisecond, Burn: BurnStyle{Font: "Noto Sans", Size: 22, Outline: 2, MarginV: 24}},
		Web:     Web{CookieSecure: "auto", SessionIdle: 12 * time.Hour, SessionLifetime: 7 * 24 * time.Hour},
		Uploads: Uploads{ExpireAfter: 24 * time.Hour, KeepResults: 7 * 24 * time.Hour, PerUser: 6},
		HomeOrg: "Sở VHTTDL Đắk Lắk",
		Log:     "info",
	}
}

// Load builds the configuration from defaults, the file at path (or
// DefaultFile if path is "" and it exists) and the environment.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		}
	}
	if path != "" {
		if err := c.readFile(path); err != nil {
			return Config{}, err
		}
	}
	if err := c.applyEnv(os.LookupEnv); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

func (c *Config) readFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) { // an empty file sets nothing
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// applyEnv overrides settings from QUANGBA_* variables.
func (c *Config) applyEnv(lookup func(string) (string, bool)) error {
	str := map[string]*string{
		"QUANGBA_DATA_DIR": &c.DataDir, "QUANGBA_ADDR": &c.Addr,
		"QUANGBA_S3_ENDPOINT": &c.S3.Endpoint, "QUANGBA_S3_ACCESS_KEY": &c.S3.AccessKey,
		"QUANGBA_S3_SECRET_KEY": &c.S3.SecretKey, "QUANGBA_S3_BUCKET": &c.S3.Bucket, "QUANGBA_S3_REGION": &c.S3.Region,
		"QUANGBA_FFPROBE": &c.Ingest.FFprobe, "QUANGBA_HOME_ORG": &c.HomeOrg, "QUANGBA_LOG_LEVEL": (*string)(&c.Log),
		"QUANGBA_FFMPEG": &c.Transcode.FFmpeg, "QUANGBA_HEIF_CONVERT": &c.Transcode.HeifConvert,
		"QUANGBA_COOKIE_SECURE": &c.Web.CookieSecure,
	}
	for name, p := range str {
		if v, ok := lookup(name); ok {
			*p = v
		}
	}
	if v, ok := lookup("QUANGBA_S3_USE_SSL"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("config: QUANGBA_S3_USE_SSL=%q: want true or false", v)
		}
		c.S3.UseSSL = b
	}
	ints := map[string]*int64{"QUANGBA_MAX_PHOTO_MB": &c.Ingest.MaxPhotoMB, "QUANGBA_MAX_VIDEO_MB": &c.Ingest.MaxVideoMB, "QUANGBA_MAX_PIXELS": &c.Ingest.MaxPixels}
	for name, p := range ints {
		if v, ok := lookup(name); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("config: %s=%q: want a whole number", name, v)
			}
			*p = n
		}
	}
	small := map[string]*int{"QUANGBA_WORKERS": &c.Transcode.Workers, "QUANGBA_JOB_ATTEMPTS": &c.Transcode.MaxAttempts}
	for name, p := range small {
		if v, ok := lookup(name); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("config: %s=%q: want a whole number", name, v)
			}
			*p = n
		}
	}
	if v, ok := lookup("QUANGBA_JOB_LEASE"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("config: QUANGBA_JOB_LEASE=%q: want a duration such as 60s", v)
		}
		c.Transcode.Lease = d
	}
	return nil
}

// Validate reports the first unusable setting.
func (c Config) Validate() error {
	switch {
	case strings.TrimSpace(c.DataDir) == "":
		return errors.New("config: data_dir is empty")
	case c.Addr == "":
		return errors.New("config: addr is empty")
	case c.S3.Endpoint != "" && (c.S3.AccessKey == "" || c.S3.SecretKey == "" || c.S3.Bucket == ""):
		return errors.New("config: s3.endpoint is set, so s3.access_key, s3.secret_key and s3.bucket are required")
	case c.Ingest.MaxPhotoMB <= 0 || c.Ingest.MaxVideoMB <= 0 || c.Ingest.MaxPixels <= 0:
		return errors.New("config: ingest limits must be positive")
	case c.Transcode.Workers < 0 || c.Transcode.MaxAttempts < 1 || c.Transcode.FFmpegJobs < 1:
		return errors.New("config: transcode.workers must be 0 or more, max_attempts and ffmpeg_jobs at least 1")
	case len(c.Metadata.Languages) == 0:
		return errors.New("config: metadata.languages needs at least one language")
	case !validLanguages(c.Metadata.Languages):
		return fmt.Errorf("config: metadata.languages %q: use lower-case codes such as vi, en, each once", c.Metadata.Languages)
	case c.Subtitles.MaxLines < 1 || c.Subtitles.MaxLineChars < 10 || c.Subtitles.MaxCPS <= 0 || c.Subtitles.MinDuration < 0 ||
		c.Subtitles.MaxDuration <= c.Subtitles.MinDuration || c.Subtitles.MinGapFrames < 0:
		return errors.New("config: subtitles rules must be positive and min_duration below max_duration")
	case c.Subtitles.Burn.Font == "" || c.Subtitles.Burn.Size < 4:
		return errors.New("config: subtitles.burn needs a font and a size of at least 4")
	case c.Transcode.Lease < 2*time.Second:
		return errors.New("config: transcode.lease must be at least 2s")
	case c.Transcode.JPEGQuality < 1 || c.Transcode.JPEGQuality > 100:
		return errors.New("config: transcode.jpeg_quality must be 1–100")
	case c.Transcode.ProxyHeight < 144 || c.Transcode.DeliveryHeight < c.Transcode.ProxyHeight:
		return errors.New("config: transcode.proxy_height must be at least 144 and delivery_height at least proxy_height")
	case c.Web.CookieSecure != "auto" && c.Web.CookieSecure != "true" && c.Web.CookieSecure != "false":
		return fmt.Errorf("config: web.cookie_secure %q: want auto, true or false", c.Web.CookieSecure)
	case c.Web.SessionIdle < time.Minute || c.Web.SessionLifetime < c.Web.SessionIdle:
		return errors.New("config: web.session_idle must be at least 1m and session_lifetime at least session_idle")
	}
	if c.Uploads.ExpireAfter < time.Minute || c.Uploads.KeepResults < time.Minute || c.Uploads.PerUser < 1 {
		return errors.New("config: uploads.expire_after and uploads.keep_results must be at least 1m, uploads.per_user at least 1")
	}
	if _, err := c.Ingest.CaptureZone(); err != nil {
		return err
	}
	switch c.Log {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: log_level %q: want debug, info, warn or error", c.Log)
	}
	return nil
}

func validLanguages(langs []string) bool {
	seen := map[string]bool{}
	for _, l := range langs {
		if seen[l] || len(l) < 2 || len(l) > 8 || strings.ToLower(l) != l || strings.ContainsAny(l, " .,") {
			return false
		}
		seen[l] = true
	}
	return true
}

// Path returns a file path inside the data folder.
func (c Config) Path(elem ...string) string {
	return filepath.Join(append([]string{c.DataDir}, elem...)...)
}

// CaptureZone parses CaptureUTCOffset ("+07:00", "-05:30", "Z").
func (i Ingest) CaptureZone() (*time.Location, error) {
	s := strings.TrimSpace(i.CaptureUTCOffset)
	if s == "Z" || s == "+00:00" {
		return time.UTC, nil
	}
	t, err := time.Parse("-07:00", s)
	if err != nil {
		return nil, fmt.Errorf("config: ingest.capture_utc_offset %q: want a UTC offset such as +07:00", i.CaptureUTCOffset)
	}
	_, off := t.Zone()
	return time.FixedZone("UTC"+s, off), nil
}
