package subtitle

import (
	"math"
	"strings"
	"time"
)

// Shift moves every cue by d. A cue that would end at or before 0 is
// dropped; one that would start before 0 and end after it starts at 0.
// Cues are renumbered.
func (t Track) Shift(d time.Duration) Track {
	var out Track
	for _, c := range t.Cues {
		c.Start, c.End = c.Start+d, c.End+d
		if c.End <= 0 {
			continue
		}
		c.Start = max(c.Start, 0)
		out.Cues = append(out.Cues, c)
	}
	return out.renumber()
}

// Scale multiplies every time by factor, rounded to the millisecond: for a
// frame-rate change from 25 to 23.976 fps, factor is 25/23.976. A factor
// that is not positive and finite returns t unchanged.
func (t Track) Scale(factor float64) Track {
	out := Track{Cues: make([]Cue, len(t.Cues))}
	copy(out.Cues, t.Cues)
	if factor <= 0 || math.IsInf(factor, 0) || math.IsNaN(factor) {
		return out
	}
	for i := range out.Cues {
		out.Cues[i].Start = scaleDur(out.Cues[i].Start, factor)
		out.Cues[i].End = scaleDur(out.Cues[i].End, factor)
	}
	return out
}

func scaleDur(d time.Duration, f float64) time.Duration {
	return time.Duration(math.Round(float64(d)*f/float64(time.Millisecond))) * time.Millisecond
}

func (t Track) renumber() Track {
	for i := range t.Cues {
		t.Cues[i].Index = i + 1
	}
	return t
}

// Rewrap reflows each cue's words into as few lines as fit maxChars, up to
// maxLines, splitting at spaces so that lines are as even as possible. A
// cue that cannot fit keeps all its words in maxLines lines; a word longer
// than maxChars stays whole. Cues of dialogue (two or more lines starting
// with "-") keep their lines. Words are never dropped.
func (t Track) Rewrap(maxChars, maxLines int) Track {
	out := Track{Cues: make([]Cue, len(t.Cues))}
	for i, c := range t.Cues {
		if !isDialogue(c.Lines) {
			c.Lines = wrap(strings.Fields(strings.Join(c.Lines, " ")), maxChars, max(maxLines, 1))
		}
		out.Cues[i] = c
	}
	return out
}

func isDialogue(lines []string) bool {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "-") {
			n++
		}
	}
	return n >= 2
}

// wrap splits words into the fewest lines (at most maxLines) whose longest
// line fits maxChars, or into maxLines lines when none fit.
func wrap(words []string, maxChars, maxLines int) []string {
	if len(words) == 0 {
		return nil
	}
	var best []string
	for k := 1; k <= min(maxLines, len(words)); k++ {
		best = balanced(words, k)
		if longest(best) <= maxChars {
			break
		}
	}
	return best
}

// balanced splits words into k lines minimising the longest line; among
// equal splits it keeps the earlier break, so the top line is shorter.
func balanced(words []string, k int) []string {
	n := len(words)
	// cost[j][m]: longest line when words[:j] fill m lines; cut records the split.
	cost := make([][]int, n+1)
	cut := make([][]int, n+1)
	for j := range cost {
		cost[j] = make([]int, k+1)
		cut[j] = make([]int, k+1)
		for m := range cost[j] {
			cost[j][m] = math.MaxInt
		}
	}
	cost[0][0] = 0
	for m := 1; m <= k; m++ {
		for j := m; j <= n; j++ {
			for i := m - 1; i < j; i++ {
				if cost[i][m-1] == math.MaxInt {
					continue
				}
				if c := max(cost[i][m-1], width(strings.Join(words[i:j], " "))); c < cost[j][m] {
					cost[j][m], cut[j][m] = c, i
				}
			}
		}
	}
	lines := make([]string, k)
	for m, j := k, n; m > 0; m-- {
		i := cut[j][m]
		lines[m-1] = strings.Join(words[i:j], " ")
		j = i
	}
	return lines
}

func longest(lines []string) int {
	n := 0
	for _, l := range lines {
		n = max(n, width(l))
	}
	return n
}
