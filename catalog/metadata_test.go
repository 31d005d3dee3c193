package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

var langs = []string{"vi", "en"}

func strp(s string) *string { return &s }

func metaAsset(t *testing.T, d *DB, sum string) (*Asset, Principal, Principal) {
	t.Helper()
	ctx := context.Background()
	c, err := d.CreateToken(ctx, "Báo Đắk Lắk", "phóng viên", RoleContributor)
	if err != nil {
		t.Fatal(err)
	}
	contrib, _ := d.Authenticate(ctx, c.Secret)
	k, _ := d.CreateToken(ctx, "Sở VHTTDL", "biên tập", RoleCurator)
	curator, _ := d.Authenticate(ctx, k.Secret)
	a := testAsset(Org{ID: contrib.OrgID}, sum)
	if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "originals/" + sum, MIME: "image/jpeg"}); err != nil {
		t.Fatal(err)
	}
	return a, contrib, curator
}

func TestEditMetadataStoresNFCDraftsAndAudits(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, _ := metaAsset(t, d, "m1")
	nfd := norm.NFD.String("Hồ Lắk lúc bình minh")
	m, err := d.EditMetadata(ctx, a.ID, MetaEdit{
		Texts:    map[string]map[string]string{FieldTitle: {"vi": "  " + nfd + "\r\n", "en": "Lak Lake at dawn"}},
		Keywords: map[string][]string{"vi": {"hồ", "Đắk Lắk", "hồ", ""}},
		Creator:  strp("Nguyễn Văn A"), DateCreated: strp("2026-03-10"),
	}, contrib, langs, nil)
	if err != nil {
		t.Fatal(err)
	}
	vi := m.Text(FieldTitle, "vi")
	if vi.Value != "Hồ Lắk lúc bình minh" || !norm.NFC.IsNormalString(vi.Value) || vi.State != TextDraft || vi.SetBy != "phóng viên" || vi.Origin != OriginEdit {
		t.Errorf("title.vi = %+v", vi)
	}
	if kw := m.Text(FieldKeywords, "vi").Keywords; strings.Join(kw, "|") != "hồ|Đắk Lắk" {
		t.Errorf("keywords = %q; want deduplicated, blanks dropped", kw)
	}
	got, _ := d.Metadata(ctx, a.ID)
	if got.Text(FieldTitle, "en").Value != "Lak Lake at dawn" || got.Creator != "Nguyễn Văn A" || got.DateCreated != "2026-03-10" {
		t.Errorf("read back = %+v", got)
	}
	if got.Text(FieldCaption, "vi").State != TextEmpty {
		t.Errorf("caption.vi state = %q; want empty", got.Text(FieldCaption, "vi").State)
	}
	events, _ := d.AuditFor(ctx, "asset", a.ID)
	last := events[len(events)-1]
	changes, _ := last.Detail["changes"].([]any)
	if last.Action != "asset.metadata" || len(changes) != 5 {
		t.Fatalf("audit = %s %v; want 5 changes", last.Action, last.Detail)
	}
	first := changes[0].(map[string]any)
	if first["field"] != "creator" && first["field"] != "title.en" && first["field"] != "keywords.vi" {
		t.Errorf("first change %v", first)
	}
}

func TestReviewIsForCuratorsAndFeedsTheMemory(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "m2")
	edit := MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": "Hồ Lắk lúc bình minh", "en": "Lak Lake at dawn"}},
		Review: []string{"title.vi", "title.en"}}
	if _, err := d.EditMetadata(ctx, a.ID, edit, contrib, langs, nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("contributor review = %v; want forbidden", err)
	}
	m, err := d.EditMetadata(ctx, a.ID, edit, curator, langs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Text(FieldTitle, "en"); s.State != TextReviewed || s.SetBy != "biên tập" {
		t.Errorf("title.en = %+v; want reviewed by the curator", s)
	}
	// Another photo of the same scene: punctuation, case and marks differ.
	b, _, _ := metaAsset(t, d, "m3")
	m2, err := d.EditMetadata(ctx, b.ID, MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": "HỒ LẮK, lúc bình minh!"}}}, contrib, langs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := m2.Text(FieldTitle, "en"); s.Value != "Lak Lake at dawn" || s.State != TextDraft || s.Origin != OriginMemory {
		t.Errorf("suggested title.en = %+v; want a draft from memory", s)
	}
	// Changing a reviewed value makes it a draft again.
	m, _ = d.EditMetadata(ctx, a.ID, MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"en": "Lak Lake at sunrise"}}}, curator, langs, nil)
	if s := m.Text(FieldTitle, "en"); s.State != TextDraft || m.Text(FieldTitle, "vi").State != TextReviewed {
		t.Errorf("after an edit: en %q, vi %q; want draft, reviewed", s.State, m.Text(FieldTitle, "vi").State)
	}
}

