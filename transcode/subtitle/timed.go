package subtitle

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/asticode/go-astisub"
)

// block is one SRT or WebVTT cue as found in the text.
type block struct {
	line       int // 1-based line of the timing
	start, end time.Duration
	text       []string
	notes      []string
}

var (
	timestamp  = regexp.MustCompile(`^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$`)
	srtClock   = regexp.MustCompile(`^\d{2,}:\d{2}:\d{2},\d{3}$`)
	vttClock   = regexp.MustCompile(`^(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}$`)
	bareTiming = regexp.MustCompile(`^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s+(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}`)
	sbvTiming  = regexp.MustCompile(`^\d+:\d{2}:\d{2}\.\d{3},\d+:\d{2}:\d{2}\.\d{3}\s*(\n|$)`)
	indexLine  = regexp.MustCompile(`^\d+$`)
)

// readTimed reads SRT or WebVTT. The timings are read here, so that one
// bad cue is a warning rather than the end of the file; astisub reads the
// text of the cues that remain.
func readTimed(text string, vtt bool) ([]rawCue, []Warning, error) {
	blocks, ws := splitBlocks(strings.Split(normalizeNewlines(text), "\n"), vtt)
	if len(blocks) == 0 {
		return nil, ws, nil
	}
	items, err := cueTexts(blocks, vtt)
	if err != nil {
		return nil, ws, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	cues := make([]rawCue, len(blocks))
	for i, b := range blocks {
		lines := plainLines(items[i])
		for j, l := range lines {
			lines[j] = html.UnescapeString(l) // entities astisub leaves, such as &rlm;
		}
		cues[i] = rawCue{start: b.start, end: b.end, lines: lines, notes: b.notes}
	}
	return cues, ws, nil
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// splitBlocks finds the cues. An SRT cue's text runs to the next timing
// (less the number line before it), a WebVTT cue's to the first blank line.
func splitBlocks(lines []string, vtt bool) ([]block, []Warning) {
	var blocks []block
	var ws []Warning
	var cur *block
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case strings.Contains(line, "-->"):
			closeBlock(cur, vtt, true)
			b, err := parseTiming(line, i+1, vtt)
			if err != nil {
				ws = append(ws, Warning{Message: err.Error() + "; cue skipped"})
				cur = &block{} // swallow its text
				continue
			}
			blocks = append(blocks, b)
			cur = &blocks[len(blocks)-1]
		case bareTiming.MatchString(line):
			closeBlock(cur, vtt, true)
			ws = append(ws, Warning{Message: fmt.Sprintf("line %d: cue times without \"-->\" between them; cue skipped", i+1)})
			cur = &block{}
		case cur == nil:
		case vtt && line == "":
			cur = nil
		default:
			cur.text = append(cur.text, line)
		}
	}
	closeBlock(cur, vtt, false)
	return blocks, ws
}

// closeBlock drops blank lines and, when another cue follows, that cue's
// number from b's text.
func closeBlock(b *block, vtt, next bool) {
	if b == nil {
		return
	}
	if n := len(b.text); !vtt && next && n > 0 && indexLine.MatchString(b.text[n-1]) {
		b.text = b.text[:n-1]
	}
	kept := b.text[:0]
	for _, l := range b.text {
		if l != "" {
			kept = append(kept, l)
		}
	}
	b.text = kept
}

func parseTiming(line string, n int, vtt bool) (block, error) {
	left, right, _ := strings.Cut(line, "-->")
	left = strings.TrimSpace(left)
	right = strings.TrimSpace(right)
	endLen := strings.IndexFunc(right, func(r rune) bool { return !strings.ContainsRune("0123456789:.,", r) })
	if endLen < 0 {
		endLen = len(right)
	}
	b := block{line: n}
	var err error
	for _, ts := range []struct {
		s string
		d *time.Duration
	}{{left, &b.start}, {right[:endLen], &b.end}} {
		if *ts.d, err = parseClock(ts.s); err != nil {
			return block{}, fmt.Errorf("line %d: %v", n, err)
		}
		if !(vtt && vttClock.MatchString(ts.s)) && !(!vtt && srtClock.MatchString(ts.s)) {
			b.notes = append(b.notes, fmt.Sprintf("line %d: non-standard time %q", n, ts.s))
		}
	}
	return b, nil
}

func parseClock(s string) (time.Duration, error) {
	m := timestamp.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("cannot read time %q", s)
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	if min > 59 || sec > 59 || h > 999 {
		return 0, fmt.Errorf("time %q is out of range", s)
	}
	ms, _ := strconv.Atoi((m[4] + "000")[:3])
	return time.Duration(h)*time.Hour + time.Duration(min)*time.Minute +
		time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond, nil
}

// cueTexts has astisub read the text of each block, in a file rebuilt with
// clean timings so that it reads one item per block.
func cueTexts(blocks []block, vtt bool) ([]*astisub.Item, error) {
	var b strings.Builder
	read, sep := astisub.ReadFromSRT, byte(',')
	if vtt {
		b.WriteString("WEBVTT\n\n")
		read, sep = astisub.ReadFromWebVTT, '.'
	}
	for i, bl := range blocks {
		fmt.Fprintf(&b, "%d\n%s --> %s\n", i+1, clock(0, sep), clock(0, sep))
		for _, l := range bl.text {
			b.WriteString(strings.ReplaceAll(l, "-->", "->") + "\n")
		}
		b.WriteString("\n")
	}
	s, err := guard(func() (*astisub.Subtitles, error) { return read(strings.NewReader(b.String())) })
	if err != nil {
		return nil, err
	}
	if len(s.Items) != len(blocks) {
		return nil, fmt.Errorf("read %d cues of %d", len(s.Items), len(blocks))
	}
	return s.Items, nil
}
