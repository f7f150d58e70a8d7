// Package web serves claimtrail's pages and API over HTTP: routes,
// middleware, sessions, forms and the friendly error pages.
package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/keyfile"
	"claimtrail/web/auth"
	"claimtrail/web/ingest"
)

// Config is what the web application needs from its caller.
type Config struct {
	DB     *storage.DB
	Logger *slog.Logger

	// SecureCookies marks the session cookie Secure even on plain HTTP, for
	// deployments behind a TLS-terminating proxy. Requests over TLS always get it.
	SecureCookies bool

	// BaseURL is the public address of the site, used in exports and
	// ClaimReview; empty means "work it out from the request".
	BaseURL string

	// MaxUploadBytes caps articles pasted, uploaded or fetched (default 5 MB).
	MaxUploadBytes int64

	// SessionLifetime is how long a sign-in lasts (default 8 hours).
	SessionLifetime time.Duration

	// SessionKeys sign and encrypt session cookies (keyfile.SessionKeySize
	// bytes each): the first makes new cookies, the others (earlier keys
	// after a rotation) are still accepted. Empty: a key for this process
	// only, so sessions end when it stops.
	SessionKeys [][]byte

	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For header names the real client (for the sign-in throttle,
	// the request log and the audit log). Empty: the peer address is the client.
	TrustedProxies []netip.Prefix

	// MaxConcurrentHashes bounds the password hashes (19 MiB each) running at
	// once; further sign-ins wait up to 3 seconds, then get 429. Default: the
	// number of CPUs, at least 2.
	MaxConcurrentHashes int

	// APIRequestsPerMinute is each person's API rate limit, shared by all
	// their tokens (default 600); negative means no limit, for load tests on
	// a trusted network.
	APIRequestsPerMinute int

	// Fetcher fetches articles from the web (default: 15 s timeout, bodies up
	// to MaxUploadBytes, internal addresses refused). Tests set AllowAddr on
	// it to reach their own server on 127.0.0.1.
	Fetcher *ingest.Fetcher

	// FeedMaxBytes is the largest ClaimReview feed read (default 10 MB).
	FeedMaxBytes int64
}

// App holds the dependencies of every handler.
type App struct {
	cfg      Config
	db       *storage.DB
	log      *slog.Logger
	sessions *sessionStore
	validate *formValidator

	// The JSON API's request checker and per-token rate limit.
	jsonValidate *formValidator
	apiLimiter   *rateLimiter

	loginByIP      *auth.Throttle
	loginByAccount *auth.Throttle
	knownBrowsers  knownBrowsers
	// hashes bounds how many argon2id computations run at once.
	hashes *auth.Gate

	// carry keeps typed-but-unsaved text across a post's redirect.
	carry *carryStore

	// bg outlives requests: background work such as adapting the claim
	// scorer runs under it and stops when the server does.
	bg          context.Context
	scorer      scorerJob
	scorerCheck sync.Mutex // held while checking whether the scorer is due to adapt
	// adapting counts the scorer's runs and checks under way, so that
	// RunScorer, and with it the server's shutdown, waits for them.
	adapting sync.WaitGroup
	// overdueEvery is how often the notifier looks for overdue claims.
	overdueEvery time.Duration
	// feedPoke wakes the feed worker when an editor asks for a fetch now.
	feedPoke chan struct{}
	// checksFeeds holds a place for each public ClaimReview feed being
	// written: anyone may ask for it, and each one reads every published
	// check, so only a few are written at a time.
	checksFeeds chan struct{}
	// checksFeedWaiting counts the readers waiting for a place, and
	// checksFeedWait is how long one waits (checksFeedPatience).
	checksFeedWaiting atomic.Int32
	checksFeedWait    time.Duration
	// streamIdle is how long a stream's chunk waits for its client
	// (streamIdle; tests shorten it).
	streamIdle time.Duration
	// deskCharts keeps the dashboard's charts drawn.
	deskCharts deskChartCache
	// keptPages keeps the queue and review lists drawn.
	keptPages keptPages
	// keptItemPages keeps claim and article pages drawn.
	keptItemPages keptPages
	// keptTimelines keeps claim pages' timelines put into words.
	keptTimelines keptTimelines
}

// New builds the application.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 5 << 20
	}
	if cfg.Fetcher == nil {
		cfg.Fetcher = &ingest.Fetcher{MaxBytes: cfg.MaxUploadBytes}
	}
	if cfg.MaxConcurrentHashes <= 0 {
		cfg.MaxConcurrentHashes = max(2, runtime.NumCPU())
	}
	if cfg.APIRequestsPerMinute == 0 {
		cfg.APIRequestsPerMinute = apiRequestsPerMinute
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = 8 * time.Hour
	}
	if len(cfg.SessionKeys) == 0 {
		// Keys for this process only: sessions end when it stops.
		cfg.SessionKeys = [][]byte{keyfile.NewSessionKey()}
	}
	var pairs [][]byte
	for _, k := range cfg.SessionKeys {
		if len(k) != keyfile.SessionKeySize {
			return nil, fmt.Errorf("a session key must be %d bytes", keyfile.SessionKeySize)
		}
		hashKey, blockKey := keyfile.SplitSessionKey(k)
		pairs = append(pairs, hashKey, blockKey)
	}
	// The first pair makes new cookies; every pair is tried when reading one.
	store := sessions.NewCookieStore(pairs...)
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(cfg.SessionLifetime.Seconds()),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	store.MaxAge(store.Options.MaxAge)
	return &App{
		cfg:            cfg,
		db:             cfg.DB,
		log:            cfg.Logger,
		sessions:       newSessionStore(store),
		validate:       newFormValidator(),
		jsonValidate:   newJSONValidator(),
		apiLimiter:     newRateLimiter(cfg.APIRequestsPerMinute),
		loginByIP:      auth.NewThrottle(domain.AddressSignInDelay, domain.SignInMemory),
		loginByAccount: auth.NewThrottle(domain.AccountSignInDelay, domain.SignInMemory),
		knownBrowsers:  newKnownBrowsers(cfg.SessionKeys),
		hashes:         auth.NewGate(cfg.MaxConcurrentHashes, 3*time.Second),
		carry:          newCarryStore(),
		bg:             ctx,
		overdueEvery:   time.Minute,
		feedPoke:       make(chan struct{}, 1),
		checksFeeds:    make(chan struct{}, maxChecksFeeds),
		checksFeedWait: checksFeedPatience,
		streamIdle:     streamIdle,
		keptPages:      newKeptPages(),
		keptItemPages:  newKeptPagesOf(keptItemPagesBytes),
		deskCharts:     newDeskChartCache(),
		keptTimelines:  newKeptTimelines(),
	}, nil
}

