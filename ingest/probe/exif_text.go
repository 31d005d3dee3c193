package probe

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

// EXIF tags holding descriptive text.
const (
	tagImageDescription = 0x010e
	tagArtist           = 0x013b
	tagCopyright        = 0x8298
	tagUserComment      = 0x9286
	tagXPTitle          = 0x9c9b
	tagXPComment        = 0x9c9c
	tagXPAuthor         = 0x9c9d
	tagXPKeywords       = 0x9c9e
	maxExifText         = 64 << 10
)

// exifMeta reads the descriptive text of IFD0 and the Exif IFD.
// Descriptions are taken from ImageDescription, then XPComment, then
// UserComment, skipping camera placeholders.
func (t *tiffFile) exifMeta(ifd0, exif []ifdEntry) Descriptive {
	var d Descriptive
	for _, desc := range []string{
		t.ascii(ifd0, tagImageDescription),
		t.xpText(ifd0, tagXPComment),
		t.userComment(exif),
	} {
		if !isJunk(desc) && len(d.Description) == 0 {
			addText(&d.Description, "", desc)
		}
	}
	addText(&d.Title, "", t.xpText(ifd0, tagXPTitle))
	addString(&d.Creator, t.ascii(ifd0, tagArtist))
	if len(d.Creator) == 0 {
		for _, a := range strings.Split(t.xpText(ifd0, tagXPAuthor), ";") {
			addString(&d.Creator, a)
		}
	}
	for _, k := range strings.Split(t.xpText(ifd0, tagXPKeywords), ";") {
		addText(&d.Keywords, "", k)
	}
	addText(&d.Rights, "", t.copyright(ifd0))
	return d
}

// textBytes returns the bytes of a text entry (ASCII, BYTE or UNDEFINED).
func (t *tiffFile) textBytes(entries []ifdEntry, tag uint16) []byte {
	e, ok := findTag(entries, tag)
	if !ok || (e.typ != typeASCII && e.typ != typeByte && e.typ != typeUndefined) {
		return nil
	}
	b, err := t.valueBytes(e, maxExifText)
	if err != nil {
		return nil
	}
	return b
}

// ascii reads an ASCII tag up to its first NUL; many writers put UTF-8 or
// Windows-1252 there.
func (t *tiffFile) ascii(entries []ifdEntry, tag uint16) string {
	b, _, _ := bytes.Cut(t.textBytes(entries, tag), []byte{0})
	return decodeLegacy(b)
}

// copyright reads "photographer\0editor" as two lines, as exiftool does.
func (t *tiffFile) copyright(ifd0 []ifdEntry) string {
	b := t.textBytes(ifd0, tagCopyright)
	photographer, rest, _ := bytes.Cut(b, []byte{0})
	editor, _, _ := bytes.Cut(rest, []byte{0})
	parts := []string{strings.TrimSpace(decodeLegacy(photographer)), strings.TrimSpace(decodeLegacy(editor))}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

// xpText reads a Windows XP* tag: UTF-16LE, whatever the file's byte order.
func (t *tiffFile) xpText(ifd0 []ifdEntry, tag uint16) string {
	return utf16Text(t.textBytes(ifd0, tag), binary.LittleEndian)
}

func utf16Text(b []byte, bo binary.ByteOrder) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := bo.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// userComment reads UserComment, whose first eight bytes name its
// character code. JIS text is not decoded.
func (t *tiffFile) userComment(exif []ifdEntry) string {
	b := t.textBytes(exif, tagUserComment)
	if len(b) < 8 {
		return ""
	}
	code, text := string(b[:8]), b[8:]
	switch code {
	case "UNICODE\x00":
		bo := t.bo
		switch {
		case bytes.HasPrefix(text, []byte{0xfe, 0xff}):
			bo, text = binary.BigEndian, text[2:]
		case bytes.HasPrefix(text, []byte{0xff, 0xfe}):
			bo, text = binary.LittleEndian, text[2:]
		}
		return utf16Text(text, bo)
	case "ASCII\x00\x00\x00", "\x00\x00\x00\x00\x00\x00\x00\x00":
		text, _, _ = bytes.Cut(text, []byte{0})
		return decodeLegacy(text)
	}
	return ""
}
