// Package e2e holds the end-to-end test of issue 8: the real quangba
// binary (HTTP server and workers) driven by a real headless Chromium,
// from a contributor's upload to a curator's Happy Vietnam export.
package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"

	"github.com/quangba/quangba/internal/browsertest"
	"github.com/quangba/quangba/internal/testbin"
)

const (
	contributor     = "phongvien"
	contributorPass = "Ca-phe-Buon-Ma-Thuot-2026"
	curator         = "bientap"
	curatorPass     = "Ho-Lak-Dak-Lak-2026"

	titleVI   = "Buôn Ma Thuột mùa cà phê"
	titleEN   = "Buon Ma Thuot coffee season"
	captionVI = "Hái cà phê chín trên đồi ở Buôn Ma Thuột, Đắk Lắk."
	captionEN = "Picking ripe coffee cherries on a hill in Buon Ma Thuot, Dak Lak."
	creator   = "Nguyễn Văn Ê"
	pkgVI     = "Việt Nam hạnh phúc 2025 – Đắk Lắk"
	pkgEN     = "Happy Vietnam 2025 – Dak Lak"
)

// vietnamese matches a letter that only Vietnamese text has.
var vietnamese = regexp.MustCompile(`[ăâđêôơưĂÂĐÊÔƠƯàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]`)

