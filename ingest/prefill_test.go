package ingest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export/xmp"
	"github.com/quangba/quangba/ingest"
)

func (e *env) metadata(t *testing.T, path string) (catalog.Asset, catalog.Metadata) {
	t.Helper()
	res, err := e.svc.IngestFile(context.Background(), ingest.Request{Org: e.org, FileName: filepath.Base(path)}, path)
	if err != nil {
		t.Fatalf("ingest %s: %v", path, err)
	}
	m, err := e.db.Metadata(context.Background(), res.Asset.ID)
	if err != nil {
		t.Fatal(err)
	}
	return res.Asset, m
}

func TestPrefillFromRealFiles(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	_, m := e.metadata(t, media+"images/xmp_iptc/mde_Photoshop_3.jpg")
	title := m.Text(catalog.FieldTitle, "en")
	if title.Value != "Test document title string for metadata-extractor" || title.State != catalog.TextDraft || title.Origin != catalog.OriginFile {
		t.Errorf("title.en = %+v", title)
	}
	if kw := m.Text(catalog.FieldKeywords, "en").Keywords; strings.Join(kw, "|") != "test keyword 1|test keyword 2" {
		t.Errorf("keywords.en = %q", kw)
	}
	if m.Creator != "Test author string for metadata-extractor" || m.Text(catalog.FieldCopyright, "en").Value != "Test copyright string for metadata-extractor" {
		t.Errorf("creator %q, copyright %+v", m.Creator, m.Text(catalog.FieldCopyright, "en"))
	}
	if !m.Text(catalog.FieldTitle, "vi").Empty() {
		t.Errorf("an English title went to vi: %+v", m.Text(catalog.FieldTitle, "vi"))
	}
	// IPTC-IIM written in Latin-1 (no coded character set) by a German Nikon tool.
	_, m = e.metadata(t, media+"images/xmp_iptc/mde_Nikon_E995_iptc.jpg")
	if c := m.Text(catalog.FieldCaption, "en").Value; !strings.Contains(c, "Dateigröße : 668.1 KB") || !norm.NFC.IsNormalString(c) {
		t.Errorf("Latin-1 caption = %q", c)
	}
}

func TestPrefillVietnameseLangAlt(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	src, err := os.ReadFile(media + "images/orientation/recurser_Landscape_1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	meta := xmp.Metadata{DefaultLang: "vi",
		Title:       xmp.LangText{"vi": norm.NFD.String("Hồ Lắk lúc bình minh"), "en": "Lak Lake at dawn"},
		Description: xmp.LangText{"vi": "Sương sớm trên mặt hồ"},
		Keywords:    map[string][]string{"vi": {"hồ", "bình minh"}, "en": {"lake"}},
		Creator:     []string{"Nguyễn Văn A"}, Credit: "Báo Đắk Lắk", DateCreated: "2026-03-10",
		Location: xmp.Location{City: xmp.LangText{"vi": "Liên Sơn Lắk", "en": "Lien Son Lak"}, CountryCode: "VN"}}
	if err := xmp.EmbedJPEG(&out, bytes.NewReader(src), meta); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hồ.jpg")
	os.WriteFile(path, out.Bytes(), 0o600)
	_, m := e.metadata(t, path)
	want := map[string]string{"title.vi": "Hồ Lắk lúc bình minh", "title.en": "Lak Lake at dawn", "caption.vi": "Sương sớm trên mặt hồ",
		"city.vi": "Liên Sơn Lắk"} // IPTC keeps one city name; the English one travels only in LocationName
	for k, v := range want {
		field, lang, _ := strings.Cut(k, ".")
		if got := m.Text(field, lang).Value; got != v {
			t.Errorf("%s = %q; want %q", k, got, v)
		}
	}
	kw := m.Text(catalog.FieldKeywords, "vi").Keywords
	if strings.Join(kw, "|") != "hồ|bình minh" || m.Creator != "Nguyễn Văn A" || m.Credit != "Báo Đắk Lắk" || m.DateCreated != "2026-03-10" || m.CountryCode != "VN" {
		t.Errorf("keywords.vi %q, plain %+v", kw, m)
	}
}

func TestBrokenMetadataIsAWarning(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	src, _ := os.ReadFile(media + "images/orientation/recurser_Landscape_1.jpg")
	bad := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:RDF><rdf:Description")
	seg := append([]byte{0xFF, 0xE1, byte((len(bad) + 2) >> 8), byte(len(bad) + 2)}, bad...)
	data := append(append(append([]byte{}, src[:2]...), seg...), src[2:]...)
	path := filepath.Join(t.TempDir(), "broken.jpg")
	os.WriteFile(path, data, 0o600)
	a, _ := e.metadata(t, path)
	if len(a.Warnings) == 0 || !strings.Contains(strings.Join(a.Warnings, " "), "XMP") {
		t.Errorf("warnings = %q; want one about the XMP", a.Warnings)
	}
}
