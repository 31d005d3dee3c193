package main

import (
	"archive/zip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/quangba/quangba/internal/testbin"
)

// Config is one load run.
type Config struct {
	Root string // module root (testdata, ./cmd/quangba)
	Work string // scratch folder: data, MinIO, binary, bundle
	Bin  string // a built quangba; "" builds one into Work
	S3   bool   // MinIO instead of local storage

	Orgs         int // organisations the contributors belong to
	Contributors int // concurrent uploaders
	Photos       int // distinct photos per contributor
	Videos       int // large videos, uploaded by the first contributors alongside their photos
	VideoWidth   int
	VideoHeight  int
	VideoSeconds int
	VideoBitrate string // ffmpeg -b:v, e.g. "30M"
	VideoCache   string // folder the generated video is kept in

	PhotoPool []string // real photos the uploads are made from (default photoPool)

	Searchers    int // curators searching during the upload storm
	ExportPhotos int // approved photos in the package exported during the storm

	SearchClients  []int         // the search-only phase, one run per client count
	SearchDuration time.Duration // of each search-only run
	DrainTimeout   time.Duration // for processing jobs to finish
}

// Report is what a run measured and what its checks found.
type Report struct {
	Config Config

	Storm        map[string]OpStats
	StormWall    time.Duration
	Uploads      int   // uploads attempted in the storm
	UploadBytes  int64 // bytes of successful uploads
	Catalogued   int   // uploads with exactly one asset, found by its sha256
	Assets       int   // rows in the catalogue at the end
	ExportFiles  int   // payload files the export recorded
	ExportZip    int   // entries in the downloaded bundle
	ExportWant   int   // entries it should have
	ExportStatus string
	ExportDuring bool // the export started before the last upload finished
	Drain        time.Duration
	StatusCounts map[string]int

	Phases []Phase

	CheckRan  bool
	CheckExit int
	CheckOut  string

	Problems []string // every verification failure; empty means the run held
}

// Phase is one run of the search-only phase.
type Phase struct {
	Clients int
	Wall    time.Duration
	Ops     map[string]OpStats
}

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

var orgNames = []string{
	"Báo và Phát thanh, Truyền hình Đắk Lắk",
	"Sở VHTTDL Đắk Lắk",
	"Trung tâm Thông tin Xúc tiến Du lịch Đắk Lắk",
	"UBND huyện Lắk",
	"Bảo tàng Đắk Lắk",
	"Vườn quốc gia Yok Đôn",
}

var subjects = []string{
	"Lễ hội cà phê Buôn Ma Thuột",
	"Thác Dray Nur Đắk Lắk",
	"Hồ Lắk buổi sáng",
	"Cồng chiêng Tây Nguyên",
	"Bản Đôn mùa nước",
	"Đồi thông Đắk Nông",
	"Ghềnh Đá Đĩa Phú Yên",
}

// uploadRec is one upload's outcome.
type uploadRec struct {
	Name, SHA256, ID string
	Bytes            int64
	Err              error
}

