package xmp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// plainJPEG writes a small JPEG made by image/jpeg, with no metadata.
func plainJPEG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 100, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "plain.jpg", b.Bytes())
}

// gpsJPEG returns a JPEG with EXIF Make, Model, Orientation and GPS in the
// given byte order ("II" or "MM"), written by exiftool.
func gpsJPEG(t *testing.T, order string) string {
	t.Helper()
	in := plainJPEG(t)
	out := filepath.Join(t.TempDir(), "gps-"+order+".jpg")
	run(t, "exiftool", "-q", "-ExifByteOrder="+order, "-Make=Canon", "-Model=EOS R6", "-Orientation#=6",
		"-GPSLatitude=12.68", "-GPSLatitudeRef=N", "-GPSLongitude=108.05", "-GPSLongitudeRef=E",
		"-GPSAltitude=500", "-GPSMapDatum=WGS-84", "-o", out, in)
	return out
}

// allTags reads every tag exiftool finds, by group, with numbers as numbers.
func allTags(t *testing.T, path string) tags {
	t.Helper()
	out := run(t, "exiftool", "-json", "-n", "-a", "-G1", "-ee", path)
	var all []tags
	if err := json.Unmarshal(out, &all); err != nil || len(all) != 1 {
		t.Fatalf("exiftool output for %s: %v\n%s", path, err, out)
	}
	return all[0]
}

// positionTags lists the tags that give away a position: any GPS tag, and
// any location tag outside our XMP (which keeps province and country),
// other than a country.
func positionTags(tg tags) []string {
	var out []string
	for name := range tg {
		tag := name[strings.IndexByte(name, ':')+1:]
		if strings.Contains(tag, "GPS") || !strings.HasPrefix(name, "XMP-") && strings.Contains(tag, "Location") && !strings.HasPrefix(tag, "Country") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func embedFile(t *testing.T, path string, m Metadata) string {
	t.Helper()
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := EmbedJPEG(&out, bytes.NewReader(in), m); err != nil {
		t.Fatalf("EmbedJPEG(%s): %v", path, err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Errorf("the output of EmbedJPEG(%s) does not decode: %v", path, err)
	}
	return writeTemp(t, "out.jpg", out.Bytes())
}

// TestEmbedJPEGStripLocation checks, in both byte orders, that the EXIF
// GPS goes with StripLocation and stays without it, while the rest of
// EXIF and our XMP stay readable.
func TestEmbedJPEGStripLocation(t *testing.T) {
	for _, order := range []string{"II", "MM"} {
		t.Run(order, func(t *testing.T) {
			src := gpsJPEG(t, order)
			before := allTags(t, src)
			if got := before.str("File:ExifByteOrder"); !strings.HasPrefix(got, order) {
				t.Fatalf("exiftool wrote byte order %q, want %s", got, order)
			}
			if before.str("GPS:GPSLatitude") != "12.68" || before.str("GPS:GPSAltitude") != "500" {
				t.Fatalf("exiftool did not write the GPS: %v", positionTags(before))
			}

			kept := allTags(t, embedFile(t, src, sample()))
			for _, name := range []string{"GPS:GPSLatitude", "GPS:GPSLongitude", "GPS:GPSAltitude", "GPS:GPSMapDatum"} {
				if kept.str(name) != before.str(name) {
					t.Errorf("without StripLocation %s = %q, want %q", name, kept.str(name), before.str(name))
				}
			}

			m := sample()
			m.StripLocation = true
			out := embedFile(t, src, m)
			tg := allTags(t, out)
			if p := positionTags(tg); len(p) > 0 {
				t.Errorf("position tags left: %v", p)
			}
			for _, name := range []string{"IFD0:Orientation", "IFD0:Make", "IFD0:Model", "File:ExifByteOrder"} {
				if tg.str(name) == "" || tg.str(name) != before.str(name) {
					t.Errorf("%s = %q, want %q", name, tg.str(name), before.str(name))
				}
			}
			if got := tg.str("XMP-dc:Title-en"); got != "Lak Lake at dawn" {
				t.Errorf("Title-en = %q", got)
			}
			if tg.str("XMP-photoshop:City") != "" || tg.str("XMP-photoshop:State") != wantTags["XMP-photoshop:State"] {
				t.Errorf("StripLocation should imply WithoutLocation: City %q, State %q", tg.str("XMP-photoshop:City"), tg.str("XMP-photoshop:State"))
			}
			a, _ := os.ReadFile(src)
			b, _ := os.ReadFile(out)
			if ea, eb := exifSegment(t, a), exifSegment(t, b); len(ea) != len(eb) {
				t.Errorf("the EXIF segment changed length: %d → %d", len(ea), len(eb))
			}
		})
	}
}

// exifSegment returns the payload of the first EXIF APP1 segment of a JPEG.
func exifSegment(t *testing.T, b []byte) []byte {
	t.Helper()
	e := findEXIF(b)
	if e == nil {
		t.Fatal("no EXIF segment")
	}
	return e
}

func findEXIF(b []byte) []byte {
	for off := 2; off+4 <= len(b) && b[off] == 0xff && b[off+1] != markSOS; {
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if p := b[off+4 : min(off+2+n, len(b))]; b[off+1] == markAPP1 && bytes.HasPrefix(p, []byte(exifHeader)) {
			return p
		}
		off += 2 + n
	}
	return nil
}

// tiffBlock builds a little-endian TIFF block: IFD0 at 8 with the given
// entries (tag, type, count, value) and a next-IFD offset, then extra.
func tiffBlock(next uint32, entries [][4]uint32, extra []byte) []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = le.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = le.AppendUint16(b, uint16(e[0]))
		b = le.AppendUint16(b, uint16(e[1]))
		b = le.AppendUint32(b, e[2])
		b = le.AppendUint32(b, e[3])
	}
	b = le.AppendUint32(b, next)
	return append(b, extra...)
}

// malformedEXIF are TIFF blocks stripEXIFGPS must refuse.
var malformedEXIF = map[string][]byte{
	"GPS IFD past the end":       tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 5000}}, nil),
	"GPS IFD is IFD0":            tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 8}}, nil),
	"IFD chain loops":            tiffBlock(8, [][4]uint32{{0x010f, 2, 4, 0x6e6f6143}}, nil),
	"IFD0 past the end":          []byte("MM\x00\x2a\x00\x00\x10\x00"),
	"GPS value past the end":     tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 26}}, []byte{1, 0, 2, 0, 5, 0, 3, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0}),
	"GPS entries past the end":   tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 26}}, []byte{9, 0, 2, 0, 5, 0}),
	"GPS value in IFD0":          tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 26}}, []byte{1, 0, 2, 0, 5, 0, 3, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0}),
	"GPS tag of unknown type":    tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 26}}, []byte{1, 0, 2, 0, 99, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
	"not TIFF":                   []byte("XX*\x00\x08\x00\x00\x00"),
	"cut short":                  []byte("II*\x00"),
	"count past the end of EXIF": tiffBlock(0, nil, nil)[:9],
}

