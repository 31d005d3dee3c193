package catalog

import (
	"context"
	"errors"
	"testing"
)

func TestSubtitleTracksReplaceByLanguage(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "s1")
	tr := &SubtitleTrack{AssetID: a.ID, Lang: "vi", Source: "phụ đề.srt", Encoding: "windows-1258", StorageKey: "subtitles/x/vi.srt", Cues: 3, Warnings: 1}
	if err := d.PutSubtitle(ctx, tr, contrib); err != nil {
		t.Fatal(err)
	}
	tr2 := &SubtitleTrack{AssetID: a.ID, Lang: "vi", Source: "sửa.srt", Encoding: "UTF-8", StorageKey: "subtitles/x/vi.srt", Cues: 4}
	if err := d.PutSubtitle(ctx, tr2, curator); err != nil {
		t.Fatal(err)
	}
	d.PutSubtitle(ctx, &SubtitleTrack{AssetID: a.ID, Lang: "en", Source: "en.vtt", Encoding: "UTF-8", StorageKey: "subtitles/x/en.srt", Cues: 4}, curator)
	ts, err := d.Subtitles(ctx, a.ID)
	if err != nil || len(ts) != 2 || ts[0].Lang != "en" || ts[1].Source != "sửa.srt" || ts[1].Cues != 4 || ts[1].SetBy != "biên tập" || string(ts[1].Report) != "[]" {
		t.Fatalf("tracks = %+v, %v", ts, err)
	}
	if _, err := d.Subtitle(ctx, a.ID, "fr"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing language: %v", err)
	}
	events, _ := d.AuditFor(ctx, "asset", a.ID)
	if n := countAction(events, "asset.subtitles"); n != 3 {
		t.Errorf("%d subtitle audit events; want 3", n)
	}
}

func countAction(es []Event, action string) int {
	n := 0
	for _, e := range es {
		if e.Action == action {
			n++
		}
	}
	return n
}
