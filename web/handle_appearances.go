package web

import (
	"net/http"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/match"
)

// Appearances of a claim: the claim page lists them, an editor applies the
// approved verdict to one, anyone who triages undoes a wrong one; the
// returning-claims page and its API list checked claims that came back.

// appearanceForm reads the claim and appearance ids from the path and the
// rest of the claim page's one form.
func appearanceForm(r *http.Request) (claimID, id int64, err error) {
	if claimID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	if id, err = pathID(r, "aid"); err != nil {
		return 0, 0, err
	}
	return claimID, id, parseForm(r)
}

func (app *App) applyVerdictToAppearance(w http.ResponseWriter, r *http.Request) {
	claimID, id, err := appearanceForm(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	a, err := app.db.ApplyVerdict(r.Context(), claimID, id)
	if err != nil {
		app.claimFailed(w, r, claimID, err, nil)
		return
	}
	app.claimDone(w, r, claimID, "The approved verdict now covers "+a.ArticleTitle+"; the published check lists it.", "#appearances")
}

func (app *App) undoAppearance(w http.ResponseWriter, r *http.Request) {
	claimID, id, err := appearanceForm(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	a, err := app.db.RemoveAppearance(r.Context(), claimID, id, "")
	if err != nil {
		app.claimFailed(w, r, claimID, err, nil)
		return
	}
	app.claimDone(w, r, claimID, "Appearance in "+a.ArticleTitle+" undone: it is no longer listed as this claim.", "#appearances")
}

// claimAppearances loads the claim page's appearances and what u may do
// with each.
func (app *App) claimAppearances(r *http.Request, v *components.ClaimView) error {
	var err error
	if v.Appearances, err = app.db.ClaimAppearances(r.Context(), v.D.Claim.ID); err != nil {
		return err
	}
	v.AppearanceMay = make(map[int64]domain.AppearancePermissions, len(v.Appearances))
	for _, a := range v.Appearances {
		v.AppearanceMay[a.ID] = domain.AppearanceMay(v.User, v.D.Claim, a)
	}
	return nil
}

// returningPage answers GET /returning?since=yyyy-mm-dd.
func (app *App) returningPage(w http.ResponseWriter, r *http.Request) {
	v := components.ReturningView{SinceText: r.URL.Query().Get("since")}
	since, err := domain.ParseSince(v.SinceText, time.Now())
	status := http.StatusOK
	if err != nil {
		if v.Errors = fieldErrors(err); v.Errors == nil {
			app.error(w, r, err)
			return
		}
		status = http.StatusUnprocessableEntity
	} else {
		v.Since = since
		if v.SinceText == "" {
			v.SinceText = since.Format("2006-01-02")
		}
		if v.Claims, err = app.db.ReturningClaims(r.Context(), since, 0); err != nil {
			app.error(w, r, err)
			return
		}
	}
	app.render(w, r, status, components.ReturningPage(app.meta(w, r, "Returning claims"), v))
}

// apiAppearance is one place a claim appeared after its own article.
type apiAppearance struct {
	ID            int64   `json:"id"`
	ArticleID     int64   `json:"article_id"`
	ArticleTitle  string  `json:"article_title"`
	Outlet        string  `json:"outlet"`
	URL           *string `json:"url"`             // the article's own address, when known
	SourceClaimID int64   `json:"source_claim_id"` // the candidate in that article
	Claimant      *string `json:"claimant"`
	Sentence      string  `json:"sentence"`
	Date          *string `json:"date"` // yyyy-mm-dd
	Origin        string  `json:"origin"`
	Score         float64 `json:"score"`
	Applied       bool    `json:"applied"`
	AppliedAt     *string `json:"applied_at"`
}

func toAPIAppearances(as []*domain.Appearance) []apiAppearance {
	out := make([]apiAppearance, 0, len(as))
	for _, a := range as {
		x := apiAppearance{ID: a.ID, ArticleID: a.ArticleID, ArticleTitle: a.ArticleTitle, Outlet: a.Outlet, SourceClaimID: a.SourceClaimID,
			Sentence: a.Sentence, Date: apiDate(a.SeenAt), Origin: string(a.Origin), Score: a.Score, Applied: a.Applied(), AppliedAt: apiTime(a.AppliedAt)}
		if a.ArticleURL != "" {
			x.URL = &a.ArticleURL
		}
		if a.Claimant != "" {
			x.Claimant = &a.Claimant
		}
		out = append(out, x)
	}
	return out
}

// apiReturningClaim is a checked claim that appeared again.
type apiReturningClaim struct {
	ID          int64           `json:"id"`
	Claim       string          `json:"claim"`
	Claimant    *string         `json:"claimant"`
	Rating      *string         `json:"rating"`
	CheckURL    *string         `json:"check_url"` // the public check, when a public address is set
	ApprovedAt  *string         `json:"approved_at"`
	Appearances []apiAppearance `json:"appearances"`
}

// apiReturning answers GET /api/v1/returning?since=yyyy-mm-dd.
func (app *App) apiReturning(w http.ResponseWriter, r *http.Request) {
	since, err := domain.ParseSince(r.URL.Query().Get("since"), time.Now())
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	claims, err := app.db.ReturningClaims(r.Context(), since, 0)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	base, _ := app.baseURL(r)
	out := struct {
		Since  string              `json:"since"`
		Claims []apiReturningClaim `json:"claims"`
	}{Since: since.Format("2006-01-02"), Claims: make([]apiReturningClaim, 0, len(claims))}
	for _, c := range claims {
		x := apiReturningClaim{ID: c.ClaimID, Claim: c.Claim, ApprovedAt: apiTime(c.ApprovedAt), Appearances: toAPIAppearances(c.Appearances)}
		if c.Claimant != "" {
			x.Claimant = &c.Claimant
		}
		if c.Rating != "" {
			x.Rating = &c.Rating
		}
		if base != "" {
			u := base + "/checks/" + itoa(c.ClaimID)
			x.CheckURL = &u
		}
		out.Claims = append(out.Claims, x)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiAppearanceRequest is the optional body of an undo: a reason for the log.
type apiAppearanceRequest struct {
	Reason string `json:"reason"`
}

// apiAppearanceResult answers an appearance change with the claim's
// appearances as they now stand.
func (app *App) apiAppearanceResult(w http.ResponseWriter, r *http.Request, claimID int64, err error) {
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	as, err := app.db.ClaimAppearances(r.Context(), claimID)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Appearances []apiAppearance `json:"appearances"`
	}{toAPIAppearances(as)})
}

func (app *App) apiApplyVerdict(w http.ResponseWriter, r *http.Request) {
	claimID, err := pathID(r, "id")
	var id int64
	if err == nil {
		id, err = pathID(r, "aid")
	}
	if err == nil {
		_, err = app.db.ApplyVerdict(r.Context(), claimID, id)
	}
	app.apiAppearanceResult(w, r, claimID, err)
}

func (app *App) apiUndoAppearance(w http.ResponseWriter, r *http.Request) {
	var req apiAppearanceRequest
	claimID, err := pathID(r, "id")
	var id int64
	if err == nil {
		id, err = pathID(r, "aid")
	}
	if err == nil {
		err = app.decodeOptionalJSON(w, r, apiBodyLimit, &req)
	}
	if err == nil {
		_, err = app.db.RemoveAppearance(r.Context(), claimID, id, req.Reason)
	}
	app.apiAppearanceResult(w, r, claimID, err)
}

// apiRecordAppearanceRequest names the approved check a candidate is a new
// appearance of; version, when given, refuses a stale triage.
type apiRecordAppearanceRequest struct {
	CheckID int64 `json:"check_id" validate:"gt=0"`
	Version int64 `json:"version" validate:"gte=0"`
}

// apiRecordAsAppearance triages a candidate as a new appearance of an
// approved check instead of queueing it: POST /api/v1/claims/{id}/appearance-of.
func (app *App) apiRecordAsAppearance(w http.ResponseWriter, r *http.Request) {
	var req apiRecordAppearanceRequest
	id, ok := app.apiClaimRequest(w, r, app.decodeJSON, &req)
	if !ok {
		return
	}
	c, err := app.db.RecordAsAppearance(r.Context(), id, req.CheckID, req.Version)
	app.apiClaimResult(w, r, c, err)
}

// offerAppearance answers a plain accept of a candidate that is the same
// claim as an approved check with the offer to record it as a new
// appearance instead (the row, or the article page with what was typed);
// it reports whether it did.
func (app *App) offerAppearance(w http.ResponseWriter, r *http.Request, id int64, typed string) bool {
	c, err := app.db.ClaimByID(r.Context(), id)
	if err != nil || c.State != domain.StateCandidate {
		return false // accepting answers it
	}
	matches, err := app.db.ArticleMatches(r.Context(), c.ArticleID)
	if err != nil {
		app.error(w, r, err)
		return true
	}
	f, ok := matches[id]
	if !ok || !match.OffersAppearance(&f) {
		return false
	}
	input := components.ClaimInput{Text: typed}
	if isHTMX(r) {
		app.render(w, r, http.StatusOK, components.ClaimRow(components.ClaimRowView{Claim: c, Input: input, Match: &f}))
		return true
	}
	app.renderArticle(w, r, http.StatusConflict, c.ArticleID, func(v *components.ArticleView) {
		v.Rows = map[int64]components.ClaimInput{id: input}
	})
	return true
}

// queueIDs are the ids of the claims a queue page lists.
func queueIDs(items []*domain.QueueItem) []int64 {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}
