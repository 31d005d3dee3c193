package subtitle

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/asticode/go-astisub"
)

// assDrawing matches an override block that turns on drawing mode ({\p1})
// and the vector commands after it, which astisub would return as words.
var assDrawing = regexp.MustCompile(`(\{[^}\n]*\\p[1-9][^}\n]*\})[^{\n]*`)

// drawingMark stands in for a drawing until the cue's text is read.
const drawingMark = "\uE000"

// readSSA reads ASS/SSA. Lines astisub does not understand become warnings;
// if an event stops astisub, each event is read on its own so that only the
// bad ones are lost, each with a warning.
func readSSA(text string) ([]rawCue, []Warning, error) {
	text = assDrawing.ReplaceAllString(normalizeNewlines(text), "${1}"+drawingMark)
	var ws []Warning
	opts := astisub.SSAOptions{
		OnInvalidLine: func(line string) {
			ws = append(ws, Warning{Message: fmt.Sprintf("line not understood: %.60q", line)})
		},
		OnUnknownSectionName: func(string) {},
	}
	s, err := guard(func() (*astisub.Subtitles, error) {
		return astisub.ReadFromSSAWithOptions(strings.NewReader(text), opts)
	})
	if err != nil {
		return readSSAEvents(text, opts, ws)
	}
	cues, dropped := dropDrawings(fromItems(s.Items))
	return cues, append(ws, dropped...), nil
}

func readSSAEvents(text string, opts astisub.SSAOptions, ws []Warning) ([]rawCue, []Warning, error) {
	header, events := splitSSA(strings.Split(text, "\n"))
	var items []*astisub.Item
	for _, ev := range events {
		s, err := guard(func() (*astisub.Subtitles, error) {
			return astisub.ReadFromSSAWithOptions(strings.NewReader(header+ev.text+"\n"), opts)
		})
		if err != nil {
			ws = append(ws, Warning{Message: fmt.Sprintf("line %d: %v; cue skipped", ev.line, err)})
			continue
		}
		items = append(items, s.Items...)
	}
	cues, dropped := dropDrawings(fromItems(items))
	return cues, append(ws, dropped...), nil
}

type ssaEvent struct {
	line int
	text string
}

// splitSSA separates the Dialogue lines from the rest, leaving out
// embedded fonts and pictures.
func splitSSA(lines []string) (string, []ssaEvent) {
	var header strings.Builder
	var events []ssaEvent
	skip := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			skip = strings.EqualFold(t, "[Fonts]") || strings.EqualFold(t, "[Graphics]")
		}
		switch {
		case strings.HasPrefix(t, "Dialogue:"):
			events = append(events, ssaEvent{line: i + 1, text: t})
		case !skip:
			header.WriteString(l + "\n")
		}
	}
	return header.String(), events
}

// dropDrawings removes cues whose only text is vector drawings.
func dropDrawings(cues []rawCue) ([]rawCue, []Warning) {
	kept := cues[:0]
	var ws []Warning
	for _, c := range cues {
		text, drawn := c.lines[:0:0], false
		for _, l := range c.lines {
			drawn = drawn || strings.Contains(l, drawingMark)
			l = strings.TrimSpace(strings.NewReplacer(drawingMark, "", `\h`, " ").Replace(l))
			if l != "" {
				text = append(text, l)
			}
		}
		if drawn && len(text) == 0 {
			ws = append(ws, Warning{At: c.start, Message: fmt.Sprintf("event at %s is an ASS drawing, not text; skipped", clock(c.start, '.'))})
			continue
		}
		c.lines = text
		kept = append(kept, c)
	}
	return kept, ws
}
