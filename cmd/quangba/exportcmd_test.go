package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/internal/testbin"
)

func TestValidateCommand(t *testing.T) {
	big := "../../testdata/media/images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"
	small := "../../testdata/media/images/gps/ianare_gps_DSCN0025.jpg"
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	cmd := command(t, t.TempDir(), "validate", abs(big), abs(small), "--profile", "happyvietnam-2025")
	out, err := cmd.Output()
	if exitCode(err) != 1 {
		t.Fatalf("a 640×480 photo under Happy Vietnam: exit %d\n%s", exitCode(err), out)
	}
	text := string(out)
	if !strings.Contains(text, "✓ photo.min_pixels") || !strings.Contains(text, "✗ photo.min_pixels: Ảnh cần tối thiểu 3.000 px") {
		t.Errorf("validate output:\n%s", text)
	}
	out, err = command(t, t.TempDir(), "validate", abs(big), "--profile", "happyvietnam-2025", "--json").Output()
	var got map[string][]struct{ Rule, Severity string }
	if err != nil || json.Unmarshal(out, &got) != nil || len(got[abs(big)]) == 0 {
		t.Errorf("--json: %v\n%s", err, out)
	}
	for _, f := range got[abs(big)] {
		if f.Severity == "error" {
			t.Errorf("the 4032×3024 JPEG fails %s", f.Rule)
		}
	}
	if _, err := command(t, t.TempDir(), "validate", abs(big), "--profile", "no-such-profile").Output(); exitCode(err) != 1 {
		t.Errorf("unknown profile: exit %d", exitCode(err))
	}
}

func TestBrokenProfileStopsStartUp(t *testing.T) {
	dir := t.TempDir()
	profiles := filepath.Join(dir, "profiles")
	os.MkdirAll(profiles, 0o755)
	broken := "id: happy-2026\nversion: \"1\"\nname: {vi: Thi ảnh, en: Photo contest}\ndestination: happy\nkinds: [photo]\nphoto:\n  fomats: [jpeg]\n"
	os.WriteFile(filepath.Join(profiles, "happy-2026.yaml"), []byte(broken), 0o644)
	cfg := filepath.Join(dir, "quangba.yaml")
	os.WriteFile(cfg, []byte("export:\n  profiles: "+profiles+"\n"), 0o644)
	cmd := command(t, filepath.Join(dir, "data"), "serve", "--config", cfg)
	cmd.Env = append(cmd.Env, "QUANGBA_ADDR="+testbin.MustFreeAddr(t))
	out, err := cmd.CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), "happy-2026.yaml:7: photo.fomats") {
		t.Errorf("serve with a broken profile: exit %d\n%s", exitCode(err), out)
	}
}

func TestExportCommand(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	copyFile(t, "../../testdata/media/images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", filepath.Join(src, "ho-lak.jpg"))
	copyFile(t, "../../testdata/media/images/gps/ianare_gps_DSCN0025.jpg", filepath.Join(src, "cho.jpg"))
	if out, err := command(t, data, "ingest", "--org", "Báo Đắk Lắk", src).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	ctx := context.Background()
	db, err := catalog.Open(ctx, filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assets := processAll(t, data, db, 2)
	tok, _ := db.CreateToken(ctx, "Sở VHTTDL Đắk Lắk", "biên tập", catalog.RoleCurator)
	cur, _ := db.Authenticate(ctx, tok.Secret)
	creator := "Nguyễn Văn A"
	var big, small string
	for _, a := range assets {
		if _, err := db.EditMetadata(ctx, a.ID, catalog.MetaEdit{Texts: map[string]map[string]string{
			"title": {"vi": "Hồ Lắk", "en": "Lak Lake"}, "caption": {"vi": "Bình minh", "en": "Dawn"}}, Creator: &creator,
			Review: []string{"title.vi", "title.en", "caption.vi", "caption.en"}}, cur, []string{"vi", "en"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Review(ctx, a.ID, catalog.DecisionApprove, "", cur); err != nil {
			t.Fatal(err)
		}
		if a.Width > 3000 {
			big = a.ID
		} else {
			small = a.ID
		}
	}
	pack := func(ids ...string) string {
		p := catalog.Package{Profile: "happyvietnam-2025", Name: catalog.Names{VI: "Dự thi"}}
		if err := db.CreatePackage(ctx, &p, cur); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.AddToPackage(ctx, p.ID, ids, cur); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	out := filepath.Join(t.TempDir(), "bundle.zip")
	res, err := command(t, data, "export", pack(big, small), "--format", "bagit", "--out", out).CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(res), "photo.min_pixels") {
		t.Errorf("blocked export: exit %d\n%s", exitCode(err), res)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a blocked export left %s behind", out)
	}
	good := pack(big)
	res, err = command(t, data, "export", good, "--out", out, "--format", "bagit").CombinedOutput()
	if err != nil {
		t.Fatalf("export: %v\n%s", err, res)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(names) != 9 || names[0] != "du-thi/bagit.txt" || !strings.HasSuffix(names[1], "/data/nguyen-van-a-001-ho-lak.jpg") {
		t.Errorf("bag entries: %v", names)
	}
	es, _ := db.Exports(ctx, good)
	if st, _ := os.Stat(out); len(es) != 1 || es[0].Status != catalog.ExportDone || es[0].ByteSize != st.Size() || es[0].StorageKey == "" {
		t.Errorf("the export is not recorded as done with the file's size: %+v", es)
	}
}

// processAll runs `quangba worker` until n assets are ready and returns them.
func processAll(t *testing.T, data string, db *catalog.DB, n int) []catalog.Asset {
	t.Helper()
	w := command(t, data, "worker")
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { w.Process.Signal(os.Interrupt); w.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		as, _, err := db.ListAssets(context.Background(), catalog.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		ready := 0
		for _, a := range as {
			if a.Status == catalog.StatusReady {
				ready++
			}
		}
		if ready == n && len(as) == n {
			return as
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the worker did not process the assets in 2 minutes")
	return nil
}
