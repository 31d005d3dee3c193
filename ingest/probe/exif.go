package probe

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// exifData is what probing reads from an EXIF block.
type exifData struct {
	orientation int
	make, model string
	time        *time.Time
	gps         *GPS
	meta        Descriptive // descriptive text, the lowest layer of Info.Meta
}

// apply copies what was found into info.
func (x exifData) apply(info *Info) {
	info.Orientation = x.orientation
	info.Make, info.Model = x.make, x.model
	info.CaptureTime = x.time
	if x.time != nil && x.time.Location() == noZone {
		utc := x.time.UTC()
		info.CaptureTime, info.CaptureTimeZoneless = &utc, true
	}
	info.GPS = x.gps
	info.Meta = x.meta
}

// readExifBytes reads an EXIF block held in memory (a TIFF header and IFDs).
func readExifBytes(b []byte) (exifData, []string) {
	return readExif(bytes.NewReader(b), int64(len(b)))
}

// readExif reads a TIFF-structured EXIF block. Problems never fail the
// caller: they come back as warnings, with whatever could still be read.
func readExif(r io.ReaderAt, size int64) (exifData, []string) {
	var x exifData
	t, off, err := openTIFF(r, size)
	if err != nil {
		return x, []string{"EXIF block unreadable: " + err.Error()}
	}
	ifd0, _, err := t.readIFD(off)
	if err != nil {
		return x, []string{"EXIF block unreadable: " + err.Error()}
	}
	return t.exifFrom(ifd0, map[uint32]bool{off: true})
}

// exifFrom reads the EXIF fields from IFD0 and the directories it points to.
func (t *tiffFile) exifFrom(ifd0 []ifdEntry, seen map[uint32]bool) (exifData, []string) {
	var x exifData
	var warn []string
	note := func(what string, err error) {
		if err != nil {
			warn = append(warn, fmt.Sprintf("EXIF block unreadable: %s: %v", what, err))
		}
	}
	if e, ok := findTag(ifd0, tagOrientation); ok {
		if v, ok := t.uintVal(e); ok && v >= 1 && v <= 8 {
			x.orientation = int(v)
		}
	}
	x.make = t.text(ifd0, tagMake, note)
	x.model = t.text(ifd0, tagModel, note)
	exif, err := t.subIFD(ifd0, tagExifIFD, seen)
	note("Exif IFD", err)
	x.time = t.captureTime(ifd0, exif, func(s string) {
		warn = append(warn, fmt.Sprintf("EXIF date %q is not a valid date", s))
	})
	gpsIFD, err := t.subIFD(ifd0, tagGPSIFD, seen)
	note("GPS IFD", err)
	x.gps = t.gps(gpsIFD)
	x.meta = t.exifMeta(ifd0, exif)
	return x, warn
}

func (t *tiffFile) text(entries []ifdEntry, tag uint16, note func(string, error)) string {
	e, ok := findTag(entries, tag)
	if !ok {
		return ""
	}
	s, err := t.stringVal(e)
	note(fmt.Sprintf("tag 0x%04x", tag), err)
	return s
}

// captureTime prefers DateTimeOriginal with its offset, then DateTime.
func (t *tiffFile) captureTime(ifd0, exif []ifdEntry, bad func(string)) *time.Time {
	ignore := func(string, error) {}
	try := func(dateEntries []ifdEntry, dateTag, offTag uint16) *time.Time {
		s := t.text(dateEntries, dateTag, ignore)
		if s == "" {
			return nil
		}
		tm, ok, valid := parseExifTime(s, t.text(exif, offTag, ignore))
		if !valid {
			bad(s)
		}
		if !ok {
			return nil
		}
		return &tm
	}
	if tm := try(exif, tagDateTimeOriginal, tagOffsetTimeOrig); tm != nil {
		return tm
	}
	return try(ifd0, tagDateTime, tagOffsetTime)
}

