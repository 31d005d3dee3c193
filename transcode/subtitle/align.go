package subtitle

import (
	"fmt"
	"time"
)

// Align compares two tracks of one video (say Vietnamese and English).
// Cues are paired by start time within tol; a count mismatch, a cue with
// no partner and a pair whose ends differ by more than tol are warnings.
// Cue numbers and times in the findings are those of track a, or of b for
// a cue only b has.
func Align(a, b Track, tol time.Duration) []Finding {
	var fs []Finding
	if len(a.Cues) != len(b.Cues) {
		fs = append(fs, Finding{Rule: "alignment_count", Severity: sevWarning,
			Vi: fmt.Sprintf("Hai phụ đề có số câu khác nhau: %d và %d.", len(a.Cues), len(b.Cues)),
			En: fmt.Sprintf("The tracks have different numbers of cues: %d and %d.", len(a.Cues), len(b.Cues))})
	}
	i, j := 0, 0
	for i < len(a.Cues) || j < len(b.Cues) {
		switch {
		case j == len(b.Cues) || (i < len(a.Cues) && a.Cues[i].Start+tol < b.Cues[j].Start):
			fs = append(fs, unmatched(a.Cues[i], "thứ nhất", "first"))
			i++
		case i == len(a.Cues) || b.Cues[j].Start+tol < a.Cues[i].Start:
			fs = append(fs, unmatched(b.Cues[j], "thứ hai", "second"))
			j++
		default:
			fs = append(fs, endMismatch(a.Cues[i], b.Cues[j], tol)...)
			i, j = i+1, j+1
		}
	}
	return fs
}

func unmatched(c Cue, vi, en string) Finding {
	return Finding{Cue: c.Index, At: c.Start, Rule: "alignment_timing", Severity: sevWarning,
		Vi: fmt.Sprintf("Câu %d (%s) của phụ đề %s không có câu tương ứng trong phụ đề kia.", c.Index, clock(c.Start, ','), vi),
		En: fmt.Sprintf("Cue %d (%s) of the %s track has no matching cue in the other track.", c.Index, clock(c.Start, '.'), en)}
}

func endMismatch(a, b Cue, tol time.Duration) []Finding {
	if d := (a.End - b.End).Abs(); d <= tol {
		return nil
	}
	return []Finding{{Cue: a.Index, At: a.Start, Rule: "alignment_timing", Severity: sevWarning,
		Vi: fmt.Sprintf("Câu %d kết thúc lúc %s, câu tương ứng %d lúc %s.", a.Index, clock(a.End, ','), b.Index, clock(b.End, ',')),
		En: fmt.Sprintf("Cue %d ends at %s, its counterpart %d at %s.", a.Index, clock(a.End, '.'), b.Index, clock(b.End, '.'))}}
}
