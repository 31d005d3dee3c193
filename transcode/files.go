package transcode

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/storage"
)

// jobAsset loads the job's asset and copies its original into the
// scratch folder.
func (s *Service) jobAsset(ctx context.Context, a *attempt) (catalog.Asset, string, error) {
	asset, err := s.cat.Asset(ctx, a.job.AssetID)
	if err != nil {
		return catalog.Asset{}, "", wrap("asset", err)
	}
	src, err := s.fetchOriginal(ctx, a, asset)
	return asset, src, err
}

// fetchOriginal copies the asset's original into the scratch folder.
func (s *Service) fetchOriginal(ctx context.Context, a *attempt, asset catalog.Asset) (string, error) {
	files, err := s.cat.Files(ctx, asset.ID)
	if err != nil {
		return "", wrap("files of "+asset.ID, err)
	}
	for _, f := range files {
		if f.Role == "original" {
			return s.fetch(ctx, f.StorageKey, filepath.Join(a.dir, "original"))
		}
	}
	return "", permanent(CodeMissing, fmt.Errorf("asset %s has no original", asset.ID))
}

func (s *Service) fetch(ctx context.Context, key, path string) (string, error) {
	r, _, err := s.store.Open(ctx, key)
	if err != nil {
		return "", wrap("open "+key, err)
	}
	defer r.Close()
	f, err := os.Create(path)
	if err != nil {
		return "", wrap("scratch copy", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return "", wrap("read "+key, err)
	}
	return path, wrap("scratch copy", f.Close())
}

// putBytes stores a rendition held in memory.
func (s *Service) putBytes(ctx context.Context, a *attempt, name, ext, mime string, data []byte, w, h int) (catalog.File, error) {
	sum := sha256.Sum256(data)
	return s.put(ctx, a, name, ext, mime, bytes.NewReader(data), int64(len(data)), hex.EncodeToString(sum[:]), w, h)
}

// putFile stores a rendition made on disk.
func (s *Service) putFile(ctx context.Context, a *attempt, name, ext, mime, path string, w, h int) (catalog.File, error) {
	sum, size, err := hashFile(path)
	if err != nil {
		return catalog.File{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return catalog.File{}, wrap("open output", err)
	}
	defer f.Close()
	return s.put(ctx, a, name, ext, mime, f, size, sum, w, h)
}

func (s *Service) put(ctx context.Context, a *attempt, name, ext, mime string, r io.Reader, size int64, sum string, w, h int) (catalog.File, error) {
	key := storage.RenditionKey(a.job.AssetID, name, ext)
	a.written = append(a.written, key) // a failed Put leaves nothing, deleting is harmless
	if _, err := s.store.Put(ctx, key, r, size, storage.PutOptions{ContentType: mime}); err != nil {
		return catalog.File{}, wrap("store "+name, err)
	}
	return catalog.File{Name: name, StorageKey: key, MIME: mime, ByteSize: size, SHA256: sum, Width: w, Height: h}, nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, wrap("hash output", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, wrap("hash output", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func removeAll(dir string) { os.RemoveAll(dir) }
