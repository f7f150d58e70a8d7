package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"claimtrail/components"
)

// A post that arrives after its sign-in has ended (it ran out, the person
// signed out in another tab, an admin reset their password) is refused; the
// page it came from cannot even be reloaded to copy from. So instead of an
// error page, the answer is the sign-in form holding what was typed, and
// signing in carries it to that page as any of the page's own buttons would
// (carryStore), ready to be saved again. Nothing is kept on the server for
// someone who is not signed in.

// signedOutPost answers a browser's refused post with the sign-in form
// keeping what was typed, when the page it came from is known.
func (app *App) signedOutPost(w http.ResponseWriter, r *http.Request) bool {
	page := refererPage(r)
	if page == "" {
		return false
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return false
		}
	} else if err := r.ParseForm(); err != nil {
		return false
	}
	view := components.LoginForm{Next: page, Kept: keptFields(r.PostForm)}
	if len(view.Kept) == 0 {
		return false
	}
	app.render(w, r, http.StatusUnauthorized, components.LoginPage(app.meta(w, r, "Sign in"), view))
	return true
}

// refererPage is the path of the page on this site that a post came from,
// "" when the browser did not say or it is elsewhere.
func refererPage(r *http.Request) string {
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Host != r.Host || ref.Path == "" || ref.Path == "/login" {
		return ""
	}
	if p := safeNext(ref.Path); p == ref.Path {
		return p
	}
	return ""
}

// neverKept says which posted fields are not written back into a page:
// passwords, codes and secrets, and the stamps a save compares with what
// is stored (the page reads them afresh).
func neverKept(name string) bool {
	switch name {
	case "code", "secret", "next", "version", "claim_version", "direction", "from":
		return true
	}
	return strings.Contains(name, "password") || strings.HasPrefix(name, components.KeptFieldPrefix)
}

// keptFields lists what was typed, in a steady order, leaving out what is
// never kept and what is empty.
func keptFields(form url.Values) []components.KeptField {
	var out []components.KeptField
	for name, values := range form {
		if neverKept(name) {
			continue
		}
		for _, v := range values {
			if strings.TrimSpace(v) != "" {
				out = append(out, components.KeptField{Name: name, Value: v})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// keptFromSignIn is what a sign-in form carried for its page.
func keptFromSignIn(form url.Values) url.Values {
	kept := url.Values{}
	for name, values := range form {
		if field, ok := strings.CutPrefix(name, components.KeptFieldPrefix); ok && !neverKept(field) {
			kept[field] = values
		}
	}
	return kept
}
