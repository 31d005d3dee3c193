package profile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog/vntext"
)

// File is one stored file of an asset that could go into a bundle.
type File struct {
	Name                   string // "original" or a rendition name
	Format                 string // jpeg, png, heic, mp4, mov, mkv, … (lower case)
	Width, Height          int
	Bytes                  int64
	Duration               time.Duration
	VideoCodec, AudioCodec string // h264, hevc, aac, … ("" when none)
	FrameRate              float64
}

// Text is one translated value and its state: "" or empty, draft,
// reviewed. A non-empty value whose state is not given counts as a draft.
type Text struct{ Value, State string }

// Item is one asset as a profile sees it; the caller fills it.
type Item struct {
	AssetID, Kind string // kind: photo | clip | trailer
	FileName      string // original upload name, for the {slug} fallback
	// Texts holds field → language → text; field names are those of
	// Fields (keywords as one value, "a; b").
	Texts                        map[string]map[string]Text
	Creator, Credit, DateCreated string // DateCreated: "2026", "2026-03", "2026-03-10" or RFC 3339
	CapturedAt                   *time.Time
	SourceType                   string // IPTC digital source type, short name or full URI
	HasAudio                     bool
	SubtitleLangs                []string
	Files                        []File // every stored file of the asset
}

// Message is a bilingual sentence, Vietnamese first.
type Message struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// Finding is the outcome of one rule on one asset or file.
type Finding struct {
	AssetID  string  `json:"asset_id"`
	Rule     string  `json:"rule"`     // stable dotted id: "photo.min_pixels", "metadata.required.en.title", …
	Severity string  `json:"severity"` // pass | warning | error
	Value    string  `json:"value"`    // what was measured, language-neutral ("2048×1365 px", "372 s", "612 MB")
	Limit    string  `json:"limit"`
	Message  Message `json:"message"`
	File     string  `json:"file,omitempty"` // the stored file the rule was checked on
}

// Choice is the outcome for one asset: the file that goes into the bundle,
// its name there (with extension) and every finding, passes included.
type Choice struct {
	AssetID  string
	File     File
	Name     string
	Findings []Finding
}

