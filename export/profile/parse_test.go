package profile

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// head is a valid profile start; broken snippets are appended from line 6.
const head = `id: t
version: "1"
name: {vi: "Thử", en: "Test"}
destination: d
kinds: [photo, clip]
`

const okPhoto = "photo: {source: [original]}\n"
const okVideo = "video: {source: [original]}\n"

func TestParseBroken(t *testing.T) {
	tests := []struct {
		name, yaml string
		prefix     string // "file:line: rule"
		contains   string
	}{
		{"side", head + okVideo + "photo:\n  min_pixels: {side: wide, value: 3000}\n", "p.yaml:8: photo.min_pixels.side", `"wide" is not one of long, short, width, height, either, both`},
		{"typo key", head + okVideo + "photo:\n  fomats: [jpeg]\n", "p.yaml:8: photo.fomats", "unknown key"},
		{"top typo", head + okPhoto + okVideo + "strip_locaton: true\n", "p.yaml:8: strip_locaton", "unknown key"},
		{"duplicate key", head + okPhoto + okVideo + "naming: a\nnaming: b\n", "p.yaml:9: naming", "given twice (first on line 8)"},
		{"min>max pixels", head + okVideo + "photo:\n  min_pixels: {side: long, value: 3000}\n  max_pixels: {side: long, value: 2000}\n", "p.yaml:8: photo.min_pixels", "3000 is more than max_pixels 2000"},
		{"min>max bytes", head + okPhoto + "video:\n  min_bytes: 600 MB\n  max_bytes: 500 MB\n", "p.yaml:8: video.min_bytes", "600 MB is more than max_bytes 500 MB"},
		{"min>max duration", head + okPhoto + "video:\n  max_duration: 1m\n  min_duration: 2m\n", "p.yaml:9: video.min_duration", "is more than max_duration"},
		{"negative pixels", head + okVideo + "photo:\n  min_pixels: {side: long, value: -5}\n", "p.yaml:8: photo.min_pixels.value", "must be greater than 0, got -5"},
		{"negative per creator", head + okPhoto + okVideo + "max_per_creator: -1\n", "p.yaml:8: max_per_creator", "greater than 0"},
		{"words not number", head + okPhoto + okVideo + "metadata:\n  caption_max_words: thirty\n", "p.yaml:9: metadata.caption_max_words", `"thirty" is not a whole number`},
		{"unknown kind", strings.Replace(head, "[photo, clip]", "[photo, video]", 1) + okPhoto, "p.yaml:5: kinds", `"video" is not known; write "clip or trailer"`},
		{"kind no section", head + okPhoto, "p.yaml:5: kinds", "clip is accepted but there is no video section"},
		{"unknown field", head + okPhoto + okVideo + "metadata:\n  required:\n    en: {fields: [title, caption, summary]}\n", "p.yaml:10: metadata.required.en.fields", `"summary" is not one of title, caption`},
		{"field hint", head + okPhoto + okVideo + "metadata:\n  required:\n    en:\n      fields:\n        - title\n        - description\n", "p.yaml:13: metadata.required.en.fields", `write "caption"`},
		{"bad state", head + okPhoto + okVideo + "metadata:\n  required:\n    vi: {fields: [title], state: approved}\n", "p.yaml:10: metadata.required.vi.state", `"approved" is not one of draft, reviewed`},
		{"bad lang", head + okPhoto + okVideo + "metadata:\n  required:\n    Vietnamese: {fields: [title]}\n", "p.yaml:10: metadata.required.Vietnamese", "not a language code"},
		{"placeholder", head + okPhoto + okVideo + "naming: \"{seq:03}-{title}\"\n", "p.yaml:8: naming", "unknown placeholder {title}"},
		{"placeholder unclosed", head + okPhoto + okVideo + "naming: \"{seq\"\n", "p.yaml:8: naming", "'{' without '}'"},
		{"naming non-ascii", head + okPhoto + okVideo + "naming: \"ảnh-{seq}\"\n", "p.yaml:8: naming", "is not allowed in a file name"},
		{"empty id", strings.Replace(head, "id: t", `id: ""`, 1) + okPhoto + okVideo, "p.yaml:1: id", "must not be empty"},
		{"bad id", strings.Replace(head, "id: t", "id: Happy_2025", 1) + okPhoto + okVideo, "p.yaml:1: id", "lower-case ASCII"},
		{"missing version", strings.Replace(head, "version: \"1\"\n", "", 1) + okPhoto + okVideo, "p.yaml:1: version", "missing"},
		{"missing name en", strings.Replace(head, `, en: "Test"`, "", 1) + okPhoto + okVideo, "p.yaml:3: name.en", "missing"},
		{"bad duration", head + okPhoto + "video:\n  max_duration: 5 minutes\n", "p.yaml:8: video.max_duration", `"5 minutes" is not a duration`},
		{"zero duration", head + okPhoto + "video:\n  max_duration: 0s\n", "p.yaml:8: video.max_duration", "greater than 0"},
		{"bad size", head + okPhoto + "video:\n  max_bytes: lots\n", "p.yaml:8: video.max_bytes", `"lots" is not a size`},
		{"bad unit", head + okPhoto + "video:\n  max_bytes: 500 MO\n", "p.yaml:8: video.max_bytes", `unknown unit "MO"`},
		{"negative size", head + okPhoto + "video:\n  max_bytes: -5 MB\n", "p.yaml:8: video.max_bytes", "is not a size"},
		{"bad date", head + okPhoto + okVideo + "metadata:\n  date_created: {from: 2024-13-01}\n", "p.yaml:9: metadata.date_created.from", `"2024-13-01" is not a date`},
		{"from after to", head + okPhoto + okVideo + "metadata:\n  date_created:\n    from: 2025-01-01\n    to: 2024-01-01\n", "p.yaml:10: metadata.date_created.from", "is after to 2024-01-01"},
		{"bad severity", head + okPhoto + okVideo + "max_per_creator: {value: 10, severity: info}\n", "p.yaml:8: max_per_creator.severity", `"info" is not one of error, warning`},
		{"valued no value", head + okPhoto + okVideo + "allow_ai: {severity: warning}\n", "p.yaml:8: allow_ai", "needs a value"},
		{"bad bool", head + okPhoto + okVideo + "allow_ai: no\n", "p.yaml:8: allow_ai", `"no" is not true or false`},
		{"format typo", head + okVideo + "photo:\n  formats: [jpg]\n", "p.yaml:8: photo.formats", `"jpg" is not known; write "jpeg"`},
		{"codec unknown", head + okPhoto + "video:\n  video_codecs: [h264, divx]\n", "p.yaml:8: video.video_codecs", `"divx" is not one of`},
		{"photo codecs", head + okVideo + "photo:\n  video_codecs: [h264]\n", "p.yaml:8: photo.video_codecs", "unknown key"},
		{"frame missing height", head + okPhoto + "video:\n  max_frame: {width: 1920}\n", "p.yaml:8: video.max_frame.height", "missing"},
		{"subtitle when", head + okPhoto + "video:\n  subtitles: {languages: [vi], when: speech}\n", "p.yaml:8: video.subtitles.when", `"speech" is not one of audio, always`},
		{"fps", head + okPhoto + "video:\n  max_fps: fast\n", "p.yaml:8: video.max_fps", `"fast" is not a number`},
		{"source name", head + okVideo + "photo:\n  source: [Web Large]\n", "p.yaml:8: photo.source", "is not a file name"},
		{"empty list", head + okVideo + "photo:\n  formats: []\n", "p.yaml:8: photo.formats", "must not be empty"},
		{"not mapping", head + okVideo + "photo: [jpeg]\n", "p.yaml:7: photo", "expected a mapping"},
		{"syntax", head + "photo: {source: [original]\n", "p.yaml:", "YAML syntax"},
		{"empty file", "", "p.yaml:1:", "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error for\n%s", tc.yaml)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tc.prefix) || !strings.Contains(msg, tc.contains) {
				t.Errorf("error %q\nwant prefix %q containing %q", msg, tc.prefix, tc.contains)
			}
			if strings.Count(msg, "\n") != 0 {
				t.Errorf("error spans lines: %q", msg)
			}
		})
	}
}

