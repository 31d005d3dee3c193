package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// fuzzItems are assets of every kind, with and without files and text, to
// check an accepted profile against.
func fuzzItems() []Item {
	captured := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	tiny := File{Name: "original", Format: "png", Width: 1, Height: 1, Bytes: 1}
	odd := File{Name: "weird", Format: "ảnh/../..\\x", Width: -1, Height: 0, Bytes: -5, Duration: -time.Second, FrameRate: -1}
	return []Item{
		photo("01hphoto", web2048, orig6000),
		photo("01hheic", heic4032),
		clip("01hclip", delivery, origVideo),
		{AssetID: "01htrailer", Kind: KindTrailer, FileName: "../../Lễ hội.mp4", HasAudio: true, SubtitleLangs: []string{"vi"}, Files: []File{delivery}},
		{AssetID: "", Kind: KindPhoto, FileName: "", Files: []File{tiny}, DateCreated: "2026-02-30", CapturedAt: &captured},
		{AssetID: "../x", Kind: "video", FileName: "\x00\u202e.jpg", Creator: "Trần Thị B", Files: []File{odd}, SourceType: "trainedAlgorithmicMedia",
			Texts: plainTexts{"title": {"vi": "  ", "xx": "Tiêu đề"}}.toTexts()},
		{AssetID: "01hempty"},
	}
}

// toTexts turns plain strings into draft Texts.
type plainTexts map[string]map[string]string

func (m plainTexts) toTexts() map[string]map[string]Text {
	out := map[string]map[string]Text{}
	for f, byLang := range m {
		out[f] = map[string]Text{}
		for l, v := range byLang {
			out[f][l] = Text{Value: v}
		}
	}
	return out
}

// FuzzProfileParse feeds arbitrary YAML to Parse: it never panics or hangs,
// a refusal names the file, and an accepted profile checks every kind of
// item without panicking, giving each a non-empty ASCII name with no path
// in it, unique in the package.
func FuzzProfileParse(f *testing.F) {
	shipped, _ := filepath.Glob("../../configs/profiles/*.yaml")
	if len(shipped) == 0 {
		f.Fatal("no shipped profiles")
	}
	for _, file := range shipped {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		head + okPhoto + okVideo,
		head + okPhoto + okVideo + "naming: \"{seq:03}-{slug}-{creator}-{date}-{id}-{kind}\"\n",
		head + okVideo + "photo:\n  min_pixels: {side: either, value: 3000}\n  max_pixels: {side: both, value: 9000}\n  max_bytes: 20 MiB\n",
		head + okPhoto + "video:\n  max_duration: 5m\n  min_duration: 1s\n  max_frame: {width: 1920, height: 1080}\n  subtitles: {languages: [vi, en], when: audio}\n",
		head + okPhoto + okVideo + "metadata:\n  required:\n    vi: {fields: [title, caption], state: reviewed}\n  date_created: {from: 2024-01-01, to: 2025-12-31}\n  caption_max_words: 30\n",
		head + okPhoto + okVideo + "max_per_creator: {value: 10, severity: warning}\nallow_ai: {value: false, severity: warning}\nstrip_location: true\n",
		"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nkinds: *c\n",
		"id: &i t\nversion: *i\nname: {vi: *i, en: *i}\ndestination: *i\nkinds: [photo]\nphoto: &p {source: [original]}\nvideo: *p\n",
		"", "---\n", "[]", "id: [", "\xff\xfe", "kinds: [photo]\nphoto: {source: []}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p *Profile
		var err error
		bounded(t, "Parse", func() { p, err = Parse("p.yaml", data) })
		if err != nil {
			if !strings.HasPrefix(err.Error(), "p.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if p != nil {
				t.Fatalf("error with a profile: %v", err)
			}
			return
		}
		if p == nil || p.File != "p.yaml" {
			t.Fatalf("accepted without a profile: %+v", p)
		}
		items := fuzzItems()
		var choices []Choice
		bounded(t, "Check", func() {
			choices = p.Check(items)
			for _, kind := range []string{KindPhoto, KindClip, KindTrailer, "", "video"} {
				for _, it := range items {
					for _, file := range it.Files {
						p.CheckFile(kind, file)
					}
				}
				p.Accepts(kind)
			}
			p.TitleLang()
		})
		if len(choices) != len(items) {
			t.Fatalf("%d choices for %d items", len(choices), len(items))
		}
		used := map[string]bool{}
		for _, c := range choices {
			name := strings.ToLower(c.Name)
			if c.Name == "" || c.Name == "." || c.Name == ".." || strings.ContainsAny(c.Name, `/\`) || used[name] {
				t.Fatalf("bad or repeated bundle name %q", c.Name)
			}
			used[name] = true
			for _, r := range c.Name {
				if r < 0x21 || r > 0x7e {
					t.Fatalf("bundle name %q is not printable ASCII", c.Name)
				}
			}
			for _, fd := range c.Findings {
				if fd.Severity != Pass && fd.Severity != Warning && fd.Severity != Error {
					t.Fatalf("finding %s has severity %q", fd.Rule, fd.Severity)
				}
				if fd.Severity != Pass && (fd.Message.VI == "" || fd.Message.EN == "") {
					t.Fatalf("finding %s is not bilingual: %+v", fd.Rule, fd.Message)
				}
			}
		}
	})
}

// bounded runs fn, failing t on a panic or when it runs over two seconds.
func bounded(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Sprintf("%v\n%s", p, debug.Stack())
				return
			}
			done <- ""
		}()
		fn()
	}()
	select {
	case msg := <-done:
		if msg != "" {
			t.Fatalf("%s panicked:\n%s", what, msg)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("%s still running after 2s", what)
	}
}