// Blocked reports whether an error finding keeps the asset out of a bundle.
func (c Choice) Blocked() bool {
	for _, f := range c.Findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Warnings lists the findings a curator must acknowledge.
func (c Choice) Warnings() []Finding {
	var out []Finding
	for _, f := range c.Findings {
		if f.Severity == Warning {
			out = append(out, f)
		}
	}
	return out
}

// vietnam is UTC+7, the zone capture times and RFC 3339 dates are read in.
var vietnam = time.FixedZone("ICT", 7*3600)

func outcome(ok bool, severity string) string {
	if ok {
		return Pass
	}
	if severity == "" {
		return Error
	}
	return severity
}

func msg(vi, en string) Message { return Message{VI: vi, EN: en} }

// Check checks a package of items: one Choice per item, in order.
func (p *Profile) Check(items []Item) []Choice {
	counts := map[string]int{}
	for _, it := range items {
		if k := creatorKey(it.Creator); k != "" {
			counts[k]++
		}
	}
	used := map[string]bool{}
	out := make([]Choice, len(items))
	for i, it := range items {
		c := Choice{AssetID: it.AssetID}
		var fs []Finding
		if !p.Accepts(it.Kind) {
			fs = append(fs, p.kindFinding(it.Kind))
			c.File = fallbackFile(it.Files)
		} else {
			fs = append(fs, p.kindFinding(it.Kind))
			md := p.media(it.Kind)
			file, ff, ok := p.choose(md, it.Kind, it.Files)
			fs = append(fs, ff...)
			if ok {
				c.File = file
			}
			fs = append(fs, p.subtitles(md, it)...)
		}
		fs = append(fs, p.metadata(it)...)
		if p.MaxPerCreator != nil {
			if k := creatorKey(it.Creator); k != "" {
				fs = append(fs, p.perCreator(it.Creator, counts[k]))
			}
		}
		if p.RefuseAI != nil {
			fs = append(fs, p.ai(it.SourceType))
		}
		for j := range fs {
			fs[j].AssetID = it.AssetID
		}
		c.Findings = fs
		c.Name = uniqueName(p.baseName(i+1, it), p.Ext(c.File), used)
		out[i] = c
	}
	return out
}

// CheckFile checks one file against the file-level rules of kind, e.g. a
// file that is not ingested.
func (p *Profile) CheckFile(kind string, f File) []Finding {
	fs := []Finding{p.kindFinding(kind)}
	if md := p.media(kind); md != nil && p.Accepts(kind) {
		fs = append(fs, p.fileRules(md, f)...)
	}
	return fs
}

func fallbackFile(files []File) File {
	for _, f := range files {
		if f.Name == "original" {
			return f
		}
	}
	if len(files) > 0 {
		return files[0]
	}
	return File{}
}

func (p *Profile) kindFinding(kind string) Finding {
	ok := p.Accepts(kind)
	names := func(l lang) string {
		var ns []string
		for _, k := range p.Kinds {
			ns = append(ns, kindName(k, l))
		}
		return strings.Join(ns, ", ")
	}
	f := Finding{Rule: "kinds", Severity: outcome(ok, Error), Value: kind, Limit: strings.Join(p.Kinds, ", ")}
	if ok {
		f.Message = msg(fmt.Sprintf("Hồ sơ %s nhận loại tư liệu %s.", p.ID, kindName(kind, vi)),
			fmt.Sprintf("Profile %s accepts %ss.", p.ID, kindName(kind, en)))
	} else {
		f.Message = msg(fmt.Sprintf("Hồ sơ %s không nhận loại tư liệu “%s”; chỉ nhận: %s.", p.ID, kindName(kind, vi), names(vi)),
			fmt.Sprintf("Profile %s does not accept “%s”; it accepts only: %s.", p.ID, kindName(kind, en), names(en)))
	}
	return f
}

// choose picks the file that goes into the bundle: the first file of the
// source list, in order, that passes every file-level error rule (so a small
// rendition is never sent in place of a failing big one by upscaling, and a
// failing preferred file gives way to a passing one). When none passes, the
// first existing preferred file is taken and its failures are reported.
func (p *Profile) choose(md *Media, kind string, files []File) (File, []Finding, bool) {
	var cands []File
	for _, name := range md.Source {
		for _, f := range files {
			if f.Name == name {
				cands = append(cands, f)
				break
			}
		}
	}
	rule := md.section + ".source"
	limit := strings.Join(md.Source, ", ")
	if len(cands) == 0 {
		var have []string
		for _, f := range files {
			have = append(have, f.Name)
		}
		value := strings.Join(have, ", ")
		if value == "" {
			value = "none"
		}
		return File{}, []Finding{{Rule: rule, Severity: Error, Value: value, Limit: limit,
			Message: msg(fmt.Sprintf("Không có tệp nào để gửi: hồ sơ cần một trong các tệp %s.", limit),
				fmt.Sprintf("There is no file to send: the profile needs one of the files %s.", limit))}}, false
	}
	var first []Finding
	for i, f := range cands {
		ff := p.fileRules(md, f)
		if i == 0 {
			first = ff
		}
		if !hasError(ff) {
			return f, append([]Finding{sourceFinding(rule, limit, f, Pass)}, ff...), true
		}
	}
	return cands[0], append([]Finding{sourceFinding(rule, limit, cands[0], Pass)}, first...), true
}

func sourceFinding(rule, limit string, f File, sev string) Finding {
	return Finding{Rule: rule, Severity: sev, Value: f.Name, Limit: limit, File: f.Name,
		Message: msg(fmt.Sprintf("Tệp được gửi: %s (thứ tự ưu tiên: %s).", f.Name, limit),
			fmt.Sprintf("File sent: %s (order of preference: %s).", f.Name, limit))}
}

func hasError(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// canon maps spellings of formats and codecs to the names profiles use.
func canon(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if a, ok := aliases[s]; ok {
		return a
	}
	return s
}

// fileRules checks one file against the file-level rules of a section.
func (p *Profile) fileRules(md *Media, f File) []Finding {
	var fs []Finding
	add := func(x Finding) {
		x.File = f.Name
		fs = append(fs, x)
	}
	sec := md.section
	capVI, thisVI := subject(sec, vi)
	capEN, _ := subject(sec, en)
	if r := md.Formats; r != nil {
		key := "formats"
		if sec == "video" {
			key = "containers"
		}
		v := canon(f.Format)
		shown := func(l lang) string {
			if v == "" {
				if l == vi {
					return "không rõ"
				}
				return "unknown"
			}
			return upper(v)
		}
		add(Finding{Rule: sec + "." + key, Severity: outcome(contains(r.Values, v), r.Severity), Value: v, Limit: strings.Join(r.Values, ", "),
			Message: msg(fmt.Sprintf("%s cần ở định dạng %s; tệp này là %s.", capVI, upperList(r.Values, vi), shown(vi)),
				fmt.Sprintf("%s must be in %s format; this file is %s.", capEN, upperList(r.Values, en), shown(en)))})
	}
	codec := func(r *ListRule, key, have, whatVI, whatEN string) {
		if r == nil {
			return
		}
		v := canon(have)
		if v == "" && key == "audio_codecs" {
			add(Finding{Rule: sec + "." + key, Severity: Pass, Value: "none", Limit: strings.Join(r.Values, ", "),
				Message: msg("Video không có âm thanh nên không cần kiểm tra mã hóa âm thanh.", "The video has no audio, so the audio codec is not checked.")})
			return
		}
		shownVI, shownEN := upper(v), upper(v)
		if v == "" {
			shownVI, shownEN = "không rõ", "unknown"
		}
		add(Finding{Rule: sec + "." + key, Severity: outcome(contains(r.Values, v), r.Severity), Value: v, Limit: strings.Join(r.Values, ", "),
			Message: msg(fmt.Sprintf("Video cần mã hóa %s %s; tệp này dùng %s.", whatVI, upperList(r.Values, vi), shownVI),
				fmt.Sprintf("The video must use the %s codec %s; this file uses %s.", whatEN, upperList(r.Values, en), shownEN))})
	}
	codec(md.VideoCodecs, "video_codecs", f.VideoCodec, "hình", "video")
	codec(md.AudioCodecs, "audio_codecs", f.AudioCodec, "âm thanh", "audio")
	for _, pr := range []struct {
		r   *PixelRule
		min bool
	}{{md.MinPixels, true}, {md.MaxPixels, false}} {
		r := pr.r
		if r == nil {
			continue
		}
		ok := pixelsOK(r, f.Width, f.Height, pr.min)
		key, op, needVI, needEN := "min_pixels", "≥", "cần tối thiểu", "needs at least"
		if !pr.min {
			key, op, needVI, needEN = "max_pixels", "≤", "chỉ được tối đa", "may have at most"
		}
		add(Finding{Rule: sec + "." + key, Severity: outcome(ok, r.Severity), Value: dims(f.Width, f.Height, neutral),
			Limit: fmt.Sprintf("%s %d px (%s)", op, r.Value, r.Side),
			Message: msg(fmt.Sprintf("%s %s %s px %s; %s %s.", capVI, needVI, formatInt(int64(r.Value), vi), sideText(r.Side, vi), thisVI, dims(f.Width, f.Height, vi)),
				fmt.Sprintf("%s %s %s px %s; this one is %s.", capEN, needEN, formatInt(int64(r.Value), en), sideText(r.Side, en), dims(f.Width, f.Height, en)))})
	}
	if r := md.MinBytes; r != nil {
		add(Finding{Rule: sec + ".min_bytes", Severity: outcome(f.Bytes >= r.Bytes, r.Severity),
			Value: formatBytesVs(f.Bytes, r.Bytes, neutral), Limit: "≥ " + formatBytes(r.Bytes, neutral),
			Message: msg(fmt.Sprintf("Tệp %s cần tối thiểu %s; tệp này %s.", strings.ToLower(capVI), formatBytes(r.Bytes, vi), formatBytesVs(f.Bytes, r.Bytes, vi)),
				fmt.Sprintf("%s file must be at least %s; this file is %s.", capEN, formatBytes(r.Bytes, en), formatBytesVs(f.Bytes, r.Bytes, en)))})
	}
	if r := md.MaxBytes; r != nil {
		add(Finding{Rule: sec + ".max_bytes", Severity: outcome(f.Bytes <= r.Bytes, r.Severity),
			Value: formatBytesVs(f.Bytes, r.Bytes, neutral), Limit: "≤ " + formatBytes(r.Bytes, neutral),
			Message: msg(fmt.Sprintf("Tệp %s chỉ được tối đa %s; tệp này %s.", strings.ToLower(capVI), formatBytes(r.Bytes, vi), formatBytesVs(f.Bytes, r.Bytes, vi)),
				fmt.Sprintf("%s file may be at most %s; this file is %s.", capEN, formatBytes(r.Bytes, en), formatBytesVs(f.Bytes, r.Bytes, en)))})
	}
	if r := md.MinDuration; r != nil {
		add(Finding{Rule: sec + ".min_duration", Severity: outcome(f.Duration >= r.Value, r.Severity),
			Value: seconds(f.Duration), Limit: "≥ " + seconds(r.Value),
			Message: msg(fmt.Sprintf("Video cần dài tối thiểu %s; video này dài %s.", formatDuration(r.Value, vi), formatDuration(f.Duration, vi)),
				fmt.Sprintf("The video must be at least %s long; this one is %s.", formatDuration(r.Value, en), formatDuration(f.Duration, en)))})
	}
	if r := md.MaxDuration; r != nil {
		add(Finding{Rule: sec + ".max_duration", Severity: outcome(f.Duration <= r.Value, r.Severity),
			Value: seconds(f.Duration), Limit: "≤ " + seconds(r.Value),
			Message: msg(fmt.Sprintf("Video chỉ được dài tối đa %s; video này dài %s.", formatDuration(r.Value, vi), formatDuration(f.Duration, vi)),
				fmt.Sprintf("The video may be at most %s long; this one is %s.", formatDuration(r.Value, en), formatDuration(f.Duration, en)))})
	}
	if r := md.MaxFrame; r != nil {
		long, short := max(r.Width, r.Height), min(r.Width, r.Height)
		ok := max(f.Width, f.Height) <= long && min(f.Width, f.Height) <= short
		add(Finding{Rule: sec + ".max_frame", Severity: outcome(ok, r.Severity), Value: dims(f.Width, f.Height, neutral),
			Limit: "≤ " + dims(r.Width, r.Height, neutral),
			Message: msg(fmt.Sprintf("Khung hình video tối đa %s (ngang hoặc dọc); video này %s.", dims(r.Width, r.Height, vi), dims(f.Width, f.Height, vi)),
				fmt.Sprintf("The video frame may be at most %s (landscape or portrait); this one is %s.", dims(r.Width, r.Height, en), dims(f.Width, f.Height, en)))})
	}
	if r := md.MaxFPS; r != nil {
		add(Finding{Rule: sec + ".max_fps", Severity: outcome(f.FrameRate <= r.Value, r.Severity),
			Value: formatFloat(f.FrameRate, 3, neutral) + " fps", Limit: "≤ " + formatFloat(r.Value, 3, neutral) + " fps",
			Message: msg(fmt.Sprintf("Tốc độ khung hình tối đa %s hình/giây; video này %s hình/giây.", formatFloat(r.Value, 3, vi), formatFloat(f.FrameRate, 3, vi)),
				fmt.Sprintf("The frame rate may be at most %s fps; this video has %s fps.", formatFloat(r.Value, 3, en), formatFloat(f.FrameRate, 3, en)))})
	}
	return fs
}

func pixelsOK(r *PixelRule, w, h int, isMin bool) bool {
	cmp := func(x int) bool {
		if isMin {
			return x >= r.Value
		}
		return x <= r.Value
	}
	switch r.Side {
	case "long":
		return cmp(max(w, h))
	case "short":
		return cmp(min(w, h))
	case "width":
		return cmp(w)
	case "height":
		return cmp(h)
	case "either":
		return cmp(w) || cmp(h)
	case "both":
		return cmp(w) && cmp(h)
	}
	return false
}

// subtitles checks the required subtitle languages of a video.
func (p *Profile) subtitles(md *Media, it Item) []Finding {
	r := md.Subtitles
	if r == nil || (r.When == "audio" && !it.HasAudio) {
		return nil
	}
	have := map[string]bool{}
	for _, l := range it.SubtitleLangs {
		have[strings.ToLower(strings.TrimSpace(l))] = true
	}
	var fs []Finding
	for _, l := range r.Languages {
		ok := have[strings.ToLower(l)]
		whenVI, whenEN := "Video", "The video"
		if r.When == "audio" {
			whenVI, whenEN = "Video có âm thanh", "A video with sound"
		}
		value := "missing"
		tailVI, tailEN := "chưa có.", "there are none."
		if ok {
			value = "present"
			tailVI, tailEN = "đã có.", "they are present."
		}
		fs = append(fs, Finding{Rule: md.section + ".subtitles." + l, Severity: outcome(ok, r.Severity), Value: value, Limit: l,
			Message: msg(fmt.Sprintf("%s cần phụ đề %s; %s", whenVI, langName(l, vi), tailVI),
				fmt.Sprintf("%s needs %s subtitles; %s", whenEN, langName(l, en), tailEN))})
	}
	return fs
}

func textState(t Text) string {
	if strings.TrimSpace(t.Value) == "" {
		return "empty"
	}
	if t.State == "reviewed" {
		return "reviewed"
	}
	return "draft"
}

// capitalize upper-cases the first letter of a Vietnamese phrase.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// metadata checks the descriptive metadata of an item.
func (p *Profile) metadata(it Item) []Finding {
	var fs []Finding
	md := p.Metadata
	for _, req := range md.Required {
		for _, field := range req.Fields {
			st := textState(it.Texts[field][req.Lang])
			ok := st == "reviewed" || (req.State == "draft" && st == "draft")
			what := func(l lang) string {
				if l == vi {
					return fieldName(field, vi) + " " + langName(req.Lang, vi)
				}
				return langName(req.Lang, en) + " " + fieldName(field, en)
			}
			f := Finding{Rule: "metadata.required." + req.Lang + "." + field, Severity: outcome(ok, req.Severity), Value: st, Limit: req.State}
			switch {
			case st == "empty":
				f.Message = msg(fmt.Sprintf("Cần %s; hiện còn trống.", what(vi)),
					fmt.Sprintf("The %s is required; it is empty.", what(en)))
			case ok:
				f.Message = msg(fmt.Sprintf("%s ở trạng thái %s.", capitalize(what(vi)), stateName(st, vi)),
					fmt.Sprintf("The %s is %s.", what(en), stateName(st, en)))
			default:
				f.Message = msg(fmt.Sprintf("%s cần được duyệt; hiện mới ở trạng thái %s.", capitalize(what(vi)), stateName(st, vi)),
					fmt.Sprintf("The %s must be reviewed; it is only a %s.", what(en), stateName(st, en)))
			}
			fs = append(fs, f)
		}
	}
	for _, r := range []struct {
		rule  *Rule
		field string
		value string
	}{{md.Creator, "creator", it.Creator}, {md.Credit, "credit", it.Credit}} {
		if r.rule == nil {
			continue
		}
		v := strings.TrimSpace(r.value)
		f := Finding{Rule: "metadata." + r.field, Severity: outcome(v != "", r.rule.Severity), Value: v, Limit: "required"}
		if v == "" {
			f.Value = "empty"
			f.Message = msg(fmt.Sprintf("Cần %s; hiện còn trống.", fieldName(r.field, vi)),
				fmt.Sprintf("The %s is required; it is empty.", fieldName(r.field, en)))
		} else {
			f.Message = msg(fmt.Sprintf("%s: %s.", capitalize(fieldName(r.field, vi)), v),
				fmt.Sprintf("%s: %s.", capitalize(fieldName(r.field, en)), v))
		}
		fs = append(fs, f)
	}
	if md.CaptionMaxWords != nil || md.CaptionMaxChars != nil {
		for _, l := range p.captionLangs(it) {
			c := strings.TrimSpace(it.Texts["caption"][l].Value)
			if r := md.CaptionMaxWords; r != nil {
				n := len(strings.Fields(c))
				fs = append(fs, Finding{Rule: "metadata.caption_max_words." + l, Severity: outcome(n <= r.Value, r.Severity),
					Value: strconv.Itoa(n) + " words", Limit: "≤ " + strconv.Itoa(r.Value) + " words",
					Message: msg(fmt.Sprintf("Chú thích %s tối đa %s từ; hiện có %s từ.", langName(l, vi), formatInt(int64(r.Value), vi), formatInt(int64(n), vi)),
						fmt.Sprintf("The %s caption may have at most %s words; it has %s.", langName(l, en), formatInt(int64(r.Value), en), formatInt(int64(n), en)))})
			}
			if r := md.CaptionMaxChars; r != nil {
				n := vntext.Graphemes(c)
				fs = append(fs, Finding{Rule: "metadata.caption_max_chars." + l, Severity: outcome(n <= r.Value, r.Severity),
					Value: strconv.Itoa(n) + " characters", Limit: "≤ " + strconv.Itoa(r.Value) + " characters",
					Message: msg(fmt.Sprintf("Chú thích %s tối đa %s ký tự; hiện có %s ký tự.", langName(l, vi), formatInt(int64(r.Value), vi), formatInt(int64(n), vi)),
						fmt.Sprintf("The %s caption may have at most %s characters; it has %s.", langName(l, en), formatInt(int64(r.Value), en), formatInt(int64(n), en)))})
			}
		}
	}
	if w := md.DateCreated; w != nil {
		fs = append(fs, dateFinding(w, it))
	}
	return fs
}

// captionLangs lists the languages with a caption: required languages in
// profile order first, then the others sorted.
func (p *Profile) captionLangs(it Item) []string {
	var out []string
	for _, r := range p.Metadata.Required {
		if strings.TrimSpace(it.Texts["caption"][r.Lang].Value) != "" && !contains(out, r.Lang) {
			out = append(out, r.Lang)
		}
	}
	var rest []string
	for l, t := range it.Texts["caption"] {
		if strings.TrimSpace(t.Value) != "" && !contains(out, l) {
			rest = append(rest, l)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// span is a civil date range: a partial date covers its whole year or month.
type span struct {
	from, to time.Time
	prec     int // 1 year, 2 month, 3 day
	text     string
}

// parseDate reads "2026", "2026-03", "2026-03-10" or RFC 3339 (read in
// Vietnam time); a date-time without zone is read as Vietnam time.
func parseDate(s string) (span, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return span{}, false
	}
	if t, err := time.Parse("2006", s); err == nil && len(s) == 4 {
		return span{t, t.AddDate(1, 0, -1), 1, s}, true
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return span{t, t.AddDate(0, 1, -1), 2, s}, true
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return span{t, t, 3, s}, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, vietnam); err == nil {
			d := civil(t.In(vietnam))
			return span{d, d, 3, d.Format("2006-01-02")}, true
		}
	}
	return span{}, false
}

func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func dateFinding(w *DateWindow, it Item) Finding {
	var limit, limVI, limEN string
	switch {
	case w.From.IsZero():
		limit = "..≤" + w.To.Format("2006-01-02")
		limVI, limEN = "đến hết ngày "+dateText(w.To, vi), "on or before "+dateText(w.To, en)
	case w.To.IsZero():
		limit = "≥" + w.From.Format("2006-01-02") + ".."
		limVI, limEN = "từ ngày "+dateText(w.From, vi), "on or after "+dateText(w.From, en)
	default:
		limit = w.From.Format("2006-01-02") + ".." + w.To.Format("2006-01-02")
		limVI = "từ " + dateText(w.From, vi) + " đến " + dateText(w.To, vi)
		limEN = "between " + dateText(w.From, en) + " and " + dateText(w.To, en)
	}
	f := Finding{Rule: "metadata.date_created", Limit: limit}
	d, ok := parseDate(it.DateCreated)
	if !ok && it.CapturedAt != nil {
		c := civil(it.CapturedAt.In(vietnam))
		d, ok = span{c, c, 3, c.Format("2006-01-02")}, true
	}
	if !ok {
		f.Severity = outcome(false, w.Severity)
		f.Value = "unknown"
		f.Message = msg(fmt.Sprintf("Không rõ ngày sáng tác nên không thể xác nhận tác phẩm được tạo %s.", limVI),
			fmt.Sprintf("The date created is unknown, so the work cannot be shown to date %s.", limEN))
		return f
	}
	in := (w.To.IsZero() || !d.from.After(w.To)) && (w.From.IsZero() || !d.to.Before(w.From))
	f.Severity = outcome(in, w.Severity)
	f.Value = d.text
	if in {
		f.Message = msg(fmt.Sprintf("Ngày sáng tác %s nằm trong khoảng cho phép (%s).", d.text, limVI),
			fmt.Sprintf("The date created %s is inside the allowed window (%s).", d.text, limEN))
	} else {
		f.Message = msg(fmt.Sprintf("Tác phẩm phải được tạo %s; ngày sáng tác của tư liệu này là %s.", limVI, d.text),
			fmt.Sprintf("The work must date %s; this one dates %s.", limEN, d.text))
	}
	return f
}

// creatorKey compares creators: trimmed, NFC, tone and vowel marks removed,
// đ folded to d, lower case, inner spaces collapsed — "Nguyễn Văn A" and
// " nguyen  van a" are one person.
func creatorKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(vntext.Fold(vntext.NFC(s)))), " ")
}

