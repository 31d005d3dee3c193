package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
)

// The search bench fills a catalogue with generated bilingual assets and
// times searches with filters and facets in-process and over HTTP.
const (
	searchAssets  = 100_000
	searchRounds  = 25 // in-process passes over the query mix
	httpClients   = 8
	httpDuration  = 5 * time.Second
	searchP95Goal = 10 * time.Millisecond
	searchRPSGoal = 1000
)

type pair struct{ vi, en string }

// Real names of the province (DOMAIN.md) and what is photographed there.
var (
	benchPlaces = []pair{{"Buôn Ma Thuột", "Buon Ma Thuot"}, {"Gành Đá Đĩa", "Ganh Da Dia"}, {"Hồ Lắk", "Lak Lake"},
		{"Vườn quốc gia Yok Đôn", "Yok Don National Park"}, {"Mũi Điện", "Cape Dien"}, {"Tháp Nhạn", "Nhan Tower"},
		{"thác Dray Nur", "Dray Nur waterfall"}, {"Tuy Hòa", "Tuy Hoa"}, {"Buôn Đôn", "Buon Don"}, {"Vịnh Xuân Đài", "Xuan Dai Bay"},
		{"Đầm Ô Loan", "O Loan Lagoon"}, {"Bãi Xép", "Bai Xep beach"}, {"Hòn Yến", "Hon Yen"}, {"Ea Kar", "Ea Kar"},
		{"Krông Pắc", "Krong Pac"}, {"Cư M'gar", "Cu M'gar"}, {"Sông Cầu", "Song Cau"}, {"Đồng Xuân", "Dong Xuan"},
		{"thác Dray Sáp", "Dray Sap waterfall"}, {"Bảo tàng Thế giới Cà phê", "World Coffee Museum"}, {"Nhà đày Buôn Ma Thuột", "Buon Ma Thuot Prison relic"},
		{"Chùa Sắc tứ Khải Đoan", "Khai Doan Pagoda"}, {"Đập Đồng Cam", "Dong Cam Dam"}, {"Núi Đá Bia", "Da Bia Mountain"}}
	benchSubjects = []pair{{"cồng chiêng", "gong performance"}, {"thu hoạch cà phê", "coffee harvest"}, {"đua voi", "elephant race"},
		{"nhà dài Ê Đê", "Ede longhouse"}, {"người M'nông dệt thổ cẩm", "Mnong brocade weaving"}, {"chợ cá", "fish market"},
		{"hoàng hôn", "sunset"}, {"bình minh", "sunrise"}, {"thuyền thúng", "basket boats"}, {"đồi cà phê", "coffee hills"},
		{"lễ cúng bến nước", "water wharf ceremony"}, {"cột mốc biên giới", "border marker"}, {"tàu cá vươn khơi", "fishing boats heading out"},
		{"rừng khộp", "dipterocarp forest"}, {"nghệ nhân Gia Rai", "Jarai artisans"}, {"sơ chế hạt mắc ca", "processing macadamia"}}
	benchFestivals = []pair{{"Lễ hội Cà phê Buôn Ma Thuột", "Buon Ma Thuot Coffee Festival"}, {"Lễ hội đua voi", "Elephant Racing Festival"},
		{"Lễ hội Cầu ngư", "Whale Worship Festival"}, {"Không gian văn hóa Cồng chiêng Tây Nguyên", "Space of Gong Culture of the Central Highlands"},
		{"Lễ mừng lúa mới", "New Rice Festival"}, {"Lễ hội Hoa cà phê", "Coffee Blossom Festival"}}
	benchOCOP = []pair{{"cà phê", "coffee"}, {"mắc ca", "macadamia"}, {"muối Tuyết Diêm", "Tuyet Diem salt"}, {"cá ngừ đại dương", "ocean tuna"},
		{"nước mắm Gành Đỏ", "Ganh Do fish sauce"}, {"sầu riêng", "durian"}, {"hồ tiêu", "black pepper"}, {"mật ong", "honey"}}
	benchOrgs = []string{"Báo và Phát thanh, Truyền hình Đắk Lắk", "Sở VHTTDL Đắk Lắk", "TTXVN tại Đắk Lắk", "UBND phường Buôn Ma Thuột",
		"UBND xã Ea Kar", "UBND phường Tuy Hòa", "Trung tâm Văn hóa Phú Yên", "Ban quản lý Vườn quốc gia Yok Đôn", "Báo Nhân Dân thường trú",
		"Đài Tiếng nói Việt Nam khu vực Tây Nguyên"}
	benchThemes = []string{"tourism", "tourism/destinations", "tourism/eco", "tourism/sea-islands", "tourism/cuisine", "ocop", "ocop/coffee",
		"ocop/agriculture", "ocop/craft-villages", "heritage", "heritage/relics", "heritage/gong", "heritage/ethnic", "heritage/festivals",
		"border", "border/landmarks", "border/fishing"}
	benchCreators = []string{"Nguyễn Văn An", "Trần Thị Bích", "H'Hen Niê", "Y Khu Êban", "Lê Minh Đức", "Phạm Quốc Huy", "Đặng Thu Hà"}
	benchStatus   = []string{"ready", "ready", "ready", "approved", "approved", "processing", "changes_requested", "rejected"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// benchAsset composes one asset's metadata from the lists.
func benchAsset(r *rand.Rand, i int, orgs []catalog.Org, start time.Time) catalog.SeedAsset {
	place, subj := pick(r, benchPlaces), pick(r, benchSubjects)
	var title, caption pair
	switch r.IntN(3) {
	case 0:
		f := pick(r, benchFestivals)
		title = pair{f.vi + " tại " + place.vi, f.en + " in " + place.en}
		caption = pair{"Du khách xem " + subj.vi + " trong " + f.vi + ", Đắk Lắk", "Visitors watch " + subj.en + " during the " + f.en + ", Dak Lak"}
	case 1:
		p := pick(r, benchOCOP)
		title = pair{"Sản phẩm OCOP " + p.vi + " " + place.vi, "OCOP " + p.en + " from " + place.en}
		caption = pair{"Người dân " + place.vi + " giới thiệu " + p.vi + " và " + subj.vi, "People of " + place.en + " present " + p.en + " and " + subj.en}
	default:
		title = pair{strings.ToUpper(subj.vi[:1]) + subj.vi[1:] + " ở " + place.vi, strings.ToUpper(subj.en[:1]) + subj.en[1:] + " at " + place.en}
		caption = pair{subj.vi + " tại " + place.vi + ", tỉnh Đắk Lắk", subj.en + " at " + place.en + ", Dak Lak province"}
	}
	kind := []string{"photo", "photo", "photo", "photo", "clip", "trailer"}[r.IntN(6)]
	created := start.Add(time.Duration(r.Int64N(int64(730 * 24 * time.Hour))))
	captured := created.Add(-time.Duration(r.Int64N(int64(60 * 24 * time.Hour))))
	w, h := 6000, 4000
	if r.IntN(3) == 0 {
		w, h = h, w
	}
	sa := catalog.SeedAsset{
		Asset: catalog.Asset{Kind: kind, Status: pick(r, benchStatus), OrgID: pick(r, orgs).ID, FileName: fmt.Sprintf("DSC_%05d.jpg", i),
			RawFileName: fmt.Sprintf("DSC_%05d.jpg", i), Format: "jpeg", MIME: "image/jpeg", ByteSize: 8 << 20, SHA256: fmt.Sprintf("%064x", i+1),
			Width: w, Height: h, Orientation: []int{1, 1, 1, 6, 8}[r.IntN(5)], CapturedAt: &captured, CreatedAt: created},
		Texts: map[string]map[string]string{"title": {"vi": title.vi, "en": title.en}, "caption": {"vi": caption.vi, "en": caption.en},
			"sublocation": {"vi": place.vi, "en": place.en}, "province": {"vi": "Đắk Lắk", "en": "Dak Lak"}},
		Keywords: map[string][]string{"vi": {place.vi, subj.vi}, "en": {place.en, subj.en}},
		Creator:  pick(r, benchCreators), Credit: "Sở VHTTDL Đắk Lắk",
		Reviewed: r.IntN(2) == 0,
	}
	if kind != "photo" {
		sa.Asset.Duration = time.Duration(30+r.IntN(240)) * time.Second
		sa.Asset.Rotation = []int{0, 0, 0, 90}[r.IntN(4)]
		sa.Subtitles = [][]string{nil, {"vi"}, {"vi", "en"}}[r.IntN(3)]
	}
	for range r.IntN(3) {
		if t := pick(r, benchThemes); !slices.Contains(sa.Themes, t) {
			sa.Themes = append(sa.Themes, t)
		}
	}
	return sa
}

// benchQueries is the mix: typed words with and without diacritics, with
// filters, as URL query strings (the API's parameters).
var benchQueries = []string{
	"q=buôn+ma+thuột", "q=buon+ma+thuot", "q=gành+đá+đĩa&kind=photo", "q=ganh+da+dia&theme=tourism", "q=cà+phê&sort=captured",
	"q=ca+phe&kind=clip&has_subtitle=en", "q=lễ+hội&theme=heritage", "q=le+hoi+cong+chieng", "q=yok+don&orientation=portrait",
	"q=muối+tuyết", "q=ocop+mac&status=approved", "q=coffee+festival", "q=dak+lak&from=2025-01-01&to=2025-06-30",
	"q=thuyền+thúng&org=Trung+tâm+Văn+hóa+Phú+Yên", "kind=trailer&lacks_subtitle=en", "theme=ocop/coffee&status=ready",
	"", "date_field=captured&from=2025-03-01&to=2025-03-31&sort=captured", "incomplete=en&kind=photo", "q=h%27hen+niê",
}

// benchQuery is the catalogue form of a mix entry (what the API builds).
func benchQuery(raw string, orgs map[string]int64) catalog.SearchQuery {
	v, _ := url.ParseQuery(raw)
	q := catalog.SearchQuery{Text: v.Get("q"), Kind: v.Get("kind"), Status: v.Get("status"), DateField: v.Get("date_field"),
		Orientation: v.Get("orientation"), HasSubtitle: v.Get("has_subtitle"), LacksSubtitle: v.Get("lacks_subtitle"),
		Incomplete: v.Get("incomplete"), Sort: v.Get("sort"), Themes: v["theme"]}
	if o := v.Get("org"); o != "" {
		q.OrgID = orgs[o]
	}
	for _, d := range []struct {
		key string
		dst **time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := v.Get(d.key); s != "" {
			t, _ := time.Parse("2006-01-02", s)
			*d.dst = &t
		}
	}
	return q
}

// searchReuse keeps the filled catalogue under the bench folder between
// runs (filling takes most of a minute); without it each run fills a
// scratch catalogue and removes it.
var searchReuse = flag.Bool("search-reuse", false, "search: keep the filled catalogue in <dir>/search-catalogue and reuse it")

func runSearchBench(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var path string
	if *searchReuse {
		path = filepath.Join(dir, "search-catalogue", "catalog.db")
	} else {
		scratch, err := os.MkdirTemp(dir, "search-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(scratch)
		path = filepath.Join(scratch, "catalog.db")
	}
	db, err := catalog.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	orgIDs, fill, err := fillSearchCatalogue(ctx, db)
	if err != nil {
		return err
	}
	if err := db.WarmSearch(ctx); err != nil { // the fill's search started loading it
		return err
	}
	build, err := timeIndexBuild(ctx, path)
	if err != nil {
		return err
	}
	// Writes come from a second handle, as the worker's would from
	// another process: the searching handle learns of them only through
	// the catalogue file.
	writer, err := catalog.Open(ctx, path)
	if err != nil {
		return err
	}
	defer writer.Close()
	miss, hit, err := timeInProcess(ctx, db, writer, orgIDs)
	if err != nil {
		return err
	}
	if path := os.Getenv("QBBENCH_SEARCH_HTTP_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	rps, httpP95, err := timeHTTP(ctx, db)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	filled := fmt.Sprintf("fill %.1f s", fill.Seconds())
	if fill == 0 {
		filled = "reused"
	}
	fmt.Printf("\n### Search, %d generated assets (%s)\n\n", searchAssets, filled)
	fmt.Println("| what | ours | target | |")
	fmt.Println("|---|---|---|---|")
	for _, r := range []struct {
		name string
		l    latencies
	}{{"first search after a write (by another handle)", miss}, {"repeated (result cache hit)", hit}} {
		fmt.Printf("| in-process, %s, p50 | %.2f ms | — | |\n", r.name, ms(r.l.p50))
		fmt.Printf("| in-process, %s, p95 | %.2f ms | ≤ %.0f ms | %s |\n", r.name, ms(r.l.p95), ms(searchP95Goal), verdict(r.l.p95 <= searchP95Goal))
		fmt.Printf("| in-process, %s, slowest query (median) | %.2f ms | — | `%s` |\n", r.name, ms(r.l.worst), r.l.worstQuery)
	}
	fmt.Printf("| in-memory index: full load at open | %.0f ms | — | %d docs, %d terms, %d postings |\n", ms(build.took), build.stats.Docs,
		build.stats.ExactTerms+build.stats.FoldedTerms, build.stats.Postings)
	fmt.Printf("| in-memory index: Go heap | %.0f MB | — | live heap after load minus before |\n", float64(build.heap)/1e6)
	fmt.Printf("| HTTP, %d clients (no writes: facet cache warm) | %.0f req/s | ≥ %d req/s | %s |\n", httpClients, rps, searchRPSGoal, verdict(rps >= searchRPSGoal))
	fmt.Printf("| HTTP latency p95 at %d clients | %.2f ms | — | |\n", httpClients, ms(httpP95))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func fillSearchCatalogue(ctx context.Context, db *catalog.DB) (map[string]int64, time.Duration, error) {
	start := time.Now()
	orgs := make([]catalog.Org, 0, len(benchOrgs))
	ids := map[string]int64{}
	for _, name := range benchOrgs {
		o, err := db.EnsureOrg(ctx, name)
		if err != nil {
			return nil, 0, err
		}
		orgs, ids[name] = append(orgs, o), o.ID
	}
	if res, err := db.Search(ctx, catalog.SearchQuery{Limit: 1}); err != nil {
		return nil, 0, err
	} else if res.Total >= searchAssets {
		return ids, 0, nil // reused
	}
	r := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]catalog.SeedAsset, 0, searchAssets)
	for i := range searchAssets {
		batch = append(batch, benchAsset(r, i, orgs, from))
	}
	if err := db.Seed(ctx, batch); err != nil {
		return nil, 0, err
	}
	return ids, time.Since(start), nil
}

type latencies struct {
	p50, p95, worst time.Duration
	worstQuery      string
	perQuery        []time.Duration // medians, in the order of benchQueries
}

func summarize(all []time.Duration, perQuery [][]time.Duration) latencies {
	l := latencies{p50: quantile(all, 0.5), p95: quantile(all, 0.95)}
	for i, ds := range perQuery {
		m := quantile(ds, 0.5)
		l.perQuery = append(l.perQuery, m)
		if m > l.worst {
			l.worst, l.worstQuery = m, benchQueries[i]
		}
	}
	return l
}

// timeInProcess times the mix per round: first each query right after a
// write by another handle (a theme set or a title edited and reindexed,
// alternately: the result cache is stale and the in-memory index must apply
// the change), then, after an untimed pass that fills the result cache,
// again with no write between (every query hits the cache). The two are
// reported apart; the writes are not timed.
func timeInProcess(ctx context.Context, db, writer *catalog.DB, orgs map[string]int64) (miss, hit latencies, err error) {
	var allMiss, allHit []time.Duration
	perMiss := make([][]time.Duration, len(benchQueries))
	perHit := make([][]time.Duration, len(benchQueries))
	some, err := db.Search(ctx, catalog.SearchQuery{Limit: 500})
	if err != nil {
		return miss, hit, err
	}
	curator := catalog.Principal{Role: catalog.RoleCurator}
	r := rand.New(rand.NewPCG(3, 4))
	writes := 0
	write := func() error {
		a := some.Assets[r.IntN(len(some.Assets))]
		writes++
		if writes%2 == 0 {
			return writer.SetThemes(ctx, a.ID, []string{pick(r, benchThemes)}, curator)
		}
		place, subj := pick(r, benchPlaces), pick(r, benchSubjects)
		e := catalog.MetaEdit{Texts: map[string]map[string]string{"title": {"vi": subj.vi + " ở " + place.vi, "en": subj.en + " at " + place.en}}}
		_, err := writer.EditMetadata(ctx, a.ID, e, curator, []string{"vi", "en"}, nil)
		return err
	}
	for round := range searchRounds + 1 {
		for pass := range 3 {
			for i, raw := range benchQueries {
				if pass == 0 {
					if err := write(); err != nil {
						return miss, hit, fmt.Errorf("write: %w", err)
					}
				}
				t := time.Now()
				if _, err := db.Search(ctx, benchQuery(raw, orgs)); err != nil {
					return miss, hit, fmt.Errorf("query %q: %w", raw, err)
				}
				if round == 0 || pass == 1 {
					continue // warm-up, filling the cache
				}
				d := time.Since(t)
				if pass == 0 {
					allMiss, perMiss[i] = append(allMiss, d), append(perMiss[i], d)
				} else {
					allHit, perHit[i] = append(allHit, d), append(perHit[i], d)
				}
			}
		}
	}
	miss, hit = summarize(allMiss, perMiss), summarize(allHit, perHit)
	if os.Getenv("QBBENCH_SEARCH_VERBOSE") != "" {
		fmt.Println("| query | after a write (median) | cache hit (median) |")
		fmt.Println("|---|---|---|")
		for i, raw := range benchQueries {
			fmt.Printf("| `%s` | %.2f ms | %.2f ms |\n", raw, ms(miss.perQuery[i]), ms(hit.perQuery[i]))
		}
	}
	return miss, hit, nil
}

type indexBuild struct {
	took  time.Duration
	heap  uint64
	stats catalog.SearchIndexStats
}

// timeIndexBuild opens the catalogue afresh and loads its in-memory search
// index, timing the load and measuring the live heap it adds.
func timeIndexBuild(ctx context.Context, path string) (indexBuild, error) {
	var b indexBuild
	db, err := catalog.Open(ctx, path)
	if err != nil {
		return b, err
	}
	defer db.Close()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	t := time.Now()
	if err := db.WarmSearch(ctx); err != nil {
		return b, err
	}
	b.took = time.Since(t)
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.heap = m.HeapAlloc - min(before, m.HeapAlloc)
	b.stats = db.SearchIndexStats()
	runtime.KeepAlive(db)
	return b, nil
}

func quantile(ds []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// timeHTTP runs the real API server and 8 clients looping over the mix.
func timeHTTP(ctx context.Context, db *catalog.DB) (float64, time.Duration, error) {
	tok, err := db.CreateToken(ctx, "Sở VHTTDL Đắk Lắk", "bench", catalog.RoleCurator)
	if err != nil {
		return 0, 0, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	srv := httptest.NewServer(api.New(api.Config{}, db, nil, nil, nil, nil, quiet).Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: httpClients}}
	get := func(raw string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/assets?"+raw, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var body struct {
			Facets map[string]any `json:"facets"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.Facets == nil {
			return fmt.Errorf("GET %s: status %d, facets %v, %v (is GET /api/v1/assets routed to searchAssets?)", raw, resp.StatusCode, body.Facets != nil, err)
		}
		return nil
	}
	for _, raw := range benchQueries {
		if err := get(raw); err != nil {
			return 0, 0, err
		}
	}
	var done atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	deadline := time.Now().Add(httpDuration)
	var wg sync.WaitGroup
	for c := range httpClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := c; time.Now().Before(deadline); i++ {
				t := time.Now()
				if err := get(benchQueries[i%len(benchQueries)]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
				done.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return 0, 0, firstErr
	}
	return float64(done.Load()) / httpDuration.Seconds(), quantile(lat, 0.95), nil
}