func TestParseExactMessage(t *testing.T) {
	y := head + okVideo + "photo:\n  min_pixels: {side: wide, value: 3000}\n"
	_, err := Parse("profiles/happy.yaml", []byte(y))
	want := `profiles/happy.yaml:8: photo.min_pixels.side: "wide" is not one of long, short, width, height, either, both`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestParseDefaultsAndAliases(t *testing.T) {
	y := head + "photo: {}\nvideo:\n  video_codecs: h264\n  max_bytes: 200 MiB\n  max_duration: 1h30m\n  subtitles: {languages: [vi]}\nanchor: &a 1\n"
	_, err := Parse("p.yaml", []byte(y))
	if err == nil || !strings.HasPrefix(err.Error(), "p.yaml:12: anchor") {
		t.Fatalf("anchor key: %v", err)
	}
	y = strings.Replace(y, "anchor: &a 1\n", "", 1)
	p, err := Parse("p.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Photo.Source, ",") != "original" || p.Naming != "{seq:03}-{slug}" || p.Video.Subtitles.When != "audio" {
		t.Errorf("defaults: %v %q %q", p.Photo.Source, p.Naming, p.Video.Subtitles.When)
	}
	if p.Video.MaxBytes.Bytes != 200<<20 || p.Video.MaxDuration.Value != 90*time.Minute || strings.Join(p.Video.VideoCodecs.Values, ",") != "h264" {
		t.Errorf("values: %+v %+v %+v", p.Video.MaxBytes, p.Video.MaxDuration, p.Video.VideoCodecs)
	}
	if p.RefuseAI != nil || p.MaxPerCreator != nil || p.Metadata.Creator != nil {
		t.Errorf("absent rules became set")
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{{"500 MB", 500_000_000}, {"3MB", 3_000_000}, {"1.5 GB", 1_500_000_000}, {"200 MiB", 200 << 20}, {"1 KiB", 1024}, {"12 kb", 12_000}, {"1000", 1000}, {"7 B", 7}, {"2 GiB", 2 << 30}}
	for _, tc := range tests {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "MB", "5 Mb/s", "-1 MB", "0 MB", "1e3 MB", "5 TB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q): no error", bad)
		}
	}
}

