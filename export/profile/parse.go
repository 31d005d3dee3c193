package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// LoadFS loads every *.yaml file in dir of fsys, sorted by id. Duplicate
// ids are refused.
func LoadFS(fsys fs.FS, dir string) ([]*Profile, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Profile
	seen := map[string]*Profile{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		if q, ok := seen[p.ID]; ok {
			return nil, fmt.Errorf("%s:%d: id: %q is already used by %s", name, p.idLine, p.ID, q.File)
		}
		seen[p.ID] = p
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ByID indexes profiles by id (later ones win).
func ByID(ps []*Profile) map[string]*Profile {
	out := make(map[string]*Profile, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out
}

// Parse reads one profile. file names it in error messages, which have the
// form "file:line: rule.path: what is wrong".
func Parse(file string, data []byte) (*Profile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(file, err)
	}
	ps := &parser{file: file}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s:1: the file is empty", file)
	}
	p, err := ps.profile(doc.Content[0])
	if err != nil {
		return nil, err
	}
	p.File = file
	return p, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: YAML syntax: %s", file, m[1], m[2])
	}
	return fmt.Errorf("%s: YAML syntax: %s", file, strings.TrimPrefix(msg, "yaml: "))
}

type parser struct{ file string }

func (ps *parser) errf(n *yaml.Node, rule, format string, args ...any) error {
	line := 1
	if n != nil && n.Line > 0 {
		line = n.Line
	}
	return fmt.Errorf("%s:%d: %s: %s", ps.file, line, rule, fmt.Sprintf(format, args...))
}

// mapping is a YAML mapping with its keys checked.
type mapping struct {
	node *yaml.Node
	keys map[string]*yaml.Node // key name → key node
	vals map[string]*yaml.Node
}

func (m *mapping) has(k string) bool { return m.vals[k] != nil }

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func join(rule, key string) string {
	if rule == "" {
		return key
	}
	return rule + "." + key
}

func (ps *parser) mapping(n *yaml.Node, rule string, allowed ...string) (*mapping, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, ps.errf(n, rule, "expected a mapping (key: value), got %s", describe(n))
	}
	m := &mapping{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		name := k.Value
		if !contains(allowed, name) {
			return nil, ps.errf(k, join(rule, name), "unknown key (expected one of %s)", strings.Join(allowed, ", "))
		}
		if m.keys[name] != nil {
			return nil, ps.errf(k, join(rule, name), "given twice (first on line %d)", m.keys[name].Line)
		}
		m.keys[name], m.vals[name] = k, v
	}
	return m, nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (ps *parser) str(n *yaml.Node, rule string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", ps.errf(n, rule, "expected a text value, got %s", describe(n))
	}
	return strings.TrimSpace(n.Value), nil
}

func (ps *parser) nonEmpty(n *yaml.Node, rule string) (string, error) {
	s, err := ps.str(n, rule)
	if err == nil && s == "" {
		err = ps.errf(n, rule, "must not be empty")
	}
	return s, err
}

func (ps *parser) positiveInt(n *yaml.Node, rule string) (int, error) {
	s, err := ps.str(n, rule)
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		return 0, ps.errf(n, rule, "%q is not a whole number", s)
	}
	if v <= 0 {
		return 0, ps.errf(n, rule, "must be greater than 0, got %d", v)
	}
	return v, nil
}

func (ps *parser) boolean(n *yaml.Node, rule string) (bool, error) {
	s, err := ps.str(n, rule)
	if err != nil {
		return false, err
	}
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, ps.errf(n, rule, "%q is not true or false", s)
}

// list reads a list of strings; a single scalar is a list of one.
func (ps *parser) list(n *yaml.Node, rule string) ([]string, error) {
	n = deref(n)
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	if len(items) == 0 {
		return nil, ps.errf(n, rule, "the list must not be empty")
	}
	var out []string
	for _, it := range items {
		s, err := ps.nonEmpty(it, rule)
		if err != nil {
			return nil, err
		}
		if contains(out, s) {
			return nil, ps.errf(it, rule, "%q is listed twice", s)
		}
		out = append(out, s)
	}
	return out, nil
}

