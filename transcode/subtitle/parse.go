package subtitle

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/asticode/go-astisub"
	"golang.org/x/text/unicode/norm"
)

// rawCue is a cue as read, before sorting and numbering.
type rawCue struct {
	start, end time.Duration
	lines      []string
	notes      []string // warnings about this cue
}

// Parse reads SRT, WebVTT, ASS/SSA, TTML/DFXP or EBU STL, choosing the
// format by content; name (a file name) only breaks ties. Cues come back
// sorted by start and numbered 1..n. Problems that leave a cue readable,
// and cues that could not be read, are returned as warnings; a file with no
// readable cue is refused with ErrFormat, a refused encoding with
// ErrEncoding.
func Parse(data []byte, name string) (Track, []Warning, error) {
	cues, general, err := read(data, name)
	if err != nil {
		return Track{}, nil, err
	}
	t, ws := build(cues)
	ws = append(general, ws...)
	if len(t.Cues) == 0 {
		return Track{}, ws, formatErr("no cues%s", firstWarning(ws))
	}
	return t, ws, nil
}

func read(data []byte, name string) ([]rawCue, []Warning, error) {
	if kind := binaryKind(data); kind == "stl" {
		return readSTL(data)
	} else if kind != "" {
		return nil, nil, formatErr("%s", kind)
	}
	text, _, err := Decode(data)
	if err != nil {
		return nil, nil, err
	}
	switch f, err := textFormat(text, name); {
	case err != nil:
		return nil, nil, err
	case f == "ssa":
		return readSSA(text)
	case f == "ttml":
		return readWhole(text, astisub.ReadFromTTML)
	default:
		return readTimed(text, f == "vtt")
	}
}

func firstWarning(ws []Warning) string {
	if len(ws) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d warnings, first: %s)", len(ws), ws[0].Message)
}

// binaryKind names binary data by its magic bytes: "stl" for EBU STL, a
// reason for refusal for containers and bitmap subtitles, "" otherwise.
func binaryKind(data []byte) string {
	switch {
	case len(data) >= 1024 && string(data[3:6]) == "STL" && data[8] == '.':
		return "stl"
	case bytes.HasPrefix(data, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "Matroska/WebM container: extract the subtitle track to SRT first"
	case bytes.HasPrefix(data, []byte{0, 0, 1, 0xBA}):
		return "MPEG program stream (VobSub bitmap subtitles): bitmap subtitles have no text to read"
	case len(data) >= 8 && string(data[4:8]) == "ftyp":
		return "MP4 container: extract the subtitle track to SRT first"
	}
	return ""
}

// textFormat chooses "srt", "vtt", "ssa" or "ttml" from the text.
func textFormat(text, name string) (string, error) {
	head := strings.TrimSpace(text)
	ext := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:])
	switch {
	case head == "":
		return "", formatErr("the file is empty")
	case strings.HasPrefix(head, "WEBVTT"):
		return "vtt", nil
	case containsAny(head, "[Script Info]", "[V4+ Styles]", "[V4 Styles]", "[Events]"):
		return "ssa", nil
	case strings.HasPrefix(head, "<") && strings.Contains(head, "<tt"):
		return "ttml", nil
	case sbvTiming.MatchString(head):
		return "", formatErr("YouTube SBV is not supported: convert it to SRT")
	case strings.Contains(head, "-->") && ext == "vtt":
		return "vtt", nil
	case strings.Contains(head, "-->"):
		return "srt", nil
	}
	return "", formatErr("no subtitle format recognised (no cue timings found)")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// readWhole reads a format whose reader takes the file at once.
func readWhole(text string, reader func(io.Reader) (*astisub.Subtitles, error)) ([]rawCue, []Warning, error) {
	s, err := guard(func() (*astisub.Subtitles, error) { return reader(strings.NewReader(text)) })
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return fromItems(s.Items), nil, nil
}

// guard runs an astisub reader, turning a panic into an error: the
// readers index into the input without always checking its length.
func guard(read func() (*astisub.Subtitles, error)) (s *astisub.Subtitles, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("astisub failed: %v", r)
		}
	}()
	return read()
}

func fromItems(items []*astisub.Item) []rawCue {
	cues := make([]rawCue, 0, len(items))
	for _, it := range items {
		cues = append(cues, rawCue{start: it.StartAt, end: it.EndAt, lines: plainLines(it)})
	}
	return cues
}

// plainLines returns an item's non-empty lines as trimmed NFC text.
func plainLines(it *astisub.Item) []string {
	var out []string
	for _, l := range it.Lines {
		s := strings.TrimSpace(strings.ReplaceAll(l.String(), "\u00a0", " "))
		if s != "" {
			out = append(out, norm.NFC.String(s))
		}
	}
	return out
}

// build checks, sorts and numbers the cues and turns their notes into
// warnings.
func build(raw []rawCue) (Track, []Warning) {
	sort.SliceStable(raw, func(i, j int) bool { return raw[i].start < raw[j].start })
	var t Track
	var ws []Warning
	for i, c := range raw {
		cue := Cue{Index: i + 1, Start: c.start, End: c.end, Lines: c.lines}
		for _, n := range append(c.notes, cueProblems(cue)...) {
			ws = append(ws, Warning{Cue: cue.Index, At: cue.Start, Message: n})
		}
		t.Cues = append(t.Cues, cue)
	}
	return t, ws
}

func cueProblems(c Cue) []string {
	var out []string
	switch {
	case c.Start < 0:
		out = append(out, "starts before 0")
	case c.End < c.Start:
		out = append(out, fmt.Sprintf("ends (%s) before it starts", clock(c.End, '.')))
	case c.End == c.Start:
		out = append(out, "ends when it starts")
	}
	if len(c.Lines) == 0 {
		out = append(out, "has no text")
	}
	return out
}
