// Package browsertest starts a headless Chromium for tests that need a real
// browser: htmx swaps, app.js behaviour, and screenshots of pages for review.
//
// Tests skip when Chromium is missing, except in CI (env CI non-empty), where
// .ci/run installs it and a missing browser is a failure, not a silent skip.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const (
	defaultChromium = "/usr/bin/chromium"
	testTimeout     = 60 * time.Second
	windowWidth     = 1280
	windowHeight    = 900
)

// New starts a fresh headless Chromium with its own profile directory and
// returns a chromedp context for one tab. The browser stops and the profile
// is removed when the test ends; every call is limited to 60 seconds.
//
// Set CLAIMTRAIL_CHROMIUM to use a browser other than /usr/bin/chromium.
func New(t testing.TB) context.Context {
	t.Helper()
	exe := chromiumPath()
	if _, err := os.Stat(exe); err != nil {
		const msg = "browser tests need Chromium: apt-get install -y chromium"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (looked for %s; CI must not skip browser tests)", msg, exe)
		}
		t.Skip(msg)
	}

	profile := filepath.Join(t.TempDir(), "chromium-profile")
	var output syncBuffer
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		// Exactly these flags, so a run is quiet, offline apart from the test
		// server, and repeatable.
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(windowWidth, windowHeight),
		chromedp.CombinedOutput(&output),
	}

	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancelTimeout()
		// Chromium's helper processes may write into the profile for a moment
		// after the browser exits; retry so t.TempDir's cleanup finds it gone.
		removeWithRetry(profile, 5*time.Second)
	})

	// Start the browser now, so a broken install fails here with its output
	// rather than inside the first action of the test.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v\n%s", exe, err, output.String())
	}
	return ctx
}

// Screenshot saves a full-page PNG of the tab as <artifacts>/<test>--<name>.png
// and logs its path. The directory is $CLAIMTRAIL_ARTIFACTS, or
// artifacts/screenshots at the repository root (git-ignored).
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir, err := artifactsDir()
	if err != nil {
		t.Fatalf("screenshot %q: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot %q: %v", name, err)
	}
	png, err := fullPagePNG(ctx)
	if err != nil {
		t.Fatalf("screenshot %q: %v", name, err)
	}
	path := filepath.Join(dir, fileName(t.Name())+"--"+fileName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("screenshot %q: %v", name, err)
	}
	t.Logf("screenshot: %s", path)
}

// NoScript turns JavaScript off in the tab, as for a reader whose browser
// blocks it or before htmx has loaded: pages must still work as plain forms
// and links. The test's own chromedp queries keep working.
func NoScript(t testing.TB, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
}

// Phone sizes the tab like a phone held upright (390 CSS pixels wide),
// with a touch screen and no mouse or keyboard, as CSS media queries
// (hover: none) and (pointer: coarse) see one.
func Phone(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("phone viewport: %v", err)
	}
	touch := []*emulation.MediaFeature{{Name: "hover", Value: "none"}, {Name: "pointer", Value: "coarse"}, {Name: "any-hover", Value: "none"}, {Name: "any-pointer", Value: "coarse"}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: touch}); err != nil {
		t.Fatalf("phone's touch screen: %v", err)
	}
}

func chromiumPath() string {
	if p := os.Getenv("CLAIMTRAIL_CHROMIUM"); p != "" {
		return p
	}
	return defaultChromium
}

// fullPagePNG captures the whole scrollable page, not only the 1280x900
// viewport, by clipping to the content size the layout reports.
func fullPagePNG(ctx context.Context) ([]byte, error) {
	metrics, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	width, height := float64(windowWidth), float64(windowHeight)
	if cs := metrics.CSSContentSize; cs != nil {
		width, height = max(cs.Width, 1), max(cs.Height, 1)
	}
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{Width: width, Height: height, Scale: 1},
		FromSurface:           ptr(true),
		CaptureBeyondViewport: ptr(true),
	})
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

func artifactsDir() (string, error) {
	if d := os.Getenv("CLAIMTRAIL_ARTIFACTS"); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "artifacts", "screenshots"), nil
}

// repoRoot walks up from the working directory (the package directory under
// go test) to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; set CLAIMTRAIL_ARTIFACTS")
		}
		dir = parent
	}
}

// fileName keeps letters, digits, '-' and '_' so subtest names such as
// "TestQueue/empty state" become safe file names.
func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		default:
			return '_'
		}
	}, strings.TrimSuffix(s, ".png"))
	if s == "" {
		return "page"
	}
	return s
}

func removeWithRetry(dir string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for os.RemoveAll(dir) != nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}

func ptr[T any](v T) *T { return &v }

// syncBuffer collects the browser's output, which arrives from another
// goroutine, for the error message when the browser fails to start.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
