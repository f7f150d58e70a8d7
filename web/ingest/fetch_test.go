package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"claimtrail/domain"
)

// allowTestServer lets a Fetcher reach httptest servers on 127.0.0.1 and
// nothing else internal.
func allowTestServer(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }

const articleBody = `<html><head><title>Rail fares rise by four percent</title>
<meta property="og:site_name" content="Test Gazette"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Rail fares rise by four percent</h1>
<p>Regional rail fares will rise by four percent in January, the transport authority announced on Monday, the third increase in as many years.</p>
<p>The authority said higher energy prices accounted for most of the rise and promised that student passes would not change.</p>
</article><footer>Copyright Test Gazette</footer></body></html>`

func TestFetch(t *testing.T) {
	var sawUA atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		sawUA.Store(r.UserAgent())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articleBody)
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=ISO-8859-1")
		w.Write([]byte("<html><body><article><p>Les caf\xe9s de la ville ont augment\xe9 leurs prix de dix pour cent cette ann\xe9e, selon une enqu\xeate.</p></article></body></html>"))
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "A plain statement.\r\n\r\nSecond paragraph.")
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/article", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path, wantText, wantTitle, wantURL string
	}{
		{path: "/article", wantText: "Regional rail fares will rise by four percent", wantTitle: "Rail fares rise by four percent"},
		{path: "/latin1", wantText: "Les cafés de la ville ont augmenté"},
		{path: "/plain", wantText: "A plain statement.\n\nSecond paragraph."},
		{path: "/moved", wantText: "student passes would not change", wantURL: srv.URL + "/article"},
	}
	f := &Fetcher{AllowAddr: allowTestServer}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a, err := f.Fetch(context.Background(), srv.URL+tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(a.Text, tt.wantText) {
				t.Errorf("Text = %q, want it to contain %q", a.Text, tt.wantText)
			}
			if strings.Contains(a.Text, "Copyright") || strings.Contains(a.Text, "Sport") {
				t.Errorf("Text kept page chrome: %q", a.Text)
			}
			if tt.wantTitle != "" && a.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", a.Title, tt.wantTitle)
			}
			wantURL := tt.wantURL
			if wantURL == "" {
				wantURL = srv.URL + tt.path
			}
			if a.URL != wantURL {
				t.Errorf("URL = %q, want %q", a.URL, wantURL)
			}
		})
	}
	if got := sawUA.Load(); got != UserAgent {
		t.Errorf("User-Agent = %q, want %q", got, UserAgent)
	}
}

func TestFetchRefusals(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	})
	mux.HandleFunc("/photo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngHeader)
	})
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(pdfHeader)
	})
	mux.HandleFunc("/disguised", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(pngHeader)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
	})
	mux.HandleFunc("/menu-only", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body><nav><a href=/>Home</a></nav></body></html>")
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><p>" + strings.Repeat("word ", 1000) + "</p></body></html>"))
	})
	mux.HandleFunc("/oddcharset", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=x-martian")
		fmt.Fprint(w, articleBody)
	})
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.1.2.3/secret", http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-other-loopback", func(w http.ResponseWriter, r *http.Request) {
		// Same server, reached through an address AllowAddr does not allow:
		// only the dial hook can refuse this one.
		http.Redirect(w, r, strings.Replace(srvURL(r), "127.0.0.1", "127.0.0.2", 1)+"/article", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	const timeout = 200 * time.Millisecond
	tests := []struct {
		name string
		url  string
		code string
		want *domain.Error // when set, the error must be this one
	}{
		{name: "timeout", url: srv.URL + "/slow", code: domain.EINVALID, want: tookTooLong(timeout)},
		{name: "404", url: srv.URL + "/missing", code: domain.EINVALID},
		{name: "500", url: srv.URL + "/broken", code: domain.EINVALID},
		{name: "png content type", url: srv.URL + "/photo", code: domain.EINVALID},
		{name: "pdf content type", url: srv.URL + "/report", code: domain.EINVALID},
		{name: "png served as html", url: srv.URL + "/disguised", code: domain.EINVALID},
		{name: "empty plain text", url: srv.URL + "/empty", code: domain.EINVALID},
		{name: "page with no article", url: srv.URL + "/menu-only", code: domain.EINVALID},
		{name: "body over MaxBytes", url: srv.URL + "/huge", code: domain.ETOOLARGE},
		{name: "unknown charset", url: srv.URL + "/oddcharset", code: domain.EINVALID},
		{name: "redirect to private address", url: srv.URL + "/to-private", code: domain.EINVALID, want: internalAddress()},
		{name: "redirect to cloud metadata", url: srv.URL + "/to-metadata", code: domain.EINVALID, want: internalAddress()},
		{name: "redirect to disallowed loopback", url: srv.URL + "/to-other-loopback", code: domain.EINVALID, want: internalAddress()},
		{name: "redirect to file scheme", url: srv.URL + "/to-file", code: domain.EINVALID},
		{name: "redirect loop", url: srv.URL + "/loop", code: domain.EINVALID},
		{name: "ftp scheme", url: "ftp://example.com/article.txt", code: domain.EINVALID},
		{name: "javascript scheme", url: "javascript:alert(1)", code: domain.EINVALID},
		{name: "no scheme", url: "example.com/news", code: domain.EINVALID},
		{name: "no host", url: "https:///path", code: domain.EINVALID},
		{name: "userinfo", url: "https://user:secret@example.com/", code: domain.EINVALID},
		{name: "empty", url: "  ", code: domain.EINVALID},
	}
	f := &Fetcher{AllowAddr: allowTestServer, Timeout: timeout, MaxBytes: 2000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), tt.url)
			assertError(t, err, tt.code, "url")
			if tt.want != nil && domain.ErrorMessage(err) != tt.want.Message {
				t.Errorf("refused for the wrong reason: %v, want %v", err, tt.want)
			}
		})
	}
}

