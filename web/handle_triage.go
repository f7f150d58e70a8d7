package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage"
)

// Triage of an article's candidate claims: accept (optionally reworded),
// dismiss with a reason, add one by hand, and do either to several at once.
// htmx requests get the claim's row back; plain ones a 303 to the article.

// triageDone answers a successful accept or dismiss.
func (app *App) triageDone(w http.ResponseWriter, r *http.Request, c *domain.Claim, message string) {
	app.noteTriage()
	if isHTMX(r) {
		app.render(w, r, http.StatusOK, components.ClaimRow(components.ClaimRowView{Claim: c}))
		return
	}
	app.carryArticle(r, c.ArticleID, rowFieldNames(c.ID)...)
	app.flash(w, r, "success", message)
	redirect(w, r, "/articles/"+itoa(c.ArticleID)+"#claim-row-"+itoa(c.ID))
}

// triageFailed answers a failed accept or dismiss: field errors re-render the
// row (htmx) or the article page with the row's input kept, 422; the rest go
// to the error page (404, 409, ...).
func (app *App) triageFailed(w http.ResponseWriter, r *http.Request, claimID int64, input components.ClaimInput, err error) {
	fe := fieldErrors(err)
	err, onPage := app.refusedOnPage(r, err)
	code := domain.ErrorCode(err)
	if fe == nil && (isHTMX(r) || !onPage) {
		app.error(w, r, err)
		return
	}
	c, cerr := app.db.ClaimByID(r.Context(), claimID)
	if cerr != nil {
		app.error(w, r, cerr)
		return
	}
	input.Errors = fe
	if isHTMX(r) {
		app.render(w, r, http.StatusUnprocessableEntity, components.ClaimRow(components.ClaimRowView{Claim: c, Input: input}))
		return
	}
	if fe == nil {
		// A colleague decided first, or the claim moved on: say so at the
		// top of the page, which still holds everything typed on it.
		app.renderArticle(w, r, statusOf(code), c.ArticleID, func(v *components.ArticleView) {
			v.Problem = "Claim " + itoa(c.ID) + ": " + domain.ErrorMessage(err)
		})
		return
	}
	app.renderArticle(w, r, http.StatusUnprocessableEntity, c.ArticleID, func(v *components.ArticleView) {
		v.Rows = map[int64]components.ClaimInput{c.ID: input}
	})
}

func (app *App) acceptClaim(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Text    string `form:"text"`
		Version int64  `form:"version"`
		// As is "appearance" to record the candidate as a new appearance
		// of the approved check Check, "queue" to accept it all the same.
		As    string `form:"as"`
		Check int64  `form:"check"`
	}
	id, ok := app.triageForm(w, r, &form)
	if !ok {
		return
	}
	if form.As == "appearance" {
		c, err := app.db.RecordAsAppearance(r.Context(), id, form.Check, form.Version)
		if err != nil {
			app.triageFailed(w, r, id, components.ClaimInput{Text: form.Text}, err)
			return
		}
		app.triageDone(w, r, c, "Recorded as a new appearance of claim "+itoa(form.Check)+"; it was checked already, so it is not queued again.")
		return
	}
	if form.As != "queue" && app.offerAppearance(w, r, id, form.Text) {
		return
	}
	c, err := app.db.AcceptClaim(r.Context(), id, form.Text, form.Version)
	if err != nil {
		app.triageFailed(w, r, id, components.ClaimInput{Text: form.Text}, err)
		return
	}
	app.triageDone(w, r, c, "Claim accepted into the queue.")
}

// triageForm reads the claim id from the path and the posted form into
// form, answering any error itself; ok is false when it did.
func (app *App) triageForm(w http.ResponseWriter, r *http.Request, form any) (id int64, ok bool) {
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return 0, false
	}
	err = parseForm(r)
	if err == nil {
		err = fillForm(rowValues(r.Form, id), form)
	}
	if err != nil {
		// The hidden version field has no place on the row to show a
		// message, so its message goes beside the wording.
		if fe := fieldErrors(err); fe["version"] != "" {
			err = domain.FieldError("text", "This form could not be read. Reload the page and try again.")
		}
		app.triageFailed(w, r, id, components.ClaimInput{}, err)
		return 0, false
	}
	return id, true
}

