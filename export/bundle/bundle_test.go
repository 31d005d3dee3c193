package bundle

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

var testTime = time.Date(2025, 3, 1, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600))

type file struct {
	path string
	data string
}

func testFiles() []file {
	big := strings.Repeat("Buôn Ma Thuột cà phê — ", 20000) // ~500 KB, deflated
	return []file{
		{norm.NFD.String("Ảnh Đắk Lắk.jpg"), "\xff\xd8\xff\xe0 not really a jpeg"},
		{"video/clip.mp4", strings.Repeat("\x00\x00\x00\x18ftypmp42", 1000)},
		{"video/clip.vi.srt", "1\n00:00:01,000 --> 00:00:02,000\nXin chào\n"},
		{"docs/deep/nested/readme.txt", big},
		{"manifest.json", `{"profile":"happy-vietnam-2025","version":1}`},
		{"manifest.csv", "path,sha256\n"},
		{"empty.txt", ""},
	}
}

func testOptions(f Format) Options {
	return Options{
		Format:   f,
		Root:     "happy-vietnam-2025-dak-lak",
		Modified: testTime,
		BagInfo: []Field{
			{"Source-Organization", "Sở Văn hóa, Thể thao và Du lịch Đắk Lắk"},
			{"External-Description", "Ảnh và video\nline two\r\nline three"},
			{"Bag-Group-Identifier", "happy-vietnam-2025"},
		},
	}
}

