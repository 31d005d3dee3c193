package main

// The export section builds a catalogue of 200 approved photos and 5 clips
// on a MinIO server, then measures, each in a child process with its own
// peak RSS: the export of the package as a zip and as a bag (storage to
// storage, metadata embedded, hashed, manifests), against a plain
// GetObject → PutObject copy of the same objects.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/s3"
)

const (
	benchPhotos = 200
	benchClips  = 5
)

var exportModes = []struct{ name, what string }{
	{"export-copy", "plain copy: GetObject → PutObject of each object (reference)"},
	{"export-zip", "export as zip, MinIO → MinIO"},
	{"export-bagit", "export as BagIt bag, MinIO → MinIO"},
}

func runExportBench(ctx context.Context, dir, photoSrc string, runs int) error {
	dir, _ = filepath.Abs(dir)
	work := filepath.Join(dir, "export")
	os.RemoveAll(work)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	srv, err := miniotest.Launch(filepath.Join(work, "minio"))
	if err != nil {
		return err
	}
	defer srv.Stop()
	keys := srv.AccessKey + ":" + srv.SecretKey
	clip, err := benchClip(ctx, dir)
	if err != nil {
		return err
	}
	bucket := "export-bench"
	pkgID, total, err := fillExportCatalogue(ctx, work, srv, bucket, photoSrc, clip)
	if err != nil {
		return err
	}
	results := map[string][]measurement{}
	for r := 0; r < runs; r++ {
		for _, m := range exportModes {
			cmd := exec.CommandContext(ctx, os.Args[0], "-child", m.name, "-file", bucket+"/"+pkgID, "-endpoint", srv.Endpoint, "-keys", keys, "-work", work)
			res, err := childMeasure(cmd)
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			results[m.name] = append(results[m.name], res)
		}
	}
	mb := float64(total) / 1e6
	ref := median(results["export-copy"], func(m measurement) float64 { return m.seconds })
	fmt.Printf("\nExport of %d photos and %d clips (%.0f MB) from MinIO, median of %d runs, %s\n\n", benchPhotos, benchClips, mb, runs, time.Now().Format("2006-01-02"))
	fmt.Println("| path | MB/s | × plain copy | peak RSS (MB, max of runs) |")
	fmt.Println("|---|---:|---:|---:|")
	for _, m := range exportModes {
		sec := median(results[m.name], func(m measurement) float64 { return m.seconds })
		rss := 0.0
		for _, r := range results[m.name] {
			rss = max(rss, r.rssMB)
		}
		fmt.Printf("| %s | %.0f | %.2f | %.0f |\n", m.what, mb/sec, ref/sec, rss)
	}
	return nil
}

// benchClip makes (once) a 60 s 1080p H.264/AAC MP4 like a camera's.
func benchClip(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "clip-60s-1080p.mp4")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "60", "-vf", "noise=alls=12:allf=t",
		"-c:v", "libx264", "-preset", "ultrafast", "-b:v", "12M", "-c:a", "aac", "-movflags", "+faststart", path+".tmp.mp4")
	cmd.Stderr = os.Stderr
	fmt.Fprintln(os.Stderr, "qbbench: generating", path)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("generate clip: %w", err)
	}
	return path, os.Rename(path+".tmp.mp4", path)
}