// parseExifTime reads an EXIF date "2006:01:02 15:04:05" (also with '-'
// or 'T' separators and a trailing zone). With no zone recorded, either in
// the string or in offset, the wall clock is returned in noZone.
// ok is false when there is no date; valid is false when the text is not
// a date at all (blank or all-zero placeholders count as valid and absent).
func parseExifTime(s, offset string) (tm time.Time, ok, valid bool) {
	s = strings.TrimSpace(s)
	if strings.Trim(s, "0: -T") == "" {
		return time.Time{}, false, true
	}
	if len(s) < 19 {
		return time.Time{}, false, false
	}
	b := []byte(s[:19])
	if b[4] == '-' && b[7] == '-' {
		b[4], b[7] = ':', ':'
	}
	if b[10] == 'T' {
		b[10] = ' '
	}
	rest := strings.TrimSpace(s[19:])
	if strings.HasPrefix(rest, ".") { // sub-seconds
		rest = strings.TrimLeft(rest[1:], "0123456789")
	}
	loc := noZone
	if z, ok := parseZone(offset); ok {
		loc = z
	} else if z, ok := parseZone(rest); ok {
		loc = z
	}
	tm, err := time.ParseInLocation("2006:01:02 15:04:05", string(b), loc)
	if err != nil {
		return time.Time{}, false, false
	}
	return tm, true, true
}

// noZone marks a time read without a recorded zone: its wall clock is
// what the camera showed.
var noZone = time.FixedZone("", 0)

// parseZone reads "+07:00", "-0500" or "Z".
func parseZone(s string) (*time.Location, bool) {
	s = strings.TrimSpace(s)
	if s == "Z" {
		return time.UTC, true
	}
	if len(s) != 6 && len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return nil, false
	}
	digits := strings.Replace(s[1:], ":", "", 1)
	if len(digits) != 4 {
		return nil, false
	}
	h, err1 := strconv.Atoi(digits[:2])
	m, err2 := strconv.Atoi(digits[2:])
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return nil, false
	}
	secs := h*3600 + m*60
	if s[0] == '-' {
		secs = -secs
	}
	return time.FixedZone(s, secs), true
}

// gps reads a position from the GPS IFD; a missing, zero or impossible
// position gives nil.
func (t *tiffFile) gps(entries []ifdEntry) *GPS {
	if len(entries) == 0 {
		return nil
	}
	lat := t.coord(entries, tagGPSLatitude, tagGPSLatitudeRef, "S")
	lon := t.coord(entries, tagGPSLongitude, tagGPSLongitudeRef, "W")
	if !validPosition(lat, lon) {
		return nil
	}
	g := &GPS{Lat: lat, Lon: lon}
	if e, ok := findTag(entries, tagGPSAltitude); ok {
		if v, err := t.rationals(e, 1); err == nil && len(v) == 1 && !math.IsNaN(v[0]) && !math.IsInf(v[0], 0) {
			alt := v[0]
			if r, ok := findTag(entries, tagGPSAltitudeRef); ok {
				if ref, ok := t.uintVal(r); ok && ref == 1 && alt > 0 {
					alt = -alt
				}
			}
			g.Alt = &alt
		}
	}
	return g
}

func validPosition(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && math.Abs(lat) <= 90 && math.Abs(lon) <= 180 &&
		(lat != 0 || lon != 0)
}

// coord reads degrees, minutes, seconds as decimal degrees; NaN if unusable.
func (t *tiffFile) coord(entries []ifdEntry, tag, refTag uint16, negative string) float64 {
	e, ok := findTag(entries, tag)
	if !ok {
		return math.NaN()
	}
	v, err := t.rationals(e, 3)
	if err != nil || len(v) == 0 {
		return math.NaN()
	}
	deg := 0.0
	for i, part := range v {
		if part < 0 || (i > 0 && part >= 60) {
			return math.NaN()
		}
		deg += part / math.Pow(60, float64(i))
	}
	if ref := t.text(entries, refTag, func(string, error) {}); strings.HasPrefix(strings.ToUpper(ref), negative) {
		deg = -deg
	}
	return deg
}

// cleanString turns a text value from a file into clean UTF-8: it stops at
// the first NUL, reads bytes that are not UTF-8 as Latin-1, drops control
// characters and trims spaces.
func cleanString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	var s strings.Builder
	valid := utf8.Valid(b)
	for len(b) > 0 {
		r, n := rune(b[0]), 1
		if valid {
			r, n = utf8.DecodeRune(b)
		}
		if r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0) {
			s.WriteRune(r)
		}
		b = b[n:]
	}
	return strings.TrimSpace(s.String())
}
