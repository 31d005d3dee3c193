package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/configs"
)

// tempLeftovers counts temporary files that their own clean-ups remove: spool
// files of ingest (removed when a day old, at the next start of any
// command), partial resumable uploads (removed by serve when abandoned),
// the local store's unfinished writes (removed when an hour old) and job
// work folders (removed when a worker starts).
type tempLeftovers struct {
	Spool          int `json:"spool"` // data_dir/tmp
	SpoolOld       int `json:"spool_older_than_a_day"`
	Uploads        int `json:"uploads"`          // data_dir/uploads
	StoreTemp      int `json:"store_temp"`       // data_dir/blobs/@tmp (local storage only)
	StoreTempStale int `json:"store_temp_stale"` // of which older than an hour
	Work           int `json:"work"`             // data_dir/work
}

type consistencyOutput struct {
	Consistent bool                 `json:"consistent"`
	DataLost   bool                 `json:"data_lost"` // a repair found a file gone for good
	Check      *catalog.CheckReport `json:"check"`
	Repairs    []catalog.Repair     `json:"repairs,omitempty"`
	After      *catalog.CheckReport `json:"after_repair,omitempty"`
	Leftovers  tempLeftovers        `json:"leftovers"`
}

func cmdCheck(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file (default: configs/quangba.yaml if present)")
	repair := fl.Bool("repair", false, "fix what can be fixed, then check again")
	asJSON := fl.Bool("json", false, "print a machine-readable report")
	quick := fl.Bool("quick", false, "compare sizes only; do not read and hash every object")
	orphanAge := fl.Duration("orphan-age", time.Hour, "unreferenced objects younger than this may be uploads in flight: reported, never deleted")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), `Usage: quangba check [--repair] [--json] [--quick] [--config FILE]

Verifies the catalogue against storage: every original, rendition, subtitle
track and finished export exists with its recorded size and SHA-256; every
object under originals/ belongs to an asset; objects under renditions/,
subtitles/ and exports/ belong to something that exists; assets in
processing have a job; SQLite's integrity and foreign key checks pass.

--repair deletes orphan objects older than --orphan-age, queues processing
jobs again (assets without one, renditions missing or damaged), marks assets
whose original is lost as failed and lost exports as failed, then checks
again. It never deletes a catalogue row.

Exit status: 0 consistent (after --repair: consistent once repaired),
1 problems remain or the check could not finish, 2 usage error.`)
		fl.PrintDefaults()
	}
	if err := fl.Parse(reorder(args, "repair", "quick")); err != nil {
		return flagExit(err)
	}
	if fl.NArg() != 0 || *orphanAge <= 0 {
		fmt.Fprintln(os.Stderr, "quangba check: không nhận đối số / takes no arguments")
		fl.Usage()
		return 2
	}
	cfg, err := configs.Load(*config)
	if err != nil {
		return fatal(err)
	}
	// Counted before start-up, which removes the stale ones (as setup does for every command).
	out := consistencyOutput{Leftovers: countLeftovers(cfg.DataDir, cfg.S3.Endpoint == "")}
	a, err := build(ctx, cfg)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	opt := catalog.CheckOptions{Quick: *quick, OrphanAge: *orphanAge}
	if out.Check, err = a.db.Check(ctx, a.store, opt); err != nil {
		return fatal(fmt.Errorf("không kiểm tra xong / the check could not finish: %w", err))
	}
	final := out.Check
	if *repair {
		out.Repairs, err = a.db.Repair(ctx, a.store, out.Check, opt)
		for _, r := range out.Repairs {
			out.DataLost = out.DataLost || r.DataLost
		}
		if err != nil {
			if !*asJSON {
				printConsistency(os.Stdout, out)
			}
			return fatal(fmt.Errorf("sửa chưa xong / the repair stopped: %w", err))
		}
		if out.After, err = a.db.Check(ctx, a.store, opt); err != nil {
			return fatal(fmt.Errorf("không kiểm tra lại được / the check after repair could not finish: %w", err))
		}
		final = out.After
	}
	out.Consistent = final.Consistent()
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		printConsistency(os.Stdout, out)
	}
	if !out.Consistent {
		return 1
	}
	return 0
}

