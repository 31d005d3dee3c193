// Package bundle writes export bundles as a stream: a plain zip, or a BagIt
// bag (RFC 8493) delivered as a zip of the bag folder.
//
// The caller pushes files one at a time with Create; every byte goes straight
// through SHA-256, SHA-512 and the zip writer, so memory does not grow with
// file or bundle size (only a few dozen bytes per file are kept, for the
// manifests). The same sequence of calls with the same Options produces
// byte-identical output.
package bundle

import (
	"archive/zip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Format selects the bundle layout.
type Format string

const (
	// Zip is a plain zip; entries are stored at the paths given to Create.
	Zip Format = "zip"
	// BagIt is an RFC 8493 bag in folder Options.Root, delivered as a zip.
	BagIt Format = "bagit"
)

// Options configure a Writer.
type Options struct {
	Format Format
	// Root is the bag folder name inside the zip (bagit only; required,
	// cleaned with CleanPath and must be a single segment). Ignored for a
	// plain zip, which has no top folder.
	Root string
	// Modified is written on every entry (in UTC) and gives Bagging-Date
	// (in Modified's own location). Required; years 1980–2106.
	Modified time.Time
	// BagInfo are extra bag-info.txt fields, written in order before the
	// Bagging-Date and Payload-Oxum fields that the writer adds itself.
	// Newlines in values are replaced by spaces.
	BagInfo []Field
}

// Field is one bag-info.txt line, "Name: Value".
type Field struct{ Name, Value string }

// Sum describes one payload file written so far. Path is the cleaned path as
// passed to Create (payload-relative, without "data/").
type Sum struct {
	Path           string
	Size           int64
	SHA256, SHA512 string // SHA512 is "" in a plain zip
}

// Writer streams a bundle. It is not safe for concurrent use.
type Writer struct {
	opt    Options
	mod    time.Time
	zw     *zip.Writer
	prefix string // entry-name prefix for payload files ("" or "<Root>/data/")
	cur    *entry
	sums   []Sum
	files  map[string]string // fold key -> clean path of every file
	dirs   map[string]string // fold key -> clean path of every parent folder
	tags   []Sum             // tag files written so far (bagit)
	err    error             // sticky
	closed bool
}

var errClosed = errors.New("bundle: writer is closed")

// New starts a bundle on w. For a bag it writes bagit.txt immediately.
func New(w io.Writer, o Options) (*Writer, error) {
	if o.Modified.IsZero() {
		return nil, errors.New("bundle: Options.Modified is required")
	}
	if y := o.Modified.UTC().Year(); y < 1980 || y > 2106 {
		return nil, fmt.Errorf("bundle: Options.Modified %v is outside 1980–2106", o.Modified)
	}
	bw := &Writer{
		opt:   o,
		mod:   o.Modified.UTC(),
		zw:    zip.NewWriter(w),
		files: map[string]string{},
		dirs:  map[string]string{},
	}
	switch o.Format {
	case Zip:
	case BagIt:
		root, err := CleanPath(o.Root)
		if err != nil {
			return nil, fmt.Errorf("bundle: root %q: %w", o.Root, err)
		}
		if strings.Contains(root, "/") {
			return nil, fmt.Errorf("bundle: root %q: must be a single folder name", o.Root)
		}
		bw.opt.Root = root
		bw.prefix = root + "/data/"
		if _, err := bagInfoFields(o.BagInfo); err != nil {
			return nil, err
		}
		if err := bw.writeTag("bagit.txt", func(w io.Writer) error {
			_, err := io.WriteString(w, bagitTxt)
			return err
		}); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("bundle: unknown format %q", o.Format)
	}
	return bw, nil
}

const bagitTxt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

// Create starts the payload file p and returns a writer for its contents.
// The previous file is finished first. p is cleaned with CleanPath; unclean,
// duplicate (case-insensitively) or file/folder-clashing paths are refused.
// The returned writer is valid until the next Create or Close.
func (w *Writer) Create(p string) (io.Writer, error) {
	if w.closed {
		return nil, errClosed
	}
	if w.err != nil {
		return nil, w.err
	}
	clean, err := CleanPath(p)
	if err != nil {
		return nil, fmt.Errorf("bundle: create %q: %w", p, err)
	}
	if err := w.reserve(clean); err != nil {
		return nil, fmt.Errorf("bundle: create %q: %w", p, err)
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	e, err := w.open(w.prefix+clean, clean)
	if err != nil {
		return nil, w.fail(fmt.Errorf("bundle: create %q: %w", p, err))
	}
	e.payload = true
	w.cur = e
	return e, nil
}

// reserve records clean as a file, refusing duplicates and clashes between a
// file and a folder of the same name, compared case-insensitively.
func (w *Writer) reserve(clean string) error {
	key := foldKey(clean)
	if prev, ok := w.files[key]; ok {
		if prev == clean {
			return errors.New("duplicate path")
		}
		return fmt.Errorf("duplicate path: differs only in case from %q", prev)
	}
	if prev, ok := w.dirs[key]; ok {
		return fmt.Errorf("path clashes with folder %q", prev)
	}
	var parents []string
	for d := path.Dir(clean); d != "."; d = path.Dir(d) {
		dk := foldKey(d)
		if prev, ok := w.files[dk]; ok {
			return fmt.Errorf("folder %q clashes with file %q", d, prev)
		}
		parents = append(parents, d)
	}
	w.files[key] = clean
	for _, d := range parents {
		dk := foldKey(d)
		if _, ok := w.dirs[dk]; !ok {
			w.dirs[dk] = d
		}
	}
	return nil
}

// Sums returns the payload files written so far, in order, including the
// file currently open (with its size and checksums as of now), so a caller
// can call it after the last Write and before Close, e.g. to build a
// manifest.json covering every payload file.
func (w *Writer) Sums() []Sum {
	out := append(make([]Sum, 0, len(w.sums)+1), w.sums...)
	if e := w.cur; e != nil && e.payload && e.err == nil {
		out = append(out, e.sum())
	}
	return out
}

// Close finishes the last file; for a bag it writes bag-info.txt, the
// payload manifests and the tag manifests; then it writes the zip central
// directory. It does not close the underlying io.Writer.
func (w *Writer) Close() error {
	if w.closed {
		return errClosed
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.finish(); err != nil {
		return err
	}
	if w.opt.Format == BagIt {
		if err := w.writeBagTags(); err != nil {
			return w.fail(err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(fmt.Errorf("bundle: close: %w", err))
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

// finish completes the current entry, if any.
func (w *Writer) finish() error {
	e := w.cur
	if e == nil {
		return nil
	}
	w.cur = nil
	e.done = true
	if e.err != nil {
		return w.fail(e.err)
	}
	if e.payload {
		w.sums = append(w.sums, e.sum())
	}
	return nil
}

// open starts a zip entry named name; label is used in error messages.
func (w *Writer) open(name, label string) (*entry, error) {
	fh := &zip.FileHeader{
		Name:     name,
		Method:   methodFor(name),
		Modified: w.mod,
	}
	fh.SetMode(0o644)
	zf, err := w.zw.CreateHeader(fh)
	if err != nil {
		return nil, err
	}
	e := &entry{zf: zf, path: label, h256: sha256.New(), h512: discardHash{}}
	if w.opt.Format == BagIt { // only bags list SHA-512 sums
		e.h512 = sha512.New()
	}
	return e, nil
}

// entry is the io.Writer returned by Create: it streams into the zip entry
// and hashes and counts the same bytes.
type entry struct {
	zf         io.Writer
	path       string
	h256, h512 hash.Hash
	n          int64
	payload    bool
	done       bool
	err        error
}

// Writes at least this long hash SHA-512 on a second goroutine (below it,
// goroutine hand-off costs more than it saves).
const parallelHash = 256 << 10

func (e *entry) Write(p []byte) (int, error) {
	if e.done {
		return 0, fmt.Errorf("bundle: write %q: file already finished", e.path)
	}
	if e.err != nil {
		return 0, e.err
	}
	var n int
	var err error
	if _, none := e.h512.(discardHash); !none && len(p) >= parallelHash {
		// SHA-512 is the slowest stage; run it beside the zip write and
		// SHA-256. Both only read p, and Write returns after both finish.
		// Hashing all of p is only wrong if the zip write fails, and then
		// the entry is dead anyway (sticky error).
		var wg sync.WaitGroup
		wg.Go(func() { e.h512.Write(p) })
		n, err = e.zf.Write(p)
		e.h256.Write(p[:n])
		wg.Wait()
	} else {
		n, err = e.zf.Write(p)
		e.h256.Write(p[:n])
		e.h512.Write(p[:n])
	}
	e.n += int64(n)
	if err != nil {
		e.err = fmt.Errorf("bundle: write %q: %w", e.path, err)
		return n, e.err
	}
	return n, nil
}

// discardHash stands in for SHA-512 in a plain zip, which lists none.
type discardHash struct{}

func (discardHash) Write(p []byte) (int, error) { return len(p), nil }
func (discardHash) Sum(b []byte) []byte         { return b }
func (discardHash) Reset()                      {}
func (discardHash) Size() int                   { return 0 }
func (discardHash) BlockSize() int              { return 1 }

var copyBufs = sync.Pool{New: func() any { return new([1 << 20]byte) }}

// ReadFrom lets io.Copy use 1 MiB chunks (a pooled buffer), large enough
// for the parallel SHA-512 path.
func (e *entry) ReadFrom(r io.Reader) (int64, error) {
	buf := copyBufs.Get().(*[1 << 20]byte)
	defer copyBufs.Put(buf)
	var total int64
	for {
		n, rerr := io.ReadFull(r, buf[:])
		if n > 0 {
			m, err := e.Write(buf[:n])
			total += int64(m)
			if err != nil {
				return total, err
			}
		}
		switch rerr {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return total, nil
		default:
			return total, rerr
		}
	}
}

func (e *entry) sum() Sum {
	return Sum{
		Path:   e.path,
		Size:   e.n,
		SHA256: hex.EncodeToString(e.h256.Sum(nil)),
		SHA512: hex.EncodeToString(e.h512.Sum(nil)),
	}
}

// writeTag writes the tag file <Root>/name with fill and remembers its sums
// for the tag manifests.
func (w *Writer) writeTag(name string, fill func(io.Writer) error) error {
	e, err := w.open(w.opt.Root+"/"+name, name)
	if err != nil {
		return fmt.Errorf("bundle: write %s: %w", name, err)
	}
	if err := fill(e); err != nil {
		if e.err != nil {
			return e.err
		}
		return fmt.Errorf("bundle: write %s: %w", name, err)
	}
	if e.err != nil {
		return e.err
	}
	w.tags = append(w.tags, e.sum())
	return nil
}

func (w *Writer) writeBagTags() error {
	if len(w.sums) == 0 {
		// An empty payload still needs data/ to exist (RFC 8493 §2.1.2).
		fh := &zip.FileHeader{Name: w.prefix, Modified: w.mod}
		fh.SetMode(fs.ModeDir | 0o755)
		if _, err := w.zw.CreateHeader(fh); err != nil {
			return fmt.Errorf("bundle: write data/: %w", err)
		}
	}
	fields, err := bagInfoFields(w.opt.BagInfo)
	if err != nil {
		return err
	}
	var size int64
	for _, s := range w.sums {
		size += s.Size
	}
	fields = append(fields,
		Field{"Bagging-Date", w.opt.Modified.Format("2006-01-02")},
		Field{"Payload-Oxum", strconv.FormatInt(size, 10) + "." + strconv.Itoa(len(w.sums))},
	)
	if err := w.writeTag("bag-info.txt", func(wr io.Writer) error {
		for _, f := range fields {
			if _, err := io.WriteString(wr, f.Name+": "+f.Value+"\n"); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	manifest := func(sums []Sum, pick func(Sum) string, prefix string) func(io.Writer) error {
		return func(wr io.Writer) error {
			for _, s := range sums {
				if _, err := io.WriteString(wr, pick(s)+"  "+encodeManifestPath(prefix+s.Path)+"\n"); err != nil {
					return err
				}
			}
			return nil
		}
	}
	sha256Of := func(s Sum) string { return s.SHA256 }
	sha512Of := func(s Sum) string { return s.SHA512 }
	if err := w.writeTag("manifest-sha256.txt", manifest(w.sums, sha256Of, "data/")); err != nil {
		return err
	}
	if err := w.writeTag("manifest-sha512.txt", manifest(w.sums, sha512Of, "data/")); err != nil {
		return err
	}
	tags := append([]Sum(nil), w.tags...) // bagit.txt, bag-info.txt, manifests
	if err := w.writeTag("tagmanifest-sha256.txt", manifest(tags, sha256Of, "")); err != nil {
		return err
	}
	return w.writeTag("tagmanifest-sha512.txt", manifest(tags, sha512Of, ""))
}

// encodeManifestPath percent-encodes CR, LF and % as RFC 8493 §2.1.3 asks.
func encodeManifestPath(p string) string {
	if !strings.ContainsAny(p, "\r\n%") {
		return p
	}
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(p)
}

// bagInfoFields validates and normalizes the caller's bag-info.txt fields.
func bagInfoFields(in []Field) ([]Field, error) {
	out := make([]Field, 0, len(in)+2)
	for _, f := range in {
		name := norm.NFC.String(f.Name)
		if name == "" || strings.TrimSpace(name) != name || strings.ContainsAny(name, ":") || hasControl(name) {
			return nil, fmt.Errorf("bundle: bag-info label %q: empty, padded, or contains ':' or control characters", f.Name)
		}
		if strings.EqualFold(name, "Bagging-Date") || strings.EqualFold(name, "Payload-Oxum") {
			return nil, fmt.Errorf("bundle: bag-info label %q is written by the bundle writer", f.Name)
		}
		v := strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(norm.NFC.String(f.Value))
		if hasControl(v) {
			return nil, fmt.Errorf("bundle: bag-info %s: value contains control characters", name)
		}
		out = append(out, Field{name, strings.TrimSpace(v)})
	}
	return out, nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// Already-compressed formats are stored; everything else is deflated.
var storedExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".webp": true, ".heic": true, ".heif": true,
	".avif": true, ".gif": true, ".mp4": true, ".mov": true, ".m4v": true, ".webm": true,
	".mkv": true, ".mp3": true, ".m4a": true, ".aac": true, ".zip": true, ".gz": true,
	".7z": true,
}

func methodFor(name string) uint16 {
	if storedExt[strings.ToLower(path.Ext(name))] {
		return zip.Store
	}
	return zip.Deflate
}
