package web

import (
	"net/http"
)

// Triage through the API: the same storage calls as the browser's accept
// and dismiss buttons.

type apiAcceptRequest struct {
	Text    string `json:"text" label:"claim wording" validate:"max=1000"`
	Version int64  `json:"version" validate:"gte=0"`
}

type apiDismissRequest struct {
	Reason string `json:"reason" label:"reason" validate:"required,max=500"`
}

// apiAcceptClaim moves a candidate into the queue. The body is optional:
// {"text"} rewords the claim, {"version"} refuses a stale accept.
func (app *App) apiAcceptClaim(w http.ResponseWriter, r *http.Request) {
	var req apiAcceptRequest
	id, err := pathID(r, "id")
	if err == nil {
		err = app.decodeOptionalJSON(w, r, apiBodyLimit, &req)
	}
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	c, err := app.db.AcceptClaim(r.Context(), id, req.Text, req.Version)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIClaim(c))
}

func (app *App) apiDismissClaim(w http.ResponseWriter, r *http.Request) {
	var req apiDismissRequest
	id, err := pathID(r, "id")
	if err == nil {
		err = app.decodeJSON(w, r, apiBodyLimit, &req)
	}
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	c, err := app.db.DismissClaim(r.Context(), id, req.Reason)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIClaim(c))
}