// build writes files through a Writer and returns the bundle bytes and sums.
func build(t testing.TB, o Options, files []file) ([]byte, []Sum) {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		fw, err := w.Create(f.path)
		if err != nil {
			t.Fatal(err)
		}
		// Write in uneven pieces to exercise streaming.
		data := []byte(f.data)
		for len(data) > 0 {
			k := min(len(data), 7777)
			if _, err := fw.Write(data[:k]); err != nil {
				t.Fatal(err)
			}
			data = data[k:]
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.Sums()
}

// extract unpacks a zip into dir and returns entry names in order.
func extract(t *testing.T, b []byte, dir string) []string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if !fs.ValidPath(strings.TrimSuffix(f.Name, "/")) {
			t.Fatalf("unsafe entry name %q", f.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if strings.HasSuffix(f.Name, "/") {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(dst)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, rc); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		rc.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is required for this test: %v", name, err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func TestBagRoundTrip(t *testing.T) {
	files := testFiles()
	b, sums := build(t, testOptions(BagIt), files)
	dir := t.TempDir()
	names := extract(t, b, dir)
	root := "happy-vietnam-2025-dak-lak"
	bag := filepath.Join(dir, root)

	want := []string{root + "/bagit.txt"}
	for _, f := range files {
		want = append(want, root+"/data/"+norm.NFC.String(f.path))
	}
	for _, n := range []string{"bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"} {
		want = append(want, root+"/"+n)
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	nfc := filepath.Join(bag, "data", "Ảnh Đắk Lắk.jpg")
	if !norm.NFC.IsNormalString("Ảnh Đắk Lắk.jpg") {
		t.Fatal("test literal is not NFC")
	}
	if _, err := os.Stat(nfc); err != nil {
		t.Fatalf("NFC payload name missing: %v", err)
	}

	run(t, bag, "sha256sum", "--strict", "-c", "manifest-sha256.txt")
	run(t, bag, "sha512sum", "--strict", "-c", "manifest-sha512.txt")
	run(t, bag, "sha256sum", "--strict", "-c", "tagmanifest-sha256.txt")
	run(t, bag, "sha512sum", "--strict", "-c", "tagmanifest-sha512.txt")

	bagit, err := os.ReadFile(filepath.Join(bag, "bagit.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(bagit) != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Fatalf("bagit.txt = %q", bagit)
	}

	// Payload-Oxum against what is actually on disk under data/.
	var size, count int64
	err = filepath.WalkDir(filepath.Join(bag, "data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		count++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	info := readBagInfo(t, filepath.Join(bag, "bag-info.txt"))
	if got, want := info["Payload-Oxum"], strconv.FormatInt(size, 10)+"."+strconv.FormatInt(count, 10); got != want {
		t.Errorf("Payload-Oxum = %q, want %q", got, want)
	}
	if count != int64(len(files)) {
		t.Errorf("extracted %d payload files, want %d", count, len(files))
	}
	if got := info["Bagging-Date"]; got != "2025-03-01" {
		t.Errorf("Bagging-Date = %q", got)
	}
	if got := info["External-Description"]; got != "Ảnh và video line two line three" {
		t.Errorf("External-Description = %q", got)
	}
	if got := info["Source-Organization"]; got != "Sở Văn hóa, Thể thao và Du lịch Đắk Lắk" {
		t.Errorf("Source-Organization = %q", got)
	}
	raw, _ := os.ReadFile(filepath.Join(bag, "bag-info.txt"))
	if !strings.HasPrefix(string(raw), "Source-Organization: ") || !strings.HasSuffix(string(raw), "Payload-Oxum: "+info["Payload-Oxum"]+"\n") {
		t.Errorf("bag-info.txt field order:\n%s", raw)
	}

	// The tag manifest covers exactly the other tag files, in order.
	tm, _ := os.ReadFile(filepath.Join(bag, "tagmanifest-sha256.txt"))
	var tagged []string
	for _, line := range strings.Split(strings.TrimSuffix(string(tm), "\n"), "\n") {
		_, p, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("bad manifest line %q", line)
		}
		tagged = append(tagged, p)
	}
	if got := strings.Join(tagged, ","); got != "bagit.txt,bag-info.txt,manifest-sha256.txt,manifest-sha512.txt" {
		t.Errorf("tagmanifest covers %s", got)
	}

	// Sums match the files and are in payload order with NFC paths.
	if len(sums) != len(files) {
		t.Fatalf("%d sums, want %d", len(sums), len(files))
	}
	for i, f := range files {
		h := sha256.Sum256([]byte(f.data))
		s := sums[i]
		if s.Path != norm.NFC.String(f.path) || s.Size != int64(len(f.data)) || s.SHA256 != hex.EncodeToString(h[:]) || len(s.SHA512) != 128 {
			t.Errorf("sum %d = %+v", i, s)
		}
	}
}

func readBagInfo(t *testing.T, p string) map[string]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			t.Fatalf("bad bag-info line %q", sc.Text())
		}
		m[k] = v
	}
	return m
}

func TestPlainZip(t *testing.T) {
	files := testFiles()
	o := testOptions(Zip)
	b, sums := build(t, o, files)
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != len(files) {
		t.Fatalf("%d entries, want %d", len(r.File), len(files))
	}
	for i, f := range r.File {
		if want := norm.NFC.String(files[i].path); f.Name != want {
			t.Errorf("entry %d = %q, want %q", i, f.Name, want)
		}
		if f.Mode() != 0o644 {
			t.Errorf("%s mode %v", f.Name, f.Mode())
		}
		if !f.Modified.Equal(testTime) {
			t.Errorf("%s modified %v, want %v", f.Name, f.Modified, testTime)
		}
		rc, _ := f.Open()
		got, err := io.ReadAll(rc)
		if err != nil || string(got) != files[i].data {
			t.Errorf("%s: content mismatch (%v)", f.Name, err)
		}
	}
	if len(sums) != len(files) {
		t.Errorf("%d sums", len(sums))
	}
}

func TestEmptyBag(t *testing.T) {
	b, _ := build(t, Options{Format: BagIt, Root: "empty", Modified: testTime}, nil)
	dir := t.TempDir()
	extract(t, b, dir)
	if fi, err := os.Stat(filepath.Join(dir, "empty", "data")); err != nil || !fi.IsDir() {
		t.Fatalf("data/ missing: %v", err)
	}
	if got := readBagInfo(t, filepath.Join(dir, "empty", "bag-info.txt"))["Payload-Oxum"]; got != "0.0" {
		t.Errorf("Payload-Oxum = %q", got)
	}
	run(t, filepath.Join(dir, "empty"), "sha256sum", "--strict", "-c", "tagmanifest-sha256.txt")
}

func TestDeterministic(t *testing.T) {
	for _, f := range []Format{Zip, BagIt} {
		a, _ := build(t, testOptions(f), testFiles())
		o := testOptions(f)
		o.Modified = testTime.UTC() // same instant, other location
		b, _ := build(t, o, testFiles())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds differ (%d vs %d bytes)", f, len(a), len(b))
		}
	}
}

func TestMethodPerExtension(t *testing.T) {
	want := map[string]uint16{
		"a.jpg": zip.Store, "b.JPEG": zip.Store, "c.mp4": zip.Store, "d.mov": zip.Store,
		"e.m4v": zip.Store, "f.png": zip.Store, "g.webp": zip.Store, "h.heic": zip.Store,
		"i.zip":  zip.Store,
		"j.json": zip.Deflate, "k.csv": zip.Deflate, "l.txt": zip.Deflate, "m.srt": zip.Deflate,
		"n.vtt": zip.Deflate, "o.xml": zip.Deflate, "p.unknown": zip.Deflate,
	}
	var files []file
	for name := range want {
		files = append(files, file{name, "some content some content some content"})
	}
	for _, f := range []Format{Zip, BagIt} {
		b, _ := build(t, testOptions(f), files)
		r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, zf := range r.File {
			base := zf.Name[strings.LastIndex(zf.Name, "/")+1:]
			m, ok := want[base]
			if !ok {
				if zf.Method != zip.Deflate { // bag tag files
					t.Errorf("%s: tag file method %d", zf.Name, zf.Method)
				}
				continue
			}
			seen++
			if zf.Method != m {
				t.Errorf("%s: %s method %d, want %d", f, zf.Name, zf.Method, m)
			}
		}
		if seen != len(want) {
			t.Errorf("%s: saw %d payload entries", f, seen)
		}
	}
}

func TestCleanPath(t *testing.T) {
	long := strings.Repeat("a", 256)
	ok := []struct{ in, want string }{
		{"photo.jpg", "photo.jpg"},
		{`a\b.jpg`, "a/b.jpg"},
		{"a/./b", "a/b"},
		{"./a//b/", "a/b"},
		{norm.NFD.String("Ảnh Đắk Lắk.jpg"), "Ảnh Đắk Lắk.jpg"},
		{strings.Repeat("a", 255), strings.Repeat("a", 255)},
		{strings.Repeat("abcdefghi/", 102) + "abc", strings.Repeat("abcdefghi/", 102) + "abc"}, // 1023 bytes
		{"100%.txt", "100%.txt"},
		{"a..b/c", "a..b/c"},
	}
	for _, c := range ok {
		got, err := CleanPath(c.in)
		if err != nil || got != c.want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"", ".", "./", "/",
		"../etc/passwd", "a/../../b", "a/..", `..\x`,
		"/abs", "//server/share/x", `\\server\share\x`,
		`C:\x`, "C:/x", "c:x",
		"a\x00b", "a\nb", "a\rb", "a\tb", "a\x7fb", "a\x1bb",
		long, "dir/" + long + "/x",
		strings.Repeat("abcdefghi/", 102) + "abcd", // 1024 bytes, then +1
		"\xff\xfe.jpg",
	}
	bad[len(bad)-2] += "e"
	for _, in := range bad {
		if got, err := CleanPath(in); err == nil {
			t.Errorf("CleanPath(%q) = %q, want error", in, got)
		}
	}
}

func TestCreateRefusesBadPaths(t *testing.T) {
	for _, f := range []Format{Zip, BagIt} {
		w, err := New(io.Discard, testOptions(f))
		if err != nil {
			t.Fatal(err)
		}
		must := func(p string) {
			t.Helper()
			if _, err := w.Create(p); err != nil {
				t.Fatalf("Create(%q): %v", p, err)
			}
		}
		refuse := func(p, msg string) {
			t.Helper()
			_, err := w.Create(p)
			if err == nil || !strings.Contains(err.Error(), msg) || !strings.HasPrefix(err.Error(), "bundle: create ") {
				t.Errorf("Create(%q) error = %v, want one containing %q", p, err, msg)
			}
		}
		must("photos/Ảnh.jpg")
		refuse("photos/Ảnh.jpg", "duplicate path")
		refuse("./photos//Ảnh.jpg", "duplicate path")
		refuse("PHOTOS/ẢNH.JPG", "differs only in case")
		refuse(norm.NFD.String("photos/ảnh.jpg"), "differs only in case")
		refuse("photos", "clashes with folder")
		refuse("Photos/Ảnh.jpg/x", "clashes with file")
		refuse("../x.jpg", `".."`)
		refuse("/x.jpg", "absolute")
		must("photos/other.jpg")
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := len(w.Sums()); got != 2 {
			t.Errorf("%d sums, want 2", got)
		}
		if _, err := w.Create("late.txt"); err == nil {
			t.Error("Create after Close succeeded")
		}
	}
}

func TestWriteAfterFinish(t *testing.T) {
	w, _ := New(io.Discard, testOptions(Zip))
	a, _ := w.Create("a.txt")
	if _, err := w.Create("b.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("x")); err == nil {
		t.Error("write to a finished file succeeded")
	}
}

func TestManifestPercentEncoding(t *testing.T) {
	b, _ := build(t, testOptions(BagIt), []file{{"100% Đắk Lắk.txt", "x"}})
	r, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	for _, f := range r.File {
		if !strings.HasSuffix(f.Name, "/manifest-sha256.txt") {
			continue
		}
		rc, _ := f.Open()
		got, _ := io.ReadAll(rc)
		h := sha256.Sum256([]byte("x"))
		if want := hex.EncodeToString(h[:]) + "  data/100%25 Đắk Lắk.txt\n"; string(got) != want {
			t.Errorf("manifest = %q, want %q", got, want)
		}
		return
	}
	t.Fatal("no manifest")
}

func TestEncodeManifestPath(t *testing.T) {
	if got := encodeManifestPath("a\rb\nc%d"); got != "a%0Db%0Ac%25d" {
		t.Errorf("got %q", got)
	}
}

func TestOptionsValidation(t *testing.T) {
	bad := []Options{
		{Format: "tar", Modified: testTime},
		{Format: Zip},
		{Format: Zip, Modified: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Format: BagIt, Modified: testTime},
		{Format: BagIt, Root: "a/b", Modified: testTime},
		{Format: BagIt, Root: "../x", Modified: testTime},
		{Format: BagIt, Root: "x", Modified: testTime, BagInfo: []Field{{"Payload-Oxum", "1.1"}}},
		{Format: BagIt, Root: "x", Modified: testTime, BagInfo: []Field{{"bagging-date", "2020-01-01"}}},
		{Format: BagIt, Root: "x", Modified: testTime, BagInfo: []Field{{"A:B", "v"}}},
		{Format: BagIt, Root: "x", Modified: testTime, BagInfo: []Field{{" A", "v"}}},
		{Format: BagIt, Root: "x", Modified: testTime, BagInfo: []Field{{"A", "v\x00"}}},
	}
	for i, o := range bad {
		if _, err := New(io.Discard, o); err == nil {
			t.Errorf("options %d accepted: %+v", i, o)
		}
	}
}

// TestReadFrom: io.Copy into a file (via ReadFrom, in 1 MiB chunks, with
// parallel SHA-512) gives the same sums and bytes as plain writes.
func TestReadFrom(t *testing.T) {
	data := bytes.Repeat([]byte("Đắk Lắk 0123456789"), 300000) // ~6 MB
	a, sa := build(t, testOptions(BagIt), []file{{"x.mp4", string(data)}})
	var buf bytes.Buffer
	w, _ := New(&buf, testOptions(BagIt))
	fw, _ := w.Create("x.mp4")
	n, err := io.Copy(fw, struct{ io.Reader }{bytes.NewReader(data)})
	if err != nil || n != int64(len(data)) {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if sb := w.Sums(); sb[0] != sa[0] {
		t.Errorf("sums differ: %+v vs %+v", sb[0], sa[0])
	}
	if !bytes.Equal(a, buf.Bytes()) {
		t.Error("bundles differ")
	}
}

// TestSumsIncludesOpenFile: Sums before Close covers the file still open, and
// does not disturb it.
func TestSumsIncludesOpenFile(t *testing.T) {
	files := testFiles()
	want, _ := build(t, testOptions(BagIt), files)
	var buf bytes.Buffer
	w, _ := New(&buf, testOptions(BagIt))
	for _, f := range files {
		fw, _ := w.Create(f.path)
		io.WriteString(fw, f.data[:len(f.data)/2])
		w.Sums() // mid-file: must not affect the result
		io.WriteString(fw, f.data[len(f.data)/2:])
	}
	mid := w.Sums()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	final := w.Sums()
	if len(mid) != len(files) || len(final) != len(files) {
		t.Fatalf("sums before close %d, after %d, want %d", len(mid), len(final), len(files))
	}
	for i := range final {
		if mid[i] != final[i] {
			t.Errorf("sum %d: %+v before Close, %+v after", i, mid[i], final[i])
		}
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Error("calling Sums changed the bundle")
	}
}
