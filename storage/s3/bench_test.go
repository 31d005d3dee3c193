package s3

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/storagetest"
)

// The benchmarks upload one file of QUANGBA_BENCH_SIZE bytes (default
// 64 MiB; "4GiB", "512M" work too) to a local MinIO, from an *os.File of
// known size: bare minio-go PutObject with its defaults as the reference,
// then our Store.Put. Besides MB/s they report peak-heap-MB, the most Go
// heap seen during the runs (sampled every 2 ms), and maxrss-MB, the peak
// RSS of the whole test process so far (it includes MinIO's client side
// of earlier benchmarks, so compare it only across separate runs).
//
//	go test ./storage/s3 -run '^$' -bench Put -benchtime 3x
//	QUANGBA_BENCH_SIZE=4GiB go test ./storage/s3 -run '^$' -bench Put -benchtime 1x

func BenchmarkPutObjectBare(b *testing.B) {
	benchPut(b, func(b *testing.B, srv *miniotest.Server, f *os.File, size int64) func() error {
		c := rawClient(b, srv)
		const bucket = "bench-bare"
		if err := c.MakeBucket(b.Context(), bucket, minio.MakeBucketOptions{}); err != nil {
			b.Fatal(err)
		}
		return func() error {
			_, err := c.PutObject(b.Context(), bucket, "obj", f, size, minio.PutObjectOptions{})
			return err
		}
	})
}

func BenchmarkStorePut(b *testing.B) {
	benchPut(b, func(b *testing.B, srv *miniotest.Server, f *os.File, size int64) func() error {
		s := newStore(b, srv, Config{Bucket: "bench-store"})
		return func() error {
			_, err := s.Put(b.Context(), "obj", f, size, storage.PutOptions{})
			return err
		}
	})
}

// BenchmarkStorePutStream is Store.Put of the same bytes with size -1 from
// a reader without ReadAt, as for an upload streamed from a client.
func BenchmarkStorePutStream(b *testing.B) {
	benchPut(b, func(b *testing.B, srv *miniotest.Server, f *os.File, size int64) func() error {
		s := newStore(b, srv, Config{Bucket: "bench-stream"})
		return func() error {
			_, err := s.Put(b.Context(), "obj", struct{ io.Reader }{f}, -1, storage.PutOptions{})
			return err
		}
	})
}

// benchPut starts MinIO, writes the file and runs put, which setup returns,
// in a sub-benchmark, so that MinIO and the file are made once.
func benchPut(b *testing.B, setup func(b *testing.B, srv *miniotest.Server, f *os.File, size int64) func() error) {
	size := benchSize(b)
	srv := miniotest.Start(b)
	f := benchFile(b, size)
	put := setup(b, srv, f, size)
	b.Run(sizeName(size), func(b *testing.B) {
		b.SetBytes(size)
		peak := watchHeap()
		for b.Loop() {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				b.Fatal(err)
			}
			if err := put(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(maxRSS())/(1<<20), "maxrss-MB")
	})
}

func benchSize(b *testing.B) int64 {
	v := os.Getenv("QUANGBA_BENCH_SIZE")
	if v == "" {
		return 64 << 20
	}
	n, err := parseSize(v)
	if err != nil {
		b.Fatalf("QUANGBA_BENCH_SIZE=%s: %v", v, err)
	}
	return n
}

// parseSize reads "67108864", "64M", "64MiB", "4G" or "4GiB".
func parseSize(v string) (int64, error) {
	mult := int64(1)
	s := strings.TrimSuffix(strings.ToUpper(v), "IB")
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a positive size such as 67108864, 64MiB or 4GiB")
	}
	return n * mult, nil
}

func sizeName(n int64) string {
	if n%(1<<30) == 0 {
		return fmt.Sprintf("%dGiB", n>>30)
	}
	return fmt.Sprintf("%dMiB", n>>20)
}

// benchFile writes size pseudo-random bytes (incompressible, like video)
// to a temporary file without holding them in memory.
func benchFile(b *testing.B, size int64) *os.File {
	f, err := os.Create(filepath.Join(b.TempDir(), "bench.bin"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	if _, err := io.Copy(f, storagetest.NewReader(42, size)); err != nil {
		b.Fatal(err)
	}
	return f
}

// watchHeap samples the Go heap every 2 ms until the returned function is
// called, which returns the largest sample.
func watchHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10 // KiB on Linux
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"67108864", 64 << 20}, {"64M", 64 << 20}, {"64MiB", 64 << 20}, {"4GiB", 4 << 30}, {"4g", 4 << 30}, {"512k", 512 << 10},
		{"", 0}, {"-1", 0}, {"lots", 0},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
