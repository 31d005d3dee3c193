// Package profile holds submission profiles — the rules of one destination
// (a contest, a portal) written as YAML data in configs/profiles/*.yaml — and
// the engine that checks assets against a profile before they go into a
// bundle (DOMAIN.md "Submission targets", "Bundles").
//
// The package is pure: it knows nothing of the catalogue or of storage. The
// caller describes each asset as an Item (its texts and its stored files) and
// gets back, per asset, the file chosen for the bundle, the file's name in
// the bundle and a list of bilingual findings (Vietnamese first, English).
//
// Every rule has a severity: "error" (the default; blocks export) or
// "warning" (needs a curator's acknowledgement). A finding is "pass" when its
// rule holds.
package profile

import "time"

// Severities of rules and findings.
const (
	Pass    = "pass"
	Warning = "warning"
	Error   = "error"
)

// Asset kinds a profile can accept.
const (
	KindPhoto   = "photo"
	KindClip    = "clip"
	KindTrailer = "trailer"
)

// Profile is one submission profile, as loaded from a YAML file.
type Profile struct {
	File        string   `json:"-"`           // where it was loaded from, for messages
	ID          string   `json:"id"`          // [a-z0-9-]+, unique
	Version     string   `json:"version"`     // free text, e.g. "2025.1"; goes into manifests
	Name        Message  `json:"name"`        // bilingual display name
	Destination string   `json:"destination"` // where bundles are sent, for reports
	Kinds       []string `json:"kinds"`       // accepted asset kinds
	Photo       *Media   `json:"photo,omitempty"`
	Video       *Media   `json:"video,omitempty"` // clips and trailers
	Metadata    Metadata `json:"metadata"`
	// MaxPerCreator limits the entries of one creator in a package.
	MaxPerCreator *IntRule `json:"max_per_creator,omitempty"`
	// RefuseAI is set when the profile says allow_ai: false.
	RefuseAI *Rule `json:"refuse_ai,omitempty"`
	// StripLocation asks the exporter to remove GPS and precise location.
	StripLocation bool   `json:"strip_location"`
	Naming        string `json:"naming"` // bundle file name pattern without extension

	naming []namePart
	idLine int
}

// Rule is a rule with no value of its own (creator required, no AI, …).
type Rule struct {
	Severity string `json:"severity"` // error | warning
}

// IntRule is a whole-number limit.
type IntRule struct {
	Value    int    `json:"value"`
	Severity string `json:"severity"`
}

// FloatRule is a decimal limit (frame rate).
type FloatRule struct {
	Value    float64 `json:"value"`
	Severity string  `json:"severity"`
}

// ListRule accepts one of Values (formats, codecs).
type ListRule struct {
	Values   []string `json:"values"`
	Severity string   `json:"severity"`
}

// SizeRule is a limit in bytes.
type SizeRule struct {
	Bytes    int64  `json:"bytes"`
	Severity string `json:"severity"`
}

// DurationRule is a limit on a video's length.
type DurationRule struct {
	Value    time.Duration `json:"value"`
	Severity string        `json:"severity"`
}

// PixelRule is a limit on pixel dimensions. Side is long, short, width,
// height, either (width or height) or both.
type PixelRule struct {
	Side     string `json:"side"`
	Value    int    `json:"value"`
	Severity string `json:"severity"`
}

// FrameRule bounds a video frame in either orientation: the long edge is
// compared with the larger of Width and Height, the short edge with the
// smaller.
type FrameRule struct {
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Severity string `json:"severity"`
}

// SubtitleRule requires subtitle languages; When is "audio" (videos with an
// audio stream) or "always".
type SubtitleRule struct {
	Languages []string `json:"languages"`
	When      string   `json:"when"`
	Severity  string   `json:"severity"`
}

// Media holds the file rules of one section: photo or video.
type Media struct {
	// Source lists the stored files to send, best first: "original" or a
	// rendition name.
	Source      []string      `json:"source"`
	Formats     *ListRule     `json:"formats,omitempty"` // photo formats or video containers
	VideoCodecs *ListRule     `json:"video_codecs,omitempty"`
	AudioCodecs *ListRule     `json:"audio_codecs,omitempty"`
	MinPixels   *PixelRule    `json:"min_pixels,omitempty"`
	MaxPixels   *PixelRule    `json:"max_pixels,omitempty"`
	MinBytes    *SizeRule     `json:"min_bytes,omitempty"`
	MaxBytes    *SizeRule     `json:"max_bytes,omitempty"`
	MinDuration *DurationRule `json:"min_duration,omitempty"`
	MaxDuration *DurationRule `json:"max_duration,omitempty"`
	MaxFrame    *FrameRule    `json:"max_frame,omitempty"`
	MaxFPS      *FloatRule    `json:"max_fps,omitempty"`
	Subtitles   *SubtitleRule `json:"subtitles,omitempty"`

	section string // "photo" or "video": rule id prefix
}

// Requirement lists the fields that must be filled in one language and the
// state they must reach (draft: any text; reviewed: confirmed by a person).
type Requirement struct {
	Lang     string   `json:"lang"`
	Fields   []string `json:"fields"`
	State    string   `json:"state"`
	Severity string   `json:"severity"`
}

// DateWindow bounds the date a work was created; a zero From or To is open.
type DateWindow struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Severity string    `json:"severity"`
}

// Metadata holds the rules on an asset's descriptive metadata.
type Metadata struct {
	Required []Requirement `json:"required,omitempty"` // in file order
	Creator  *Rule         `json:"creator,omitempty"`  // non-nil: creator required
	Credit   *Rule         `json:"credit,omitempty"`   // non-nil: credit line required
	// CaptionMaxWords counts runs between white space (each Vietnamese
	// syllable is a word); CaptionMaxChars counts user-perceived characters.
	// Both apply to the caption in every language that has one.
	CaptionMaxWords *IntRule    `json:"caption_max_words,omitempty"`
	CaptionMaxChars *IntRule    `json:"caption_max_chars,omitempty"`
	DateCreated     *DateWindow `json:"date_created,omitempty"`
}

// Fields are the translated metadata fields a profile can require.
var Fields = []string{"title", "caption", "keywords", "alt_text", "copyright", "usage_terms", "sublocation", "city", "province", "country"}

// Accepts reports whether the profile takes assets of kind.
func (p *Profile) Accepts(kind string) bool {
	for _, k := range p.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// media returns the section that applies to kind (nil when none).
func (p *Profile) media(kind string) *Media {
	switch kind {
	case KindPhoto:
		return p.Photo
	case KindClip, KindTrailer:
		return p.Video
	}
	return nil
}

// TitleLang is the language whose title gives {slug}: the first language in
// metadata.required, else Vietnamese.
func (p *Profile) TitleLang() string {
	if len(p.Metadata.Required) > 0 {
		return p.Metadata.Required[0].Lang
	}
	return "vi"
}
