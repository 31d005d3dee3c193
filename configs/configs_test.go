package configs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultsFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.yaml")
	os.WriteFile(path, []byte("addr: 0.0.0.0:9000\ningest:\n  max_photo_mb: 50\n  capture_utc_offset: \"-05:30\"\n"), 0o644)
	t.Setenv("QUANGBA_DATA_DIR", "/srv/quangba")
	t.Setenv("QUANGBA_S3_ENDPOINT", "minio:9000")
	t.Setenv("QUANGBA_S3_ACCESS_KEY", "k")
	t.Setenv("QUANGBA_S3_SECRET_KEY", "s")
	t.Setenv("QUANGBA_S3_USE_SSL", "true")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.Ingest.MaxPhotoMB != 50 || c.Ingest.MaxVideoMB != 8192 || c.DataDir != "/srv/quangba" ||
		c.S3.Endpoint != "minio:9000" || !c.S3.UseSSL || c.S3.Bucket != "quangba" {
		t.Errorf("config = %+v", c)
	}
	zone, _ := c.Ingest.CaptureZone()
	if _, off := time.Date(2025, 1, 1, 0, 0, 0, 0, zone).Zone(); off != -(5*3600 + 1800) {
		t.Errorf("capture zone offset %d", off)
	}
}

func TestShippedFileEqualsDefaults(t *testing.T) {
	c, err := Load("quangba.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if !reflect.DeepEqual(c, d) {
		t.Errorf("configs/quangba.yaml differs from the built-in defaults:\n%+v\n%+v", c, d)
	}
}

func TestRefusals(t *testing.T) {
	cases := []struct{ name, yaml, env, want string }{
		{name: "unknown key", yaml: "adr: x\n", want: "field adr not found"},
		{name: "bad yaml", yaml: "addr: [\n", want: "q.yaml"},
		{name: "s3 without keys", env: "QUANGBA_S3_ENDPOINT=minio:9000", want: "access_key"},
		{name: "bad bool", env: "QUANGBA_S3_USE_SSL=yes please", want: "QUANGBA_S3_USE_SSL"},
		{name: "bad number", env: "QUANGBA_MAX_PHOTO_MB=lots", want: "QUANGBA_MAX_PHOTO_MB"},
		{name: "bad offset", yaml: "ingest:\n  capture_utc_offset: Hanoi\n", want: "capture_utc_offset"},
		{name: "bad level", yaml: "log_level: loud\n", want: "log_level"},
		{name: "short lease", env: "QUANGBA_JOB_LEASE=1s", want: "lease"},
		{name: "bad lease", env: "QUANGBA_JOB_LEASE=soon", want: "QUANGBA_JOB_LEASE"},
		{name: "bad workers", env: "QUANGBA_WORKERS=many", want: "QUANGBA_WORKERS"},
		{name: "bad quality", yaml: "transcode:\n  jpeg_quality: 0\n", want: "jpeg_quality"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "q.yaml")
			os.WriteFile(path, []byte(c.yaml), 0o644)
			if k, v, ok := strings.Cut(c.env, "="); ok {
				t.Setenv(k, v)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Load: %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

func TestTranscodeFromFileAndEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.yaml")
	os.WriteFile(path, []byte("transcode:\n  renditions:\n    - {name: web, long_edge: 2400}\n"), 0o644)
	t.Setenv("QUANGBA_WORKERS", "3")
	t.Setenv("QUANGBA_JOB_LEASE", "90s")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tc := c.Transcode
	if tc.Workers != 3 || tc.Lease != 90*time.Second || len(tc.Renditions) != 1 || tc.Renditions[0].LongEdge != 2400 || tc.JPEGQuality != 85 {
		t.Errorf("transcode = %+v", tc)
	}
}
