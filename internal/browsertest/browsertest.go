// Package browsertest drives a real headless Chromium (Debian's chromium,
// installed by scripts/setup.sh test) through chromedp for end-to-end
// tests, and keeps a screenshot of every page a failed test was on.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quangba/quangba/internal/testbin"
)

// ShotsDir is where screenshots of failed tests go (QUANGBA_SCREENSHOTS
// overrides it); it is git-ignored.
func ShotsDir() string {
	if d := os.Getenv("QUANGBA_SCREENSHOTS"); d != "" {
		return d
	}
	root, err := testbin.ModuleRoot()
	if err != nil {
		return filepath.Join(os.TempDir(), "quangba-screenshots")
	}
	return filepath.Join(root, "test-screenshots")
}

// Browser is one headless Chromium for a test.
type Browser struct {
	t      testing.TB
	Ctx    context.Context // a tab; pass it to chromedp.Run
	cancel context.CancelFunc
	mu     sync.Mutex
	shots  int
}

// New starts Chromium for t. A missing chromium fails the test: the
// browser tests are part of the suite, not optional.
func New(t testing.TB) *Browser {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		t.Fatal("browsertest: chromium is not installed (Debian package chromium; run scripts/setup.sh test)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.WindowSize(1366, 900),
		chromedp.Flag("headless", "new"),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &Browser{t: t, Ctx: ctx, cancel: func() { cancel(); acancel() }}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		b.cancel()
		t.Fatalf("browsertest: start chromium: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.Shot("failure")
		}
		b.cancel()
	})
	return b
}

// Do runs actions with a time limit, failing the test (with a screenshot)
// on error.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.Shot(what)
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// Get runs one action that returns a value (chromedp.Text, Evaluate, …)
// with a time limit, failing the test (with a screenshot) on error.
func Get[T any](b *Browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.Shot(what)
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// Shot saves a full-page screenshot of the current page under ShotsDir,
// named after the test, a counter and what; it returns the file's path.
func (b *Browser) Shot(what string) string {
	b.mu.Lock()
	b.shots++
	n := b.shots
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		b.t.Logf("browsertest: screenshot %q: %v", what, err)
		return ""
	}
	dir := filepath.Join(ShotsDir(), safe(b.t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("browsertest: %v", err)
		return ""
	}
	path := filepath.Join(dir, fmt.Sprintf("%02d-%s.jpg", n, safe(what))) // FullScreenshot below quality 100 is JPEG
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("browsertest: %v", err)
		return ""
	}
	b.t.Logf("browsertest: screenshot %s", path)
	return path
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safe(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_") }

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
