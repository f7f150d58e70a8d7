package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"

	"claimtrail/domain"
)

// UserAgent is sent with every fetch so that sites can tell who is asking.
const UserAgent = "claimtrail/1.0 (+newsroom fact-checking)"

// Fetch defaults.
const (
	DefaultTimeout = 15 * time.Second
	maxRedirects   = 5
)

// Fetcher fetches a web page and extracts its article. Its zero value is
// ready to use; it is safe for concurrent use, and its fields must not
// change (nor the Fetcher be copied) after the first Fetch. Every address it connects to — including after redirects
// and whatever DNS answers at connect time — is checked, and addresses in
// private, loopback, link-local and similar ranges are refused before any
// packet is sent to them.
type Fetcher struct {
	Timeout  time.Duration // whole fetch, redirects and body included; default 15s
	MaxBytes int64         // largest body read; default 5 MB

	// AllowAddr, when non-nil, is consulted before the built-in refusal of
	// internal addresses; an address it returns true for is allowed. Tests
	// use it to reach their httptest server on 127.0.0.1. Production leaves
	// it nil.
	AllowAddr func(netip.Addr) bool

	// Client is optional. When its Transport is nil or an *http.Transport,
	// Fetch uses a copy with the address checks installed and the proxy
	// disabled (a proxy would connect on our behalf, unchecked). Any other
	// RoundTripper is used as is and must do its own checking.
	Client *http.Client

	once   sync.Once
	client *http.Client
}

// errInternalAddress is returned by the dial hook; Fetch turns it into a
// message for the user.
var errInternalAddress = errors.New("address is internal")

// downloaded is a body fetched by download, with its declared type and the
// address it was finally served from.
type downloaded struct {
	body        []byte
	contentType string
	finalURL    string
}

// download is the guarded GET that Fetch and FetchFeed share: a literal
// internal address is refused before anything is sent (names are checked
// when the connection is made), the whole fetch has the Fetcher's Timeout
// (else timeout), a non-2xx answer is named as what "the <whose>" answered,
// checkType judges the declared Content-Type before the body is read, and a
// body over limit is tooBig.
func (f *Fetcher) download(ctx context.Context, u *url.URL, accept string, timeout time.Duration, limit int64, whose string,
	checkType func(contentType string) error, tooBig func() error) (downloaded, error) {
	if addr, ok := domain.LiteralHostAddr(u.Hostname()); ok && !f.allowed(addr) {
		return downloaded{}, internalAddress()
	}
	if f.Timeout > 0 {
		timeout = f.Timeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return downloaded{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", accept)
	resp, err := f.httpClient().Do(req)
	if err != nil {
		return downloaded{}, f.fetchError(ctx, tctx, timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		return downloaded{}, fieldErr(domain.EINVALID, fieldURL, "The %s answered %s.", whose, strings.TrimSpace(status))
	}
	contentType := resp.Header.Get("Content-Type")
	if err := checkType(contentType); err != nil {
		return downloaded{}, err
	}
	if resp.ContentLength > limit {
		return downloaded{}, tooBig()
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return downloaded{}, f.fetchError(ctx, tctx, timeout, err)
	}
	if int64(len(body)) > limit {
		return downloaded{}, tooBig()
	}
	return downloaded{body: body, contentType: contentType, finalURL: resp.Request.URL.String()}, nil
}

// Fetch downloads rawURL and returns its article. Article.URL is the address
// the page was finally served from, after redirects.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Article, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return Article{}, err
	}
	limit := f.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	// Judge the declared type before downloading anything large; a page
	// without one is sniffed once its body is in.
	d, err := f.download(ctx, u, "text/html,application/xhtml+xml,text/plain;q=0.8", DefaultTimeout, limit, "site",
		func(contentType string) error {
			if contentType == "" {
				return nil
			}
			return checkContentType(contentType)
		},
		func() error { return tooLarge(fieldURL, limit) })
	if err != nil {
		return Article{}, err
	}
	body, contentType := d.body, d.contentType
	if contentType == "" {
		contentType = http.DetectContentType(body)
		if err := checkContentType(contentType); err != nil {
			return Article{}, err
		}
	}
	mediaType := mediaTypeOf(contentType)

	finalURL := d.finalURL
	if mediaType == "text/plain" {
		body = htmlToUTF8(body, contentType) // the charset logic is the same
		if err := checkText(body, fieldURL); err != nil {
			return Article{}, err
		}
		return Article{URL: finalURL, Text: cleanText(string(body))}, nil
	}
	// A server that calls an image or a PDF "text/html" is refused here;
	// other odd bytes may be a legacy encoding, which the decoder handles.
	if kind := binaryKind(body); kind != "" && !strings.HasPrefix(kind, "a binary") {
		return Article{}, fieldErr(domain.EINVALID, fieldURL,
			"The address returned %s, not a web page. Open it yourself and paste the article text.", kind)
	}
	a, err := HTML(htmlToUTF8(body, contentType), finalURL)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return Article{}, onField(de, fieldURL)
		}
		return Article{}, err
	}
	return a, nil
}

