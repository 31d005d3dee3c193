package probe

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// sampleSegments returns the payloads of the sample JPEGs' segments that
// start with prefix (without it).
func sampleSegments(tb testing.TB, prefix string) [][]byte {
	var out [][]byte
	for _, rel := range metaSamples {
		if filepath.Ext(rel) != ".jpg" {
			continue
		}
		b := readMedia(tb, rel)
		for off := 0; ; {
			i := bytes.Index(b[off:], []byte(prefix))
			if i < 2 {
				break
			}
			i += off
			n := int(b[i-2])<<8 | int(b[i-1])
			if end := i - 2 + n; end <= len(b) && end > i+len(prefix) {
				out = append(out, b[i+len(prefix):end])
			}
			off = i + len(prefix)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no %q segment in the samples", prefix)
	}
	return out
}

// checkClean fails when a value is empty, untrimmed, not NFC or not UTF-8.
func checkClean(t *testing.T, d Descriptive) {
	v := reflect.ValueOf(d)
	for i := range v.NumField() {
		var vals []string
		switch f := v.Field(i).Interface().(type) {
		case []Text:
			for _, x := range f {
				vals = append(vals, x.Value)
			}
		case []string:
			vals = f
		case string:
			if f != "" {
				vals = []string{f}
			}
		}
		for _, s := range vals {
			if s == "" || s != strings.TrimSpace(s) || !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
				t.Fatalf("%s: unclean value %q", v.Type().Field(i).Name, s)
			}
		}
	}
}

// FuzzXMP feeds arbitrary packets to the XMP reader and the Extended XMP
// reassembly.
func FuzzXMP(f *testing.F) {
	for _, p := range sampleSegments(f, xmpSig) {
		f.Add(p)
	}
	f.Add([]byte(vietnamesePacket()))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		x, err := readXMP(data)
		if took := time.Since(start); took > time.Second {
			t.Fatalf("took %v on %d bytes", took, len(data))
		}
		if err == nil {
			checkClean(t, x.meta)
		}
		var e xmpExtension
		if e.add(data) == nil && len(data) >= xmpExtHeader {
			_, _ = e.assemble(string(data[:32]))
		}
	})
}

// FuzzIIM feeds arbitrary bytes to the Photoshop resource and IPTC-IIM
// readers.
func FuzzIIM(f *testing.F) {
	for _, p := range sampleSegments(f, irbSignature) {
		f.Add(p)
	}
	f.Add(iimSet(2, 5, "Caf\xe9"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := readIIM(data)
		checkClean(t, d)
		blocks, _ := irbIPTCData(data)
		for _, b := range blocks {
			d, _ := readIIM(b)
			checkClean(t, d)
		}
	})
}
