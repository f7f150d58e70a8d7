package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"claimtrail/domain"
)

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush on the real writer, so
// that streamed exports stream.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests gives every request an id (also sent back as X-Request-Id)
// and logs one structured line when it finishes.
func (app *App) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		msg := "request"
		if rec.status == 0 && ctx.Err() != nil {
			// Hung up (or timed out) before any answer: not an error of ours,
			// and this is the one line it gets.
			msg = "client left"
		}
		app.log.LogAttrs(ctx, slog.LevelInfo, msg,
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)), slog.String("client", clientAddr(r)))
	})
}

// recoverPanic turns a panic into a logged 500 page.
func (app *App) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				w.Header().Set("Connection", "close")
				app.serverError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is the policy every page gets; imageOrigin, when
// set, is one more origin images may come from (the newsroom's logo on the
// public pages).
func contentSecurityPolicy(imageOrigin string) string {
	return policyWithFrameAncestors(imageOrigin, "'none'")
}

func policyWithFrameAncestors(imageOrigin, ancestors string) string {
	img := "img-src 'self' data:"
	if imageOrigin != "" {
		img += " " + imageOrigin
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; " + img + "; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors " + ancestors + "; base-uri 'none'; object-src 'none'"
}

// allowOwnFrame lets this answer be shown in a frame of the app's own pages
// (a progress box that reloads itself without JavaScript), and nowhere
// else. Only answers without any action in them are framed.
func allowOwnFrame(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", policyWithFrameAncestors("", "'self'"))
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
}

// allowLogo lets the public page show the newsroom's logo from its own
// site: only that origin (scheme and host, checked) is added for images.
func allowLogo(w http.ResponseWriter, logoURL string) {
	u, err := url.Parse(logoURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(u.Host, " ;,'\"") {
		return
	}
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy(u.Scheme+"://"+u.Host))
}

// securityHeaders sets a strict Content-Security-Policy (no inline script or
// style, no framing) and the other headers a newsroom tool should send.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy(""))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies: the routes that take a whole article (pasted,
// uploaded or sent to the API) get the article limit plus room for the form
// around it; every other form gets formLimit. API handlers set tighter caps of
// their own inside these. The add-article form's file upload (multipart) may
// run to uploadLimit: its file is cut at the article limit as it is read
// (trimUploads), so the rest of a file too large is read and dropped, and
// the fields after it still reach the form.
func limitBody(formLimit, articleLimit, uploadLimit int64, next http.Handler) http.Handler {
	articleRoutes := map[string]bool{"/articles": true, "/articles/upload": true, "/api/v1/articles": true}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			limit := formLimit
			if articleRoutes[r.URL.Path] {
				limit = articleLimit
				if r.URL.Path != "/api/v1/articles" && isMultipart(r) {
					limit = uploadLimit
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses cross-origin state-changing requests with the
// friendly 403 page.
func (app *App) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.errorStatus(w, r, http.StatusForbidden, "This form was sent from another website, so claimtrail refused it. Open claimtrail directly and try again.")
	}))
	return cop.Handler(next)
}

// realClient, for requests that come through one of the trusted proxies,
// takes the client's address from X-Forwarded-For: the nearest address in it
// that is not itself a trusted proxy. Nothing else may set it, so a client
// cannot pick its own address to escape the sign-in throttle.
func (app *App) realClient(next http.Handler) http.Handler {
	if len(app.cfg.TrustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr := forwardedClient(r, app.cfg.TrustedProxies); addr != "" {
			r = r.WithContext(r.Context()) // a copy, so the caller's request is untouched
			r.RemoteAddr = net.JoinHostPort(addr, "0")
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient returns the client address a trusted proxy reported, or
// "" when the request did not come from one (or it reported nothing usable).
func forwardedClient(r *http.Request, trusted []netip.Prefix) string {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !isTrusted(peer.Addr()) {
		return ""
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return "" // a garbled chain: trust none of it
		}
		if !isTrusted(a) {
			return a.Unmap().String()
		}
	}
	return ""
}

// clientAddr is the address the request came from (without the port).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withActor marks the request context with who is acting, for the audit log.
func withActor(r *http.Request, u *domain.User, tokenName string) *http.Request {
	a := domain.Actor{RequestID: requestID(r), ClientAddr: clientAddr(r), TokenName: tokenName}
	if u != nil {
		a.UserID, a.Label = u.ID, u.Email
	}
	ctx := domain.WithActor(r.Context(), a)
	if u != nil {
		ctx = context.WithValue(ctx, userKey, u)
	}
	return r.WithContext(ctx)
}

// publicPageMaxAge is how long a shared cache may keep a public page: short,
// so that a withdrawn check disappears soon.
const publicPageMaxAge = "300"

// publicPage marks a public page's successful answer to someone not signed
// in as cacheable by shared caches for a few minutes; anything else (an
// error, or the page as a signed-in person sees it, which the session sets
// to no-store) is not stored. Vary: Cookie keeps the two apart.
func publicPage(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Cookie")
		if currentUser(r) != nil {
			next(w, r)
			return
		}
		next(&cacheByStatus{ResponseWriter: w}, r)
	}
}

// cacheByStatus sets Cache-Control when the status is written.
type cacheByStatus struct {
	http.ResponseWriter
	wrote bool
}

func (c *cacheByStatus) WriteHeader(code int) {
	if !c.wrote {
		c.wrote = true
		if code == http.StatusOK {
			c.Header().Set("Cache-Control", "public, max-age="+publicPageMaxAge)
		} else {
			c.Header().Set("Cache-Control", "no-store")
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *cacheByStatus) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets the feed flush as it streams.
func (c *cacheByStatus) Unwrap() http.ResponseWriter { return c.ResponseWriter }
