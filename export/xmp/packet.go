package xmp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrTooLarge means the metadata does not fit in one JPEG APP1 segment.
var ErrTooLarge = errors.New("xmp: metadata too large")

// maxPacket is the XMP specification's limit for a packet in one JPEG APP1
// segment (65535 minus the length field and the namespace header, rounded down).
const maxPacket = 65502

// padding is left blank at the end of the packet so an editor can grow it in place.
const padding = 2048

// Packet returns m as an XMP packet: Lang Alt lists for every translated
// field, the location in every language, and no element for an empty field.
func Packet(m Metadata) ([]byte, error) {
	m = m.clean()
	if err := m.validate(); err != nil {
		return nil, err
	}
	var w writer
	w.WriteString("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	w.WriteString(header)
	w.body(m)
	w.WriteString(footer)
	if n := w.Len() + len(trailer); n > maxPacket {
		return nil, fmt.Errorf("%w: the XMP packet has %d bytes, one JPEG segment holds %d; shorten the captions or keywords", ErrTooLarge, n, maxPacket)
	}
	w.pad(min(padding, maxPacket-w.Len()-len(trailer)))
	w.WriteString(trailer)
	return w.Bytes(), nil
}

const header = `<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/">
`

const footer = `  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`

const trailer = `<?xpacket end="w"?>`

func (w *writer) body(m Metadata) {
	def := m.DefaultLang
	w.langAlt(3, "dc:title", m.Title, def)
	w.langAlt(3, "dc:description", m.Description, def)
	w.langAlt(3, "dc:rights", m.Rights, def)
	w.list(3, "dc:subject", "rdf:Bag", m.keywords())
	w.list(3, "dc:creator", "rdf:Seq", m.Creator)
	w.langAlt(3, "xmpRights:UsageTerms", m.UsageTerms, def)
	w.langAlt(3, "Iptc4xmpCore:AltTextAccessibility", m.AltText, def)
	w.simple(3, "photoshop:Credit", m.Credit)
	w.simple(3, "photoshop:DateCreated", m.DateCreated)
	w.location(m.Location, def)
	w.gps(m.GPS)
	w.simple(3, "Iptc4xmpExt:DigitalSourceType", m.DigitalSourceType)
}

// writer builds the packet text; every value it writes is escaped.
type writer struct{ bytes.Buffer }

func (w *writer) line(depth int, format string, args ...any) {
	w.WriteString(strings.Repeat(" ", depth))
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

func (w *writer) simple(depth int, tag, value string) {
	if value != "" {
		w.line(depth, "<%s>%s</%s>", tag, escape(value), tag)
	}
}

// langAlt writes t as an rdf:Alt whose first item, x-default, repeats the
// text of def (or of the first language when def has none).
func (w *writer) langAlt(depth int, tag string, t LangText, def string) {
	langs := order(t, def)
	if len(langs) == 0 {
		return
	}
	w.line(depth, "<%s>", tag)
	w.line(depth+1, "<rdf:Alt>")
	w.line(depth+2, `<rdf:li xml:lang="x-default">%s</rdf:li>`, escape(t[langs[0]]))
	for _, lang := range langs {
		w.line(depth+2, `<rdf:li xml:lang="%s">%s</rdf:li>`, escape(lang), escape(t[lang]))
	}
	w.line(depth+1, "</rdf:Alt>")
	w.line(depth, "</%s>", tag)
}

func (w *writer) list(depth int, tag, kind string, items []string) {
	if len(items) == 0 {
		return
	}
	w.line(depth, "<%s>", tag)
	w.line(depth+1, "<%s>", kind)
	for _, it := range items {
		w.line(depth+2, "<rdf:li>%s</rdf:li>", escape(it))
	}
	w.line(depth+1, "</%s>", kind)
	w.line(depth, "</%s>", tag)
}

func (w *writer) pad(n int) {
	for ; n > 0; n -= 100 {
		w.WriteString(strings.Repeat(" ", min(n, 100)-1) + "\n")
	}
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return escaper.Replace(s) }
