package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/internal/testenv"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode"
)

const samples = "../testdata/media/"

// world is a catalogue on a store with processed, described, approved assets.
type world struct {
	t       *testing.T
	env     *testenv.Env
	x       *export.Exporter
	curator catalog.Principal
	org     catalog.Org
}

func newWorld(t *testing.T, store storage.Store) *world {
	t.Helper()
	env := testenv.New(t, store, nil)
	ctx := context.Background()
	tok, err := env.DB.CreateToken(ctx, "Sở VHTTDL Đắk Lắk", "biên tập viên", catalog.RoleCurator)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := env.DB.Authenticate(ctx, tok.Secret)
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := profile.LoadFS(os.DirFS("../configs"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	byID := profile.ByID(profiles)
	ty, err := os.ReadFile("../configs/themes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := theme.Parse(ty)
	if err != nil {
		t.Fatal(err)
	}
	x := &export.Exporter{DB: env.DB, Store: store, Profiles: byID, Themes: tx}
	return &world{t: t, env: env, x: x, curator: cur, org: env.Org(t, "Báo Đắk Lắk")}
}

// add ingests a sample, runs its jobs, describes it in both languages
// (reviewed) and approves it.
func (w *world) add(rel, titleVI, titleEN, creator string) catalog.Asset {
	w.t.Helper()
	ctx := context.Background()
	res, err := w.env.Ingest.IngestFile(ctx, ingest.Request{FileName: filepath.Base(rel), Org: w.org}, samples+rel)
	if err != nil {
		w.t.Fatalf("ingest %s: %v", rel, err)
	}
	w.drain()
	id := res.Asset.ID
	_, err = w.env.DB.EditMetadata(ctx, id, catalog.MetaEdit{
		Texts: map[string]map[string]string{
			catalog.FieldTitle:   {"vi": titleVI, "en": titleEN},
			catalog.FieldCaption: {"vi": "Ảnh tư liệu của " + titleVI, "en": "Picture of " + titleEN},
			catalog.FieldCity:    {"vi": "Buôn Ma Thuột", "en": "Buon Ma Thuot"},
		},
		Creator: &creator, Review: []string{"title.vi", "title.en", "caption.vi", "caption.en"},
	}, w.curator, []string{"vi", "en"}, nil)
	if err != nil {
		w.t.Fatalf("describe %s: %v", rel, err)
	}
	a, err := w.env.DB.Review(ctx, id, catalog.DecisionApprove, "", w.curator)
	if err != nil {
		w.t.Fatalf("approve %s: %v", rel, err)
	}
	return a
}

func (w *world) drain() {
	w.t.Helper()
	cfg := transcode.DefaultConfig()
	cfg.WorkDir = filepath.Join(w.env.Dir, "work")
	svc, err := transcode.New(cfg, transcode.CatalogQueue{DB: w.env.DB}, w.env.DB, w.env.Store, w.env.Ingest,
		transcode.NewSubtitles(transcode.SubtitleConfig{}, w.env.DB, w.env.Store), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		w.t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		ran, err := svc.RunOnce(context.Background())
		if err != nil {
			w.t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

func (w *world) pkg(prof string, ids ...string) catalog.Package {
	w.t.Helper()
	ctx := context.Background()
	p := catalog.Package{Profile: prof, Name: catalog.Names{VI: "Việt Nam hạnh phúc – Đắk Lắk", EN: "Happy Vietnam – Dak Lak"}}
	if err := w.env.DB.CreatePackage(ctx, &p, w.curator); err != nil {
		w.t.Fatal(err)
	}
	if _, refused, err := w.env.DB.AddToPackage(ctx, p.ID, ids, w.curator); err != nil || len(refused) > 0 {
		w.t.Fatalf("add: %v %+v", err, refused)
	}
	return p
}

// export starts and builds a bundle and returns its bytes from the store.
func (w *world) export(pkgID, format string) (catalog.Export, []byte) {
	w.t.Helper()
	ctx := context.Background()
	plan, e, err := w.x.Start(ctx, export.Request{PackageID: pkgID, Format: format, AckAll: true}, w.curator)
	if err != nil {
		w.t.Fatalf("start export: %v", err)
	}
	done, err := w.x.Build(ctx, plan, e, nil, w.curator)
	if err != nil {
		w.t.Fatalf("build export: %v", err)
	}
	r, _, err := w.env.Store.Open(ctx, done.StorageKey)
	if err != nil {
		w.t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		w.t.Fatal(err)
	}
	if int64(len(b)) != done.ByteSize || done.Status != catalog.ExportDone {
		w.t.Fatalf("export record %+v, stored %d bytes", done, len(b))
	}
	return done, b
}

func findingsOf(plan *export.Plan, assetID string) map[string]profile.Finding {
	out := map[string]profile.Finding{}
	for _, e := range plan.Entries {
		if e.Asset.ID == assetID {
			for _, f := range e.Findings {
				out[f.Rule] = f
			}
		}
	}
	return out
}

func TestPackageValidatesSamplesPerProfile(t *testing.T) {
	w := newWorld(t, testenv.LocalStore(t))
	ctx := context.Background()
	big := w.add("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", "Hồ Lắk", "Lak Lake", "Nguyễn Văn A")
	small := w.add("images/gps/ianare_gps_DSCN0025.jpg", "Chợ đêm", "Night market", "Trần Thị B")
	heic := w.add("images/heic/exiv2_iphoneXR_2021-02-13-1929.heic", "Cà phê", "Coffee", "Trần Thị B")
	clip := w.add("video/mp4ff_bbb_prog_10s.mp4", "Phim ngắn", "Short film", "Nguyễn Văn A")

	p := w.pkg("happyvietnam-2025", big.ID, small.ID, heic.ID, clip.ID)
	plan, err := w.x.Plan(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	fb := findingsOf(plan, big.ID)
	if fb["photo.min_pixels"].Severity != profile.Pass || plan.Entries[0].File.Name != "original" {
		t.Errorf("4032×3024 original: %+v, file %+v", fb["photo.min_pixels"], plan.Entries[0].File)
	}
	fs := findingsOf(plan, small.ID)["photo.min_pixels"]
	if fs.Severity != profile.Error || fs.Value != "640×480 px" || !strings.Contains(fs.Message.VI, "3.000 px") || !strings.Contains(fs.Message.EN, "640 × 480") {
		t.Errorf("640×480 photo: %+v", fs)
	}
	fh := findingsOf(plan, heic.ID)
	if fh["photo.formats"].Severity != profile.Error {
		t.Errorf("HEIC original must fail the JPEG rule (the 2048 px web JPEG is too small): %+v", fh)
	}
	fc := findingsOf(plan, clip.ID)
	for _, rule := range []string{"video.max_duration", "video.max_bytes", "video.containers", "metadata.required.en.title", "metadata.creator"} {
		if fc[rule].Severity != profile.Pass {
			t.Errorf("clip %s: %+v", rule, fc[rule])
		}
	}
	if plan.Errors() != 2 {
		t.Errorf("errors = %d, want 2: %+v", plan.Errors(), plan.Findings())
	}
	_, _, err = w.x.Start(ctx, export.Request{PackageID: p.ID, Format: "zip", AckAll: true}, w.curator)
	var be *export.BlockedError
	if !errors.As(err, &be) || be.Errors != 2 {
		t.Fatalf("export with errors: %v", err)
	}

	// The same assets under vietnamvn: the web rendition (2048 px) is enough,
	// but copyright and credit are missing, and the clip with audio lacks
	// subtitles.
	v := w.pkg("vietnamvn", big.ID, clip.ID)
	vplan, err := w.x.Plan(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if vplan.Entries[0].File.Name != "web" {
		t.Errorf("vietnamvn photo source = %s, want web", vplan.Entries[0].File.Name)
	}
	vf := findingsOf(vplan, clip.ID)
	if vf["video.subtitles.vi"].Severity != profile.Error && vf["video.subtitles"].Severity != profile.Error {
		t.Errorf("clip with audio and no subtitles under vietnamvn: %+v", vf)
	}
	if vf["metadata.required.vi.copyright"].Severity != profile.Error {
		t.Errorf("copyright missing: %+v", vf["metadata.required.vi.copyright"])
	}
}

func TestBagExportIsVerifiableAndReproducible(t *testing.T) {
	store := testenv.MinIOStore(t, miniotest.Start(t))
	w := newWorld(t, store)
	ctx := context.Background()
	big := w.add("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", "Hồ Lắk lúc bình minh", "Lak Lake at dawn", "Nguyễn Văn A")
	clip := w.add("video/mp4ff_bbb_prog_10s.mp4", "Phim ngắn", "Short film", "Nguyễn Văn A")
	srt := "1\r\n00:00:01,000 --> 00:00:03,000\r\nXin chào Đắk Lắk\r\n"
	if _, err := store.Put(ctx, "subtitles/"+clip.ID+"/vi.srt", strings.NewReader(srt), int64(len(srt)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := w.env.DB.PutSubtitle(ctx, &catalog.SubtitleTrack{AssetID: clip.ID, Lang: "vi", Source: "vi.srt", Encoding: "UTF-8",
		StorageKey: "subtitles/" + clip.ID + "/vi.srt", Cues: 1}, w.curator); err != nil {
		t.Fatal(err)
	}
	p := w.pkg("happyvietnam-2025", big.ID, clip.ID)

	e1, b1 := w.export(p.ID, "bagit")
	e2, b2 := w.export(p.ID, "bagit")
	if e1.N != 1 || e2.N != 2 || !bytes.Equal(b1, b2) {
		t.Fatalf("two exports of the same package differ (%d and %d bytes)", len(b1), len(b2))
	}
	dir := unzip(t, b1)
	bag := filepath.Join(dir, "viet-nam-hanh-phuc-dak-lak")
	for _, args := range [][]string{{"sha256sum", "-c", "--strict", "manifest-sha256.txt"}, {"sha512sum", "-c", "--strict", "manifest-sha512.txt"},
		{"sha256sum", "-c", "--strict", "tagmanifest-sha256.txt"}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = bag
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v in the bag: %v\n%s", args, err, out)
		}
	}
	info, err := os.ReadFile(filepath.Join(bag, "bag-info.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var bytesSum, files int64
	filepath.Walk(filepath.Join(bag, "data"), func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			bytesSum, files = bytesSum+fi.Size(), files+1
		}
		return nil
	})
	oxum := "Payload-Oxum: " + strconv.FormatInt(bytesSum, 10) + "." + strconv.FormatInt(files, 10)
	for _, want := range []string{oxum, "Source-Organization: Sở VHTTDL Đắk Lắk", "External-Description: Việt Nam hạnh phúc – Đắk Lắk", "Bagging-Date: "} {
		if !strings.Contains(string(info), want) {
			t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
		}
	}
	if files != 6 { // photo, clip, poster, vi subtitles, manifest.json, manifest.csv
		t.Errorf("payload files = %d, want 6", files)
	}
	sub, err := os.ReadFile(filepath.Join(bag, "data", "nguyen-van-a-002-phim-ngan.vi.srt"))
	if err != nil || string(sub) != srt {
		t.Errorf("subtitle sidecar: %v %q", err, sub)
	}

	var m export.Manifest
	mj, err := os.ReadFile(filepath.Join(bag, "data", "manifest.json"))
	if err != nil || json.Unmarshal(mj, &m) != nil {
		t.Fatalf("manifest.json: %v\n%s", err, mj)
	}
	if m.Profile.ID != "happyvietnam-2025" || m.Profile.Version == "" || len(m.Assets) != 2 || len(m.Files) != 4 || m.Files[3].Role != "subtitles" || m.Files[3].Lang != "vi" {
		t.Errorf("manifest = %+v", m)
	}
	photo := filepath.Join(bag, "data", m.Assets[0].File)
	if m.Assets[0].Text["title"]["en"] != "Lak Lake at dawn" || m.Assets[0].Source != "original" || m.Files[0].SHA256 != sha256File(t, photo) {
		t.Errorf("manifest asset/file: %+v %+v", m.Assets[0], m.Files[0])
	}
	tags := exiftool(t, photo)
	if tags["XMP-dc:Title-vi"] != "Hồ Lắk lúc bình minh" || tags["XMP-dc:Title-en"] != "Lak Lake at dawn" || tags["XMP-dc:Creator"] != "Nguyễn Văn A" {
		t.Errorf("exiftool on the exported JPEG: title vi %v, en %v, creator %v", tags["XMP-dc:Title-vi"], tags["XMP-dc:Title-en"], tags["XMP-dc:Creator"])
	}
	if _, ok := tags["GPS:GPSLatitude"]; !ok {
		t.Errorf("the happyvietnam profile keeps GPS for a tourism photo, but it is gone")
	}
	csv, err := os.ReadFile(filepath.Join(bag, "data", "manifest.csv"))
	if err != nil || !bytes.HasPrefix(csv, []byte("\uFEFF")) || !strings.Contains(string(csv), "Hồ Lắk lúc bình minh") {
		t.Errorf("manifest.csv: %v\n%.300s", err, csv)
	}

	r, err := w.env.DB.ActivityReport(ctx, time.Now(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Destinations) != 1 || r.Destinations[0].Destination != "happyvietnam" || r.Destinations[0].Assets != 2 {
		t.Errorf("report destinations = %+v", r.Destinations)
	}
}

func TestBorderThemeStripsLocationAndRestrictedAssetsNeverLeave(t *testing.T) {
	w := newWorld(t, testenv.LocalStore(t))
	ctx := context.Background()
	big := w.add("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", "Cột mốc biên giới", "Border marker", "Nguyễn Văn A")
	if err := w.env.DB.SetThemes(ctx, big.ID, []string{"border/fishing"}, w.curator); err != nil {
		t.Fatal(err)
	}
	p := w.pkg("happyvietnam-2025", big.ID)
	_, b := w.export(p.ID, "zip")
	dir := unzip(t, b)
	names, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if len(names) != 1 {
		t.Fatalf("zip holds %v", names)
	}
	tags := exiftool(t, names[0])
	for k := range tags {
		if strings.Contains(k, "GPS") || k == "XMP-photoshop:City" {
			t.Errorf("border photo still carries %s = %v", k, tags[k])
		}
	}
	if tags["XMP-dc:Title-en"] != "Border marker" || tags["IFD0:Make"] == nil {
		t.Errorf("stripping location lost more than location: %v", tags)
	}

	if _, err := w.env.DB.Review(ctx, big.ID, catalog.DecisionRestrict, "Khu vực biên giới", w.curator); err != nil {
		t.Fatal(err)
	}
	_, _, err := w.x.Start(ctx, export.Request{PackageID: p.ID, Format: "zip", AckAll: true}, w.curator)
	var be *export.BlockedError
	if !errors.As(err, &be) || be.Findings[0].Rule != "status" {
		t.Fatalf("export of a package holding a restricted asset: %v", err)
	}
}

func unzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Fatalf("unsafe entry %q", f.Name)
		}
		if ext := strings.ToLower(filepath.Ext(f.Name)); (ext == ".jpg" || ext == ".mp4") && f.Method != zip.Store {
			t.Errorf("%s is compressed; media must be stored", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(out), 0o755)
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("sha256sum", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))[0]
}

func exiftool(t *testing.T, path string) map[string]any {
	t.Helper()
	cmd := exec.Command("exiftool", "-j", "-a", "-G1", "-n", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("exiftool %s: %v %s%s (exiftool must be installed: scripts/setup.sh test)", path, err, stderr.Bytes(), out)
	}
	var all []map[string]any
	if err := json.Unmarshal(out, &all); err != nil || len(all) != 1 {
		t.Fatalf("exiftool output: %v", err)
	}
	return all[0]
}