// oneOf reads a list whose items must be among allowed.
func (ps *parser) oneOf(n *yaml.Node, rule string, allowed []string, hints map[string]string) ([]string, error) {
	vals, err := ps.list(n, rule)
	if err != nil {
		return nil, err
	}
	n = deref(n)
	for i, v := range vals {
		if contains(allowed, v) {
			continue
		}
		at := n
		if n.Kind == yaml.SequenceNode {
			at = n.Content[i]
		}
		if h, ok := hints[v]; ok {
			return nil, ps.errf(at, rule, "%q is not known; write %q", v, h)
		}
		return nil, ps.errf(at, rule, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
	return vals, nil
}

func (ps *parser) severity(n *yaml.Node, rule string) (string, error) {
	s, err := ps.str(n, rule)
	if err != nil {
		return "", err
	}
	if s != Error && s != Warning {
		return "", ps.errf(n, rule, "%q is not one of error, warning", s)
	}
	return s, nil
}

// valued splits a rule written either as a bare value or as
// {value: …, severity: warning}.
func (ps *parser) valued(n *yaml.Node, rule string) (*yaml.Node, string, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return n, Error, nil
	}
	m, err := ps.mapping(n, rule, "value", "severity")
	if err != nil {
		return nil, "", err
	}
	if !m.has("value") {
		return nil, "", ps.errf(n, rule, "a rule written as a mapping needs a value")
	}
	sev, err := ps.optSeverity(m, rule)
	return m.vals["value"], sev, err
}

// valuedStr is valued for a rule whose value is text: the value's node,
// its text and the severity.
func (ps *parser) valuedStr(n *yaml.Node, rule string) (v *yaml.Node, s, sev string, err error) {
	if v, sev, err = ps.valued(n, rule); err != nil {
		return nil, "", "", err
	}
	s, err = ps.str(v, rule)
	return v, s, sev, err
}

func (ps *parser) optSeverity(m *mapping, rule string) (string, error) {
	if !m.has("severity") {
		return Error, nil
	}
	return ps.severity(m.vals["severity"], join(rule, "severity"))
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

var topKeys = []string{"id", "version", "name", "destination", "kinds", "photo", "video", "metadata", "max_per_creator", "allow_ai", "strip_location", "naming"}

func (ps *parser) profile(root *yaml.Node) (*Profile, error) {
	m, err := ps.mapping(root, "", topKeys...)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"id", "version", "name", "destination", "kinds"} {
		if !m.has(k) {
			return nil, ps.errf(root, k, "missing")
		}
	}
	p := &Profile{Naming: "{seq:03}-{slug}"}
	if p.ID, err = ps.nonEmpty(m.vals["id"], "id"); err != nil {
		return nil, err
	}
	p.idLine = m.vals["id"].Line
	if !idPattern.MatchString(p.ID) {
		return nil, ps.errf(m.vals["id"], "id", "%q may hold only lower-case ASCII letters, digits and single hyphens", p.ID)
	}
	if p.Version, err = ps.nonEmpty(m.vals["version"], "version"); err != nil {
		return nil, err
	}
	nm, err := ps.mapping(m.vals["name"], "name", "vi", "en")
	if err != nil {
		return nil, err
	}
	for _, l := range []string{"vi", "en"} {
		if !nm.has(l) {
			return nil, ps.errf(nm.node, "name."+l, "missing")
		}
	}
	if p.Name.VI, err = ps.nonEmpty(nm.vals["vi"], "name.vi"); err != nil {
		return nil, err
	}
	if p.Name.EN, err = ps.nonEmpty(nm.vals["en"], "name.en"); err != nil {
		return nil, err
	}
	if p.Destination, err = ps.nonEmpty(m.vals["destination"], "destination"); err != nil {
		return nil, err
	}
	if p.Kinds, err = ps.oneOf(m.vals["kinds"], "kinds", []string{KindPhoto, KindClip, KindTrailer}, map[string]string{"video": "clip or trailer", "image": "photo"}); err != nil {
		return nil, err
	}
	if m.has("photo") {
		if p.Photo, err = ps.media(m.vals["photo"], "photo"); err != nil {
			return nil, err
		}
	}
	if m.has("video") {
		if p.Video, err = ps.media(m.vals["video"], "video"); err != nil {
			return nil, err
		}
	}
	for _, k := range p.Kinds {
		if p.media(k) == nil {
			sec := "video"
			if k == KindPhoto {
				sec = "photo"
			}
			return nil, ps.errf(m.vals["kinds"], "kinds", "%s is accepted but there is no %s section", k, sec)
		}
	}
	if m.has("metadata") {
		if err := ps.metadata(m.vals["metadata"], &p.Metadata); err != nil {
			return nil, err
		}
	}
	if m.has("max_per_creator") {
		v, sev, err := ps.valued(m.vals["max_per_creator"], "max_per_creator")
		if err != nil {
			return nil, err
		}
		n, err := ps.positiveInt(v, "max_per_creator")
		if err != nil {
			return nil, err
		}
		p.MaxPerCreator = &IntRule{Value: n, Severity: sev}
	}
	if m.has("allow_ai") {
		v, sev, err := ps.valued(m.vals["allow_ai"], "allow_ai")
		if err != nil {
			return nil, err
		}
		allow, err := ps.boolean(v, "allow_ai")
		if err != nil {
			return nil, err
		}
		if !allow {
			p.RefuseAI = &Rule{Severity: sev}
		}
	}
	if m.has("strip_location") {
		if p.StripLocation, err = ps.boolean(m.vals["strip_location"], "strip_location"); err != nil {
			return nil, err
		}
	}
	if m.has("naming") {
		if p.Naming, err = ps.nonEmpty(m.vals["naming"], "naming"); err != nil {
			return nil, err
		}
	}
	parts, err := parseNaming(p.Naming)
	if err != nil {
		n := m.vals["naming"]
		return nil, ps.errf(n, "naming", "%v", err)
	}
	p.naming = parts
	return p, nil
}

var (
	photoFormats = []string{"jpeg", "png", "heic", "heif", "avif", "webp", "tiff", "dng"}
	containers   = []string{"mp4", "mov", "mkv", "webm", "m4v", "avi", "mxf"}
	videoCodecs  = []string{"h264", "hevc", "av1", "vp9", "vp8", "prores", "mpeg2video", "mpeg4"}
	audioCodecs  = []string{"aac", "mp3", "opus", "vorbis", "flac", "alac", "ac3", "eac3", "pcm_s16le", "pcm_s24le"}
	sides        = []string{"long", "short", "width", "height", "either", "both"}
	// aliases are spellings callers and people use for the names above.
	aliases = map[string]string{"jpg": "jpeg", "tif": "tiff", "h265": "hevc", "x264": "h264", "avc": "h264", "avc1": "h264", "x265": "hevc", "hvc1": "hevc", "mpeg4aac": "aac"}
)

func (ps *parser) media(n *yaml.Node, section string) (*Media, error) {
	keys := []string{"source", "formats", "min_pixels", "max_pixels", "min_bytes", "max_bytes"}
	formatKey, formats := "formats", photoFormats
	if section == "video" {
		keys = []string{"source", "containers", "video_codecs", "audio_codecs", "min_pixels", "max_pixels", "min_bytes", "max_bytes", "min_duration", "max_duration", "max_frame", "max_fps", "subtitles"}
		formatKey, formats = "containers", containers
	}
	m, err := ps.mapping(n, section, keys...)
	if err != nil {
		return nil, err
	}
	md := &Media{section: section, Source: []string{"original"}}
	if m.has("source") {
		rule := section + ".source"
		if md.Source, err = ps.list(m.vals["source"], rule); err != nil {
			return nil, err
		}
		for _, s := range md.Source {
			if !namePattern.MatchString(s) {
				return nil, ps.errf(m.vals["source"], rule, "%q is not a file name (original or a rendition name)", s)
			}
		}
	}
	lists := []struct {
		key     string
		allowed []string
		dst     **ListRule
	}{{formatKey, formats, &md.Formats}, {"video_codecs", videoCodecs, &md.VideoCodecs}, {"audio_codecs", audioCodecs, &md.AudioCodecs}}
	for _, l := range lists {
		if !m.has(l.key) {
			continue
		}
		rule := section + "." + l.key
		v, sev, err := ps.valued(m.vals[l.key], rule)
		if err != nil {
			return nil, err
		}
		vals, err := ps.oneOf(v, rule, l.allowed, aliases)
		if err != nil {
			return nil, err
		}
		*l.dst = &ListRule{Values: vals, Severity: sev}
	}
	for _, k := range []string{"min_pixels", "max_pixels"} {
		if !m.has(k) {
			continue
		}
		r, err := ps.pixels(m.vals[k], section+"."+k)
		if err != nil {
			return nil, err
		}
		if k == "min_pixels" {
			md.MinPixels = r
		} else {
			md.MaxPixels = r
		}
	}
	if md.MinPixels != nil && md.MaxPixels != nil && md.MinPixels.Side == md.MaxPixels.Side && md.MinPixels.Value > md.MaxPixels.Value {
		return nil, ps.errf(m.vals["min_pixels"], section+".min_pixels", "%d is more than max_pixels %d", md.MinPixels.Value, md.MaxPixels.Value)
	}
	for _, k := range []string{"min_bytes", "max_bytes"} {
		if !m.has(k) {
			continue
		}
		rule := section + "." + k
		v, s, sev, err := ps.valuedStr(m.vals[k], rule)
		if err != nil {
			return nil, err
		}
		b, err := ParseSize(s)
		if err != nil {
			return nil, ps.errf(v, rule, "%v", err)
		}
		r := &SizeRule{Bytes: b, Severity: sev}
		if k == "min_bytes" {
			md.MinBytes = r
		} else {
			md.MaxBytes = r
		}
	}
	if md.MinBytes != nil && md.MaxBytes != nil && md.MinBytes.Bytes > md.MaxBytes.Bytes {
		return nil, ps.errf(m.vals["min_bytes"], section+".min_bytes", "%s is more than max_bytes %s", formatBytes(md.MinBytes.Bytes, en), formatBytes(md.MaxBytes.Bytes, en))
	}
	for _, k := range []string{"min_duration", "max_duration"} {
		if !m.has(k) {
			continue
		}
		rule := section + "." + k
		v, s, sev, err := ps.valuedStr(m.vals[k], rule)
		if err != nil {
			return nil, err
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, ps.errf(v, rule, "%q is not a duration (write e.g. 90s, 5m, 1h30m)", s)
		}
		if d <= 0 {
			return nil, ps.errf(v, rule, "must be greater than 0, got %s", s)
		}
		r := &DurationRule{Value: d, Severity: sev}
		if k == "min_duration" {
			md.MinDuration = r
		} else {
			md.MaxDuration = r
		}
	}
	if md.MinDuration != nil && md.MaxDuration != nil && md.MinDuration.Value > md.MaxDuration.Value {
		return nil, ps.errf(m.vals["min_duration"], section+".min_duration", "%s is more than max_duration %s", md.MinDuration.Value, md.MaxDuration.Value)
	}
	if m.has("max_frame") {
		rule := section + ".max_frame"
		fm, err := ps.mapping(m.vals["max_frame"], rule, "width", "height", "severity")
		if err != nil {
			return nil, err
		}
		r := &FrameRule{}
		for _, k := range []string{"width", "height"} {
			if !fm.has(k) {
				return nil, ps.errf(fm.node, rule+"."+k, "missing")
			}
		}
		if r.Width, err = ps.positiveInt(fm.vals["width"], rule+".width"); err != nil {
			return nil, err
		}
		if r.Height, err = ps.positiveInt(fm.vals["height"], rule+".height"); err != nil {
			return nil, err
		}
		if r.Severity, err = ps.optSeverity(fm, rule); err != nil {
			return nil, err
		}
		md.MaxFrame = r
	}
	if m.has("max_fps") {
		rule := section + ".max_fps"
		v, s, sev, err := ps.valuedStr(m.vals["max_fps"], rule)
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, ps.errf(v, rule, "%q is not a number", s)
		}
		if f <= 0 {
			return nil, ps.errf(v, rule, "must be greater than 0, got %s", s)
		}
		md.MaxFPS = &FloatRule{Value: f, Severity: sev}
	}
	if m.has("subtitles") {
		rule := section + ".subtitles"
		sm, err := ps.mapping(m.vals["subtitles"], rule, "languages", "when", "severity")
		if err != nil {
			return nil, err
		}
		if !sm.has("languages") {
			return nil, ps.errf(sm.node, rule+".languages", "missing")
		}
		r := &SubtitleRule{When: "audio"}
		if r.Languages, err = ps.langs(sm.vals["languages"], rule+".languages"); err != nil {
			return nil, err
		}
		if sm.has("when") {
			w, err := ps.oneOf(sm.vals["when"], rule+".when", []string{"audio", "always"}, nil)
			if err != nil {
				return nil, err
			}
			if len(w) != 1 {
				return nil, ps.errf(sm.vals["when"], rule+".when", "give one of audio, always")
			}
			r.When = w[0]
		}
		if r.Severity, err = ps.optSeverity(sm, rule); err != nil {
			return nil, err
		}
		md.Subtitles = r
	}
	return md, nil
}