// TestIssue8EndToEnd: a contributor uploads by drag and drop (a refused
// file among them), an interrupted upload resumes, thumbnails appear; a
// curator finds the photo by a title typed without diacritics, completes
// and approves it, and exports a Happy Vietnam package whose zip holds the
// photo and a manifest.
func TestIssue8EndToEnd(t *testing.T) {
	began := time.Now()
	keepShotsOnFailure(t)

	root := moduleRoot(t)
	bin := buildQuangba(t)
	q := newQuangba(t, bin)
	q.run("user", "add", "--org", "Báo Đắk Lắk", "--role", "contributor", "--name", contributor,
		"--display", "Phóng viên Ê", "--password", contributorPass)
	q.run("user", "add", "--org", "Sở VHTTDL Đắk Lắk", "--role", "curator", "--name", curator,
		"--display", "Biên tập viên", "--password", curatorPass)
	q.start()
	t.Logf("server ready after %v", time.Since(began).Round(time.Millisecond))

	// The files: two real photos, a text file named .jpg, and a large
	// photo (5600×4200 of noise, ~25 MB) for the interrupted upload.
	files := t.TempDir()
	bigPhoto := copyFile(t, filepath.Join(root, "testdata/media/images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"),
		filepath.Join(files, "Ảnh gốc 4032.jpg")) // its name must not match the search below
	smallPhoto := copyFile(t, filepath.Join(root, "testdata/media/images/exif_cameras/exiforg_olympus-c960.jpg"),
		filepath.Join(files, "Hồ Lắk.jpg"))
	fake := filepath.Join(files, "không phải ảnh.jpg")
	if err := os.WriteFile(fake, []byte("Đây không phải là ảnh, chỉ là chữ.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(files, "Thác Dray Nur.jpg")
	gen := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
		"nullsrc=s=5600x4200,geq=random(1)*255:random(1)*255:random(1)*255", "-frames:v", "1", "-q:v", "1", huge)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg (large photo): %v\n%s", err, out)
	}
	hugeInfo, err := os.Stat(huge)
	if err != nil {
		t.Fatal(err)
	}
	if hugeInfo.Size() < 15<<20 {
		t.Fatalf("the large photo is only %d bytes", hugeInfo.Size())
	}

	b := browsertest.New(t)
	step := func(name string) {
		t.Logf("%6.1fs  %s", time.Since(began).Seconds(), name)
	}

	// 1. The contributor logs in; the page is in Vietnamese.
	step("1 contributor logs in")
	b.Do("login page", chromedp.Navigate(q.URL+"/"), chromedp.WaitVisible(`form[action="/login"] #login`))
	if lang := browsertest.Get(b, "lang", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "vi" {
		t.Errorf("login page lang = %q, want vi", lang)
	}
	if h := browsertest.Get(b, "login title", chromedp.Text("h1")); h != "Đăng nhập" {
		t.Errorf("login page heading %q, want Đăng nhập", h)
	}
	b.Shot("login")
	login(b, contributor, contributorPass)
	if who := browsertest.Get(b, "who", chromedp.Text(".who-name")); !strings.Contains(who, "Phóng viên Ê") {
		t.Errorf("logged in as %q", who)
	}

	// 2. Three files dropped on the drop zone.
	step("2 drag and drop three files")
	b.Do("upload page", chromedp.Navigate(q.URL+"/upload"), chromedp.WaitVisible("#upload-drop"))
	dropFiles(t, b, bigPhoto, smallPhoto, fake)
	browsertest.Get(b, "dropped files settle", chromedp.Poll[bool](`(() => {
		const rows = document.querySelectorAll('#upload-queue li');
		return rows.length === 3 && Array.from(rows).every(li => li.dataset.state === 'done' || li.dataset.state === 'refused');
	})()`, chromedp.WithPollingTimeout(50*time.Second)))
	rows := uploadRows(b)
	b.Shot("dropped files uploaded")
	photoID := assetIDOf(t, rows, filepath.Base(bigPhoto))
	smallID := assetIDOf(t, rows, filepath.Base(smallPhoto))
	if r := rows[filepath.Base(fake)]; r.State != "refused" || r.Status != "Bị từ chối" || !vietnamese.MatchString(r.Result) {
		t.Errorf("refused file row = %+v, want state refused and a Vietnamese reason", r)
	} else {
		t.Logf("refused with: %s", r.Result)
	}

	// 3. The large upload, throttled, goes offline half-way and resumes.
	step("3 interrupted upload resumes")
	hugeID := interruptedUpload(t, b, q, huge, hugeInfo.Size())

	// 4. Thumbnails appear in the library.
	step("4 thumbnails")
	waitThumbnails(t, b, q, photoID, smallID, hugeID)
	b.Shot("library thumbnails")

	// The contributor gives the big photo its Vietnamese title.
	step("5 contributor sets the Vietnamese title")
	b.Do("asset page", chromedp.Navigate(q.URL+"/assets/"+photoID), chromedp.WaitVisible(`input[name="title.vi"]`))
	typeInto(t, b, `input[name="title.vi"]`, titleVI)
	save(b, "contributor title")
	b.Shot("contributor titled the photo")

	// 5. Log out; the curator finds the photo by "buon ma thuot".
	b.Do("log out", chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible("#login"))
	login(b, curator, curatorPass)
	search(t, b, q, "buon ma thuot", photoID, smallID)
	b.Shot("search without diacritics")

	// 6. Metadata, review marks, approval.
	step("6 curator completes and approves")
	b.Do("open the asset", chromedp.Click(fmt.Sprintf(`.tile[data-id="%s"] a.lib-link`, photoID)),
		chromedp.WaitVisible(`input[name="title.en"]`))
	if v := browsertest.Get(b, "title.vi", chromedp.Value(`input[name="title.vi"]`)); v != titleVI {
		t.Errorf("title.vi on the curator's page = %q", v)
	}
	typeInto(t, b, `input[name="title.en"]`, titleEN)
	typeInto(t, b, `textarea[name="caption.vi"]`, captionVI)
	typeInto(t, b, `textarea[name="caption.en"]`, captionEN)
	typeInto(t, b, `input[name="creator"]`, creator)
	save(b, "metadata")
	for _, f := range []string{"title-vi", "title-en", "caption-vi", "caption-en"} {
		b.Do("tick reviewed "+f, chromedp.WaitEnabled("#rv-f-"+f), chromedp.Click("#rv-f-"+f))
	}
	save(b, "reviewed marks")
	states := browsertest.Get(b, "field states", chromedp.Evaluate[map[string]string](`Object.fromEntries(
		['title-vi','title-en','caption-vi','caption-en'].map(f => [f, document.getElementById('state-f-' + f).className]))`))
	for f, class := range states {
		if !strings.Contains(class, "state-reviewed") {
			t.Errorf("field %s badge %q, want state-reviewed", f, class)
		}
	}
	b.Shot("metadata reviewed")
	b.Do("approve", chromedp.Click(`button[data-decision="approve"]`),
		chromedp.WaitReady(`#asset-status[data-status="approved"]`))
	if s := browsertest.Get(b, "status", chromedp.Text("#asset-status")); s != "Đã duyệt" {
		t.Errorf("status badge %q, want Đã duyệt", s)
	}
	b.Shot("approved")

	// 7. The Happy Vietnam package, its report, its export.
	step("7 package")
	b.Do("packages page", chromedp.Navigate(q.URL+"/packages"), chromedp.WaitVisible("#new-package"))
	typeInto(t, b, "#np-name-vi", pkgVI)
	typeInto(t, b, "#np-name-en", pkgEN)
	b.Do("new package", chromedp.SetValue(`#new-package select[name=profile]`, "happyvietnam-2025"),
		chromedp.Submit("#np-name-vi"), chromedp.WaitVisible("#add-assets"))
	if p := browsertest.Get(b, "profile", chromedp.AttributeValue("#package-profile", "data-profile")); p.Value != "happyvietnam-2025" {
		t.Errorf("package profile %q", p.Value)
	}
	b.Do("add the photo", chromedp.SendKeys("#aa-ids", photoID), chromedp.Submit("#aa-ids"),
		chromedp.WaitReady(fmt.Sprintf(`tr.entry[data-asset="%s"]`, photoID)))
	checkReport(t, b, photoID)
	b.Shot("validation report")
	exportZip(t, b, q, photoID)

	elapsed := time.Since(began)
	t.Logf("the whole scenario took %v", elapsed.Round(time.Millisecond))
	if elapsed > 3*time.Minute {
		t.Errorf("the scenario took %v, over its 3-minute budget", elapsed)
	}
}

// keepShotsOnFailure writes screenshots to a temporary folder and copies
// them to <module>/test-screenshots/ when the test fails. Registered before
// browsertest.New, so it runs after the browser's own failure shot.
func keepShotsOnFailure(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("QUANGBA_SCREENSHOTS", tmp)
	dst := filepath.Join(moduleRoot(t), "test-screenshots")
	t.Cleanup(func() {
		if !t.Failed() && os.Getenv("QUANGBA_KEEP_SCREENSHOTS") == "" { // set it to look at every page
			return
		}
		os.RemoveAll(filepath.Join(dst, t.Name())) // shots of an earlier failed run
		err := filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(tmp, p)
			out := filepath.Join(dst, rel)
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(out, data, 0o644)
		})
		if err != nil {
			t.Logf("copy screenshots: %v", err)
		} else {
			t.Logf("screenshots kept in %s", filepath.Join(dst, t.Name()))
		}
	})
}

