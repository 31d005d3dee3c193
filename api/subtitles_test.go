package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

func (f *fixture) postSubtitle(t *testing.T, tok, assetID, lang, name string, body []byte) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("lang", lang)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(body)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/assets/"+assetID+"/subtitles", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return f.do(t, req, tok, nil)
}

type subtitleTrack struct {
	Lang, Source, Encoding string
	Cues, Errors, Warnings int
	Findings               []struct {
		Cue            int
		Rule, Severity string
		MessageVi      string `json:"message_vi"`
	}
}

func TestSubtitlesAttachCheckFixServe(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "Lễ hội.mp4", read(t, "video/mp4ff_bbb_prog_10s.mp4"), nil, nil)
	clip := decode[uploadResult](t, b)
	f.drain(t)
	resp, b := f.postSubtitle(t, f.contribA, clip.ID, "vi", "phụ đề.srt", read(t, "subtitles/vietnamese/tor_animation_vi.srt"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("attach: %d %s", resp.StatusCode, b)
	}
	tr := decode[subtitleTrack](t, b)
	if tr.Lang != "vi" || tr.Cues == 0 || tr.Encoding == "" {
		t.Errorf("track = %+v", tr)
	}
	// The animation's cues run past this 10 s clip: the check says so.
	if !strings.Contains(string(b), "past_end") {
		t.Errorf("no past_end finding for cues after the clip's end: %s", b)
	}
	// Legacy Vietnamese code page: stored as UTF-8 NFC.
	srt := "1\r\n00:00:01,000 --> 00:00:03,500\r\n" + cp1258Form("Buôn Ma Thuột, thủ phủ cà phê") + "\r\n\r\n"
	legacy, err := charmap.Windows1258.NewEncoder().String(srt)
	if err != nil {
		t.Fatal(err)
	}
	if resp, b := f.postSubtitle(t, f.contribA, clip.ID, "en", "old.srt", []byte(legacy)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("windows-1258: %d %s", resp.StatusCode, b)
	}
	_, b = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles/en.srt")
	if !strings.Contains(string(b), "Buôn Ma Thuột, thủ phủ cà phê") || !norm.NFC.IsNormal(b) {
		t.Errorf("en.srt = %q; want the decoded NFC text", b)
	}
	resp, b = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles/en.vtt")
	if resp.StatusCode != 200 || !strings.HasPrefix(string(b), "WEBVTT") || !strings.Contains(string(b), "00:00:01.000 --> 00:00:03.500") {
		t.Errorf("en.vtt: %d %q", resp.StatusCode, b)
	}
	resp, b = f.post(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles/en/fix", `{"shift_seconds": 1.5}`)
	if resp.StatusCode != 200 {
		t.Fatalf("fix: %d %s", resp.StatusCode, b)
	}
	_, b = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles/en.srt")
	if !strings.Contains(string(b), "00:00:02,500 --> 00:00:05,000") {
		t.Errorf("after a 1.5 s shift: %q", b)
	}
	_, b = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles")
	var list struct {
		Tracks    []subtitleTrack
		Alignment []json.RawMessage
	}
	json.Unmarshal(b, &list)
	if len(list.Tracks) != 2 || len(list.Alignment) == 0 {
		t.Errorf("list = %s; want two tracks and alignment findings (their cues differ)", b)
	}
}

func TestSubtitleRefusals(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "bbb.mp4", read(t, "video/mp4ff_bbb_prog_10s.mp4"), nil, nil)
	clip := decode[uploadResult](t, b)
	_, b = f.upload(t, f.contribA, "x.jpg", read(t, "images/orientation/recurser_Landscape_1.jpg"), nil, nil)
	photo := decode[uploadResult](t, b)
	vi := read(t, "subtitles/vietnamese/tor_animation_vi.srt")
	cases := []struct {
		asset, lang, file string
		body              []byte
		status            int
		code              string
	}{
		{clip.ID, "vi", "cyrillic.srt", read(t, "subtitles/srt/subtitleedit_auto_detect_windows-1251.srt"), 422, "subtitle_encoding"},
		{clip.ID, "vi", "broken.vtt", read(t, "subtitles/malformed/astisub_broken-1-in.vtt"), 422, "subtitle_format"},
		{clip.ID, "fr", "vi.srt", vi, 422, "invalid_field"},
		{photo.ID, "vi", "vi.srt", vi, 422, "kind_mismatch"},
	}
	for _, c := range cases {
		resp, b := f.postSubtitle(t, f.contribA, c.asset, c.lang, c.file, c.body)
		if e := decode[errorBody](t, b); resp.StatusCode != c.status || e.Error.Code != c.code || e.Error.MessageVi == "" {
			t.Errorf("%s (%s): %d %s; want %d %s", c.file, c.lang, resp.StatusCode, b, c.status, c.code)
		}
	}
	if resp, _ := f.postSubtitle(t, f.contribB, clip.ID, "vi", "vi.srt", vi); resp.StatusCode != 404 {
		t.Errorf("another organisation: %d; want 404", resp.StatusCode)
	}
	if resp, _ := f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles/vi.srt"); resp.StatusCode != 404 {
		t.Errorf("missing track: %d; want 404", resp.StatusCode)
	}
}