func (ps *parser) langs(n *yaml.Node, rule string) ([]string, error) {
	ls, err := ps.list(n, rule)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if !langPattern.MatchString(l) {
			return nil, ps.errf(n, rule, "%q is not a language code (vi, en, …)", l)
		}
	}
	return ls, nil
}

func (ps *parser) pixels(n *yaml.Node, rule string) (*PixelRule, error) {
	m, err := ps.mapping(n, rule, "side", "value", "severity")
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"side", "value"} {
		if !m.has(k) {
			return nil, ps.errf(m.node, rule+"."+k, "missing")
		}
	}
	r := &PixelRule{}
	side, err := ps.oneOf(m.vals["side"], rule+".side", sides, nil)
	if err != nil {
		return nil, err
	}
	if len(side) != 1 {
		return nil, ps.errf(m.vals["side"], rule+".side", "give one of %s", strings.Join(sides, ", "))
	}
	r.Side = side[0]
	if r.Value, err = ps.positiveInt(m.vals["value"], rule+".value"); err != nil {
		return nil, err
	}
	if r.Severity, err = ps.optSeverity(m, rule); err != nil {
		return nil, err
	}
	return r, nil
}

func (ps *parser) metadata(n *yaml.Node, md *Metadata) error {
	m, err := ps.mapping(n, "metadata", "required", "creator", "credit", "caption_max_words", "caption_max_chars", "date_created")
	if err != nil {
		return err
	}
	if m.has("required") {
		rn := m.vals["required"]
		rm, err := ps.mapping(rn, "metadata.required", allLangKeys(rn)...)
		if err != nil {
			return err
		}
		for i := 0; i < len(rm.node.Content); i += 2 {
			lang := rm.node.Content[i].Value
			rule := "metadata.required." + lang
			if !langPattern.MatchString(lang) {
				return ps.errf(rm.node.Content[i], rule, "%q is not a language code (vi, en, …)", lang)
			}
			lm, err := ps.mapping(rm.vals[lang], rule, "fields", "state", "severity")
			if err != nil {
				return err
			}
			if !lm.has("fields") {
				return ps.errf(lm.node, rule+".fields", "missing")
			}
			req := Requirement{Lang: lang, State: "reviewed"}
			if req.Fields, err = ps.oneOf(lm.vals["fields"], rule+".fields", Fields, map[string]string{"description": "caption", "alt": "alt_text", "rights": "copyright", "state": "province", "headline": "title"}); err != nil {
				return err
			}
			if lm.has("state") {
				st, err := ps.oneOf(lm.vals["state"], rule+".state", []string{"draft", "reviewed"}, nil)
				if err != nil {
					return err
				}
				if len(st) != 1 {
					return ps.errf(lm.vals["state"], rule+".state", "give one of draft, reviewed")
				}
				req.State = st[0]
			}
			if req.Severity, err = ps.optSeverity(lm, rule); err != nil {
				return err
			}
			md.Required = append(md.Required, req)
		}
	}
	for _, k := range []string{"creator", "credit"} {
		if !m.has(k) {
			continue
		}
		rule := "metadata." + k
		v, sev, err := ps.valued(m.vals[k], rule)
		if err != nil {
			return err
		}
		on, err := ps.boolean(v, rule)
		if err != nil {
			return err
		}
		if on {
			if k == "creator" {
				md.Creator = &Rule{Severity: sev}
			} else {
				md.Credit = &Rule{Severity: sev}
			}
		}
	}
	for _, k := range []string{"caption_max_words", "caption_max_chars"} {
		if !m.has(k) {
			continue
		}
		rule := "metadata." + k
		v, sev, err := ps.valued(m.vals[k], rule)
		if err != nil {
			return err
		}
		n, err := ps.positiveInt(v, rule)
		if err != nil {
			return err
		}
		if k == "caption_max_words" {
			md.CaptionMaxWords = &IntRule{Value: n, Severity: sev}
		} else {
			md.CaptionMaxChars = &IntRule{Value: n, Severity: sev}
		}
	}
	if m.has("date_created") {
		rule := "metadata.date_created"
		dm, err := ps.mapping(m.vals["date_created"], rule, "from", "to", "severity")
		if err != nil {
			return err
		}
		if !dm.has("from") && !dm.has("to") {
			return ps.errf(dm.node, rule, "give from, to or both")
		}
		w := &DateWindow{}
		for _, k := range []string{"from", "to"} {
			if !dm.has(k) {
				continue
			}
			s, err := ps.str(dm.vals[k], rule+"."+k)
			if err != nil {
				return err
			}
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				return ps.errf(dm.vals[k], rule+"."+k, "%q is not a date YYYY-MM-DD", s)
			}
			if k == "from" {
				w.From = t
			} else {
				w.To = t
			}
		}
		if !w.From.IsZero() && !w.To.IsZero() && w.From.After(w.To) {
			return ps.errf(dm.vals["from"], rule+".from", "%s is after to %s", w.From.Format("2006-01-02"), w.To.Format("2006-01-02"))
		}
		if w.Severity, err = ps.optSeverity(dm, rule); err != nil {
			return err
		}
		md.DateCreated = w
	}
	return nil
}

// allLangKeys lets every key of a per-language mapping through; the keys
// are checked as language codes afterwards.
func allLangKeys(n *yaml.Node) []string {
	n = deref(n)
	var ks []string
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			ks = append(ks, n.Content[i].Value)
		}
	}
	return ks
}

var sizePattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$`)

var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
}

// ParseSize reads a human size: "500 MB", "3MB", "1.5 GB", "200 MiB",
// "1000000" (bytes). KB, MB and GB are decimal (1 MB = 1,000,000 bytes);
// KiB, MiB and GiB are binary. Units are case-insensitive.
func ParseSize(s string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not a size (write e.g. 500 MB, 3 MB, 1.5 GB)", s)
	}
	mult, ok := sizeUnits[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q (use B, KB, MB, GB, KiB, MiB or GiB)", s, m[2])
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	b := math.Round(f * mult)
	if b <= 0 {
		return 0, errors.New("must be greater than 0")
	}
	if b > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(b), nil
}
