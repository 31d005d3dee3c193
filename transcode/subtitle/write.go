package subtitle

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// SRT writes t as SubRip: UTF-8 NFC, LF line ends, cues numbered 1..n.
func (t Track) SRT() []byte {
	var b strings.Builder
	for i, c := range t.Cues {
		fmt.Fprintf(&b, "%d\n%s --> %s\n", i+1, clock(c.Start, ','), clock(c.End, ','))
		writeLines(&b, c.Lines, strings.NewReplacer())
	}
	return []byte(b.String())
}

var vttEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// VTT writes t as WebVTT: UTF-8 NFC, LF line ends, HH:MM:SS.mmm times.
func (t Track) VTT() []byte {
	var b strings.Builder
	b.WriteString("WEBVTT\n\n")
	for _, c := range t.Cues {
		fmt.Fprintf(&b, "%s --> %s\n", clock(c.Start, '.'), clock(c.End, '.'))
		writeLines(&b, c.Lines, vttEscaper)
	}
	return []byte(b.String())
}

// writeLines writes the cue text and the blank line that ends the cue. A
// blank line inside the text would end the cue early, so it is dropped.
func writeLines(b *strings.Builder, lines []string, esc *strings.Replacer) {
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			b.WriteString(esc.Replace(norm.NFC.String(l)) + "\n")
		}
	}
	b.WriteString("\n")
}
