package probe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Limits on an XMP packet. Real packets are a few kilobytes; Extended XMP
// (JPEG) and PNG or TIFF packets can reach a few hundred.
const (
	maxXMPPacket = 4 << 20
	maxXMPNodes  = 100_000
	maxXMPDepth  = 64
)

// Namespaces read from XMP, matched by URI whatever prefix a file uses.
const (
	nsRDF         = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsXML         = "http://www.w3.org/XML/1998/namespace"
	nsDC          = "http://purl.org/dc/elements/1.1/"
	nsXMPRights   = "http://ns.adobe.com/xap/1.0/rights/"
	nsPhotoshop   = "http://ns.adobe.com/photoshop/1.0/"
	nsIptc4Core   = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
	nsIptc4Ext    = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
	nsXMPNote     = "http://ns.adobe.com/xmp/note/"
	xmpWellFormed = "XMP packet is not well-formed XML: "
)

// xnode is an element of an XMP packet.
type xnode struct {
	name  xml.Name
	lang  string // xml:lang in scope
	attrs []xml.Attr
	kids  []*xnode
	text  string
	buf   []byte // text while parsing
}

// parseXMLTree reads an XMP packet into a tree under a nameless root.
func parseXMLTree(b []byte) (*xnode, error) {
	if len(b) > maxXMPPacket {
		return nil, fmt.Errorf("XMP packet of %d bytes is larger than the %d we read", len(b), maxXMPPacket)
	}
	b = bytes.TrimLeft(b, "\xef\xbb\xbf \t\r\n")
	b = bytes.TrimRight(b, "\x00 \t\r\n")
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = xmlCharset
	root := &xnode{}
	stack := []*xnode{root}
	nodes := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errors.New(xmpWellFormed + err.Error())
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			if nodes++; nodes > maxXMPNodes || len(stack) > maxXMPDepth {
				return nil, fmt.Errorf("XMP packet is too large or too deeply nested")
			}
			n := &xnode{name: tok.Name, lang: top.lang, attrs: tok.Attr}
			if l, ok := attr(n, nsXML, "lang"); ok {
				n.lang = strings.TrimSpace(l)
			}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			top.text, top.buf = string(top.buf), nil
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.buf = append(top.buf, tok...)
		}
	}
	if len(stack) != 1 {
		return nil, errors.New(xmpWellFormed + "it ends inside an element")
	}
	return root, nil
}

// xmlCharset accepts the single-byte encodings an XML declaration may name.
func xmlCharset(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "latin1", "latin-1":
		return charmap.ISO8859_1.NewDecoder().Reader(r), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	case "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported", label)
}

func attr(n *xnode, space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xnode) is(space, local string) bool {
	return n.name.Space == space && n.name.Local == local
}

func (n *xnode) kid(space, local string) *xnode {
	for _, k := range n.kids {
		if k.is(space, local) {
			return k
		}
	}
	return nil
}

// descriptions returns every rdf:Description (or typed node) under the
// rdf:RDF elements of the packet, in document order.
func descriptions(n *xnode) []*xnode {
	var out []*xnode
	for _, k := range n.kids {
		if k.is(nsRDF, "RDF") {
			out = append(out, k.kids...)
		} else {
			out = append(out, descriptions(k)...)
		}
	}
	return out
}

// fields returns the properties of a description or a struct value: its
// attributes outside the rdf, xml and xmlns namespaces (as leaf nodes),
// then its element children outside rdf.
func fields(n *xnode) []*xnode {
	var out []*xnode
	for _, a := range n.attrs {
		if !syntaxName(a.Name) {
			out = append(out, &xnode{name: a.Name, lang: n.lang, text: a.Value})
		}
	}
	for _, k := range n.kids {
		if k.name.Space != nsRDF {
			out = append(out, k)
		}
	}
	return out
}

func syntaxName(n xml.Name) bool {
	switch n.Space {
	case nsRDF, nsXML, "xmlns", "":
		return true
	}
	return false
}

// structFields returns the fields of a struct value written as
// rdf:parseType="Resource", as a nested rdf:Description, or as attributes.
func structFields(n *xnode) []*xnode {
	if d := n.kid(nsRDF, "Description"); d != nil {
		return fields(d)
	}
	return fields(n)
}

// items returns the rdf:li of an rdf:Alt, rdf:Bag or rdf:Seq value, or the
// node itself when it holds a single value.
func items(n *xnode) []*xnode {
	for _, k := range n.kids {
		if k.name.Space == nsRDF && (k.name.Local == "Alt" || k.name.Local == "Bag" || k.name.Local == "Seq") {
			var lis []*xnode
			for _, li := range k.kids {
				if li.is(nsRDF, "li") {
					lis = append(lis, li)
				}
			}
			return lis
		}
	}
	return []*xnode{n}
}

// value returns the text of a single value: a literal, an rdf:resource
// URI, or the rdf:value of a qualified value.
func value(n *xnode) string {
	if v := n.kid(nsRDF, "value"); v != nil {
		return v.text
	}
	if r, ok := attr(n, nsRDF, "resource"); ok {
		return r
	}
	if len(n.kids) > 0 {
		return ""
	}
	return n.text
}
