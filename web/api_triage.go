package web

import (
	"net/http"

	"claimtrail/domain"
)

// Triage through the API: the same storage calls as the browser's accept
// and dismiss buttons.

// apiAcceptRequest: the wording's rules are domain.CheckRewording's.
type apiAcceptRequest struct {
	Text    string `json:"text"`
	Version int64  `json:"version" validate:"gte=0"`
}

// apiDismissRequest: reason_code is one of the dismissal reasons; reason is
// the note. A note alone is an "other" dismissal, as before reasons existed.
type apiDismissRequest struct {
	ReasonCode string `json:"reason_code"`
	Reason     string `json:"reason"`
}

// apiAcceptClaim moves a candidate into the queue. The body is optional:
// {"text"} rewords the claim, {"version"} refuses a stale accept.
func (app *App) apiAcceptClaim(w http.ResponseWriter, r *http.Request) {
	var req apiAcceptRequest
	id, ok := app.apiClaimRequest(w, r, app.decodeOptionalJSON, &req)
	if !ok {
		return
	}
	c, err := app.db.AcceptClaim(r.Context(), id, req.Text, req.Version)
	app.apiClaimResult(w, r, c, err)
}

func (app *App) apiDismissClaim(w http.ResponseWriter, r *http.Request) {
	var req apiDismissRequest
	id, ok := app.apiClaimRequest(w, r, app.decodeJSON, &req)
	if !ok {
		return
	}
	d, err := domain.NewDismissal(req.ReasonCode, req.Reason)
	var c *domain.Claim
	if err == nil {
		c, err = app.db.DismissClaim(r.Context(), id, d)
	}
	app.apiClaimResult(w, r, c, err)
}

// apiClaimRequest reads the claim id from the path and the JSON body into
// req with decode, answering any error itself; ok is false when it did.
func (app *App) apiClaimRequest(w http.ResponseWriter, r *http.Request,
	decode func(http.ResponseWriter, *http.Request, int64, any) error, req any) (id int64, ok bool) {
	id, err := pathID(r, "id")
	if err == nil {
		err = decode(w, r, apiBodyLimit, req)
	}
	if err != nil {
		app.apiError(w, r, err)
		return 0, false
	}
	return id, true
}

// apiClaimResult answers with the claim a triage call returned, or its error.
func (app *App) apiClaimResult(w http.ResponseWriter, r *http.Request, c *domain.Claim, err error) {
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	app.noteTriage()
	writeJSON(w, http.StatusOK, toAPIClaim(c))
}