// meta builds the layout's props for the current request.
func (app *App) meta(w http.ResponseWriter, r *http.Request, title string) components.PageMeta {
	return components.PageMeta{
		Title:  title,
		User:   currentUser(r),
		Flash:  app.popFlashes(w, r),
		Unread: app.unreadCount(r),
		Path:   r.URL.Path,
	}
}

// render writes a component with status, rendering into a buffer first so
// that a failed render becomes a clean 500 rather than half a page. A failed
// render is answered in plain text by renderFailed, never by rendering again.
// The page goes out in one write with its length, from a buffer used again
// by later pages: a page is tens of kilobytes, and growing a fresh buffer to
// that size for every request was most of the memory the pages allocated.
// Characters that hide or reorder text are taken out of it first (plainPage).
func (app *App) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		app.renderFailed(w, r, err)
		return
	}
	page := plainPage(buf.Bytes())
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	w.Write(page)
}

// pageBuffers holds the buffers pages are rendered into.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxKeptPageBuffer is the largest buffer kept for another page: a rare huge
// page (a long article) does not hold its memory for good.
const maxKeptPageBuffer = 1 << 20

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxKeptPageBuffer {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

// isHTMX reports whether the request came from htmx and wants a fragment.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// redirect answers a successful form post: 303 for plain requests, an
// HX-Redirect for htmx ones.
func redirect(w http.ResponseWriter, r *http.Request, url string) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

type ctxKey int

const (
	userKey ctxKey = iota
	requestIDKey
)

// currentUser is the signed-in user, or nil.
func currentUser(r *http.Request) *domain.User {
	u, _ := r.Context().Value(userKey).(*domain.User)
	return u
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}