func (app *App) dismissClaim(w http.ResponseWriter, r *http.Request) {
	var form struct {
		ReasonCode string `form:"reason_code"`
		Reason     string `form:"reason"`
	}
	id, ok := app.triageForm(w, r, &form)
	if !ok {
		return
	}
	d, err := domain.NewDismissal(form.ReasonCode, form.Reason)
	var c *domain.Claim
	if err == nil {
		c, err = app.db.DismissClaim(r.Context(), id, d)
	}
	if err != nil {
		app.triageFailed(w, r, id, components.ClaimInput{Reason: form.Reason, ReasonCode: form.ReasonCode}, err)
		return
	}
	app.triageDone(w, r, c, "Claim dismissed.")
}

func (app *App) addManualClaim(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Quote string `form:"quote"`
	}
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	err = decodeForm(r, &form)
	var c *domain.Claim
	if err == nil {
		c, err = app.db.AddManualClaim(r.Context(), id, form.Quote, 0, 0)
	}
	var existing *storage.ExistingClaimError
	if errors.As(err, &existing) {
		app.carryArticle(r, id, "quote")
		app.flash(w, r, "info", "That passage is already claim "+itoa(existing.ID)+"; it is highlighted below.")
		redirect(w, r, "/articles/"+itoa(id)+"#claim-row-"+itoa(existing.ID))
		return
	}
	if err != nil {
		if fe := fieldErrors(err); fe != nil {
			app.renderArticle(w, r, http.StatusUnprocessableEntity, id, func(v *components.ArticleView) {
				v.Quote, v.QuoteErrs = strings.ToValidUTF8(form.Quote, ""), fe
			})
			return
		}
		app.error(w, r, err)
		return
	}
	app.noteTriage()
	app.carryArticle(r, id, "quote")
	app.flash(w, r, "success", "Claim added. Accept it into the queue when it is ready.")
	redirect(w, r, "/articles/"+itoa(id)+"#claim-row-"+itoa(c.ID))
}

func (app *App) bulkTriage(w http.ResponseWriter, r *http.Request) {
	var form struct {
		IDs        []int64 `form:"ids"`
		Action     string  `form:"action"`
		ReasonCode string  `form:"reason_code"`
		Reason     string  `form:"reason"`
	}
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	err = decodeForm(r, &form)
	var res *storage.BulkResult
	if err == nil {
		switch form.Action {
		case "accept":
			res, err = app.db.AcceptClaims(r.Context(), id, form.IDs)
		case "dismiss":
			var d domain.Dismissal
			if d, err = domain.NewDismissal(form.ReasonCode, form.Reason); err == nil {
				res, err = app.db.DismissClaims(r.Context(), id, form.IDs, d)
			}
		default:
			err = domain.FieldError("ids", "Choose Accept selected or Dismiss selected.")
		}
	}
	if err != nil {
		if fe := fieldErrors(err); fe != nil {
			app.renderArticle(w, r, http.StatusUnprocessableEntity, id, func(v *components.ArticleView) {
				v.BulkErrs, v.BulkReason = fe, strings.ToValidUTF8(form.Reason, "")
				v.BulkReasonCode = strings.ToValidUTF8(form.ReasonCode, "")
			})
			return
		}
		app.error(w, r, err)
		return
	}
	app.noteTriage()
	app.carryArticle(r, id, "ids", "action", "reason_code", "reason")
	verb := map[string]string{"accept": "accepted into the queue", "dismiss": "dismissed"}[form.Action]
	if len(res.Changed) > 0 {
		app.flash(w, r, "success", plural(len(res.Changed), "claim")+" "+verb+".")
	}
	if len(res.Failed) > 0 {
		var why []string
		for _, f := range res.Failed {
			why = append(why, fmt.Sprintf("claim %d: %s", f.ClaimID, strings.TrimSuffix(domain.ErrorMessage(f.Err), ".")))
		}
		app.flash(w, r, "error", plural(len(res.Failed), "claim")+" left unchanged — "+strings.Join(why, "; ")+".")
	}
	redirect(w, r, "/articles/"+itoa(id))
}
