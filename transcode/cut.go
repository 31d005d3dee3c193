package transcode

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/transcode/video"
)

// MinCut is the shortest trailer that can be cut.
const MinCut = 500 * time.Millisecond

// CutRequest asks for a trailer made from a range of a clip.
type CutRequest struct {
	Source     catalog.Asset
	Start, End time.Duration
	ActorID    int64 // who asks (0 for the command line)
	OrgID      int64 // the organisation asking
}

type cutPayload struct {
	Source  string `json:"source"`
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
}

// CutResult is stored on a finished cut job.
type CutResult struct {
	AssetID   string `json:"asset_id"`
	Duplicate bool   `json:"duplicate,omitempty"` // the same trailer had been cut before
}

// CheckCut reports whether the request can be cut: the source is a clip or
// trailer and the range lies inside it and is at least MinCut long.
func CheckCut(r CutRequest) error {
	if r.Source.Kind != catalog.KindClip && r.Source.Kind != catalog.KindTrailer {
		return fmt.Errorf("%w: asset %s is a %s", ErrNotVideo, r.Source.ID, r.Source.Kind)
	}
	d := r.Source.Duration
	switch {
	case r.Start < 0 || r.End <= r.Start:
		return fmt.Errorf("%w: start %s must be at least 0 and before end %s", ErrBadRange, secs(r.Start), secs(r.End))
	case r.End > d+time.Millisecond:
		return fmt.Errorf("%w: end %s is after the clip's end %s", ErrBadRange, secs(r.End), secs(d))
	case r.End-r.Start < MinCut:
		return fmt.Errorf("%w: %s is shorter than %s", ErrBadRange, secs(r.End-r.Start), secs(MinCut))
	}
	return nil
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

// RequestCut checks the request and queues a cut job; the job's result
// names the new trailer asset.
func (s *Service) RequestCut(ctx context.Context, r CutRequest) (catalog.Job, error) {
	if err := CheckCut(r); err != nil {
		return catalog.Job{}, err
	}
	body, _ := json.Marshal(cutPayload{Source: r.Source.ID, StartMS: r.Start.Milliseconds(), EndMS: r.End.Milliseconds()})
	j := catalog.Job{Type: catalog.JobCut, OrgID: r.OrgID, ActorID: r.ActorID, Payload: body, MaxAttempts: 3}
	if err := s.queue.Enqueue(ctx, &j); err != nil {
		return catalog.Job{}, wrap("queue cut", err)
	}
	return j, nil
}

func (s *Service) cutJob(ctx context.Context, a *attempt) (Outcome, error) {
	var p cutPayload
	if err := json.Unmarshal(a.job.Payload, &p); err != nil {
		return Outcome{}, permanent(CodeInternal, fmt.Errorf("cut payload: %w", err))
	}
	source, err := s.cat.Asset(ctx, p.Source)
	if err != nil {
		return Outcome{}, permanent(CodeMissing, fmt.Errorf("source of cut: %w", err))
	}
	r := CutRequest{Source: source, Start: time.Duration(p.StartMS) * time.Millisecond,
		End: time.Duration(p.EndMS) * time.Millisecond, ActorID: a.job.ActorID, OrgID: a.job.OrgID}
	res, err := s.cut(ctx, a, r)
	return Outcome{Result: res}, err
}

// CutNow cuts at once, without a job (the command line).
func (s *Service) CutNow(ctx context.Context, r CutRequest) (CutResult, error) {
	if err := CheckCut(r); err != nil {
		return CutResult{}, err
	}
	dir, err := s.jobDir(catalog.Job{}, s.owner+"-cut")
	if err != nil {
		return CutResult{}, err
	}
	defer removeAll(dir)
	return s.cut(ctx, &attempt{dir: dir}, r)
}

func (s *Service) cut(ctx context.Context, a *attempt, r CutRequest) (CutResult, error) {
	if err := CheckCut(r); err != nil {
		return CutResult{}, permanent(CodeBadRange, err)
	}
	src, err := s.fetchOriginal(ctx, a, r.Source)
	if err != nil {
		return CutResult{}, err
	}
	dst := filepath.Join(a.dir, "trailer.mp4")
	if err := video.Cut(ctx, src, dst, r.Start, r.End, videoInfo(r.Source), s.cfg.Video); err != nil {
		return CutResult{}, wrap("cut "+r.Source.ID, err)
	}
	c := catalog.Cut{Source: r.Source, Start: r.Start, End: r.End, ActorID: r.ActorID, FileName: trailerName(r)}
	asset, dup, err := s.trailers.AddCut(ctx, dst, c)
	if err != nil {
		return CutResult{}, wrap("add trailer", err)
	}
	return CutResult{AssetID: asset.ID, Duplicate: dup}, nil
}

// trailerName is the display name of a cut: the clip's name and the range.
func trailerName(r CutRequest) string {
	stem := strings.TrimSuffix(r.Source.RawFileName, filepath.Ext(r.Source.RawFileName))
	return fmt.Sprintf("%s (trailer %s–%s).mp4", stem, clock(r.Start), clock(r.End))
}

// clock formats a time in the clip as m:ss.mmm.
func clock(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}