func copyFile(t *testing.T, src, dst string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func login(b *browsertest.Browser, name, password string) {
	b.Do("log in as "+name, chromedp.WaitVisible("#login"), chromedp.SendKeys("#login", name),
		chromedp.SendKeys("#password", password), chromedp.Submit("#password"),
		chromedp.WaitNotPresent("#password"), chromedp.WaitVisible(".who-name"))
}

// typeInto replaces a field's text by typing (Vietnamese letters included).
func typeInto(t *testing.T, b *browsertest.Browser, sel, text string) {
	t.Helper()
	// Only the value property is emptied: chromedp.Clear would empty the
	// value attribute too, i.e. defaultValue, which asset.js compares with.
	b.Do("type into "+sel, chromedp.WaitVisible(sel),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ''`, sel)),
		chromedp.SendKeys(sel, text))
	if got := browsertest.Get(b, "value of "+sel, chromedp.Value(sel)); got != text {
		t.Fatalf("typed %q into %s, the field holds %q", text, sel, got)
	}
}

// save submits the asset metadata form and waits for "Đã lưu.".
func save(b *browsertest.Browser, what string) {
	b.Do("save "+what, chromedp.Evaluate[chromedp.Void](`document.getElementById('save-status').textContent = ''`),
		chromedp.Click("#save"))
	browsertest.Get(b, "saved "+what, chromedp.Poll[bool](`(() => { const s = document.getElementById('save-status').textContent;
			if (s !== '' && s !== 'Đang lưu…' && s !== 'Đã lưu.') { throw new Error('save: ' + s); }
			return s === 'Đã lưu.'; })()`, chromedp.WithPollingTimeout(20*time.Second)))
}

// dropFiles drops files on the upload page's drop zone: Chromium cannot
// drag files from the OS, so the files go into a hidden file input of our
// own (DOM.setFileInputFiles) and real drag events carry a DataTransfer
// made from that input's files.
func dropFiles(t *testing.T, b *browsertest.Browser, paths ...string) {
	t.Helper()
	b.Do("hidden input", chromedp.Evaluate[chromedp.Void](`(() => {
		const i = document.createElement('input');
		i.type = 'file'; i.multiple = true; i.hidden = true; i.id = 'e2e-files';
		document.body.appendChild(i);
	})()`), chromedp.SetUploadFiles("#e2e-files", paths, chromedp.NodeReady))
	res := browsertest.Get(b, "drop", chromedp.Evaluate[map[string]any](`(() => {
		const files = document.getElementById('e2e-files').files;
		const dt = new DataTransfer();
		for (const f of files) { dt.items.add(f); }
		const zone = document.getElementById('upload-drop');
		const fire = type => zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
		const enter = fire('dragenter'), over = fire('dragover');
		const dragging = zone.classList.contains('dragging');
		fire('drop');
		document.getElementById('e2e-files').remove();
		return { files: files.length, enterAccepted: !enter, overAccepted: !over, dragging: dragging, after: zone.classList.contains('dragging') };
	})()`))
	if res["files"] != float64(len(paths)) || res["enterAccepted"] != true || res["overAccepted"] != true ||
		res["dragging"] != true || res["after"] != false {
		t.Fatalf("the drop zone did not take the drop: %v", res)
	}
}

type uploadRow struct {
	Name, State, Status, Result, Href string
}

func uploadRows(b *browsertest.Browser) map[string]uploadRow {
	list := browsertest.Get(b, "upload rows", chromedp.Evaluate[[]uploadRow](`Array.from(document.querySelectorAll('#upload-queue li')).map(li => {
		const a = li.querySelector('.upload-result a');
		return { Name: li.dataset.name, State: li.dataset.state, Status: li.querySelector('.upload-status').textContent,
			Result: li.querySelector('.upload-result').textContent, Href: a ? a.getAttribute('href') : '' };
	})`))
	rows := map[string]uploadRow{}
	for _, r := range list {
		rows[norm.NFC.String(r.Name)] = r
	}
	return rows
}

func assetIDOf(t *testing.T, rows map[string]uploadRow, name string) string {
	t.Helper()
	r, ok := rows[norm.NFC.String(name)]
	if !ok || r.State != "done" || !strings.HasPrefix(r.Href, "/assets/") {
		t.Fatalf("row of %s = %+v (all rows: %+v)", name, r, rows)
	}
	return strings.TrimPrefix(r.Href, "/assets/")
}

// interruptedUpload sends path through the upload page with the upload
// throttled to 2 MB/s, takes the browser offline once the server holds part
// of the file, brings it back and checks that tus-js-client resumed from
// the server's offset. It returns the new asset's id.
func interruptedUpload(t *testing.T, b *browsertest.Browser, q *quangba, path string, size int64) string {
	t.Helper()
	type patch struct {
		url    string
		offset string
		seq    int
	}
	var (
		mu      sync.Mutex
		patches []patch
		posts   []string
		seq     int
		markSeq = -1
		failed  int
	)
	evCtx, stopEvents := context.WithCancel(b.Ctx)
	defer stopEvents()
	b.Do("network events", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	}))
	sent := chromedp.Events(evCtx, network.RequestWillBeSent)
	fails := chromedp.Events(evCtx, network.LoadingFailed)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for ev, err := range sent {
			if err != nil {
				return
			}
			if !strings.Contains(ev.Request.URL, "/api/v1/uploads") {
				continue
			}
			mu.Lock()
			seq++
			if strings.HasSuffix(ev.Request.URL, "/e2e-marker") {
				markSeq = seq
			}
			switch ev.Request.Method {
			case "PATCH":
				var off string
				for k, v := range ev.Request.Headers {
					if strings.EqualFold(k, "Upload-Offset") {
						off = fmt.Sprint(v)
					}
				}
				patches = append(patches, patch{ev.Request.URL, off, seq})
			case "POST":
				posts = append(posts, ev.Request.URL)
			}
			mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for _, err := range fails {
			if err != nil {
				return
			}
			mu.Lock()
			failed++
			mu.Unlock()
		}
	}()
	defer func() { stopEvents(); wg.Wait() }()

	cookie := sessionCookie(t, b, q)
	throttle := func(offline bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Offline: offline, UploadThroughput: 2e6, DownloadThroughput: -1}},
			})
			if err != nil {
				return err
			}
			_, err = cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{
				Offline: offline, UploadThroughput: -1, DownloadThroughput: -1})
			return err
		})
	}
	b.Do("throttle to 2 MB/s", throttle(false))
	b.Do("choose the large file", chromedp.SetUploadFiles("#upload-files", []string{path}, chromedp.NodeReady))
	name := norm.NFC.String(filepath.Base(path))
	rowSel := fmt.Sprintf(`#upload-queue li[data-name="%s"]`, filepath.Base(path))
	b.Do("large row", chromedp.WaitReady(rowSel))

	// The upload's id is in the URL of its first PATCH.
	idRE := regexp.MustCompile(`/api/v1/uploads/([0-9a-f]{32})$`)
	var id string
	deadline := time.Now().Add(20 * time.Second)
	for id == "" {
		mu.Lock()
		for _, p := range patches {
			if m := idRE.FindStringSubmatch(p.url); m != nil {
				id = m[1]
			}
		}
		mu.Unlock()
		if id == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no PATCH of the large upload within 20s")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Wait until the server holds at least one chunk, then go offline.
	var before outcome
	deadline = time.Now().Add(30 * time.Second)
	for {
		before = uploadOutcome(t, q, id, cookie)
		if before.Status != "uploading" {
			t.Fatalf("the large upload is %q before it could be interrupted (throttling did not apply?)", before.Status)
		}
		if before.Offset != nil && *before.Offset > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server got no byte of the large upload within 30s: %+v", before)
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Do("go offline", throttle(true))
	b.Shot("offline")
	time.Sleep(4 * time.Second)
	during := uploadOutcome(t, q, id, cookie)
	if during.Status != "uploading" || during.Offset == nil || *during.Offset <= 0 || *during.Offset >= during.Length || during.Length != size {
		t.Fatalf("while offline the server has %+v; want uploading with 0 < offset < %d", during, size)
	}
	row := browsertest.Get(b, "row while offline", chromedp.Evaluate[uploadRow](fmt.Sprintf(`(() => {
		const li = document.querySelector('%s');
		return { Name: li.dataset.name, State: li.dataset.state, Status: li.querySelector('.upload-status').textContent, Result: li.querySelector('.upload-result').textContent };
	})()`, rowSel)))
	if row.State != "uploading" || row.Status != "Mất kết nối, đang thử lại…" {
		t.Errorf("while offline the row is %+v; want uploading and the retrying message", row)
	}
	// A marker request, sent (and failed) while offline, tells the events
	// before going back online from those after, whatever the reader's lag.
	b.Do("marker request", chromedp.Evaluate[chromedp.Void](`fetch('/api/v1/uploads/e2e-marker').catch(() => {}); undefined`))
	mark := -1
	for deadline := time.Now().Add(10 * time.Second); mark < 0; time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		mark = markSeq
		mu.Unlock()
		if mark < 0 && time.Now().After(deadline) {
			t.Fatalf("the marker request was not seen")
		}
	}
	mu.Lock()
	failedOffline := failed
	mu.Unlock()
	if failedOffline == 0 {
		t.Errorf("no request failed while offline: the upload was not interrupted")
	}
	t.Logf("offline at server offset %d of %d bytes (%d%%), row %q", *during.Offset, size, *during.Offset*100/size, row.Status)

	b.Do("back online", throttle(false))
	browsertest.Get(b, "large upload done", chromedp.Poll[bool](fmt.Sprintf(`(() => { const li = document.querySelector('%s');
		if (li.dataset.state === 'error' || li.dataset.state === 'refused') { throw new Error('upload ' + li.dataset.state + ': ' + li.textContent); }
		return li.dataset.state === 'done'; })()`, rowSel), chromedp.WithPollingTimeout(55*time.Second)))
	b.Do("unthrottle", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{}})
		return err
	}))
	b.Shot("resumed upload done")

	mu.Lock()
	var resumed []patch
	for _, p := range patches {
		if p.seq > mark && strings.HasSuffix(p.url, id) {
			resumed = append(resumed, p)
		}
	}
	nPosts := len(posts)
	mu.Unlock()
	if len(resumed) == 0 {
		t.Fatalf("no PATCH after going back online")
	}
	var first int64
	fmt.Sscan(resumed[0].offset, &first)
	if first != *during.Offset {
		t.Errorf("the first PATCH after going online starts at %q, want the server's offset %d", resumed[0].offset, *during.Offset)
	}
	for _, p := range resumed {
		if p.offset == "0" {
			t.Errorf("a PATCH after going online restarted from 0")
		}
	}
	if nPosts != 1 {
		t.Errorf("%d POSTs (creations) for one large upload, want 1", nPosts)
	}
	t.Logf("resumed at %d: %d bytes sent after resuming instead of %d", first, size-first, size)
	if size-first >= size {
		t.Errorf("the whole file was sent again")
	}

	after := uploadOutcome(t, q, id, cookie)
	if after.Status != "new" || after.Asset == nil || after.Asset.ID == "" {
		t.Fatalf("the large upload's result %+v, want new with an asset", after)
	}
	if r := uploadRows(b)[name]; r.Href != "/assets/"+after.Asset.ID {
		t.Errorf("the large upload's row links %q, want the asset %s", r.Href, after.Asset.ID)
	}
	return after.Asset.ID
}

