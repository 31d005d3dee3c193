package main

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Op names, in report order.
const (
	OpPhotoMultipart = "upload photo, multipart"
	OpPhotoTus       = "upload photo, tus (5 MiB chunks)"
	OpVideoMultipart = "upload video, multipart"
	OpVideoTus       = "upload video, tus (5 MiB chunks)"
	OpSearch         = "search (q, filters, facets)"
	OpList           = "listing page (cursor)"
	OpExport         = "export of the package (start → done)"
)

var opOrder = []string{OpPhotoMultipart, OpPhotoTus, OpVideoMultipart, OpVideoTus, OpSearch, OpList, OpExport}

// Recorder collects latencies and errors per operation type; safe for
// concurrent use.
type Recorder struct {
	mu  sync.Mutex
	ops map[string]*OpStats
}

// OpStats is one operation type's record.
type OpStats struct {
	Durations []time.Duration
	Errors    int
	Bytes     int64
	FirstErrs []string // up to 5
}

func NewRecorder() *Recorder { return &Recorder{ops: map[string]*OpStats{}} }

func (r *Recorder) get(op string) *OpStats {
	s := r.ops[op]
	if s == nil {
		s = &OpStats{}
		r.ops[op] = s
	}
	return s
}

// Observe records one operation: its duration, bytes sent and its error.
func (r *Recorder) Observe(op string, d time.Duration, bytes int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(op)
	if err != nil {
		s.Errors++
		if len(s.FirstErrs) < 5 {
			s.FirstErrs = append(s.FirstErrs, err.Error())
		}
		return
	}
	s.Durations = append(s.Durations, d)
	s.Bytes += bytes
}

// Snapshot copies the record.
func (r *Recorder) Snapshot() map[string]OpStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]OpStats{}
	for k, v := range r.ops {
		c := *v
		c.Durations = append([]time.Duration(nil), v.Durations...)
		c.FirstErrs = append([]string(nil), v.FirstErrs...)
		out[k] = c
	}
	return out
}

// Count is successes plus errors.
func (s OpStats) Count() int { return len(s.Durations) + s.Errors }

// Pct is the p-th percentile (nearest rank) of the successful durations.
func (s OpStats) Pct(p float64) time.Duration {
	if len(s.Durations) == 0 {
		return 0
	}
	d := append([]time.Duration(nil), s.Durations...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(float64(len(d))*p/100+0.999999) - 1
	i = max(0, min(i, len(d)-1))
	return d[i]
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// printOps writes the per-operation table of one phase that lasted wall.
func printOps(w io.Writer, ops map[string]OpStats, wall time.Duration) {
	fmt.Fprintln(w, "| operation | count | errors | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | per second | MB/s |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	sec := wall.Seconds()
	for _, op := range opOrder {
		s, ok := ops[op]
		if !ok {
			continue
		}
		mbs := "—"
		if s.Bytes > 0 {
			mbs = fmt.Sprintf("%.1f", float64(s.Bytes)/1e6/sec)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s | %s | %.1f | %s |\n", op, s.Count(), s.Errors,
			ms(s.Pct(50)), ms(s.Pct(95)), ms(s.Pct(99)), ms(s.Pct(100)), float64(len(s.Durations))/sec, mbs)
	}
}
