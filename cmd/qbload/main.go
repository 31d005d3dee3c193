// Command qbload is the load test of issue 9: it starts a real
// `quangba serve` on loopback with a fresh data folder (local storage, or a
// MinIO server with -s3), creates contributors and curators with
// `quangba token create`, and then, all at once, has contributors upload
// distinct photos (half multipart, half tus in 5 MiB chunks) and a few large
// videos while curators search and list and one package export runs. It
// then measures search and listing alone at several client counts, checks
// that there was no error, that every upload was catalogued exactly once
// and that the export's bundle is complete, runs `quangba check`, and prints
// Markdown tables. It exits 1 when a check fails.
//
// `make soak` runs the full configuration (the defaults); a smaller one runs
// in `go test` (load_test.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	var cfg Config
	flag.StringVar(&cfg.Bin, "bin", "", "quangba binary (default: build ./cmd/quangba)")
	flag.BoolVar(&cfg.S3, "s3", false, "store blobs in a MinIO server started for the run")
	flag.IntVar(&cfg.Orgs, "orgs", 4, "organisations")
	flag.IntVar(&cfg.Contributors, "contributors", 16, "concurrent contributors")
	flag.IntVar(&cfg.Photos, "photos", 20, "distinct photos per contributor")
	flag.IntVar(&cfg.Videos, "videos", 3, "large videos uploaded during the storm")
	flag.IntVar(&cfg.VideoWidth, "video-width", 1920, "video width")
	flag.IntVar(&cfg.VideoHeight, "video-height", 1080, "video height")
	flag.IntVar(&cfg.VideoSeconds, "video-seconds", 20, "video duration in seconds")
	flag.StringVar(&cfg.VideoBitrate, "video-bitrate", "32M", "video bitrate (20 s at 32M is about 80 MB)")
	flag.IntVar(&cfg.Searchers, "searchers", 8, "curators searching during the storm")
	flag.IntVar(&cfg.ExportPhotos, "export-photos", 8, "approved photos in the exported package")
	clients := flag.String("search-clients", "8,16,32", "client counts of the search-only phase")
	flag.DurationVar(&cfg.SearchDuration, "search-duration", 20*time.Second, "length of each search-only run")
	flag.DurationVar(&cfg.DrainTimeout, "drain-timeout", 15*time.Minute, "how long processing may take after the storm")
	dir := flag.String("dir", ".bench", "folder for the cached video and the run's scratch data")
	keep := flag.Bool("keep", false, "keep the run's data folder")
	flag.Parse()
	if cfg.Orgs < 1 || cfg.Orgs > len(orgNames) || cfg.Contributors < 1 {
		fmt.Fprintf(os.Stderr, "qbload: -orgs must be 1..%d and -contributors at least 1\n", len(orgNames))
		os.Exit(2)
	}
	for _, s := range strings.Split(*clients, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "qbload: -search-clients: %q\n", s)
			os.Exit(2)
		}
		cfg.SearchClients = append(cfg.SearchClients, n)
	}
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "qbload:", err)
		os.Exit(1)
	}
	cfg.Root = root
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		fmt.Fprintln(os.Stderr, "qbload: run from the module root (testdata and ./cmd/quangba are read from there)")
		os.Exit(2)
	}
	base, _ := filepath.Abs(*dir)
	cfg.VideoCache = base
	cfg.Work = filepath.Join(base, fmt.Sprintf("qbload-%s", time.Now().Format("20060102-150405")))
	if cfg.Bin != "" {
		cfg.Bin, _ = filepath.Abs(cfg.Bin)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logf := func(f string, a ...any) { fmt.Fprintf(os.Stderr, "qbload: "+f+"\n", a...) }
	rep, err := Run(ctx, cfg, logf)
	if err != nil {
		fmt.Fprintln(os.Stderr, "qbload:", err)
		os.Exit(1)
	}
	rep.Print(os.Stdout)
	if len(rep.Problems) > 0 {
		fmt.Fprintf(os.Stderr, "qbload: %d problems; data kept in %s\n", len(rep.Problems), cfg.Work)
		os.Exit(1)
	}
	if !*keep {
		os.RemoveAll(cfg.Work)
	}
}