func TestSubtitledRenditions(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "bbb.mp4", read(t, "video/mp4ff_bbb_prog_10s.mp4"), nil, nil)
	clip := decode[uploadResult](t, b)
	f.drain(t)
	srt := "1\n00:00:01,000 --> 00:00:04,000\nĐêm cồng chiêng Tây Nguyên\n\n2\n00:00:05,000 --> 00:00:08,000\nHồ Lắk lúc bình minh\n\n"
	f.postSubtitle(t, f.contribA, clip.ID, "vi", "vi.srt", []byte(srt))
	f.postSubtitle(t, f.contribA, clip.ID, "en", "en.srt", []byte(strings.NewReplacer("Đêm cồng chiêng Tây Nguyên", "Gong night in the Central Highlands", "Hồ Lắk lúc bình minh", "Lak Lake at dawn").Replace(srt)))
	resp, b := f.post(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitled", `{"burn": "vi"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subtitled: %d %s", resp.StatusCode, b)
	}
	f.drain(t)
	resp, b = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/renditions/subtitled")
	if resp.StatusCode != 200 {
		t.Fatalf("subtitled rendition: %d", resp.StatusCode)
	}
	p := filepath.Join(t.TempDir(), "s.mp4")
	os.WriteFile(p, b, 0o600)
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "s", "-show_entries", "stream=codec_name:stream_tags=language", "-of", "csv=p=0", p).Output()
	if err != nil || strings.Count(string(out), "mov_text") != 2 || !strings.Contains(string(out), "vie") || !strings.Contains(string(out), "eng") {
		t.Errorf("subtitle streams = %q, %v; want two mov_text tagged vie and eng", out, err)
	}
	if resp, _ := f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/renditions/burned-vi"); resp.StatusCode != 200 {
		t.Errorf("burned-vi: %d", resp.StatusCode)
	}
	if resp, _ := f.post(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitled", `{"burn": "fr"}`); resp.StatusCode != 404 {
		t.Errorf("burn without a track: %d; want 404", resp.StatusCode)
	}
}

func TestEmbeddedSubtitlesBecomeTracks(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "srt.mkv", read(t, "video/generated/generated_h264_aac_srt_176x144.mkv"), nil, nil)
	clip := decode[uploadResult](t, b)
	f.drain(t)
	_, b = f.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitles")
	if !strings.Contains(string(b), `"lang":"vi"`) || !strings.Contains(string(b), "embedded stream") {
		t.Errorf("tracks after processing = %s; want the embedded Vietnamese track", b)
	}
}

// cp1258Form writes s the way Windows-1258 stores Vietnamese: letters with
// their vowel marks (ô, ơ, ă) precomposed, tone marks as combining marks.
func cp1258Form(s string) string {
	var out []rune
	base := -1
	for _, r := range norm.NFD.String(s) {
		if base >= 0 && (r == 0x302 || r == 0x306 || r == 0x31B) {
			out[base] = []rune(norm.NFC.String(string([]rune{out[base], r})))[0]
			continue
		}
		if !unicode.Is(unicode.Mn, r) {
			base = len(out)
		}
		out = append(out, r)
	}
	return string(out)
}