// printConsistency writes the bilingual summary: counts, one line per problem and
// notice, the repairs, and the verdict.
func printConsistency(w io.Writer, out consistencyOutput) {
	printCheckReport(w, "Kiểm tra / check", out.Check)
	if out.Repairs != nil || out.After != nil {
		fmt.Fprintf(w, "Sửa chữa / repairs: %d\n", len(out.Repairs))
		for _, r := range out.Repairs {
			mark := "  ✓"
			if r.DataLost {
				mark = "  ‼"
			}
			fmt.Fprintf(w, "%s %s: %s / %s\n", mark, r.Action, r.VI, r.EN)
		}
		if out.DataLost {
			fmt.Fprintln(w, "‼ CÓ TỆP ĐÃ MẤT: khôi phục từ bản sao lưu (xem docs/OPERATIONS.md) / A FILE WAS LOST: restore it from a backup (see docs/OPERATIONS.md)")
		}
		if out.After != nil {
			printCheckReport(w, "Kiểm tra lại / check after repair", out.After)
		}
	}
	l := out.Leftovers
	fmt.Fprintf(w, "Tệp tạm / temporary files: tạm nhận %d (quá một ngày %d), tải lên dở %d, ghi dở trong kho %d (quá một giờ %d), thư mục xử lý %d / spool %d (older than a day %d), partial uploads %d, unfinished store writes %d (older than an hour %d), job work folders %d\n",
		l.Spool, l.SpoolOld, l.Uploads, l.StoreTemp, l.StoreTempStale, l.Work, l.Spool, l.SpoolOld, l.Uploads, l.StoreTemp, l.StoreTempStale, l.Work)
	if out.Consistent {
		fmt.Fprintln(w, "Kết quả: nhất quán / result: consistent")
	} else {
		fmt.Fprintln(w, "Kết quả: CÓ VẤN ĐỀ / result: PROBLEMS FOUND")
	}
}

func printCheckReport(w io.Writer, title string, r *catalog.CheckReport) {
	hashed := "băm / hashed"
	if r.Quick {
		hashed = "chỉ so kích thước / sizes only"
	}
	fmt.Fprintf(w, "%s: %d tư liệu, %d tệp trong danh mục, %d đối tượng trong kho, %d MB đã băm / %d assets, %d catalogue files, %d stored objects, %d MB hashed (%s)\n",
		title, r.Assets, r.Files, r.Objects, r.BytesHashed>>20, r.Assets, r.Files, r.Objects, r.BytesHashed>>20, hashed)
	problems := r.Problems()
	fmt.Fprintf(w, "Vấn đề / problems: %d, ghi chú / notices: %d\n", problems, len(r.Findings)-problems)
	for _, f := range r.Findings {
		mark := "  ·"
		if f.Problem {
			mark = "  ✗"
		}
		var subject []string
		if f.AssetID != "" {
			subject = append(subject, "asset "+f.AssetID)
		}
		if f.JobID != 0 {
			subject = append(subject, fmt.Sprintf("job %d", f.JobID))
		}
		if f.Key != "" {
			subject = append(subject, f.Key)
		}
		where := ""
		if len(subject) > 0 {
			where = " [" + strings.Join(subject, " ") + "]"
		}
		fmt.Fprintf(w, "%s %s%s: %s / %s\n", mark, f.Kind, where, f.VI, f.EN)
	}
}

func countLeftovers(dataDir string, local bool) tempLeftovers {
	var l tempLeftovers
	now := time.Now()
	count := func(dir string, fn func(os.FileInfo)) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if fi, err := e.Info(); err == nil {
				fn(fi)
			}
		}
	}
	count(filepath.Join(dataDir, "tmp"), func(fi os.FileInfo) {
		l.Spool++
		if now.Sub(fi.ModTime()) > 24*time.Hour {
			l.SpoolOld++
		}
	})
	count(filepath.Join(dataDir, "uploads"), func(os.FileInfo) { l.Uploads++ })
	count(filepath.Join(dataDir, "work"), func(os.FileInfo) { l.Work++ })
	if local {
		count(filepath.Join(dataDir, "blobs", "@tmp"), func(fi os.FileInfo) {
			l.StoreTemp++
			if now.Sub(fi.ModTime()) > time.Hour {
				l.StoreTempStale++
			}
		})
	}
	return l
}