// Run starts a server, runs the load and checks the outcome. An error means
// the run could not be carried out; failed checks are in Report.Problems.
func Run(ctx context.Context, cfg Config, logf func(string, ...any)) (*Report, error) {
	rep := &Report{Config: cfg, StatusCounts: map[string]int{}}
	if err := os.MkdirAll(cfg.Work, 0o755); err != nil {
		return nil, err
	}
	if cfg.Bin == "" {
		logf("building quangba")
		bin, err := testbin.BuildFrom(ctx, cfg.Root, cfg.Work)
		if err != nil {
			return nil, err
		}
		cfg.Bin = bin
	}
	if len(cfg.PhotoPool) == 0 {
		cfg.PhotoPool = photoPool
	}
	photos, err := loadPhotos(cfg.Root, cfg.PhotoPool)
	if err != nil {
		return nil, err
	}
	big, err := loadPhotos(cfg.Root, []string{exportPhoto})
	if err != nil {
		return nil, err
	}
	var video string
	if cfg.Videos > 0 {
		logf("making the test video")
		if video, err = makeVideo(ctx, cfg.VideoCache, cfg.VideoWidth, cfg.VideoHeight, cfg.VideoSeconds, cfg.VideoBitrate); err != nil {
			return nil, err
		}
	}
	srv, err := newServer(cfg.Bin, cfg.Work, cfg.S3)
	if err != nil {
		return nil, err
	}
	defer srv.close()

	// Users and tokens, before the server starts.
	logf("creating %d contributors and %d curators", cfg.Contributors, max(cfg.Searchers, 1))
	hc := newHTTPClient()
	contributors := make([]*client, cfg.Contributors)
	contribOrg := make([]string, cfg.Contributors)
	for i := range contributors {
		contribOrg[i] = orgNames[i%cfg.Orgs]
		tok, err := srv.token(ctx, contribOrg[i], "contributor", fmt.Sprintf("Phóng viên %02d", i+1))
		if err != nil {
			return nil, err
		}
		contributors[i] = &client{base: srv.URL, token: tok, hc: hc}
	}
	curators := make([]*client, max(cfg.Searchers, 1))
	for i := range curators {
		tok, err := srv.token(ctx, orgNames[1], "curator", fmt.Sprintf("Biên tập viên %d", i+1))
		if err != nil {
			return nil, err
		}
		curators[i] = &client{base: srv.URL, token: tok, hc: hc}
	}
	tok, err := srv.token(ctx, orgNames[1], "contributor", "Nhiếp ảnh gia Sở")
	if err != nil {
		return nil, err
	}
	photographer := &client{base: srv.URL, token: tok, hc: hc}
	cur := curators[0]

	logf("starting quangba serve")
	if err := srv.start(ctx); err != nil {
		return nil, err
	}

	// The package exported during the storm: approved, described photos.
	logf("preparing a package of %d approved photos", cfg.ExportPhotos)
	pkgID, err := preparePackage(ctx, cfg, photographer, cur, big[0])
	if err != nil {
		return nil, fmt.Errorf("prepare the package: %w\n%s", err, testbin.Tail(srv.log.String(), 4000))
	}

	// The storm: contributors upload, curators search, one export runs.
	rec := NewRecorder()
	var (
		mu      sync.Mutex
		records []uploadRec
	)
	add := func(r uploadRec) {
		mu.Lock()
		records = append(records, r)
		mu.Unlock()
	}
	total := cfg.Contributors*cfg.Photos + cfg.Videos
	rep.Uploads = total
	var done atomic.Int64
	var lastUpload atomic.Int64 // unix nanos of the last upload's end
	stopSearch := make(chan struct{})
	var searchWG, uploadWG sync.WaitGroup
	logf("storm: %d contributors × %d photos + %d videos, %d searchers, one export", cfg.Contributors, cfg.Photos, cfg.Videos, cfg.Searchers)
	start := time.Now()
	for i := 0; i < cfg.Searchers; i++ {
		searchWG.Add(1)
		go func() {
			defer searchWG.Done()
			searchLoop(ctx, curators[i%len(curators)], rec, stopSearch, contribOrg, uint64(i))
		}()
	}
	runUpload := func(c *client, u upload, tus bool) {
		op := map[[2]bool]string{{false, false}: OpPhotoMultipart, {false, true}: OpPhotoTus, {true, false}: OpVideoMultipart, {true, true}: OpVideoTus}[[2]bool{u.Kind == "clip", tus}]
		t0 := time.Now()
		var id string
		var err error
		if tus {
			id, err = c.uploadTus(ctx, u)
		} else {
			id, err = c.uploadMultipart(ctx, u)
		}
		rec.Observe(op, time.Since(t0), u.Size, err)
		add(uploadRec{Name: u.Name, SHA256: u.SHA256, ID: id, Bytes: u.Size, Err: err})
		done.Add(1)
		lastUpload.Store(time.Now().UnixNano())
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	for ci := 0; ci < cfg.Contributors; ci++ {
		uploadWG.Add(1)
		go func() {
			defer uploadWG.Done()
			for i := 0; i < cfg.Photos; i++ {
				name := fmt.Sprintf("%s %02d-%02d.jpg", subjects[(ci+i)%len(subjects)], ci+1, i+1)
				u := distinctPhoto(name, photos[(ci+i)%len(photos)], fmt.Sprintf("%s c%02d p%03d", run, ci, i))
				runUpload(contributors[ci], u, (ci+i)%2 == 1)
			}
		}()
	}
	for vi := 0; vi < cfg.Videos; vi++ {
		uploadWG.Add(1)
		go func() {
			defer uploadWG.Done()
			ci := vi % cfg.Contributors
			u, err := distinctVideo(fmt.Sprintf("Lễ hội đường phố Buôn Ma Thuột %d.mp4", vi+1), video, fmt.Sprintf("%s v%d", run, vi))
			if err != nil {
				add(uploadRec{Name: "video", Err: err})
				return
			}
			runUpload(contributors[ci], u, vi%2 == 1)
		}()
	}
	var exportWG sync.WaitGroup
	exportWG.Add(1)
	go func() {
		defer exportWG.Done()
		// Start once the storm is under way.
		for done.Load() < int64(total/10) && time.Since(start) < 3*time.Second {
			time.Sleep(50 * time.Millisecond)
		}
		t0 := time.Now()
		status, files, entries, want, err := runExport(ctx, cur, pkgID, cfg.ExportPhotos, cfg.Work)
		rec.Observe(OpExport, time.Since(t0), 0, err)
		rep.ExportStatus, rep.ExportFiles, rep.ExportZip, rep.ExportWant = status, files, entries, want
		rep.ExportDuring = done.Load() < int64(total)
		if err != nil {
			rep.problem("export: %v", err)
		}
	}()
	uploadWG.Wait()
	exportWG.Wait()
	close(stopSearch)
	searchWG.Wait()
	rep.StormWall = time.Since(start)
	rep.Storm = rec.Snapshot()
	for _, r := range records {
		if r.Err == nil {
			rep.UploadBytes += r.Bytes
		}
	}
	logf("storm done in %s", rep.StormWall.Round(time.Millisecond))

	// Let the workers finish, then check what was catalogued.
	t0 := time.Now()
	if err := drain(ctx, cur, cfg.DrainTimeout); err != nil {
		rep.problem("processing: %v", err)
	}
	rep.Drain = time.Since(t0)
	logf("processing done %s after the storm", rep.Drain.Round(time.Millisecond))
	verify(ctx, rep, records, cur, filepath.Join(srv.data, "catalog.db"), cfg)

	// Search and listing alone.
	for _, n := range cfg.SearchClients {
		logf("search phase: %d clients for %s", n, cfg.SearchDuration)
		prec := NewRecorder()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		t0 := time.Now()
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				searchLoop(ctx, curators[i%len(curators)], prec, stop, contribOrg, uint64(1000+i))
			}()
		}
		time.Sleep(cfg.SearchDuration)
		close(stop)
		wg.Wait()
		ph := Phase{Clients: n, Wall: time.Since(t0), Ops: prec.Snapshot()}
		for op, s := range ph.Ops {
			if s.Errors > 0 {
				rep.problem("search phase %d clients: %s: %d errors, first: %v", n, op, s.Errors, s.FirstErrs)
			}
		}
		rep.Phases = append(rep.Phases, ph)
	}

	// The server's own log must show no lock trouble, panic or 5xx.
	if err := srv.stop(); err != nil {
		rep.problem("%v", err)
	}
	logBad := regexp.MustCompile(`(?i)level=ERROR|database is locked|SQLITE_BUSY|panic|deadlock|status=5\d\d`)
	for _, line := range strings.Split(srv.log.String(), "\n") {
		if logBad.MatchString(line) && !strings.Contains(line, "path=/readyz ") { // 503 while starting is expected
			rep.problem("server log: %s", testbin.Tail(line, 300))
		}
	}
	if len(rep.Problems) > 0 {
		os.WriteFile(filepath.Join(cfg.Work, "server.log"), []byte(srv.log.String()), 0o644)
	}

	// quangba check, when this build has it.
	if exec.Command(srv.bin, "check", "--help").Run() == nil {
		rep.CheckRan = true
		out, err := srv.run(ctx, "check")
		rep.CheckOut = out
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			rep.CheckExit = ee.ExitCode()
			rep.problem("quangba check exited %d: %v", rep.CheckExit, err)
		default:
			rep.CheckExit = -1
			rep.problem("quangba check: %v", err)
		}
	}
	for op, s := range rep.Storm {
		if s.Errors > 0 {
			rep.problem("storm: %s: %d errors, first: %v", op, s.Errors, s.FirstErrs)
		}
	}
	return rep, nil
}

