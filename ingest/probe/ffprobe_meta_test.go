package probe

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// taggedClip was made with ffmpeg -metadata (see PROVENANCE.tsv) and
// carries untagged, Vietnamese and English tags as Matroska stores them.
const taggedClip = "video/generated/generated_h264_aac_tagged_96x64.mkv"

var taggedClipMeta = Descriptive{
	Title: []Text{{"", "Hồ Lắk"}, {"en", "Lak Lake in the morning"}, {"vi", "Hồ Lắk buổi sáng"}},
	Description: []Text{{"en", "Dugout canoes on Lak Lake at dawn."},
		{"vi", "Thuyền độc mộc trên hồ Lắk lúc bình minh."}}, // the comment gives way to them
	Rights:      []Text{{"", "© 2024 Sở VHTTDL Đắk Lắk"}},
	Keywords:    []Text{{"", "hồ Lắk"}, {"", "thuyền độc mộc"}, {"", "Đắk Lắk"}},
	Creator:     []string{"Nguyễn Thị Hoà"},
	DateCreated: "2024-03-05", // DATE wins over creation_time
}

// TestVideoMetaSaved reads the saved ffprobe output of the tagged clip.
func TestVideoMetaSaved(t *testing.T) {
	out, err := os.ReadFile("../../testdata/ffprobe/generated_h264_aac_tagged_96x64.json")
	if err != nil {
		t.Fatal(err)
	}
	info, err := ParseFFprobe(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Meta, taggedClipMeta) {
		t.Errorf("Meta =\n%+v\nwant\n%+v", info.Meta, taggedClipMeta)
	}
}

// TestVideoMetaLive runs the real ffprobe on the tagged clip.
func TestVideoMetaLive(t *testing.T) {
	requireFFprobe(t)
	path, _ := filepath.Abs(filepath.Join(media, taggedClip))
	info, err := File(context.Background(), path, Limits{}, NewFFprobe("", 30*time.Second, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Meta, taggedClipMeta) {
		t.Errorf("Meta =\n%+v\nwant\n%+v", info.Meta, taggedClipMeta)
	}
}

func TestVideoMetaTags(t *testing.T) {
	tests := []struct {
		tags map[string]string
		want string
	}{
		{map[string]string{"com.apple.quicktime.title": "Chợ đêm", "com.apple.quicktime.author": "A",
			"com.apple.quicktime.creationdate": "2019-07-24T11:25:40+0300", "creation_time": "2019-07-24T08:25:40.000000Z"},
			`title [{ Chợ đêm}] desc [] by [A] date 2019-07-24T11:25:40+03:00`},
		{map[string]string{"comment": "  Lễ hội  ", "creation_time": "2024-03-05T01:09:10.000000Z"},
			`title [] desc [{ Lễ hội}] by [] date 2024-03-05T01:09:10Z`},
		{map[string]string{"title-fra": "Le lac", "TITLE-xyz": "?", "title-x": "not a language", "date": "2024"},
			`title [{fr Le lac} {xyz ?}] desc [] by [] date 2024`},
		{map[string]string{"creation_time": "1970-01-01T00:00:00Z", "date": "junk"},
			`title [] desc [] by [] date `},
		{nil, `title [] desc [] by [] date `},
	}
	for _, tt := range tests {
		d := videoMeta(tt.tags)
		got := fmt.Sprintf("title %v desc %v by %v date %s", d.Title, d.Description, d.Creator, d.DateCreated)
		if got != tt.want {
			t.Errorf("videoMeta(%v) = %s\nwant %s", tt.tags, got, tt.want)
		}
	}
}
