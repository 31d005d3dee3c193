package browsertest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRendersVietnamese loads a page with JavaScript and Vietnamese
// text, and checks that a screenshot can be written.
func TestBrowserRendersVietnamese(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="vi"><title>Thử</title><h1 id="h">Đắk Lắk</h1>
<script>document.getElementById("h").dataset.ready = "có"</script>`))
	}))
	defer srv.Close()
	t.Setenv("QUANGBA_SCREENSHOTS", t.TempDir())
	b := New(t)
	b.Do("load", chromedp.Navigate(srv.URL), chromedp.WaitVisible("#h"))
	text := Get(b, "text", chromedp.Text("#h"))
	ready := Get(b, "attribute", chromedp.AttributeValue("#h", "data-ready")).Value
	if text != "Đắk Lắk" || ready != "có" {
		t.Errorf("page text %q, data-ready %q", text, ready)
	}
	path := b.Shot("page")
	if st, err := os.Stat(path); err != nil || st.Size() < 1000 || !strings.HasSuffix(path, ".jpg") {
		t.Errorf("screenshot %s: %v", path, err)
	}
}