// preparePackage uploads n distinct large photos, waits until they are
// ready, describes and approves them, and packs them for Happy Vietnam.
func preparePackage(ctx context.Context, cfg Config, up, cur *client, base []byte) (string, error) {
	ids := make([]string, cfg.ExportPhotos)
	for i := range ids {
		u := distinctPhoto(fmt.Sprintf("Cà phê Buôn Ma Thuột tuyển chọn %02d.jpg", i+1), base, fmt.Sprintf("export %d %d", time.Now().UnixNano(), i))
		id, err := up.uploadMultipart(ctx, u)
		if err != nil {
			return "", err
		}
		ids[i] = id
	}
	deadline := time.Now().Add(cfg.DrainTimeout)
	for _, id := range ids {
		for {
			var a asset
			if err := cur.getJSON(ctx, "/api/v1/assets/"+id, &a); err != nil {
				return "", err
			}
			if a.Status == "ready" {
				break
			}
			if a.Status != "processing" || time.Now().After(deadline) {
				return "", fmt.Errorf("asset %s is %s", id, a.Status)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	for i, id := range ids {
		edit := map[string]any{
			"title":   map[string]string{"vi": fmt.Sprintf("Mùa cà phê Buôn Ma Thuột số %d", i+1), "en": fmt.Sprintf("Buon Ma Thuot coffee season no. %d", i+1)},
			"caption": map[string]string{"vi": "Thu hoạch cà phê ở Đắk Lắk", "en": "Coffee harvest in Dak Lak"},
			"creator": fmt.Sprintf("Nhiếp ảnh gia %d", i/5+1),
			"review":  []string{"title.vi", "title.en", "caption.vi", "caption.en"},
		}
		if err := cur.sendJSON(ctx, http.MethodPatch, "/api/v1/assets/"+id, edit, nil, http.StatusOK); err != nil {
			return "", err
		}
		if err := cur.sendJSON(ctx, http.MethodPost, "/api/v1/assets/"+id+"/review", map[string]string{"decision": "approve"}, nil, http.StatusOK, http.StatusCreated); err != nil {
			return "", err
		}
	}
	var pkg struct {
		ID string `json:"id"`
	}
	if err := cur.sendJSON(ctx, http.MethodPost, "/api/v1/packages", map[string]any{
		"name": map[string]string{"vi": "Gói thử tải", "en": "Load test package"}, "profile": "happyvietnam-2025"}, &pkg, http.StatusCreated); err != nil {
		return "", err
	}
	var added struct {
		Added   []string `json:"added"`
		Refused []any    `json:"refused"`
	}
	if err := cur.sendJSON(ctx, http.MethodPost, "/api/v1/packages/"+pkg.ID+"/assets", map[string]any{"asset_ids": ids}, &added, http.StatusOK, http.StatusCreated); err != nil {
		return "", err
	}
	if len(added.Added) != len(ids) || len(added.Refused) > 0 {
		return "", fmt.Errorf("package: added %d of %d, refused %v", len(added.Added), len(ids), added.Refused)
	}
	var v struct {
		OK       bool  `json:"ok"`
		Errors   int   `json:"errors"`
		Findings []any `json:"findings"`
	}
	if err := cur.getJSON(ctx, "/api/v1/packages/"+pkg.ID+"/validation", &v); err != nil {
		return "", err
	}
	if !v.OK {
		return "", fmt.Errorf("package does not validate: %d errors: %v", v.Errors, v.Findings)
	}
	return pkg.ID, nil
}

// runExport exports the package as a zip, waits for it, downloads the bundle
// and counts its entries: one per photo plus manifest.json and manifest.csv
// (the export's own file count includes both manifests).
func runExport(ctx context.Context, cur *client, pkgID string, photos int, work string) (status string, files, entries, want int, err error) {
	want = photos + 2
	var e struct {
		N      int    `json:"export"`
		Status string `json:"status"`
		Files  int    `json:"files"`
		Error  string `json:"error"`
	}
	if err := cur.sendJSON(ctx, http.MethodPost, "/api/v1/packages/"+pkgID+"/export", map[string]any{"format": "zip", "acknowledge_warnings": true}, &e, http.StatusAccepted); err != nil {
		return "", 0, 0, want, err
	}
	path := fmt.Sprintf("/api/v1/packages/%s/exports/%d", pkgID, e.N)
	deadline := time.Now().Add(10 * time.Minute)
	for e.Status == "running" && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		if err := cur.getJSON(ctx, path+"?info=1", &e); err != nil {
			return "", 0, 0, want, err
		}
	}
	if e.Status != "done" {
		return e.Status, e.Files, 0, want, fmt.Errorf("export %d is %s: %s", e.N, e.Status, e.Error)
	}
	resp, err := fetchBundle(ctx, cur, path)
	if err != nil {
		return e.Status, e.Files, 0, want, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return e.Status, e.Files, 0, want, &httpError{Method: "GET", Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	f, err := os.Create(filepath.Join(work, "bundle.zip"))
	if err != nil {
		return e.Status, e.Files, 0, want, err
	}
	defer f.Close()
	n, err := io.Copy(f, resp.Body)
	if err != nil {
		return e.Status, e.Files, 0, want, err
	}
	zr, err := zip.NewReader(f, n)
	if err != nil {
		return e.Status, e.Files, 0, want, fmt.Errorf("bundle: %w", err)
	}
	jpegs := 0
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, ".jpg") {
			jpegs++
		}
	}
	entries = len(zr.File)
	switch {
	case e.Files != want:
		err = fmt.Errorf("export records %d files, want %d", e.Files, want)
	case entries != want || jpegs != photos:
		err = fmt.Errorf("bundle has %d entries (%d JPEG), want %d (%d JPEG)", entries, jpegs, want, photos)
	}
	return e.Status, e.Files, entries, want, err
}

// fetchBundle asks for the export and follows its 302 to the signed URL
// without the bearer token, as a browser or curl would: the signature is the
// authorisation there, and MinIO refuses a request that carries both ("request
// has multiple authentication types"). Go's client would forward the header,
// since MinIO on loopback has the same host name as the server.
func fetchBundle(ctx context.Context, cur *client, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cur.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+cur.token)
	hc := *cur.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	loc, err := resp.Location()
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || err != nil {
		return nil, fmt.Errorf("GET %s: HTTP %d, want 302 to the bundle (%v)", path, resp.StatusCode, err)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, err
	}
	return cur.hc.Do(req)
}

// searchLoop searches and lists until stop closes.
func searchLoop(ctx context.Context, c *client, rec *Recorder, stop <-chan struct{}, orgs []string, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	queries := []url.Values{
		{"q": {"buon ma thuot"}},
		{"q": {"Buôn Ma Thuột"}},
		{"q": {"ca phe"}, "kind": {"photo"}},
		{"q": {"cà phê"}, "sort": {"uploaded"}},
		{"q": {"dak lak"}, "status": {"processing"}},
		{"q": {"Đắk Lắk"}, "date_field": {"uploaded"}, "from": {"2020-01-01"}},
		{"q": {"cong chieng tay ng"}},
		{"q": {"hồ lắk"}, "orientation": {"landscape"}},
		{"q": {"thac dray"}, "org": {orgs[0]}},
		{"q": {"le hoi"}, "kind": {"clip"}},
		{"kind": {"photo"}, "status": {"ready"}},
		{"incomplete": {"en"}},
		{"q": {"ghenh da dia"}, "sort": {"relevance"}},
	}
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		if rng.IntN(4) == 0 { // a listing, two or three pages deep
			cursor := ""
			for p := 0; p < 3; p++ {
				v := url.Values{"limit": {"50"}}
				if cursor != "" {
					v.Set("cursor", cursor)
				}
				var page searchPage
				t0 := time.Now()
				err := c.getJSON(ctx, "/api/v1/assets?"+v.Encode(), &page)
				rec.Observe(OpList, time.Since(t0), 0, err)
				if err != nil || page.Next == "" {
					break
				}
				cursor = page.Next
			}
			continue
		}
		v := queries[rng.IntN(len(queries))]
		var page searchPage
		t0 := time.Now()
		err := c.getJSON(ctx, "/api/v1/assets?"+v.Encode(), &page)
		if err == nil && page.Facets == nil {
			err = fmt.Errorf("search %s: no facets in the answer", v.Encode())
		}
		rec.Observe(OpSearch, time.Since(t0), 0, err)
	}
}

