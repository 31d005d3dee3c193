package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadBounded is the bounded load test `make test` runs: 16
// contributors in 4 organisations upload 5 distinct photos each (half
// multipart, half tus) and one small video while 4 curators search and a
// package export runs; then search and listing alone at 8, 16 and 32
// clients. It fails on any error, duplicate or upload not catalogued exactly
// once, an incomplete export, a server log showing lock trouble, a panic or
// a 5xx, and a `quangba check` that does not pass. `make soak` runs the full
// configuration (go run ./cmd/qbload).
func TestLoadBounded(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	cfg := Config{
		Root: root, Work: work,
		Orgs: 4, Contributors: 16, Photos: 5,
		Videos: 1, VideoWidth: 640, VideoHeight: 360, VideoSeconds: 4, VideoBitrate: "2M", VideoCache: work,
		PhotoPool: photoPool[1:], // the smaller ones: processing is not what this measures
		Searchers: 4, ExportPhotos: 3,
		SearchClients: []int{8, 16, 32}, SearchDuration: 5 * time.Second,
		DrainTimeout: 3 * time.Minute,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	start := time.Now()
	logf := func(f string, a ...any) {
		t.Logf("%5.1fs "+f, append([]any{time.Since(start).Seconds()}, a...)...)
	}
	rep, err := Run(ctx, cfg, logf)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.Print(&out)
	t.Logf("load test in %s:\n%s", time.Since(start).Round(time.Millisecond), out.String())
	for _, p := range rep.Problems {
		t.Error(p)
	}
	if want := cfg.Contributors*cfg.Photos + cfg.Videos; rep.Catalogued != want {
		t.Errorf("%d uploads catalogued exactly once, want %d", rep.Catalogued, want)
	}
	if rep.ExportStatus != "done" || rep.ExportZip != rep.ExportWant {
		t.Errorf("export %q with %d entries, want done with %d", rep.ExportStatus, rep.ExportZip, rep.ExportWant)
	}
	for op, s := range rep.Storm {
		if s.Errors > 0 {
			t.Errorf("%s: %d errors", op, s.Errors)
		}
	}
	if len(rep.Phases) != len(cfg.SearchClients) {
		t.Errorf("%d search phases ran, want %d", len(rep.Phases), len(cfg.SearchClients))
	}
	for _, p := range rep.Phases {
		if len(p.Ops[OpSearch].Durations) == 0 {
			t.Errorf("search phase with %d clients made no search", p.Clients)
		}
	}
}
