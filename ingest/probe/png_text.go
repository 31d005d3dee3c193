package probe

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
)

// pngTextChunk is a decoded tEXt, zTXt or iTXt chunk.
type pngTextChunk struct {
	keyword, lang, text string
}

const pngXMPKeyword = "XML:com.adobe.xmp"

// parsePNGText decodes a text chunk: tEXt and zTXt are Latin-1, iTXt is
// UTF-8 with a language tag; zTXt and compressed iTXt are inflated up to
// maxXMPPacket bytes.
func parsePNGText(typ string, b []byte) (pngTextChunk, error) {
	key, rest, ok := bytes.Cut(b, []byte{0})
	if !ok {
		return pngTextChunk{}, fmt.Errorf("PNG %s chunk has no keyword", typ)
	}
	c := pngTextChunk{keyword: latin1(key)}
	switch typ {
	case "tEXt":
		c.text = latin1(rest)
	case "zTXt":
		if len(rest) < 1 {
			return c, fmt.Errorf("PNG zTXt chunk %q is truncated", c.keyword)
		}
		t, err := inflateText(rest[1:])
		c.text = latin1(t)
		return c, err
	case "iTXt":
		return parseITXt(c, rest)
	}
	return c, nil
}

func parseITXt(c pngTextChunk, b []byte) (pngTextChunk, error) {
	if len(b) < 2 {
		return c, fmt.Errorf("PNG iTXt chunk %q is truncated", c.keyword)
	}
	compressed := b[0] == 1
	lang, rest, ok1 := bytes.Cut(b[2:], []byte{0})
	_, text, ok2 := bytes.Cut(rest, []byte{0}) // translated keyword
	if !ok1 || !ok2 {
		return c, fmt.Errorf("PNG iTXt chunk %q is truncated", c.keyword)
	}
	c.lang = string(lang)
	if compressed {
		var err error
		if text, err = inflateText(text); err != nil {
			return c, err
		}
	}
	c.text = string(text)
	return c, nil
}

func inflateText(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("PNG compressed text does not inflate: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxXMPPacket+1))
	if err != nil {
		return nil, fmt.Errorf("PNG compressed text does not inflate: %v", err)
	}
	if len(out) > maxXMPPacket {
		return nil, fmt.Errorf("PNG compressed text is larger than %d bytes", maxXMPPacket)
	}
	return out, nil
}

// addPNGText files a text chunk under its keyword (PNG specification
// 11.3.4.2); a Comment is a description only when there is no Description.
func (l *metaLayers) addPNGText(c pngTextChunk) {
	d := &l.text
	switch strings.ToLower(c.keyword) {
	case "title":
		addText(&d.Title, c.lang, c.text)
	case "description":
		addText(&d.Description, c.lang, c.text)
	case "author":
		addString(&d.Creator, c.text)
	case "copyright":
		addText(&d.Rights, c.lang, c.text)
	case "comment":
		if !isJunk(c.text) {
			addText(&l.comment, c.lang, c.text)
		}
	}
}
