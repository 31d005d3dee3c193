package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// exiftool reads a file the way any photo tool would.
func exiftool(t *testing.T, data []byte, name string) map[string]any {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("exiftool", "-j", "-n", "-XMP:all", "-IPTC:all", "-GPS:all", "-Composite:GPSPosition", path).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var v []map[string]any
	if err := json.Unmarshal(out, &v); err != nil || len(v) != 1 {
		t.Fatalf("exiftool output %s: %v", out, err)
	}
	return v[0]
}

func TestRenditionsCarryCurrentMetadata(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "htc.jpg", read(t, "images/gps/mde_HTC_Desire.jpg"), nil, nil)
	a := decode[uploadResult](t, b)
	f.drain(t)
	path := "/api/v1/assets/" + a.ID
	body := `{"title": {"vi": "` + norm.NFD.String("Gành Đá Đĩa lúc hoàng hôn") + `", "en": "Ganh Da Dia at sunset"},
		"caption": {"vi": "Cột đá bazan \"xếp chồng\" & sóng biển", "en": "Stacked basalt columns & waves"},
		"keywords": {"vi": ["Gành Đá Đĩa", "biển"], "en": ["Ganh Da Dia", "sea"]},
		"city": {"vi": "Tuy An", "en": "Tuy An"}, "province": {"vi": "Đắk Lắk", "en": "Dak Lak"},
		"creator": "Nguyễn Văn A", "credit": "Báo Đắk Lắk", "date_created": "2026-03-10"}`
	if resp, b := f.patch(t, f.contribA, path, body); resp.StatusCode != http.StatusOK {
		t.Fatalf("patch: %d %s", resp.StatusCode, b)
	}
	for _, name := range []string{"preview", "thumb"} {
		resp, b := f.get(t, f.contribA, path+"/renditions/"+name)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", name, resp.StatusCode)
		}
		x := exiftool(t, b, name+".jpg")
		want := map[string]string{"Title-vi": "Gành Đá Đĩa lúc hoàng hôn", "Title-en": "Ganh Da Dia at sunset", "Title": "Gành Đá Đĩa lúc hoàng hôn",
			"Description-vi": `Cột đá bazan "xếp chồng" & sóng biển`, "Description-en": "Stacked basalt columns & waves",
			"Credit": "Báo Đắk Lắk", "ObjectName": "Gành Đá Đĩa lúc hoàng hôn", "State": "Đắk Lắk"}
		for k, v := range want {
			if got, _ := x[k].(string); got != v {
				t.Errorf("%s: exiftool %s = %q; want %q", name, k, x[k], v)
			}
		}
		if x["GPSLatitude"] == nil {
			t.Errorf("%s: no GPS; the photo's position should travel by default", name)
		}
	}
	// An edit shows in the next download, without reprocessing.
	f.patch(t, f.contribA, path, `{"title": {"en": "Ganh Da Dia, evening"}}`)
	_, b = f.get(t, f.contribA, path+"/renditions/web?location=omit")
	x := exiftool(t, b, "web.jpg")
	if x["Title-en"] != "Ganh Da Dia, evening" {
		t.Errorf("after the edit Title-en = %v", x["Title-en"])
	}
	for _, k := range []string{"GPSLatitude", "GPSLongitude", "City", "City-vi"} {
		if x[k] != nil {
			t.Errorf("location=omit still has %s = %v", k, x[k])
		}
	}
	if x["State"] != "Đắk Lắk" {
		t.Errorf("location=omit dropped the province too: %v", x["State"])
	}
}

func TestVideoRenditionCarriesMetadata(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "bbb.mp4", read(t, "video/mp4ff_bbb_prog_10s.mp4"), nil, nil)
	a := decode[uploadResult](t, b)
	f.drain(t)
	path := "/api/v1/assets/" + a.ID
	f.patch(t, f.contribA, path, `{"title": {"vi": "Lễ hội Cà phê Buôn Ma Thuột", "en": "Buon Ma Thuot Coffee Festival"}}`)
	resp, b := f.get(t, f.contribA, path+"/renditions/proxy")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("proxy: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	x := exiftool(t, b, "proxy.mp4")
	if x["Title-vi"] != "Lễ hội Cà phê Buôn Ma Thuột" || x["Title-en"] != "Buon Ma Thuot Coffee Festival" {
		t.Errorf("exiftool on the proxy: Title-vi %v, Title-en %v", x["Title-vi"], x["Title-en"])
	}
	p := filepath.Join(t.TempDir(), "p.mp4")
	os.WriteFile(p, b, 0o600)
	if out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", p).CombinedOutput(); err != nil || len(out) < 3 {
		t.Errorf("ffprobe on the proxy with metadata: %v %s", err, out)
	}
}