// drain waits until no job is queued or running, and fails on failed jobs.
func drain(ctx context.Context, cur *client, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		busy := 0
		for _, st := range []string{"queued", "running"} {
			var page struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			if err := cur.getJSON(ctx, "/api/v1/jobs?limit=1&state="+st, &page); err != nil {
				return err
			}
			busy += len(page.Items)
		}
		if busy == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("jobs still queued or running after %s", timeout)
		}
		time.Sleep(250 * time.Millisecond)
	}
	var failed struct {
		Items []struct {
			ID        int64  `json:"id"`
			Type      string `json:"type"`
			AssetID   string `json:"asset_id"`
			LastError any    `json:"last_error"`
		} `json:"items"`
	}
	if err := cur.getJSON(ctx, "/api/v1/jobs?limit=10&state=failed", &failed); err != nil {
		return err
	}
	if len(failed.Items) > 0 {
		return fmt.Errorf("%d+ failed jobs, e.g. %+v", len(failed.Items), failed.Items[0])
	}
	return nil
}

// verify checks that every upload was catalogued exactly once: one asset id
// per upload, ids distinct, GET ?sha256= finds exactly that asset, and the
// catalogue (opened read-only) holds no two assets with the same bytes.
func verify(ctx context.Context, rep *Report, records []uploadRec, cur *client, dbPath string, cfg Config) {
	if len(records) != rep.Uploads {
		rep.problem("%d upload outcomes for %d uploads", len(records), rep.Uploads)
	}
	byID := map[string]string{}
	byHash := map[string]bool{}
	var ok []uploadRec
	for _, r := range records {
		switch {
		case r.Err != nil:
			continue // counted as an error of its operation
		case r.ID == "":
			rep.problem("%s: no asset id", r.Name)
		case byID[r.ID] != "":
			rep.problem("%s and %s got the same asset %s", byID[r.ID], r.Name, r.ID)
		case byHash[r.SHA256]:
			rep.problem("%s: two uploads of the same bytes", r.Name)
		default:
			byID[r.ID], byHash[r.SHA256] = r.Name, true
			ok = append(ok, r)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ch := make(chan uploadRec)
	catalogued := 0
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range ch {
				var page searchPage
				err := cur.getJSON(ctx, "/api/v1/assets?sha256="+r.SHA256, &page)
				mu.Lock()
				switch {
				case err != nil:
					rep.problem("%s: %v", r.Name, err)
				case len(page.Items) != 1 || page.Items[0].ID != r.ID:
					ids := []string{}
					for _, a := range page.Items {
						ids = append(ids, a.ID)
					}
					rep.problem("%s (%s): sha256 finds %v, want exactly [%s]", r.Name, r.SHA256[:12], ids, r.ID)
				default:
					catalogued++
				}
				mu.Unlock()
			}
		}()
	}
	for _, r := range ok {
		ch <- r
	}
	close(ch)
	wg.Wait()
	rep.Catalogued = catalogued

	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		rep.problem("open the catalogue read-only: %v", err)
		return
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM assets`).Scan(&rep.Assets); err != nil {
		rep.problem("count assets: %v", err)
	}
	if want := rep.Uploads + cfg.ExportPhotos; rep.Assets != want {
		rep.problem("the catalogue holds %d assets, want %d (uploads + package photos)", rep.Assets, want)
	}
	rows, err := db.QueryContext(ctx, `SELECT sha256, COUNT(*) FROM assets GROUP BY sha256 HAVING COUNT(*) > 1`)
	if err != nil {
		rep.problem("duplicates query: %v", err)
		return
	}
	for rows.Next() {
		var h string
		var n int
		if rows.Scan(&h, &n) == nil {
			rep.problem("sha256 %s is catalogued %d times", h, n)
		}
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT status, COUNT(*) FROM assets GROUP BY status`)
	if err != nil {
		rep.problem("status query: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if rows.Scan(&s, &n) == nil {
			rep.StatusCounts[s] = n
		}
	}
	if n := rep.StatusCounts["failed"]; n > 0 {
		rep.problem("%d assets failed processing", n)
	}
	if n := rep.StatusCounts["processing"]; n > 0 {
		rep.problem("%d assets still processing after the jobs drained", n)
	}
}