func srvURL(r *http.Request) string { return "http://" + r.Host }

// TestFetchRefusesInternalAddresses uses a Fetcher without AllowAddr, as in
// production. Only literal IPs are used, so no DNS is needed, and nothing
// may be sent to any of them: the loopback server counts its visitors.
func TestFetchRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, articleBody)
	}))
	defer srv.Close()

	for _, u := range []string{
		srv.URL + "/article", // 127.0.0.1, with a live server behind it
		"http://127.0.0.1/",
		"http://127.1.2.3:8080/",
		"http://10.0.0.1/",
		"http://172.16.5.4/",
		"http://192.168.1.1/admin",
		"http://169.254.169.254/latest/meta-data/",
		"http://100.64.0.1/",
		"http://0.0.0.0/",
		"http://[::1]/",
		"http://[::ffff:10.0.0.1]/",
		"http://[::ffff:127.0.0.1]/",
		"http://[::127.0.0.1]/",              // IPv4-compatible
		"http://[::ffff:0:169.254.169.254]/", // IPv4-translated
		"http://[fe80::1]/",
		"http://[fd00::1]/",
		"https://224.0.0.1/",
		"http://2130706433/", // 127.0.0.1 written as one number
		"http://0x7f000001/",
		"http://127.1/",
		"http://0251.0376.0251.0376/", // 169.254.169.254 in octal
	} {
		t.Run(u, func(t *testing.T) {
			_, err := (&Fetcher{Timeout: time.Second}).Fetch(context.Background(), u)
			assertError(t, err, domain.EINVALID, "url")
			if domain.ErrorMessage(err) != internalAddress().Message {
				t.Errorf("refused for the wrong reason: %v", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

// TestDialHookRefusesInternalAddresses checks the connect-time hook itself,
// which is what stops DNS answers and redirects that point inside.
func TestDialHookRefusesInternalAddresses(t *testing.T) {
	f := &Fetcher{}
	tests := []struct {
		address string
		allowed bool
	}{
		{"127.0.0.1:80", false},
		{"10.20.30.40:443", false},
		{"192.168.0.10:80", false},
		{"172.31.255.255:80", false},
		{"169.254.169.254:80", false},
		{"100.100.100.100:80", false},
		{"0.0.0.0:80", false},
		{"255.255.255.255:80", false},
		{"[::1]:80", false},
		{"[::]:80", false},
		{"[::ffff:192.168.1.1]:80", false},
		{"[64:ff9b::a00:1]:80", false},  // NAT64 wrapping 10.0.0.1
		{"[2002:a00:1::1]:80", false},   // 6to4 wrapping 10.0.0.1
		{"[fe80::1%25eth0]:80", false},  // link-local with zone
		{"[fe80::1%eth0]:80", false},    // as the dialer writes it
		{"[fc00::5]:80", false},         // unique local
		{"[ff02::1]:80", false},         // multicast
		{"93.184.215.14:443", true},     // an ordinary public address
		{"[2606:4700::1111]:443", true}, // an ordinary public IPv6 address
		{"[64:ff9b::5db8:d70e]:80", true},
	}
	for _, tt := range tests {
		err := f.control(context.Background(), "tcp", tt.address, nil)
		if got := err == nil; got != tt.allowed {
			t.Errorf("control(%s) allowed = %v, want %v (err %v)", tt.address, got, tt.allowed, err)
		}
	}
	if err := f.control(context.Background(), "udp", "93.184.215.14:53", nil); err == nil {
		t.Error("control allowed a non-TCP network")
	}
	allow := &Fetcher{AllowAddr: allowTestServer}
	if err := allow.control(context.Background(), "tcp4", "127.0.0.1:8080", nil); err != nil {
		t.Errorf("AllowAddr did not let 127.0.0.1 through: %v", err)
	}
	if err := allow.control(context.Background(), "tcp4", "10.0.0.1:80", nil); err == nil {
		t.Error("AllowAddr for 127.0.0.1 also let 10.0.0.1 through")
	}
}

func TestFetchCallerCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := (&Fetcher{AllowAddr: allowTestServer}).Fetch(ctx, srv.URL)
	if err == nil || domain.ErrorCode(err) != domain.EINTERNAL {
		t.Errorf("a fetch the caller cancelled should fail as internal, got %v", err)
	}
}

// TestFetchRefusesNameResolvingToLoopback shows the dial hook judging what a
// name resolves to, as it would for a DNS-rebinding answer. "localhost" is
// looked up in /etc/hosts only, so no DNS query leaves the machine.
func TestFetchRefusesNameResolvingToLoopback(t *testing.T) {
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil || !regexp.MustCompile(`(?m)^\s*127\.0\.0\.1\s.*\blocalhost\b`).Match(hosts) {
		t.Skip("localhost is not in /etc/hosts; skipping rather than asking DNS")
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]

	_, err = (&Fetcher{Timeout: time.Second}).Fetch(context.Background(), "http://localhost:"+port+"/")
	assertError(t, err, domain.EINVALID, "url")
	if domain.ErrorMessage(err) != internalAddress().Message {
		t.Errorf("refused for the wrong reason: %v", err)
	}
	if hits.Load() != 0 {
		t.Error("the loopback server was reached")
	}
}