type outcome struct {
	Status string `json:"status"`
	Offset *int64 `json:"offset"`
	Length int64  `json:"length"`
	Asset  *struct {
		ID string `json:"id"`
	} `json:"asset"`
}

func uploadOutcome(t *testing.T, q *quangba, id, cookie string) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	status, body, err := q.get(ctx, "/api/v1/uploads/"+id+"/result", cookie)
	if err != nil || status != 200 {
		t.Fatalf("GET upload result: %v HTTP %d %s", err, status, body)
	}
	var out outcome
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("upload result %s: %v", body, err)
	}
	return out
}

// sessionCookie copies the browser's cookies (the session one is HttpOnly)
// for requests made from Go.
func sessionCookie(t *testing.T, b *browsertest.Browser, q *quangba) string {
	t.Helper()
	var res network.GetCookiesResult
	b.Do("cookies", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		res, err = cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{q.URL + "/"}})
		return err
	}))
	var parts []string
	for _, c := range res.Cookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if !strings.Contains(strings.Join(parts, ";"), "qb_session=") {
		t.Fatalf("no session cookie in the browser: %v", parts)
	}
	return strings.Join(parts, "; ")
}

// waitThumbnails reloads the library until each asset's tile shows a
// loaded thumbnail.
func waitThumbnails(t *testing.T, b *browsertest.Browser, q *quangba, ids ...string) {
	t.Helper()
	js, _ := json.Marshal(ids)
	deadline := time.Now().Add(60 * time.Second)
	for {
		b.Do("library", chromedp.Navigate(q.URL+"/library"), chromedp.WaitReady("#total"))
		ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
		state, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](fmt.Sprintf(`(async () => {
			const out = {};
			for (const id of %s) {
				const img = document.querySelector('.tile[data-id="' + id + '"] img');
				if (!img) { out[id] = document.querySelector('.tile[data-id="' + id + '"]') ? 'no thumbnail yet' : 'no tile'; continue; }
				img.loading = 'eager';
				if (!img.complete) { await new Promise(r => { img.onload = img.onerror = r; }); }
				out[id] = img.naturalWidth > 0 ? 'ok ' + img.naturalWidth + 'x' + img.naturalHeight : 'broken';
			}
			return out;
		})()`, js), chromedp.EvalAwaitPromise))
		cancel()
		ok := err == nil
		for _, id := range ids {
			if !strings.HasPrefix(state[id], "ok ") {
				ok = false
			}
		}
		if ok {
			t.Logf("thumbnails: %v", state)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("thumbnails not shown within 60s: %v %v", state, err)
		}
		time.Sleep(time.Second)
	}
}

