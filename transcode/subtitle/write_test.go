package subtitle

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestVietnameseRoundTrip(t *testing.T) {
	for _, file := range []string{"tor_animation_vi.srt", "vietface_fansub_vi_utf8_crlf.srt"} {
		data, err := os.ReadFile(filepath.Join(samples, "vietnamese", file))
		if err != nil {
			t.Fatal(err)
		}
		orig := mustParse(t, data, file)
		vtt := mustParse(t, orig.VTT(), "x.vtt")
		back := mustParse(t, vtt.SRT(), "x.srt")
		if !reflect.DeepEqual(orig, vtt) || !reflect.DeepEqual(orig, back) {
			t.Errorf("%s: cues changed in SRT → VTT → SRT", file)
		}
		if !bytes.Equal(orig.SRT(), back.SRT()) {
			t.Errorf("%s: SRT output differs after the round trip", file)
		}
	}
}

func mustParse(t *testing.T, data []byte, name string) Track {
	t.Helper()
	tr, ws, err := Parse(data, name)
	if err != nil || len(ws) != 0 {
		t.Fatalf("%s: %v, warnings %v", name, err, ws)
	}
	return tr
}

func TestWriters(t *testing.T) {
	tr := Track{Cues: []Cue{
		{Index: 7, Start: 1500 * ms, End: 3 * sec, Lines: []string{"Tom & Jerry <3", "dòng hai"}},
		{Index: 9, Start: 3723004 * ms, End: 3724 * sec, Lines: []string{"Hết"}},
	}}
	wantSRT := "1\n00:00:01,500 --> 00:00:03,000\nTom & Jerry <3\ndòng hai\n\n" +
		"2\n01:02:03,004 --> 01:02:04,000\nHết\n\n"
	wantVTT := "WEBVTT\n\n00:00:01.500 --> 00:00:03.000\nTom &amp; Jerry &lt;3\ndòng hai\n\n" +
		"01:02:03.004 --> 01:02:04.000\nHết\n\n"
	if got := string(tr.SRT()); got != wantSRT {
		t.Errorf("SRT:\n%s\nwant:\n%s", got, wantSRT)
	}
	if got := string(tr.VTT()); got != wantVTT {
		t.Errorf("VTT:\n%s\nwant:\n%s", got, wantVTT)
	}
}