func TestLoadFS(t *testing.T) {
	mk := func(id string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(strings.Replace(head, "id: t", "id: "+id, 1) + okPhoto + okVideo)}
	}
	fsys := fstest.MapFS{
		"profiles/b.yaml":     mk("alpha"),
		"profiles/a.yaml":     mk("zulu"),
		"profiles/notes.txt":  &fstest.MapFile{Data: []byte("not a profile")},
		"profiles/sub/c.yaml": mk("sub"),
	}
	ps, err := LoadFS(fsys, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != "alpha" || ps[1].ID != "zulu" || ps[0].File != "profiles/b.yaml" {
		t.Fatalf("loaded %d: %+v", len(ps), ps)
	}
	fsys["profiles/c.yaml"] = mk("alpha")
	_, err = LoadFS(fsys, "profiles")
	if err == nil || err.Error() != `profiles/c.yaml:1: id: "alpha" is already used by profiles/b.yaml` {
		t.Errorf("duplicate: %v", err)
	}
	delete(fsys, "profiles/c.yaml")
	fsys["profiles/d.yaml"] = &fstest.MapFile{Data: []byte(head + okPhoto + okVideo + "fomats: x\n")}
	if _, err = LoadFS(fsys, "profiles"); err == nil || !strings.HasPrefix(err.Error(), "profiles/d.yaml:8: fomats: unknown key") {
		t.Errorf("broken file: %v", err)
	}
}