// checkContentType refuses anything but a web page or plain text, and
// character sets we have no decoder for.
func checkContentType(contentType string) error {
	mediaType := mediaTypeOf(contentType)
	switch mediaType {
	case "text/html", "application/xhtml+xml", "text/plain":
	default:
		return fieldErr(domain.EINVALID, fieldURL,
			"The address returned %s, not a web page. Open it yourself and paste the article text.", describeMediaType(mediaType))
	}
	_, params, _ := mime.ParseMediaType(contentType)
	if label := params["charset"]; label != "" {
		if enc, _ := charset.Lookup(label); enc == nil {
			return fieldErr(domain.EINVALID, fieldURL,
				"The page uses a character set claimtrail cannot read (%q). Paste the article text instead.", label)
		}
	}
	return nil
}

// mediaTypeOf returns the lower-case media type of a Content-Type value,
// even when its parameters are malformed.
func mediaTypeOf(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// checkURL parses what the user typed and refuses anything but a plain
// http or https address.
func checkURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fieldErr(domain.EINVALID, fieldURL, "Enter the address of the article.")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fieldErr(domain.EINVALID, fieldURL, "That does not look like a web address.")
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	if u.Hostname() == "" {
		return nil, fieldErr(domain.EINVALID, fieldURL, "That address has no site name in it, such as example.com.")
	}
	if u.User != nil {
		return nil, fieldErr(domain.EINVALID, fieldURL,
			"That address contains a user name or password. Remove it and try again.")
	}
	return u, nil
}

func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return nil
	case "":
		return fieldErr(domain.EINVALID, fieldURL,
			"Enter the full address, starting with https:// or http://.")
	default:
		return fieldErr(domain.EINVALID, fieldURL,
			"Enter a web page's address, starting with https:// or http://.")
	}
}

func internalAddress() *domain.Error {
	return fieldErr(domain.EINVALID, fieldURL,
		"That address points inside our own network, which claimtrail does not fetch from.")
}

func tookTooLong(timeout time.Duration) *domain.Error {
	return fieldErr(domain.EINVALID, fieldURL, "The page took longer than %s to answer.", humanDuration(timeout))
}

// fetchError turns a transport error into a message for the user, or passes
// it on as an internal error.
func (f *Fetcher) fetchError(parent, tctx context.Context, timeout time.Duration, err error) error {
	var de *domain.Error
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &de):
		return onField(de, fieldURL)
	case errors.Is(err, errInternalAddress):
		return internalAddress()
	case parent.Err() != nil:
		return parent.Err() // the caller gave up; not the site's fault
	case tctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return tookTooLong(timeout)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fieldErr(domain.EINVALID, fieldURL, "There is no site at that address. Check it for typing mistakes.")
	case errors.As(err, &dnsErr):
		return fieldErr(domain.EINVALID, fieldURL, "We could not look up that site. Check the address and try again.")
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return fieldErr(domain.EINVALID, fieldURL, "The site did not accept our connection. Check the address or try again later.")
	}
	return fmt.Errorf("fetch: %w", err)
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

func humanDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		n := int(d / time.Second)
		if n == 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", n)
	}
	return d.String()
}

// describeMediaType names a content type in newsroom words.
func describeMediaType(mt string) string {
	switch {
	case mt == "application/pdf":
		return "a PDF"
	case strings.HasPrefix(mt, "image/"):
		return "an image"
	case strings.HasPrefix(mt, "video/"):
		return "a video"
	case strings.HasPrefix(mt, "audio/"):
		return "a sound file"
	case mt == "application/json", strings.HasSuffix(mt, "+json"):
		return "raw data (JSON)"
	case strings.Contains(mt, "zip"), strings.Contains(mt, "compressed"):
		return "a compressed archive"
	case strings.Contains(mt, "word"), strings.Contains(mt, "officedocument"), strings.Contains(mt, "opendocument"):
		return "an office document"
	case mt == "":
		return "something without a type"
	}
	return "a file of type " + mt
}

