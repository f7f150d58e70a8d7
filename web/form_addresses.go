package web

import (
	"net/http"
	"net/url"
	"strings"
)

// formPages names the page a form is on where the nearest page above its
// action's address is not it: the byline decisions are made on Review, and
// the older upload and fetch forms sit on Add an article.
var formPages = map[string]string{
	"/bylines/":        "/review",
	"/articles/upload": "/articles/new",
	"/articles/fetch":  "/articles/new",
}

// formAddress answers a GET for an address that only takes a form's POST.
// A form refused without JavaScript shows the page again at its action's
// address, so a reload in a new tab, a bookmark or a shared link asks that
// address for a page: it is sent on to the page the form is on (the nearest
// address above it that is a page) rather than told "not found". Anything
// else is the friendly 404.
func (app *App) formAddress(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead || !takesPost(mux, r) {
			app.notFound(w, r)
			return
		}
		// Escaped, so that a "?" or "#" decoded from the address stays part of
		// the path.
		http.Redirect(w, r, (&url.URL{Path: formPage(mux, r)}).EscapedPath(), http.StatusSeeOther)
	}
}

// takesPost reports whether a POST to r's address would reach a route.
func takesPost(mux *http.ServeMux, r *http.Request) bool {
	probe := r.Clone(r.Context())
	probe.Method = http.MethodPost
	_, pattern := mux.Handler(probe)
	return strings.HasPrefix(pattern, http.MethodPost+" ")
}

// formPage is the page a form posting to r's address is on: the nearest
// address above it that answers a GET, else the home page.
func formPage(mux *http.ServeMux, r *http.Request) string {
	path := r.URL.Path
	for prefix, page := range formPages {
		if path == prefix || strings.HasSuffix(prefix, "/") && strings.HasPrefix(path, prefix) {
			return page
		}
	}
	for {
		i := strings.LastIndexByte(strings.TrimSuffix(path, "/"), '/')
		if i <= 0 {
			return "/"
		}
		path = path[:i]
		probe := r.Clone(r.Context())
		probe.URL.Path, probe.URL.RawPath = path, ""
		if _, pattern := mux.Handler(probe); strings.HasPrefix(pattern, http.MethodGet+" ") {
			return path
		}
	}
}
