package transcode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/storage"
)

// attempt is one run of one job: its scratch folder and the objects it
// wrote, removed again if it fails.
type attempt struct {
	job     catalog.Job
	dir     string
	written []string
}

// runJob runs j under a renewed lease and records its outcome.
func (s *Service) runJob(ctx context.Context, j catalog.Job, owner string) error {
	dir, err := s.jobDir(j, owner)
	if err != nil {
		return s.fail(ctx, &attempt{job: j}, owner, err)
	}
	defer os.RemoveAll(dir)
	a := &attempt{job: j, dir: dir}
	jctx, cancel := context.WithCancelCause(ctx)
	stop := s.heartbeat(jctx, a, owner, cancel)
	out, err := s.handle(jctx, a)
	stop()
	switch {
	case ctx.Err() != nil: // shutting down: give the job back
		s.removeWritten(a)
		return s.queue.Release(context.WithoutCancel(ctx), j.ID, owner)
	case errors.Is(context.Cause(jctx), catalog.ErrLeaseLost):
		return fmt.Errorf("transcode: job %d: %w", j.ID, catalog.ErrLeaseLost) // its new owner rewrites the same keys
	case err != nil:
		return s.fail(ctx, a, owner, err)
	}
	if err := s.queue.Complete(ctx, j, owner, out); err != nil {
		return fmt.Errorf("transcode: complete job %d: %w", j.ID, err)
	}
	s.log.Info("transcode: done", "job", j.ID, "type", j.Type, "asset", j.AssetID, "files", len(out.Files))
	return nil
}

func (s *Service) handle(ctx context.Context, a *attempt) (Outcome, error) {
	switch a.job.Type {
	case catalog.JobPhoto:
		return s.photoJob(ctx, a)
	case catalog.JobVideo:
		return s.videoJob(ctx, a)
	case catalog.JobCut:
		return s.cutJob(ctx, a)
	case catalog.JobSubs:
		return s.subsJob(ctx, a)
	}
	return Outcome{}, permanent(CodeInternal, fmt.Errorf("unknown job type %q", a.job.Type))
}

// heartbeat renews the lease every third of its length and touches the
// scratch folder (so the sweep leaves it alone); if the lease is lost it
// cancels the job. The returned function stops it.
func (s *Service) heartbeat(ctx context.Context, a *attempt, owner string, cancel context.CancelCauseFunc) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(s.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			now := time.Now()
			os.Chtimes(a.dir, now, now)
			err := s.queue.Extend(ctx, a.job.ID, owner, s.cfg.Lease)
			if errors.Is(err, catalog.ErrLeaseLost) {
				cancel(err)
				return
			}
			if err != nil && ctx.Err() == nil {
				s.log.Warn("transcode: renew lease", "job", a.job.ID, "err", err)
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// fail records a failed attempt and removes what it wrote. On the final
// failure it also removes rendition objects an earlier, killed attempt may
// have left, keeping only those the catalogue records.
func (s *Service) fail(ctx context.Context, a *attempt, owner string, err error) error {
	s.removeWritten(a)
	perm := isPermanent(err)
	msg := failureMessage(err)
	final, ferr := s.queue.Fail(context.WithoutCancel(ctx), a.job.ID, owner, msg, perm, s.backoff(a.job.Attempts))
	if ferr != nil {
		return errors.Join(err, fmt.Errorf("transcode: record failure of job %d: %w", a.job.ID, ferr))
	}
	if final && a.job.AssetID != "" {
		s.removeUnrecorded(context.WithoutCancel(ctx), a.job.AssetID)
	}
	s.log.Warn("transcode: job failed", "job", a.job.ID, "type", a.job.Type, "asset", a.job.AssetID, "final", final, "err", msg)
	return nil
}

// backoff is BackoffBase doubled per earlier attempt, at most BackoffMax.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.cfg.BackoffBase
	for i := 1; i < attempts && d < s.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, s.cfg.BackoffMax)
}

func (s *Service) removeWritten(a *attempt) {
	for _, key := range a.written {
		if err := s.store.Delete(context.Background(), key); err != nil {
			s.log.Warn("transcode: remove partial output", "key", key, "err", err)
		}
	}
	a.written = nil
}

func (s *Service) removeUnrecorded(ctx context.Context, assetID string) {
	files, err := s.cat.Files(ctx, assetID)
	if err != nil {
		return
	}
	keep := map[string]bool{}
	for _, f := range files {
		keep[f.StorageKey] = true
	}
	var orphans []string
	s.store.List(ctx, "renditions/"+assetID+"/", func(info storage.Info) error {
		if !keep[info.Key] {
			orphans = append(orphans, info.Key)
		}
		return nil
	})
	for _, key := range orphans {
		s.store.Delete(ctx, key)
	}
}

// jobDir makes the attempt's scratch folder, named after the job and this
// process so that a later sweep can tell whether its owner is still alive.
func (s *Service) jobDir(j catalog.Job, owner string) (string, error) {
	_, loop, _ := strings.Cut(owner, "/")
	name := fmt.Sprintf("job-%d-pid%d-%s", j.ID, os.Getpid(), dirSafe.ReplaceAllString(loop, "_"))
	dir := filepath.Join(s.cfg.WorkDir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("transcode: scratch folder: %w", err)
	}
	return dir, nil
}

var (
	dirSafe = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
	dirPID  = regexp.MustCompile(`^job-\d+-pid(\d+)-`)
)

// sweepWorkDir removes scratch folders that killed workers left: those of
// a process that no longer exists, and any not touched for three leases (a
// live worker touches its folder on every heartbeat).
func (s *Service) sweepWorkDir() {
	entries, _ := os.ReadDir(s.cfg.WorkDir)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !strings.HasPrefix(e.Name(), "job-") {
			continue
		}
		if time.Since(info.ModTime()) > 3*s.cfg.Lease || ownerGone(e.Name()) {
			os.RemoveAll(filepath.Join(s.cfg.WorkDir, e.Name()))
		}
	}
}

// ownerGone reports whether the process named in a scratch folder's name
// has exited (the work folder is local to this machine).
func ownerGone(name string) bool {
	m := dirPID.FindStringSubmatch(name)
	if m == nil {
		return false
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil || pid == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
