package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"claimtrail/components"
	"claimtrail/domain"
)

// The article page's controls share one form (components.ArticleFormID):
// whichever button is pressed, the post holds everything typed on the page.
// A successful post keeps what it did not save for the page its redirect
// shows; a refused one draws the page again with all of it in place.

// articlePath is the article page's address, which is also the key under
// which typed work is kept for it.
func articlePath(id int64) string { return "/articles/" + itoa(id) }

// articleDetailFields are the edit form's fields; rowFields one row's.
var (
	articleDetailFields = []string{"title", "outlet", "author", "url", "published"}
	rowFields           = []string{"text", "reason_code", "reason", "version", "check", "as"}
)

// rowFieldNames are a claim's row fields as posted by the page's one form.
func rowFieldNames(claimID int64) []string {
	out := make([]string, len(rowFields))
	for i, f := range rowFields {
		out[i] = components.RowField(claimID, f)
	}
	return out
}

// rowValues are the fields of one claim's row without their prefix. A post
// without them (an API-like client, an older page) is read as it is.
func rowValues(values url.Values, claimID int64) url.Values {
	return rowPart(values, components.RowField(claimID, ""))
}

// rowPart is the part of a page-wide form that belongs to one row: the
// fields named with prefix, without it. A post with none of them (a script,
// an older page) is read as it is.
func rowPart(values url.Values, prefix string) url.Values {
	out := url.Values{}
	for k, v := range values {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			out[name] = v
		}
	}
	if len(out) == 0 {
		return values
	}
	return out
}

// keepArticleTyped answers the article page's default button (Enter in a
// field without JavaScript): it saves nothing and shows the page again with
// everything typed still in place.
func (app *App) keepArticleTyped(w http.ResponseWriter, r *http.Request) {
	id, err := postedID(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.carryTyped(r, articlePath(id))
	app.flash(w, r, "info", "Nothing is saved yet: press the button beside what you typed.")
	redirect(w, r, articlePath(id))
}

// carryArticle keeps, for the article page, what a successful post on it
// did not save.
func (app *App) carryArticle(r *http.Request, id int64, saved ...string) {
	app.carryTyped(r, articlePath(id), saved...)
}

// applyArticleTyped puts what was typed on the article page back into its
// view: the details being edited, the claim being added, the bulk reason,
// the ticked rows and each row's wording, reason and note. It reports
// whether anything typed differs from what the page shows by itself.
func applyArticleTyped(v *components.ArticleView, typed url.Values) bool {
	if len(typed) == 0 {
		return false
	}
	changed := false
	if _, ok := typed["title"]; ok && v.Edit.Mode == "" {
		m, err := readMeta(typed, "")
		if err == nil {
			f := m.form("edit")
			stored := v.EditForm()
			if f.Title != stored.Title || f.Outlet != stored.Outlet || f.Author != stored.Author || f.URL != stored.URL || f.Published != stored.Published {
				v.Edit, changed = f, true
			}
		}
	}
	if q := echoText(typed.Get("quote")); q != "" && v.Quote == "" {
		v.Quote, changed = q, true
	}
	if s := echoText(typed.Get("reason")); s != "" && v.BulkReason == "" {
		v.BulkReason, changed = s, true
	}
	if s := echoText(typed.Get("reason_code")); s != "" && v.BulkReasonCode == "" {
		v.BulkReasonCode, changed = s, true
	}
	for _, s := range typed["ids"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			if v.Selected == nil {
				v.Selected = map[int64]bool{}
			}
			v.Selected[id], changed = true, true
		}
	}
	for _, c := range v.Claims {
		if c.State != domain.StateCandidate {
			continue
		}
		in := components.ClaimInput{
			Text:       echoText(typed.Get(components.RowField(c.ID, "text"))),
			ReasonCode: echoText(typed.Get(components.RowField(c.ID, "reason_code"))),
			Reason:     echoText(typed.Get(components.RowField(c.ID, "reason"))),
		}
		if in.Text == "" && in.ReasonCode == "" && in.Reason == "" {
			continue
		}
		if _, failed := v.Rows[c.ID]; failed {
			continue // the refused row shows what it was sent, with its messages
		}
		if v.Rows == nil {
			v.Rows = map[int64]components.ClaimInput{}
		}
		v.Rows[c.ID], changed = in, true
	}
	return changed
}
