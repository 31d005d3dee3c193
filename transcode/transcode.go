// Package transcode runs the durable jobs that turn originals into the
// files people look at and send: photo renditions, video posters, proxies
// and delivery files, and trailer cuts.
package transcode

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/storage"
)

// Catalog is what a worker reads about assets.
type Catalog interface {
	Asset(ctx context.Context, id string) (catalog.Asset, error)
	Files(ctx context.Context, assetID string) ([]catalog.File, error)
}

// Trailers turns a cut file into a new trailer asset (ingest does this).
type Trailers interface {
	// AddCut reports duplicate when the same bytes were already an asset.
	AddCut(ctx context.Context, path string, c catalog.Cut) (a catalog.Asset, duplicate bool, err error)
}

// Service runs transcoding jobs.
type Service struct {
	cfg      Config
	queue    Queue
	cat      Catalog
	store    storage.Store
	trailers Trailers
	subs     *Subtitles
	log      *slog.Logger
	owner    string // this process, in lease owners
}

// New returns a Service; it creates the work folder.
func New(cfg Config, q Queue, cat Catalog, store storage.Store, trailers Trailers, subs *Subtitles, log *slog.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("transcode: work folder %s: %w", cfg.WorkDir, err)
	}
	return &Service{cfg: cfg, queue: q, cat: cat, store: store, trailers: trailers, subs: subs, log: log, owner: processOwner()}, nil
}

// processOwner names this process in job leases: host, pid and a random
// suffix, so a restarted process with a reused pid is a new owner.
func processOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Run works on jobs with cfg.Workers workers until ctx is cancelled. A job
// cut short by the cancellation goes back to the queue.
func (s *Service) Run(ctx context.Context) error {
	s.sweepWorkDir()
	done := make(chan struct{})
	for i := 0; i < s.cfg.Workers; i++ {
		go func(owner string) {
			defer func() { done <- struct{}{} }()
			s.loop(ctx, owner)
		}(fmt.Sprintf("%s/%d", s.owner, i))
	}
	for i := 0; i < s.cfg.Workers; i++ {
		<-done
	}
	return nil
}

// Workers is the number of jobs Run works on at once.
func (s *Service) Workers() int { return s.cfg.Workers }

// RunOnce claims and runs at most one job; it reports whether there was one.
func (s *Service) RunOnce(ctx context.Context) (bool, error) {
	owner := s.owner + "/once"
	j, err := s.queue.Claim(ctx, owner, s.cfg.Lease)
	if errors.Is(err, catalog.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, s.runJob(ctx, j, owner)
}

func (s *Service) loop(ctx context.Context, owner string) {
	for ctx.Err() == nil {
		j, err := s.queue.Claim(ctx, owner, s.cfg.Lease)
		if err != nil {
			if !errors.Is(err, catalog.ErrNotFound) && ctx.Err() == nil {
				s.log.Warn("transcode: claim", "err", err)
			}
			sleep(ctx, s.cfg.Poll)
			continue
		}
		if err := s.runJob(ctx, j, owner); err != nil && ctx.Err() == nil {
			s.log.Warn("transcode: job", "job", j.ID, "type", j.Type, "asset", j.AssetID, "err", err)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