// fillExportCatalogue stores distinct copies of the photo and the clip
// (different trailing bytes, so different hashes) as approved, described
// assets and packs them for Happy Vietnam. It returns the package id and the
// bytes of the objects.
func fillExportCatalogue(ctx context.Context, work string, srv *miniotest.Server, bucket, photoSrc, clip string) (string, int64, error) {
	db, err := catalog.Open(ctx, filepath.Join(work, "catalog.db"))
	if err != nil {
		return "", 0, err
	}
	defer db.Close()
	store, err := s3.New(ctx, s3.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	if err != nil {
		return "", 0, err
	}
	tok, err := db.CreateToken(ctx, "Sở VHTTDL Đắk Lắk", "bench", catalog.RoleCurator)
	if err != nil {
		return "", 0, err
	}
	cur, err := db.Authenticate(ctx, tok.Secret)
	if err != nil {
		return "", 0, err
	}
	photo, err := os.ReadFile(photoSrc)
	if err != nil {
		return "", 0, err
	}
	video, err := os.ReadFile(clip)
	if err != nil {
		return "", 0, err
	}
	var ids []string
	var total int64
	for i := 0; i < benchPhotos+benchClips; i++ {
		a := &catalog.Asset{Kind: catalog.KindPhoto, Status: catalog.StatusReady, OrgID: cur.OrgID, Format: "jpeg", MIME: "image/jpeg",
			Width: 4032, Height: 3024, FileName: fmt.Sprintf("anh-%03d.jpg", i)}
		body := photo
		if i >= benchPhotos {
			a.Kind, a.Format, a.MIME, a.Width, a.Height = catalog.KindClip, "mp4", "video/mp4", 1920, 1080
			a.Duration, a.VideoCodec, a.AudioCodec, a.HasAudio, a.FrameRate = 60*time.Second, "h264", "aac", true, 25
			a.FileName = fmt.Sprintf("clip-%d.mp4", i)
			body = video
		}
		id, n, err := addBenchAsset(ctx, db, store, cur, a, body, i)
		if err != nil {
			return "", 0, err
		}
		ids, total = append(ids, id), total+n
	}
	p := catalog.Package{Profile: "happyvietnam-2025", Name: catalog.Names{VI: "Đo tốc độ xuất", EN: "Export benchmark"}}
	if err := db.CreatePackage(ctx, &p, cur); err != nil {
		return "", 0, err
	}
	if _, refused, err := db.AddToPackage(ctx, p.ID, ids, cur); err != nil || len(refused) > 0 {
		return "", 0, fmt.Errorf("pack: %v %+v", err, refused)
	}
	return p.ID, total, nil
}

func addBenchAsset(ctx context.Context, db *catalog.DB, store storage.Store, cur catalog.Principal, a *catalog.Asset, body []byte, i int) (string, int64, error) {
	data := append(bytes.Clone(body), []byte(fmt.Sprintf("quangba-bench-%06d", i))...)
	if a.Kind == catalog.KindClip { // a trailing free box keeps the MP4 valid
		pad := []byte(fmt.Sprintf("....freebench-%06d", i))
		pad[0], pad[1], pad[2], pad[3] = 0, 0, 0, byte(len(pad))
		data = append(bytes.Clone(body), pad...)
	}
	a.SHA256, a.ByteSize = sha256Hex(data), int64(len(data))
	key := storage.OriginalKey(a.SHA256)
	if _, err := store.Put(ctx, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{ContentType: a.MIME}); err != nil {
		return "", 0, err
	}
	if err := db.InsertAsset(ctx, a, catalog.File{Name: "original", StorageKey: key, MIME: a.MIME, ByteSize: a.ByteSize, SHA256: a.SHA256}); err != nil {
		return "", 0, err
	}
	creator := fmt.Sprintf("Nhiếp ảnh gia %02d", i/10)
	_, err := db.EditMetadata(ctx, a.ID, catalog.MetaEdit{Texts: map[string]map[string]string{
		catalog.FieldTitle:   {"vi": fmt.Sprintf("Buôn Ma Thuột mùa cà phê số %d", i), "en": fmt.Sprintf("Buon Ma Thuot coffee season no. %d", i)},
		catalog.FieldCaption: {"vi": "Thu hoạch cà phê ở Đắk Lắk", "en": "Coffee harvest in Dak Lak"}},
		Creator: &creator, Review: []string{"title.vi", "title.en", "caption.vi", "caption.en"}}, cur, []string{"vi", "en"}, nil)
	if err != nil {
		return "", 0, err
	}
	if _, err := db.Review(ctx, a.ID, catalog.DecisionApprove, "", cur); err != nil {
		return "", 0, err
	}
	return a.ID, a.ByteSize, nil
}

// runExportChild runs one export-* measurement; target is "bucket/package".
func runExportChild(ctx context.Context, mode, target, endpoint, keys, work string) error {
	bucket, pkgID, _ := strings.Cut(target, "/")
	access, secret, _ := strings.Cut(keys, ":")
	start := time.Now()
	var err error
	if mode == "export-copy" {
		err = plainCopy(ctx, endpoint, access, secret, bucket)
	} else {
		err = exportOnce(ctx, strings.TrimPrefix(mode, "export-"), pkgID, endpoint, access, secret, bucket, work)
	}
	if err != nil {
		return err
	}
	return report(start)
}

func plainCopy(ctx context.Context, endpoint, access, secret, bucket string) error {
	c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, "")})
	if err != nil {
		return err
	}
	run := catalog.NewAssetID()
	for obj := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "originals/", Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		r, err := c.GetObject(ctx, bucket, obj.Key, minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		_, err = c.PutObject(ctx, bucket, "copy/"+run+"/"+obj.Key, r, obj.Size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func exportOnce(ctx context.Context, format, pkgID, endpoint, access, secret, bucket, work string) error {
	db, err := catalog.Open(ctx, filepath.Join(work, "catalog.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := s3.New(ctx, s3.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: bucket})
	if err != nil {
		return err
	}
	ps, err := profile.LoadFS(os.DirFS("configs"), "profiles")
	if err != nil {
		return err
	}
	byID := profile.ByID(ps)
	x := &export.Exporter{DB: db, Store: store, Profiles: byID}
	actor := catalog.Principal{Role: catalog.RoleAdmin, UserName: "qbbench"}
	plan, e, err := x.Start(ctx, export.Request{PackageID: pkgID, Format: format, AckAll: true}, actor)
	if err != nil {
		return err
	}
	_, err = x.Build(ctx, plan, e, nil, actor)
	return err
}

// childMeasure runs a child and reads its time and peak RSS.
func childMeasure(cmd *exec.Cmd) (measurement, error) {
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return measurement{}, err
	}
	return parseChild(out)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