// Print writes the report's tables in Markdown.
func (r *Report) Print(w io.Writer) {
	c := r.Config
	store := "local storage"
	if c.S3 {
		store = "MinIO (S3)"
	}
	fmt.Fprintf(w, "\n### Upload storm, %s, %s\n\n", store, time.Now().Format("2006-01-02"))
	fmt.Fprintf(w, "%d contributors in %d organisations × %d distinct photos (half multipart, half tus) + %d videos (%d×%d, %d s, %.0f MB each); %d curators searching and listing throughout; one Happy Vietnam export of %d approved 12 MP photos (started during the uploads: %v). Wall %.1f s.\n\n",
		c.Contributors, c.Orgs, c.Photos, c.Videos, c.VideoWidth, c.VideoHeight, c.VideoSeconds, r.videoMB(), c.Searchers, c.ExportPhotos, r.ExportDuring, r.StormWall.Seconds())
	printOps(w, r.Storm, r.StormWall)
	ups := 0
	for _, op := range []string{OpPhotoMultipart, OpPhotoTus, OpVideoMultipart, OpVideoTus} {
		ups += len(r.Storm[op].Durations)
	}
	fmt.Fprintf(w, "\nAll uploads: %d in %.1f s = **%.1f uploads/s, %.1f MB/s**; searches and listings: %.1f req/s while uploading.\n",
		ups, r.StormWall.Seconds(), float64(ups)/r.StormWall.Seconds(), float64(r.UploadBytes)/1e6/r.StormWall.Seconds(),
		float64(len(r.Storm[OpSearch].Durations)+len(r.Storm[OpList].Durations))/r.StormWall.Seconds())
	fmt.Fprintf(w, "Processing (renditions) finished %.1f s after the last upload.\n", r.Drain.Seconds())

	fmt.Fprintf(w, "\n### Search and listing alone (%s per run)\n\n", c.SearchDuration)
	fmt.Fprintln(w, "| clients | requests | errors | req/s | search p50 (ms) | search p95 (ms) | search p99 (ms) | listing p50 (ms) | listing p95 (ms) | slowest (ms) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, p := range r.Phases {
		s, l := p.Ops[OpSearch], p.Ops[OpList]
		n := len(s.Durations) + len(l.Durations)
		fmt.Fprintf(w, "| %d | %d | %d | %.0f | %s | %s | %s | %s | %s | %s |\n", p.Clients, n, s.Errors+l.Errors, float64(n)/p.Wall.Seconds(),
			ms(s.Pct(50)), ms(s.Pct(95)), ms(s.Pct(99)), ms(l.Pct(50)), ms(l.Pct(95)), ms(max(s.Pct(100), l.Pct(100))))
	}
	fmt.Fprintln(w, "\nreq/s counts every search and listing page over the run's wall time, from the first request to the end of the last one in flight.")

	fmt.Fprintf(w, "\n### Checks\n\n| check | result |\n|---|---|\n")
	errs := 0
	for _, s := range r.Storm {
		errs += s.Errors
	}
	for _, p := range r.Phases {
		for _, s := range p.Ops {
			errs += s.Errors
		}
	}
	fmt.Fprintf(w, "| errors (every operation) | %d |\n", errs)
	fmt.Fprintf(w, "| uploads catalogued exactly once (own asset id, found by sha256) | %d of %d |\n", r.Catalogued, r.Uploads)
	fmt.Fprintf(w, "| assets in the catalogue (uploads + %d package photos) | %d |\n", c.ExportPhotos, r.Assets)
	var st []string
	for k, v := range r.StatusCounts {
		st = append(st, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(st)
	fmt.Fprintf(w, "| asset status at the end | %s |\n", strings.Join(st, ", "))
	fmt.Fprintf(w, "| export | %s, %d files recorded, bundle %d entries (want %d) |\n", r.ExportStatus, r.ExportFiles, r.ExportZip, r.ExportWant)
	switch {
	case !r.CheckRan:
		fmt.Fprintf(w, "| `quangba check` | not in this build |\n")
	default:
		fmt.Fprintf(w, "| `quangba check` | exit %d |\n", r.CheckExit)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintf(w, "| verdict | **held**: zero errors, zero duplicates, every upload catalogued once |\n")
	} else {
		fmt.Fprintf(w, "| verdict | **%d problems** |\n\nProblems:\n\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "- %s\n", p)
		}
	}
}

func (r *Report) videoMB() float64 {
	for _, op := range []string{OpVideoMultipart, OpVideoTus} {
		if s := r.Storm[op]; len(s.Durations) > 0 {
			return float64(s.Bytes) / 1e6 / float64(len(s.Durations))
		}
	}
	return 0
}
