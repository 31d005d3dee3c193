package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/quangba/quangba/ingest"
)

// ingestLine is one --json output line.
type ingestLine struct {
	Path    string     `json:"path"`
	Status  string     `json:"status"` // new, duplicate, refused; with --meta also missing_file, no_row
	AssetID string     `json:"asset_id,omitempty"`
	Row     int        `json:"row,omitempty"` // the sheet line, for missing_file
	Error   *lineError `json:"error,omitempty"`
}

type lineError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEn string `json:"message_en"`
}

func cmdIngest(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("ingest", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file")
	orgName := fl.String("org", "", "owning organisation (default: home_org from the configuration)")
	kind := fl.String("kind", "", "photo, clip or trailer (default: from the content; videos become clips)")
	asJSON := fl.Bool("json", false, "print one JSON object per file on stdout")
	jobs := fl.Int("jobs", 2, "files ingested at once (one hashes while another uploads)")
	meta := fl.String("meta", "", "a CSV sheet (UTF-8) with one row of metadata per file: file,title_vi,title_en,caption_vi,caption_en,keywords_vi,keywords_en,creator,credit,date,location_vi,location_en,themes")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba ingest [--org NAME] [--kind photo|clip|trailer] [--meta SHEET.csv] [--json] [--jobs N] PATH...\n\nAdds files, and folders recursively (hidden files are skipped). With --meta, each\nfile gets the metadata of its row; rows whose file is missing and files without\na row are reported. Exits 1 if any file was refused or a row's file is missing.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	if *orgName == "" {
		*orgName = a.cfg.HomeOrg
	}
	org, err := a.db.EnsureOrg(ctx, *orgName)
	if err != nil {
		return fatal(err)
	}
	files, walkErrs := collect(fl.Args())
	rows, err := readSheet(*meta, files, fl.Args())
	if err != nil {
		return fatal(err)
	}
	r := newReporter(*asJSON, len(files))
	for _, e := range walkErrs {
		r.report(e)
	}
	rows.report(r)
	base := ingest.Request{Kind: *kind, Org: org}
	ingestAll(ctx, a.ingest, rows.request(base), files, max(*jobs, 1), r)
	if ctx.Err() != nil {
		fmt.Fprintln(os.Stderr, "Đã dừng theo yêu cầu / stopped on request")
		r.counts["refused"]++
	}
	return r.finish()
}

// ingestAll ingests files with n workers, reporting each as it finishes.
func ingestAll(ctx context.Context, svc *ingest.Service, req func(path string) ingest.Request, files []string, n int, r *reporter) {
	paths := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range paths {
				res, err := svc.IngestFile(ctx, req(path), path)
				r.report(lineFor(path, res, err))
			}
		}()
	}
	for _, path := range files {
		if ctx.Err() != nil {
			break
		}
		paths <- path
	}
	close(paths)
	wg.Wait()
}

// collect expands folders into the regular files under them, in order,
// skipping hidden names (.DS_Store, AppleDouble "._" files) inside folders.
func collect(paths []string) ([]string, []ingestLine) {
	var files []string
	var bad []ingestLine
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				bad = append(bad, refusedLine(path, &ingest.Error{Code: ingest.CodeBadRequest, Vi: "Không đọc được: " + err.Error(), En: "Cannot read: " + err.Error()}))
				return nil
			}
			hidden := path != p && strings.HasPrefix(d.Name(), ".")
			switch {
			case hidden && d.IsDir():
				return filepath.SkipDir
			case hidden || d.IsDir():
				return nil
			}
			files = append(files, path)
			return nil
		})
		if err != nil {
			bad = append(bad, refusedLine(p, &ingest.Error{Code: ingest.CodeBadRequest, Vi: err.Error(), En: err.Error()}))
		}
	}
	return files, bad
}

func lineFor(path string, res ingest.Result, err error) ingestLine {
	if err != nil {
		return refusedLine(path, ingest.AsError(err))
	}
	status := "new"
	if res.Duplicate {
		status = "duplicate"
	}
	return ingestLine{Path: path, Status: status, AssetID: res.Asset.ID}
}

func refusedLine(path string, e *ingest.Error) ingestLine {
	return ingestLine{Path: path, Status: "refused", Error: &lineError{Code: e.Code, Message: e.Vi, MessageEn: e.En}}
}

// reporter prints per-file results, a progress bar on a terminal, and the
// summary.
type reporter struct {
	mu     sync.Mutex
	json   bool
	out    io.Writer
	bar    *progressbar.ProgressBar
	counts map[string]int
}

func newReporter(asJSON bool, total int) *reporter {
	r := &reporter{json: asJSON, out: os.Stdout, counts: map[string]int{}}
	if term.IsTerminal(int(os.Stderr.Fd())) && total > 1 {
		r.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(),
			progressbar.OptionSetDescription("Đang nhập / ingesting"), progressbar.OptionClearOnFinish())
	}
	return r
}

func (r *reporter) report(l ingestLine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[l.Status]++
	if r.bar != nil {
		r.bar.Clear()
	}
	if r.json {
		json.NewEncoder(r.out).Encode(l)
	} else {
		fmt.Fprintln(r.out, humanLine(l))
	}
	if r.bar != nil && l.Status != "missing_file" && l.Status != "no_row" {
		r.bar.Add(1)
	}
}

func humanLine(l ingestLine) string {
	switch l.Status {
	case "new":
		return fmt.Sprintf("mới / new            %s → %s", l.Path, l.AssetID)
	case "duplicate":
		return fmt.Sprintf("trùng / duplicate    %s → %s", l.Path, l.AssetID)
	case "missing_file":
		return fmt.Sprintf("thiếu tệp / no file  dòng / line %d: %s", l.Row, l.Path)
	case "no_row":
		return fmt.Sprintf("không có dòng / no row in the sheet  %s", l.Path)
	}
	return fmt.Sprintf("từ chối / refused    %s: [%s] %s / %s", l.Path, l.Error.Code, l.Error.Message, l.Error.MessageEn)
}

func (r *reporter) finish() int {
	if r.bar != nil {
		r.bar.Finish()
	}
	fmt.Fprintf(os.Stderr, "Tổng kết / summary: %d mới / new, %d trùng / duplicate, %d từ chối / refused\n",
		r.counts["new"], r.counts["duplicate"], r.counts["refused"])
	if n, m := r.counts["missing_file"], r.counts["no_row"]; n+m > 0 {
		fmt.Fprintf(os.Stderr, "Bảng kê / sheet: %d dòng thiếu tệp / rows without a file, %d tệp không có dòng / files without a row\n", n, m)
	}
	if r.counts["refused"] > 0 || r.counts["missing_file"] > 0 {
		return 1
	}
	return 0
}