func (p *Profile) perCreator(creator string, n int) Finding {
	r := p.MaxPerCreator
	creator = strings.TrimSpace(creator)
	return Finding{Rule: "max_per_creator", Severity: outcome(n <= r.Value, r.Severity), Value: strconv.Itoa(n), Limit: "≤ " + strconv.Itoa(r.Value),
		Message: msg(fmt.Sprintf("Mỗi tác giả được gửi tối đa %s tác phẩm; “%s” có %s tác phẩm trong gói này.", formatInt(int64(r.Value), vi), creator, formatInt(int64(n), vi)),
			fmt.Sprintf("Each creator may send at most %s entries; “%s” has %s in this package.", formatInt(int64(r.Value), en), creator, formatInt(int64(n), en)))}
}

// aiSourceTypes are the IPTC digital source types of generated media.
var aiSourceTypes = []string{"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia", "compositeSynthetic"}

func (p *Profile) ai(sourceType string) Finding {
	st := strings.TrimSpace(sourceType)
	if i := strings.LastIndex(st, "/"); i >= 0 {
		st = st[i+1:]
	}
	isAI := false
	for _, a := range aiSourceTypes {
		if strings.EqualFold(st, a) {
			isAI, st = true, a
		}
	}
	value := st
	if value == "" {
		value = "unknown"
	}
	f := Finding{Rule: "allow_ai", Severity: outcome(!isAI, p.RefuseAI.Severity), Value: value, Limit: "no AI-generated media"}
	if isAI {
		f.Message = msg(fmt.Sprintf("Hồ sơ %s không nhận tư liệu do AI tạo ra; loại nguồn của tư liệu này là %s.", p.ID, st),
			fmt.Sprintf("Profile %s does not accept AI-generated media; this asset's source type is %s.", p.ID, st))
	} else {
		f.Message = msg(fmt.Sprintf("Tư liệu không được đánh dấu là do AI tạo ra (loại nguồn: %s).", value),
			fmt.Sprintf("The asset is not marked as AI-generated (source type: %s).", value))
	}
	return f
}