func TestStripEXIFGPSMalformed(t *testing.T) {
	for name, b := range malformedEXIF {
		if err := stripEXIFGPS(bytes.Clone(b)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestStripEXIFGPSTable checks the blanking byte by byte on a hand-made
// block: GPS IFD at 38 with rational values at 68, other bytes untouched.
func TestStripEXIFGPSTable(t *testing.T) {
	gps := []byte{2, 0, // two entries
		2, 0, 5, 0, 3, 0, 0, 0, 68, 0, 0, 0, // GPSLatitude, 3 rationals at 68
		1, 0, 2, 0, 2, 0, 0, 0, 'N', 0, 0, 0, // GPSLatitudeRef "N" in place
		0, 0, 0, 0} // next IFD
	vals := bytes.Repeat([]byte{7}, 24)
	in := tiffBlock(0, [][4]uint32{{0x010f, 2, 4, 0x6e6f6143}, {0x8825, 4, 1, 38}}, append(append(gps, vals...), 0xee))
	out := bytes.Clone(in)
	if err := stripEXIFGPS(out); err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(in)
	clear(want[38 : 38+len(gps)+len(vals)])
	if !bytes.Equal(out, want) {
		t.Errorf("got\n% x\nwant\n% x", out, want)
	}
}

// TestEmbedJPEGStripMalformedEXIF checks that a JPEG whose EXIF cannot be
// blanked safely loses its EXIF, not the check, and still decodes.
func TestEmbedJPEGStripMalformedEXIF(t *testing.T) {
	plain, err := os.ReadFile(plainJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	m := sample()
	m.StripLocation = true
	for name, tiff := range malformedEXIF {
		payload := append([]byte(exifHeader), tiff...)
		seg := append([]byte{0xff, markAPP1}, binary.BigEndian.AppendUint16(nil, uint16(len(payload)+2))...)
		in := slices.Concat(plain[:2], seg, payload, plain[2:])
		var out bytes.Buffer
		if err := EmbedJPEG(&out, bytes.NewReader(in), m); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if bytes.Contains(out.Bytes(), []byte(exifHeader)) {
			t.Errorf("%s: the EXIF segment is still there", name)
		}
		if _, err := jpeg.Decode(bytes.NewReader(out.Bytes())); err != nil {
			t.Errorf("%s: output does not decode: %v", name, err)
		}
		// Without StripLocation the segment travels as it is.
		out.Reset()
		if err := EmbedJPEG(&out, bytes.NewReader(in), sample()); err != nil || !bytes.Contains(out.Bytes(), payload) {
			t.Errorf("%s: without StripLocation the EXIF segment should be copied: %v", name, err)
		}
	}
}

func FuzzStripEXIF(f *testing.F) {
	for _, b := range malformedEXIF {
		f.Add(b)
	}
	f.Add(tiffBlock(0, [][4]uint32{{0x8825, 4, 1, 26}}, []byte{1, 0, 2, 0, 5, 0, 3, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}))
	for _, rel := range jpegSamples {
		if b, err := os.ReadFile(media(rel)); err == nil {
			if e := findEXIF(b); e != nil {
				f.Add(e[len(exifHeader):])
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		b := bytes.Clone(in)
		if err := stripEXIFGPS(b); err != nil {
			return
		}
		if len(b) != len(in) {
			t.Fatalf("length changed")
		}
		// A second pass finds nothing left to blank and changes nothing.
		again := bytes.Clone(b)
		if err := stripEXIFGPS(again); err != nil {
			t.Fatalf("blanked block no longer parses: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("a second pass changed the block")
		}
	})
}

// locatedVideo makes a 1-second video with a position, written by ffmpeg
// as 3GPP 'loci' (mp4), '©xyz' (mov) or a QuickTime keys/ilst item.
func locatedVideo(t *testing.T, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	run(t, "ffmpeg", append(append([]string{"-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1"}, args...), out)...)
	return out
}

// frames counts the video frames ffprobe decodes.
func frames(t *testing.T, path string) string {
	t.Helper()
	return strings.TrimSpace(string(run(t, "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path)))
}

// TestAppendMP4StripLocation checks that StripLocation blanks each kind of
// position ffmpeg writes, that the file still plays the same frames, and
// that without the flag the position stays.
func TestAppendMP4StripLocation(t *testing.T) {
	const iso6709 = "+12.6800+108.0500/"
	cases := map[string]struct {
		file string
		args []string
		tag  string // where exiftool finds the position
	}{
		"mp4 loci":  {"loci.mp4", []string{"-metadata", "location=" + iso6709}, "UserData:LocationInformation"},
		"mov ©xyz":  {"xyz.mov", []string{"-metadata", "location=" + iso6709}, "UserData:GPSCoordinates"},
		"mov keys":  {"keys.mov", []string{"-metadata", "com.apple.quicktime.location.ISO6709=" + iso6709, "-movflags", "use_metadata_tags"}, "Keys:GPSCoordinates"},
		"mp4 keys":  {"keys.mp4", []string{"-metadata", "com.apple.quicktime.location.ISO6709=" + iso6709, "-movflags", "use_metadata_tags"}, "Keys:GPSCoordinates"},
		"faststart": {"fast.mov", []string{"-metadata", "location=" + iso6709, "-movflags", "+faststart"}, "UserData:GPSCoordinates"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			src := locatedVideo(t, c.file, c.args...)
			if before := allTags(t, src); before[c.tag] == nil || before["Composite:GPSLatitude"] == nil {
				t.Fatalf("ffmpeg did not write %s: %v", c.tag, positionTags(before))
			}
			kept := allTags(t, appendTo(t, src, sample().WithoutLocation()))
			if kept[c.tag] == nil || kept.str("Composite:GPSLatitude") == "" {
				t.Errorf("without StripLocation %s is gone: %v", c.tag, positionTags(kept))
			}

			m := sample()
			m.StripLocation = true
			out := appendTo(t, src, m)
			tg := allTags(t, out)
			if p := positionTags(tg); len(p) > 0 {
				t.Errorf("position tags left: %v", p)
			}
			if got := tg.str("XMP-dc:Title-en"); got != "Lak Lake at dawn" {
				t.Errorf("Title-en = %q", got)
			}
			run(t, "ffprobe", "-v", "error", "-show_format", out)
			if a, b := probe(t, src), probe(t, out); a != b {
				t.Errorf("ffprobe differs:\n%s\nwant\n%s", b, a)
			}
			if a, b := frames(t, src), frames(t, out); a != b || a == "" {
				t.Errorf("frames %q, want %q", b, a)
			}
			in, _ := os.ReadFile(src)
			got, _ := os.ReadFile(out)
			if len(got) < len(in) {
				t.Fatalf("output is shorter than input")
			}
			if bytes.Contains(got, []byte("+12.68")) || bytes.Contains(got, []byte("108.05")) {
				t.Error("the position is still in the file's bytes")
			}
			if w := warnings(t, out); len(w) > 0 {
				t.Errorf("exiftool -validate: %q", w)
			}
		})
	}
}

// box builds an MP4 box from a type and payload parts.
func box(typ string, parts ...[]byte) []byte {
	payload := slices.Concat(parts...)
	return slices.Concat(binary.BigEndian.AppendUint32(nil, uint32(8+len(payload))), []byte(typ), payload)
}

// TestStripMoovLocation checks the boxes ffmpeg does not write: '©xyz' in
// a trak's udta, an ISO meta (FullBox) with an iTunes '©xyz' item, a
// QuickTime meta with a location name key, and old XMP in udta.
func TestStripMoovLocation(t *testing.T) {
	xyz := box("\xa9xyz", []byte("\x00\x12\x15\xc7+12.68+108.05/"))
	keys := box("keys", []byte{0, 0, 0, 0, 0, 0, 0, 2},
		box("mdta", []byte("com.apple.quicktime.make")),
		box("mdta", []byte("com.apple.quicktime.location.name")))
	make_ := box("\x00\x00\x00\x01", box("data", []byte{0, 0, 0, 1, 0, 0, 0, 0}, []byte("Apple")))
	place := box("\x00\x00\x00\x02", box("data", []byte{0, 0, 0, 1, 0, 0, 0, 0}, []byte("Secret post")))
	hdlr := box("hdlr", make([]byte, 25))
	moov := slices.Concat(
		box("mvhd", make([]byte, 100)),
		box("trak", box("tkhd", make([]byte, 84)), box("udta", xyz)),
		box("udta",
			box("meta", []byte{0, 0, 0, 0}, hdlr, box("ilst", box("\xa9xyz", box("data", []byte{0, 0, 0, 1, 0, 0, 0, 0}, []byte("+12.68+108.05/"))))),
			box("XMP_", []byte("<x:xmpmeta>exif:GPSLatitude</x:xmpmeta>")),
			[]byte{0, 0, 0, 0}),
		box("meta", hdlr, keys, box("ilst", make_, place)),
	)
	got := bytes.Clone(moov)
	if err := stripMoovLocation(got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(moov) {
		t.Fatalf("length %d, want %d", len(got), len(moov))
	}
	for _, secret := range []string{"+12.68", "Secret post", "GPSLatitude", "\xa9xyz", "XMP_"} {
		if bytes.Contains(got, []byte(secret)) {
			t.Errorf("%q is still there", secret)
		}
	}
	for _, kept := range []string{"Apple", "com.apple.quicktime.make", "tkhd", "mvhd", "keys"} {
		if !bytes.Contains(got, []byte(kept)) {
			t.Errorf("%q is gone", kept)
		}
	}
	if n := bytes.Count(got, []byte("free")); n != 4 {
		t.Errorf("%d free boxes, want 4", n)
	}
	for name, bad := range map[string][]byte{
		"child past the end": slices.Concat(box("udta", []byte{0, 0, 1, 0, 'l', 'o', 'c', 'i'})),
		"keys cut short":     box("meta", hdlr, box("keys", []byte{0, 0, 0, 0, 0, 0, 0, 9})),
		"stray bytes":        box("trak", []byte{1, 2, 3}),
	} {
		if err := stripMoovLocation(bytes.Clone(bad)); !errors.Is(err, ErrNotMP4) {
			t.Errorf("%s: err = %v, want ErrNotMP4", name, err)
		}
	}
	// Too deep a nest is refused rather than followed.
	deep := box("udta", xyz)
	for range maxBoxDepth + 2 {
		deep = box("trak", deep)
	}
	if err := stripMoovLocation(deep); !errors.Is(err, ErrNotMP4) {
		t.Errorf("deep nest: err = %v", err)
	}
}

// TestAppendMP4StripRefusesHugeMoov checks the memory bound.
func TestAppendMP4StripRefusesHugeMoov(t *testing.T) {
	in := slices.Concat(box("ftyp", []byte("isom\x00\x00\x02\x00")), binary.BigEndian.AppendUint32(nil, maxMoov+8), []byte("moov"))
	m := sample()
	m.StripLocation = true
	if err := AppendMP4(io.Discard, bytes.NewReader(in), m); !errors.Is(err, ErrNotMP4) || !strings.Contains(err.Error(), "moov") {
		t.Errorf("err = %v", err)
	}
}
