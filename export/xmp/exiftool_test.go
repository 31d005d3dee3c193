package xmp

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// exiftoolArgs reads back, by group, every tag we write, plus EXIF to see
// that it survived; -n keeps GPS as signed decimal degrees.
func exiftoolArgs(path string) []string {
	return []string{"-j", "-a", "-G1", "-n", "-struct=0",
		"-XMP:all", "-IPTC:all", "-EXIF:all", "-Photoshop:all", path}
}

// tags maps exiftool's "Group:Tag-lang" names to values.
type tags map[string]any

// readTags runs exiftool on path. A missing exiftool fails the test: it is
// the independent reader that proves other tools see what we write.
func readTags(t *testing.T, path string) tags {
	t.Helper()
	out := run(t, "exiftool", exiftoolArgs(path)...)
	var all []tags
	if err := json.Unmarshal(out, &all); err != nil || len(all) != 1 {
		t.Fatalf("exiftool output for %s: %v\n%s", path, err, out)
	}
	return all[0]
}

// run executes a tool with a timeout and fails the test with its stderr.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to check what we write and is not on PATH (Debian: exiftool is in libimage-exiftool-perl; ffmpeg): %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.Bytes())
	}
	return out
}

// str returns a tag as text, lists as JSON, for comparisons.
func (tg tags) str(name string) string {
	switch v := tg[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func (tg tags) list(name string) []string {
	switch v := tg[name].(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, x := range v {
			b, _ := json.Marshal(x)
			var s string
			if json.Unmarshal(b, &s) != nil {
				s = string(b)
			}
			out = append(out, s)
		}
		return out
	default:
		return []string{tg.str(name)}
	}
}

// media returns the path of a sample under testdata/media.
func media(rel string) string {
	return filepath.Join("..", "..", "testdata", "media", filepath.FromSlash(rel))
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// warnings returns what exiftool -validate finds wrong with a file, sorted.
// It reads text, not JSON: JSON repeats the Warning key and keeps one.
func warnings(t *testing.T, path string) []string {
	t.Helper()
	out := strings.Split(strings.TrimSpace(string(run(t, "exiftool", "-a", "-s3", "-validate", "-warning", path))), "\n")
	if len(out) == 0 || out[0] == "" {
		t.Fatalf("exiftool -validate %s printed nothing", path)
	}
	w := out[1:] // out[0] is the summary: "OK" or "3 Warnings"
	slices.Sort(w)
	return w
}