// search types text into the library's search box as a user would and
// waits for the tile of id, and not of other (the search index may lag a
// save by a moment).
func search(t *testing.T, b *browsertest.Browser, q *quangba, text, id, other string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.Do("library", chromedp.Navigate(q.URL+"/library"), chromedp.WaitVisible("#q"))
		b.Do("search "+text, chromedp.SendKeys("#q", text), chromedp.Submit("#q"))
		for {
			ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
			loc, err := chromedp.Run(ctx, chromedp.Location())
			cancel()
			if err == nil && strings.Contains(loc, "q="+strings.ReplaceAll(text, " ", "+")) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the search form did not go to the results (at %s, %v)", loc, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.Do("results", chromedp.WaitReady("#total"))
		found := browsertest.Get(b, "tiles", chromedp.Evaluate[map[string]any](fmt.Sprintf(`({
			id: !!document.querySelector('.tile[data-id="%s"]'), other: !!document.querySelector('.tile[data-id="%s"]'),
			total: document.getElementById('total').dataset.total, q: document.getElementById('q').value })`, id, other)))
		if found["id"] == true {
			if found["other"] == true || found["total"] != "1" || found["q"] != text {
				t.Errorf("search %q: %v, want only the titled photo", text, found)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("searching %q did not find the asset %s: %v", text, id, found)
		}
		time.Sleep(time.Second)
	}
}

// checkReport checks the package page's validation report for the photo.
func checkReport(t *testing.T, b *browsertest.Browser, id string) {
	t.Helper()
	rep := browsertest.Get(b, "report", chromedp.Evaluate[map[string]any](fmt.Sprintf(`(() => {
		const v = document.getElementById('validation');
		const tr = document.querySelector('tr.entry[data-asset="%s"]');
		return {
			ok: v.dataset.ok, errors: v.dataset.errors, warnings: v.dataset.warnings,
			summary: document.getElementById('validation-summary').textContent.trim().replace(/\s+/g, ' '),
			blocked: tr.dataset.blocked || '',
			findings: Array.from(tr.querySelectorAll('.finding[data-rule]')).map(f => f.dataset.rule + ':' + f.dataset.severity + ':' + f.textContent.trim().replace(/\s+/g, ' ')),
			cell: tr.textContent.trim().replace(/\s+/g, ' '),
			bundle: (tr.querySelector('.bundle-name') || {}).textContent || ''
		};
	})()`, id)))
	t.Logf("validation report: %v", rep)
	if rep["ok"] != "true" || rep["errors"] != "0" || rep["blocked"] != "" {
		t.Errorf("the approved 4032×3024 photo does not pass: %v", rep)
	}
	for _, f := range rep["findings"].([]any) {
		if s := f.(string); strings.Contains(s, "pixel") || strings.Contains(s, ":error:") {
			t.Errorf("finding %s", s)
		}
	}
	summary, _ := rep["summary"].(string)
	if summary == "" || !vietnamese.MatchString(summary) {
		t.Errorf("validation summary %q", summary)
	}
	if bundle, _ := rep["bundle"].(string); !strings.HasSuffix(bundle, ".jpg") {
		t.Errorf("bundle name %q", bundle)
	}
}

// exportZip exports the package as a zip, waits for it, downloads it from
// inside the page and through Go with the browser's cookie, and checks its
// contents.
func exportZip(t *testing.T, b *browsertest.Browser, q *quangba, id string) {
	t.Helper()
	if browsertest.Get(b, "ack?", chromedp.Evaluate[bool](`!!document.getElementById('ack-warnings')`)) {
		b.Do("acknowledge warnings", chromedp.Click("#ack-warnings"))
	}
	b.Do("export", chromedp.Click(`#export-form input[name="format"][value="zip"]`), chromedp.Click(`#export-form button[type="submit"]`),
		chromedp.WaitReady("tr.export"))
	b.Shot("export running")
	var href string
	deadline := time.Now().Add(60 * time.Second)
	for href == "" {
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const failed = document.querySelector('tr.export[data-status="failed"]');
			if (failed) { return 'failed: ' + failed.textContent; }
			const a = document.querySelector('a.download'); return a ? a.getAttribute('href') : ''; })()`))
		cancel()
		if err == nil && strings.HasPrefix(v, "failed") {
			t.Fatalf("export %s", v)
		}
		if err == nil {
			href = v
		}
		if href == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no download link within 60s (last error %v)", err)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	b.Shot("export done")

	inPage := browsertest.Get(b, "download in the page", chromedp.Evaluate[map[string]any](fmt.Sprintf(`(async () => {
		const r = await fetch(%q, { credentials: 'same-origin' });
		const buf = new Uint8Array(await r.arrayBuffer());
		return { status: r.status, type: r.headers.get('Content-Type'), size: buf.length, head: String.fromCharCode(buf[0], buf[1]) };
	})()`, href), chromedp.EvalAwaitPromise))
	if inPage["status"] != float64(200) || inPage["head"] != "PK" {
		t.Errorf("download in the page: %v", inPage)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status, body, err := q.get(ctx, href, sessionCookie(t, b, q))
	if err != nil || status != 200 {
		t.Fatalf("download %s: %v HTTP %d", href, err, status)
	}
	if float64(len(body)) != inPage["size"] {
		t.Errorf("the zip is %d bytes through Go and %v in the page", len(body), inPage["size"])
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("open the zip: %v", err)
	}
	var names []string
	var manifest []byte
	photos := 0
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("zip entry %s: %v", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("zip entry %s: %v", f.Name, err)
		}
		switch {
		case filepath.Base(f.Name) == "manifest.json":
			manifest = data
		case strings.HasSuffix(strings.ToLower(f.Name), ".jpg"):
			cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil || format != "jpeg" || max(cfg.Width, cfg.Height) != 4032 || min(cfg.Width, cfg.Height) != 3024 {
				t.Errorf("zip photo %s: %s %dx%d %v", f.Name, format, cfg.Width, cfg.Height, err)
			}
			photos++
		}
	}
	t.Logf("zip (%d bytes): %v", len(body), names)
	if photos != 1 {
		t.Errorf("%d JPEG photos in the zip, want 1: %v", photos, names)
	}
	if manifest == nil {
		t.Fatalf("no manifest.json in the zip: %v", names)
	}
	var m any
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	all := norm.NFC.String(strings.Join(jsonStrings(m, nil), "\n"))
	for _, want := range []string{pkgVI, "happyvietnam-2025", id, titleEN} {
		if !strings.Contains(all, norm.NFC.String(want)) {
			t.Errorf("manifest.json does not name %q:\n%s", want, testbin.Tail(string(manifest), 3000))
		}
	}
}

// jsonStrings lists every string in a decoded JSON value.
func jsonStrings(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, e := range v {
			out = jsonStrings(e, out)
		}
	case map[string]any:
		for _, e := range v {
			out = jsonStrings(e, out)
		}
	}
	return out
}