type fakeGlossary map[string]string

func (g fakeGlossary) Translate(field, text, from, to string) (string, bool) {
	v, ok := g[text]
	return v, ok
}

func TestGlossarySuggestsShortFieldsOnly(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, _ := metaAsset(t, d, "m4")
	g := fakeGlossary{"Gành Đá Đĩa": "Ganh Da Dia", "cà phê": "coffee", "Buôn Ma Thuột": "Buon Ma Thuot"}
	m, err := d.EditMetadata(ctx, a.ID, MetaEdit{
		Texts:    map[string]map[string]string{FieldTitle: {"vi": "Gành Đá Đĩa"}, FieldCaption: {"vi": "Gành Đá Đĩa"}, FieldCity: {"vi": "Buôn Ma Thuột"}},
		Keywords: map[string][]string{"vi": {"cà phê", "Gành Đá Đĩa"}},
	}, contrib, langs, g)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Text(FieldTitle, "en"); s.Value != "Ganh Da Dia" || s.Origin != OriginGlossary || s.State != TextDraft {
		t.Errorf("title.en = %+v", s)
	}
	if s := m.Text(FieldCaption, "en"); !s.Empty() {
		t.Errorf("caption.en = %+v; long text is not translated from the glossary", s)
	}
	if kw := m.Text(FieldKeywords, "en").Keywords; strings.Join(kw, "|") != "coffee|Ganh Da Dia" {
		t.Errorf("keywords.en = %q", kw)
	}
	if s := m.Text(FieldCity, "en"); s.Value != "Buon Ma Thuot" {
		t.Errorf("city.en = %+v", s)
	}
}

func TestMetadataRefusals(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "m5")
	cases := []struct {
		name string
		e    MetaEdit
		who  Principal
		want string
	}{
		{"unknown field", MetaEdit{Texts: map[string]map[string]string{"titel": {"vi": "x"}}}, contrib, "titel"},
		{"unknown language", MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"fr": "x"}}}, contrib, "title.fr"},
		{"too long", MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": strings.Repeat("ắ", 201)}}}, contrib, "title.vi"},
		{"bad date", MetaEdit{DateCreated: strp("10/03/2026")}, contrib, "date_created"},
		{"review empty", MetaEdit{Review: []string{"caption.en"}}, curator, "caption.en"},
		{"review nonsense", MetaEdit{Review: []string{"title"}}, curator, "title"},
	}
	for _, c := range cases {
		_, err := d.EditMetadata(ctx, a.ID, c.e, c.who, langs, nil)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.want || fe.Vi == "" || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v; want a FieldError on %s", c.name, err, c.want)
		}
	}
	if m, _ := d.Metadata(ctx, a.ID); len(m.Texts) != 0 {
		t.Errorf("refused edits left %v", m.Texts)
	}
}

func TestPrefillOnInsert(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	org, _ := d.EnsureOrg(ctx, "Báo Đắk Lắk")
	a := testAsset(org, "m6")
	a.Prefill = &Prefill{Langs: langs, Edit: MetaEdit{Origin: OriginFile, Texts: map[string]map[string]string{FieldCaption: {"en": "Lak Lake"}}}}
	if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "k", MIME: "image/jpeg"}); err != nil {
		t.Fatal(err)
	}
	m, _ := d.Metadata(ctx, a.ID)
	if s := m.Text(FieldCaption, "en"); s.Value != "Lak Lake" || s.Origin != OriginFile || s.State != TextDraft {
		t.Errorf("prefilled caption = %+v", s)
	}
}