// allowed reports whether Fetch may connect to addr.
func (f *Fetcher) allowed(addr netip.Addr) bool {
	if f.AllowAddr != nil && f.AllowAddr(addr) {
		return true
	}
	return isPublic(addr)
}

// Ranges refused on top of what netip's predicates (loopback, private,
// link-local, multicast, unspecified) already cover.
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("2001::/32"),      // Teredo tunnels wrap other addresses
	// IPv4-compatible (::a.b.c.d, deprecated) and IPv4-translated
	// (::ffff:0:a.b.c.d) addresses wrap an IPv4 address too; a tunnel or
	// translator on the way can deliver them to it.
	netip.MustParsePrefix("::/96"),
	netip.MustParsePrefix("::ffff:0:0:0/96"),
}

// IPv6 ranges that carry an IPv4 address inside; they are judged by it.
var (
	nat64Prefix  = netip.MustParsePrefix("64:ff9b::/96")
	sixToFourPfx = netip.MustParsePrefix("2002::/16")
)

// isPublic reports whether addr is an ordinary internet address.
func isPublic(addr netip.Addr) bool {
	addr = addr.WithZone("")
	if !addr.IsValid() {
		return false
	}
	if addr.Is4In6() {
		addr = addr.Unmap()
	}
	// Addresses that carry an IPv4 address inside are judged by it.
	if addr.Is6() {
		b := addr.As16()
		if nat64Prefix.Contains(addr) {
			return isPublic(netip.AddrFrom4([4]byte(b[12:16])))
		}
		if sixToFourPfx.Contains(addr) {
			return isPublic(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range internalPrefixes {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// control runs after the socket is made and before it connects, with the
// address DNS actually gave: the one place a check cannot be raced.
func (f *Fetcher) control(_ context.Context, network, address string, _ syscall.RawConn) error {
	if !strings.HasPrefix(network, "tcp") {
		return fmt.Errorf("%w: network %s", errInternalAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", errInternalAddress, address)
	}
	if !f.allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", errInternalAddress, ap.Addr())
	}
	return nil
}

// checkRedirect caps redirects and re-checks each new address's scheme;
// the dial hook checks where it points.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fieldErr(domain.EINVALID, fieldURL,
			"The page sent us on more than %d redirects, so we stopped. Try the final address directly.", maxRedirects)
	}
	if err := checkScheme(req.URL); err != nil {
		return fieldErr(domain.EINVALID, fieldURL,
			"The page redirected to an address that is not a web page (%s:), which claimtrail does not follow.", req.URL.Scheme)
	}
	if req.URL.User != nil {
		return fieldErr(domain.EINVALID, fieldURL,
			"The page redirected to an address containing a user name or password, which claimtrail does not follow.")
	}
	req.Header.Set("User-Agent", UserAgent)
	return nil
}

// httpClient builds, once, the client Fetch uses.
func (f *Fetcher) httpClient() *http.Client {
	f.once.Do(func() {
		dialer := &net.Dialer{
			Timeout:        10 * time.Second,
			KeepAlive:      30 * time.Second,
			ControlContext: f.control,
		}
		var c http.Client
		var base *http.Transport
		if f.Client != nil {
			c = *f.Client
			switch t := f.Client.Transport.(type) {
			case nil:
				base = http.DefaultTransport.(*http.Transport).Clone()
			case *http.Transport:
				base = t.Clone()
			}
		} else {
			base = http.DefaultTransport.(*http.Transport).Clone()
		}
		if base != nil {
			base.Proxy = nil
			base.DialContext = dialer.DialContext
			base.DialTLSContext = nil
			base.MaxResponseHeaderBytes = 64 << 10
			c.Transport = base
		}
		c.CheckRedirect = checkRedirect
		c.Jar = nil // cookies from one site must not follow the user to another fetch
		f.client = &c
	})
	return f.client
}

// PostJSON sends body to rawURL as JSON through the same guarded client as
// Fetch (internal addresses refused, no redirects to them), for webhooks.
// A status other than 2xx is an error naming it.
func (f *Fetcher) PostJSON(ctx context.Context, rawURL string, body []byte) error {
	u, err := checkURL(rawURL)
	if err != nil {
		return err
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	res, err := f.httpClient().Do(req)
	if err != nil {
		// A webhook's address carries its secret in its path: the error
		// says what went wrong, never the address (it is kept and logged).
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return f.fetchError(ctx, tctx, timeout, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}
