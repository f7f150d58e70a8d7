package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The page follows the app's CSP habits: no inline script, the script comes
// from its own URL.
const selfTestPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title>
<script src="/page.js" defer></script></head>
<body>
<h1 id="heading">Harness self-test</h1>
<button id="reveal" type="button">Reveal</button>
<p id="revealed" hidden>Revealed by a click</p>
<form id="greet" method="get" action="/greet">
  <label for="name">Name</label>
  <input id="name" name="name">
  <button id="send" type="submit">Send</button>
</form>
</body></html>`

const selfTestScript = `document.getElementById("reveal").addEventListener("click", function () {
  document.getElementById("revealed").hidden = false;
});`

func selfTestServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, selfTestPage)
	})
	mux.HandleFunc("GET /page.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, selfTestScript)
	})
	mux.HandleFunc("GET /greet", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>greeted</title><p id="greeting">Hello, %s</p>`,
			html.EscapeString(r.URL.Query().Get("name")))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHarnessDrivesAPage(t *testing.T) {
	t.Setenv("CLAIMTRAIL_ARTIFACTS", t.TempDir())
	srv := selfTestServer(t)
	ctx := New(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Click(chromedp.ID("reveal")),
		chromedp.WaitVisible(chromedp.ID("revealed")),
	); err != nil {
		t.Fatalf("click reveal: %v", err)
	}
	revealed, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("revealed")))
	if err != nil {
		t.Fatal(err)
	}
	if revealed != "Revealed by a click" {
		t.Errorf("revealed text = %q", revealed)
	}

	Screenshot(t, ctx, "before-submit")
	shots, err := filepath.Glob(filepath.Join(os.Getenv("CLAIMTRAIL_ARTIFACTS"), "*.png"))
	if err != nil || len(shots) != 1 {
		t.Fatalf("screenshots = %v, %v; want one file", shots, err)
	}
	if !strings.HasSuffix(shots[0], "TestHarnessDrivesAPage--before-submit.png") {
		t.Errorf("screenshot name = %s", filepath.Base(shots[0]))
	}
	png, err := os.ReadFile(shots[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG (starts %q)", png[:min(8, len(png))])
	}

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Ada <Lovelace>"),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("greeting")),
	); err != nil {
		t.Fatalf("submit form: %v", err)
	}
	greeting, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("greeting")))
	if err != nil {
		t.Fatal(err)
	}
	if greeting != "Hello, Ada <Lovelace>" {
		t.Errorf("greeting = %q, want the typed name echoed back", greeting)
	}
}

func TestMissingChromiumSkipsOutsideCI(t *testing.T) {
	t.Setenv("CLAIMTRAIL_CHROMIUM", filepath.Join(t.TempDir(), "no-such-browser"))
	t.Setenv("CI", "")
	var skipped bool
	// New skips from inside a subtest; the parent observes the skip.
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		New(t)
		t.Error("New returned without a browser")
	})
	if !skipped {
		t.Error("New did not skip when Chromium is missing")
	}
}

func TestFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TestQueue/empty state", "TestQueue_empty_state"},
		{"claim-page.png", "claim-page"},
		{"../../etc", "______etc"},
		{"", "page"},
	}
	for _, tt := range tests {
		if got := fileName(tt.in); got != tt.want {
			t.Errorf("fileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
