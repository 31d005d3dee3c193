package local

import (
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
)

const defaultContentType = "application/octet-stream"

func contentType(ct string) string {
	if ct == "" {
		return defaultContentType
	}
	return ct
}

// meta is the sidecar of an object. It names the data file it was written
// for (inode, size, modification time), so a sidecar left behind by a Put
// that failed after writing it never applies to another file.
type meta struct {
	ContentType string `json:"contentType"`
	Ino         uint64 `json:"ino"`
	Size        int64  `json:"size"`
	ModTimeNano int64  `json:"mtimeNs"`
}

func metaFor(ct string, fi os.FileInfo) meta {
	return meta{ContentType: ct, Ino: inode(fi), Size: fi.Size(), ModTimeNano: fi.ModTime().UnixNano()}
}

func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}

// writeMeta records ct for the data file fi, or removes the sidecar when ct
// is the default. It runs before the data file is renamed into place.
func (s *Store) writeMeta(key, ct string, fi os.FileInfo) error {
	path := s.metaPath(key)
	if ct == defaultContentType {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return writeErr(err)
		}
		return nil
	}
	b, err := json.Marshal(metaFor(ct, fi))
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.tmpDir, "meta-*")
	if err != nil {
		return writeErr(err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return writeErr(err)
	}
	return nil
}

// readContentType returns the content type recorded for the data file fi,
// or the default if there is none or it belongs to another file.
func (s *Store) readContentType(key string, fi os.FileInfo) string {
	b, err := os.ReadFile(s.metaPath(key))
	if err != nil {
		return defaultContentType
	}
	var m meta
	if json.Unmarshal(b, &m) != nil || m != metaFor(m.ContentType, fi) {
		return defaultContentType
	}
	return m.ContentType
}

// removeEmptyDirs removes dir and its parents while they are empty, up to
// but not including root.
func removeEmptyDirs(root, dir string) {
	for dir != root && len(dir) > len(root) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
