package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"claimtrail/domain"
	"claimtrail/web/auth"
)

// The JSON API for scripts and integrations, under /api/v1/. Callers send a
// per-user token as "Authorization: Bearer TOKEN"; cookies are ignored, so a
// browser session never authorises an API call. Every answer is JSON, and
// every error has the shape {"error": {"code", "message", "fields"}}.
// Handlers call the same storage methods and domain rules as the browser.

// Body limits: an article may be as large as the upload limit allows (plus
// room for the JSON around it); everything else is small.
const apiBodyLimit = 1 << 20

// apiRequestsPerMinute is each token's rate limit.
const apiRequestsPerMinute = 600

func (app *App) apiArticleLimit() int64 { return app.cfg.MaxUploadBytes + 1<<20 }

// isAPI reports whether r is for the JSON API, whose answers are always JSON.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiErrorBody is the one shape of every API error.
type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// codeBadRequest is the API's code for a body it cannot read at all
// (malformed JSON, unknown fields); domain codes cover everything else.
const codeBadRequest = domain.EBADREQUEST

// codeMethodNotAllowed answers a known API path asked with the wrong method.
const codeMethodNotAllowed = "method_not_allowed"

// badRequestError is a request the API cannot read: 400.
type badRequestError struct {
	message string
	fields  map[string]string
}

func (e *badRequestError) Error() string { return "bad request: " + e.message }

func badRequest(message string, fields map[string]string) error {
	return &badRequestError{message: message, fields: fields}
}

// rateLimitError carries how long the caller must wait.
type rateLimitError struct{ wait time.Duration }

func (e *rateLimitError) Error() string { return "rate limited" }

// apiError answers an API request that failed with err. Like app.error, it
// logs internal errors only and never shows their text.
func (app *App) apiError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r) {
		return
	}
	err = app.unavailable(r, err)
	var (
		tooBig  *http.MaxBytesError
		bad     *badRequestError
		limited *rateLimitError
		stale   *domain.StaleVerdictError
	)
	switch {
	case errors.As(err, &tooBig):
		app.apiErrorStatus(w, r, http.StatusRequestEntityTooLarge, domain.ETOOLARGE,
			fmt.Sprintf("The request body is larger than the %s allowed here.", sizeLabel(tooBig.Limit)), nil)
		return
	case errors.As(err, &bad):
		app.apiErrorStatus(w, r, http.StatusBadRequest, codeBadRequest, bad.message, bad.fields)
		return
	case errors.As(err, &stale):
		// The browser shows the other version; a script has to fetch it.
		app.apiErrorStatus(w, r, http.StatusConflict, domain.ECONFLICT,
			fmt.Sprintf("The verdict is at version %d now: %s changed it at %s UTC. GET the claim, merge your change into that version and send it again.",
				stale.Current.Version, stale.By, stale.At.UTC().Format("15:04")), nil)
		return
	case errors.As(err, &limited):
		secs := max(int(math.Ceil(limited.wait.Seconds())), 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		app.apiErrorStatus(w, r, http.StatusTooManyRequests, domain.ERATELIMIT,
			domain.ErrTooManyAPIRequests(app.apiLimiter.perMinute, secs).Message, nil)
		return
	}
	code := domain.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		app.logInternal(r, err)
	}
	var fields map[string]string
	var de *domain.Error
	if errors.As(err, &de) {
		fields = de.Fields
	}
	app.apiErrorStatus(w, r, status, code, domain.ErrorMessage(err), fields)
}

// apiErrorStatus writes the JSON error shape. A 401 always says how to
// authenticate (WWW-Authenticate: Bearer).
func (app *App) apiErrorStatus(w http.ResponseWriter, r *http.Request, status int, code, message string, fields map[string]string) {
	if clientGone(r) {
		return
	}
	if status == http.StatusUnauthorized {
		challenge := `Bearer realm="claimtrail"`
		if bearerToken(r) != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	if fields == nil {
		fields = map[string]string{}
	}
	writeJSON(w, status, apiErrorBody{Error: apiErrorDetail{Code: code, Message: message, Fields: fields}})
}

// codeOfStatus names a status the router or middleware produced without a
// domain error (a 404 for an unknown path, a refused cross-origin request).
// 400 and 405 have API-only codes; the rest come from codeStatuses.
func codeOfStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return codeBadRequest
	case http.StatusMethodNotAllowed:
		return codeMethodNotAllowed
	}
	for _, cs := range codeStatuses {
		if cs.status == status {
			return cs.code
		}
	}
	return domain.EINTERNAL
}

