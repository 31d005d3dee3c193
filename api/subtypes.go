package api

import (
	"encoding/json"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/transcode"
	"github.com/quangba/quangba/transcode/subtitle"
)

// SubtitleTrack is a stored track with its report summary.
type SubtitleTrack struct {
	Lang     string            `json:"lang"`
	Source   string            `json:"source"`
	Encoding string            `json:"encoding"`
	Cues     int               `json:"cues"`
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	Findings json.RawMessage   `json:"findings"`
	By       string            `json:"by,omitempty"`
	At       time.Time         `json:"at"`
	Links    map[string]string `json:"links"`
}

// Finding is one problem of a track, with its cue and rule.
type Finding = transcode.Finding

// SubtitleList is every track of an asset and how vi and en line up.
type SubtitleList struct {
	Tracks    []SubtitleTrack `json:"tracks"`
	Alignment []Finding       `json:"alignment"`
}

// Checked answers an upload or a fix: the track, all findings and the
// warnings from reading the file.
type Checked struct {
	SubtitleTrack
	ParseWarnings []Finding `json:"parse_warnings"`
}

// SubtitleFix corrects a track in one call.
type SubtitleFix struct {
	ShiftSeconds float64 `json:"shift_seconds"` // move every cue (negative: earlier)
	Scale        float64 `json:"scale"`         // multiply every time, e.g. 25/23.976; 0 leaves times
	Rewrap       bool    `json:"rewrap"`        // merge and split lines to the limits
}

func toTrack(t catalog.SubtitleTrack) SubtitleTrack {
	base := "/api/v1/assets/" + t.AssetID + "/subtitles/" + t.Lang
	return SubtitleTrack{Lang: t.Lang, Source: t.Source, Encoding: t.Encoding, Cues: t.Cues, Errors: t.Errors, Warnings: t.Warnings,
		Findings: t.Report, By: t.SetBy, At: t.SetAt, Links: map[string]string{"srt": base + ".srt", "vtt": base + ".vtt", "fix": base + "/fix"}}
}

func toFindings(fs []subtitle.Finding) []Finding { return transcode.FindingsJSON(fs) }

func toChecked(c transcode.Checked) Checked {
	out := Checked{SubtitleTrack: toTrack(c.Track), ParseWarnings: []Finding{}}
	for _, w := range c.Warnings {
		out.ParseWarnings = append(out.ParseWarnings, Finding{Cue: w.Cue, At: w.At.Seconds(), Rule: "parse", Severity: "warning", En: w.Message, Vi: w.Message})
	}
	return out
}
