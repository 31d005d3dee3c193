package subtitle

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func addSampleSeeds(f *testing.F) {
	f.Helper()
	err := filepath.WalkDir(samples, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		f.Add(data, filepath.Base(path))
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

func FuzzDecode(f *testing.F) {
	addSampleSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, _ string) {
		text, enc, err := Decode(data)
		switch {
		case err != nil && !errors.Is(err, ErrEncoding):
			t.Fatalf("error %v does not wrap ErrEncoding", err)
		case err == nil && (enc == "" || !utf8.ValidString(text) || !norm.NFC.IsNormalString(text)):
			t.Fatalf("encoding %q gave text that is not valid NFC UTF-8", enc)
		}
	})
}

func FuzzParse(f *testing.F) {
	addSampleSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		tr, _, err := Parse(data, name)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrEncoding) {
				t.Fatalf("error %v is neither ErrFormat nor ErrEncoding", err)
			}
			return
		}
		for i, c := range tr.Cues {
			if c.Index != i+1 || (i > 0 && c.Start < tr.Cues[i-1].Start) {
				t.Fatalf("cue %d: index %d start %v", i+1, c.Index, c.Start)
			}
		}
		_ = tr.SRT()
		_ = tr.VTT()
	})
}