func sizeLabel(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

// writeJSON writes v as the response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own response types reach here; they always marshal.
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"Something went wrong on our side.","fields":{}}}`)
	}
	writeJSONBytes(w, status, b)
}

// writeJSONBytes writes b, JSON already encoded, as writeJSON does.
func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// decodeJSON reads one JSON object of at most limit bytes into dst, refusing
// unknown fields, trailing data and anything that is not JSON, then checks
// dst's `validate` tags (422 with per-field messages).
func (app *App) decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	body, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return app.decodeJSONBody(body, dst)
}

// readBody reads the request's body, of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, badRequest("The request body could not be read.", nil)
	}
	return body, nil
}

// decodeJSONBody is decodeJSON for a body already read.
func (app *App) decodeJSONBody(body []byte, dst any) error {
	// encoding/json would quietly turn bytes that are not UTF-8 into U+FFFD,
	// and the stored text would differ from what was sent.
	if !utf8.Valid(body) {
		return badRequest("The request body is not valid UTF-8 text; send it as UTF-8.", nil)
	}
	// Likewise a \u escape of half a UTF-16 surrogate pair, which is no
	// character at all.
	if at := loneSurrogate(body); at >= 0 {
		return badRequest(fmt.Sprintf("The request body has a \\u escape of half a UTF-16 surrogate pair (near byte %d), which is not a character; send the text as UTF-8.", at), nil)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonDecodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return badRequest("Send exactly one JSON object in the request body.", nil)
	}
	// encoding/json keeps the last of a field given twice, and matches names
	// without regard to case, so {"version": 1, "Version": 5} would be
	// read as one thing here and as another by a proxy or a log reader.
	if name := repeatedField(body); name != "" {
		return badRequest(fmt.Sprintf("The field %q is given more than once; send each field once.", name), map[string]string{name: "Give this field once."})
	}
	if errs := app.jsonValidate.Check(dst); errs != nil {
		return &domain.Error{Code: domain.EINVALID, Message: "Some fields need fixing; see fields.", Fields: errs}
	}
	return nil
}

// repeatedField returns the first name given twice in one JSON object of
// body (names compared regardless of case, as encoding/json reads them),
// or "". body has already been decoded, so it is valid and not too deep.
func repeatedField(body []byte) string {
	type object struct {
		names   map[string]bool
		wantKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var open []*object // nil for an array
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var top *object
		if len(open) > 0 {
			top = open[len(open)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top != nil {
					top.wantKey = true // this value ends its pair
				}
				if d == '{' {
					open = append(open, &object{names: map[string]bool{}, wantKey: true})
				} else {
					open = append(open, nil)
				}
			default:
				open = open[:len(open)-1]
			}
			continue
		}
		if top == nil {
			continue
		}
		if top.wantKey {
			name := tok.(string)
			if top.names[strings.ToLower(name)] {
				return name
			}
			top.names[strings.ToLower(name)] = true
		}
		top.wantKey = !top.wantKey
	}
}

// loneSurrogate returns the offset of the first \uD800–\uDFFF escape in a
// JSON text that is not half of a high-then-low pair, or -1. Backslashes
// only occur inside JSON strings, so no string tracking is needed.
func loneSurrogate(b []byte) int {
	escape := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := escape(i)
		if !ok {
			i++ // another escape such as \\ or \": skip the escaped byte
			continue
		}
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if low, ok := escape(i + 6); ok && low >= 0xDC00 && low < 0xE000 {
				i += 11
				continue
			}
			return i
		case r >= 0xDC00 && r < 0xE000:
			return i
		}
		i += 5
	}
	return -1
}

// decodeOptionalJSON is decodeJSON for actions whose body may be left out
// (an empty body leaves dst as it is, and still passes validation).
// A body left out is one with nothing but white space in it however it
// is sent: without a length (chunked) as well as with a length of 0.
func (app *App) decodeOptionalJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	body, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return app.decodeJSONBody(body, dst)
}

// jsonDecodeError explains why a body could not be read, naming the field
// when encoding/json knows it.
func jsonDecodeError(err error) error {
	var (
		tooBig    *http.MaxBytesError
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.Is(err, io.EOF):
		return badRequest("The request body is empty; send a JSON object.", nil)
	case errors.As(err, &syntax):
		return badRequest(fmt.Sprintf("The request body is not valid JSON (near byte %d).", syntax.Offset), nil)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("The request body is not valid JSON: it ends too soon.", nil)
	case errors.As(err, &wrongType):
		field := wrongType.Field
		if field == "" {
			return badRequest("Send a JSON object in the request body.", nil)
		}
		msg := fmt.Sprintf("Expected %s here, not a JSON %s.", jsonKind(wrongType.Type.Kind().String()), wrongType.Value)
		return badRequest(fmt.Sprintf("The field %q has the wrong type.", field), map[string]string{field: msg})
	}
	// encoding/json reports unknown fields only as text: `json: unknown field "x"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(fmt.Sprintf("The field %q is not part of this request.", name),
			map[string]string{name: "This field is not part of this request; check its spelling."})
	}
	return badRequest("The request body could not be read as JSON.", nil)
}

func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "float64", "float32", "uint", "uint64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "another type"
}

