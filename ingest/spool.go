package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quangba/quangba/ingest/probe"
)

// spooled is a file on local disk, hashed and recognised, ready to probe
// and store.
type spooled struct {
	file     *os.File
	size     int64
	sum      string // SHA-256, hex
	format   probe.Format
	warnings []string
	// unchanged reports an error if the file changed since it was hashed
	// (only for files ingested in place).
	unchanged func() error
}

// Ingest reads a file from r (e.g. an HTTP upload), spooling it to a
// temporary file while hashing, then catalogues it. Memory use does not
// grow with the file's size.
func (s *Service) Ingest(ctx context.Context, req Request, r io.Reader) (Result, error) {
	sp, err := s.spool(req, r)
	if err != nil {
		return Result{}, err
	}
	defer sp.remove()
	return s.ingestSpooled(ctx, req, sp)
}

// IngestFile ingests a file on local disk in place, without copying it
// first; req.FileName defaults to the file's base name.
func (s *Service) IngestFile(ctx context.Context, req Request, path string) (Result, error) {
	if req.FileName == "" {
		req.FileName = filepath.Base(path)
	}
	sp, err := s.openInPlace(path, req.FileName)
	if err != nil {
		return Result{}, err
	}
	defer sp.file.Close()
	return s.ingestSpooled(ctx, req, sp)
}

func (s *Service) spool(req Request, r io.Reader) (*spooled, error) {
	head := make([]byte, probe.SniffSize)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, readError(err, s.cfg.MaxVideoBytes)
	}
	head = head[:n]
	format, err := probe.Sniff(head)
	if err != nil {
		return nil, probeError(err)
	}
	limit := s.limitFor(format)
	tmp, err := os.CreateTemp(s.cfg.SpoolDir, "upload-*")
	if diskFull(err) {
		return nil, diskFullError(err)
	}
	if err != nil {
		return nil, refuse(CodeStorage, "Máy chủ không còn chỗ tạm để nhận tệp; vui lòng thử lại sau.",
			"The server has no room to receive the file; please try again later.", err)
	}
	sp := &spooled{file: tmp, format: format, unchanged: func() error { return nil }}
	if err := sp.fill(head, r, limit, string(format.Class)); err != nil {
		sp.remove()
		return nil, err
	}
	sp.warnings = extensionWarning(req.FileName, format)
	return sp, nil
}

// fill writes head and the rest of r to the temp file, hashing as it goes.
func (sp *spooled) fill(head []byte, r io.Reader, limit int64, class string) error {
	h := sha256.New()
	w := markWrites{io.MultiWriter(sp.file, h)}
	if _, err := w.Write(head); err != nil {
		return spoolWriteError(err)
	}
	rest := io.LimitReader(r, limit-int64(len(head))+1)
	n, err := io.CopyBuffer(w, readerOnly{rest}, make([]byte, 1<<20))
	var werr *writeErr
	switch {
	case errors.As(err, &werr):
		return spoolWriteError(err)
	case err != nil:
		return readError(err, limit)
	}
	sp.size = int64(len(head)) + n
	if sp.size > limit {
		return tooLarge(limit, class)
	}
	sp.sum = hex.EncodeToString(h.Sum(nil))
	if _, err := sp.file.Seek(0, io.SeekStart); err != nil {
		return spoolWriteError(err)
	}
	return nil
}

func (sp *spooled) remove() {
	sp.file.Close()
	os.Remove(sp.file.Name())
}

func (s *Service) openInPlace(path, name string) (*spooled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, refuse(CodeBadRequest, "Không mở được tệp: "+err.Error(), "Cannot open the file: "+err.Error(), err)
	}
	sp, err := s.hashInPlace(f, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	return sp, nil
}

func (s *Service) hashInPlace(f *os.File, name string) (*spooled, error) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, refuse(CodeBadRequest, "Không phải tệp thông thường.", "Not a regular file.", err)
	}
	head := make([]byte, min(probe.SniffSize, st.Size()))
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, refuse(CodeBadRequest, "Không đọc được tệp.", "Cannot read the file.", err)
	}
	format, err := probe.Sniff(head)
	if err != nil {
		return nil, probeError(err)
	}
	if limit := s.limitFor(format); st.Size() > limit {
		return nil, tooLarge(limit, string(format.Class))
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, st.Size()), make([]byte, 1<<20)); err != nil {
		return nil, refuse(CodeBadRequest, "Không đọc được tệp.", "Cannot read the file.", err)
	}
	return &spooled{file: f, size: st.Size(), sum: hex.EncodeToString(h.Sum(nil)), format: format,
		warnings: extensionWarning(name, format), unchanged: unchangedSince(f, st.Size(), st.ModTime())}, nil
}

func unchangedSince(f *os.File, size int64, mod time.Time) func() error {
	return func() error {
		st, err := f.Stat()
		if err == nil && st.Size() == size && st.ModTime().Equal(mod) {
			return nil
		}
		return refuse(CodeInterrupted, "Tệp đã thay đổi trong khi đang đọc; hãy thử lại khi tệp đã ghi xong.",
			"The file changed while it was being read; try again once it is completely written.", err)
	}
}

func (s *Service) limitFor(f probe.Format) int64 {
	if f.Class == probe.ClassVideo {
		return s.cfg.MaxVideoBytes
	}
	return s.cfg.MaxPhotoBytes
}

// readerOnly hides WriterTo/ReaderFrom so that read and write errors can be
// told apart; writeErr marks the latter.
type readerOnly struct{ io.Reader }

type writeErr struct{ err error }

type markWrites struct{ w io.Writer }

func (m markWrites) Write(p []byte) (int, error) {
	n, err := m.w.Write(p)
	if err != nil {
		err = &writeErr{err}
	}
	return n, err
}

func (e *writeErr) Error() string { return e.err.Error() }
func (e *writeErr) Unwrap() error { return e.err }

func spoolWriteError(err error) error {
	if diskFull(err) {
		return diskFullError(err)
	}
	return refuse(CodeStorage, "Máy chủ không ghi được tệp tạm (có thể đầy đĩa); vui lòng thử lại sau.",
		"The server could not write the upload to disk (it may be full); please try again later.", err)
}

func readError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit, "video")
	}
	return refuse(CodeInterrupted, "Quá trình tải lên bị gián đoạn; hãy tải lại tệp.",
		"The upload was interrupted; please upload the file again.", err)
}

var extensions = map[string][]string{
	"jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"}, "png": {".png"}, "tiff": {".tif", ".tiff"}, "webp": {".webp"},
	"heic": {".heic", ".heif", ".hif"}, "heif": {".heif", ".heic", ".hif"}, "avif": {".avif"}, "gif": {".gif"},
	"mp4": {".mp4", ".m4v"}, "mov": {".mov", ".qt"}, "mkv": {".mkv"}, "webm": {".webm"},
	"mts": {".mts", ".m2ts", ".ts"}, "avi": {".avi"},
}

// extensionWarning notes a file name whose extension disagrees with the
// content; the content decides.
func extensionWarning(name string, f probe.Format) []string {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" {
		return nil
	}
	for _, e := range extensions[f.Name] {
		if e == ext {
			return nil
		}
	}
	return []string{fmt.Sprintf("file name ends in %s but the content is %s", ext, strings.ToUpper(f.Name))}
}