// bearerToken returns the token of an "Authorization: Bearer TOKEN" header, or "".
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// apiAuth wraps an API handler: it finds the token's user (refusing two
// Authorization headers with 400, and missing, unknown and revoked tokens, and tokens of deactivated accounts, with 401),
// applies the per-token rate limit (429), records the token name as part of
// the audit actor, and checks the role (403) exactly as the browser does.
func (app *App) apiAuth(allowed func(*domain.User) bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Values("Authorization")) > 1 {
			// Which one a proxy or a log reads is anyone's guess; the
			// request is refused rather than read by one of them.
			app.apiError(w, r, domain.ErrAuthorizationGivenTwice)
			return
		}
		token := bearerToken(r)
		if token == "" {
			app.apiError(w, r, domain.Errorf(domain.EUNAUTHORIZED,
				"Send your API token in an \"Authorization: Bearer TOKEN\" header. Make a token on your settings page."))
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// The token's read and the answer's ask once whether anything
			// changed, as a signed-in page's reads do (loadSession).
			r = r.WithContext(app.db.PinGeneration(r.Context()))
		}
		u, t, err := app.db.AuthenticateAPIToken(r.Context(), auth.HashToken(token))
		if err != nil {
			app.apiError(w, r, err)
			return
		}
		if ok, wait := app.apiLimiter.allow(domain.APIAllowanceOf(t)); !ok {
			app.apiError(w, r, &rateLimitError{wait: wait})
			return
		}
		app.markTokenUsed(r, t)
		r = withActor(r, u, t.Name)
		if !allowed(u) {
			app.apiError(w, r, domain.Errorf(domain.EFORBIDDEN, "Your role (%s) does not allow this.", strings.ToLower(u.Role.Label())))
			return
		}
		next(w, r)
	}
}

func (app *App) apiReviewer(h http.HandlerFunc) http.HandlerFunc {
	return app.apiAuth(domain.CanReview, h)
}
func (app *App) apiEditor(h http.HandlerFunc) http.HandlerFunc { return app.apiAuth(domain.CanEdit, h) }

// markTokenUsed updates a token's last_used_at at most once a minute, so
// that a busy script does not turn every read into a write. The record is
// the server's own bookkeeping: it is finished even if the script has given
// up on its request meanwhile.
func (app *App) markTokenUsed(r *http.Request, t *domain.APIToken) {
	now := time.Now()
	if now.Sub(t.LastUsedAt) < time.Minute || !app.apiLimiter.shouldMark(t.ID, now) {
		return
	}
	if err := app.db.MarkAPITokenUsed(context.WithoutCancel(r.Context()), t.ID); err != nil {
		app.log.WarnContext(r.Context(), "mark token used", slog.Int64("token", t.ID), slog.Any("error", err))
	}
}

// apiNoRoute answers API paths nothing else matched: 405 with Allow when the
// path exists for other methods, otherwise 404, both as JSON.
func (app *App) apiNoRoute(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			app.apiErrorStatus(w, r, http.StatusMethodNotAllowed, codeMethodNotAllowed,
				fmt.Sprintf("%s is not available here; use %s.", r.Method, strings.Join(allow, " or ")), nil)
			return
		}
		app.apiErrorStatus(w, r, http.StatusNotFound, domain.ENOTFOUND, "There is no such API endpoint. See docs/api.md for the list.", nil)
	}
}

// rateLimiter is a token bucket per person (domain.APIAllowanceOf): a
// burst of perMinute requests, refilled at perMinute a minute. It also notes
// when each API token's last use was written down.
type rateLimiter struct {
	perMinute int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[int64]*bucket
	marked  map[int64]time.Time // by token: when last_used_at was last written
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(perMinute int) *rateLimiter {
	return &rateLimiter{perMinute: perMinute, now: time.Now, buckets: map[int64]*bucket{}, marked: map[int64]time.Time{}}
}

// allow takes one request from key's bucket, or says how long until one is free.
func (l *rateLimiter) allow(key int64) (bool, time.Duration) {
	if l.perMinute < 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.bucket(key, now)
	rate := float64(l.perMinute) / 60 // per second
	b.tokens = min(float64(l.perMinute), b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// shouldMark reports whether token's last use is worth writing down now,
// and if so notes that it is being written.
func (l *rateLimiter) shouldMark(token int64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.marked[token]) < time.Minute {
		return false
	}
	if len(l.marked) > 10_000 {
		// Bound memory: a mark older than a minute is the same as none.
		for k, at := range l.marked {
			if now.Sub(at) >= time.Minute {
				delete(l.marked, k)
			}
		}
	}
	l.marked[token] = now
	return true
}

func (l *rateLimiter) bucket(key int64, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 10_000 {
			// Bound memory: a full bucket is the same as no bucket.
			for k, old := range l.buckets {
				if now.Sub(old.at) > time.Minute {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: float64(l.perMinute), at: now}
		l.buckets[key] = b
	}
	return b
}
