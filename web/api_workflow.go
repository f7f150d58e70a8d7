package web

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// The checking workflow through the API — listing, taking the next claim,
// writing the verdict, submitting, approving and returning — on the same
// storage methods (and so the same permission, four-eyes and state-machine
// rules) as the queue, claim and review pages.

type apiVerdict struct {
	Rating      *string     `json:"rating"`
	Conclusion  string      `json:"conclusion"`
	Explanation string      `json:"explanation"`
	AuthorID    *int64      `json:"author_id"`
	Version     int64       `json:"version"`
	SubmittedAt *string     `json:"submitted_at"`
	SubmittedBy *int64      `json:"submitted_by"`
	ApprovedAt  *string     `json:"approved_at"`
	ApprovedBy  *int64      `json:"approved_by"`
	UpdatedAt   *string     `json:"updated_at"`
	Sources     []apiSource `json:"sources"`
}

type apiSource struct {
	ID          int64   `json:"id"`
	Position    int     `json:"position"`
	URL         string  `json:"url"`
	Title       string  `json:"title"`
	Publisher   string  `json:"publisher"`
	PublishedAt *string `json:"published_at"`
	AccessedAt  *string `json:"accessed_at"`
	Type        string  `json:"type"`
	Quote       string  `json:"quote"`
}

func toAPIVerdict(v *domain.Verdict, ratings map[int64]string) *apiVerdict {
	if v == nil {
		return nil
	}
	out := &apiVerdict{Conclusion: v.Conclusion, Explanation: v.Explanation, AuthorID: apiID(v.AuthorID),
		Version: v.Version, SubmittedAt: apiTime(v.SubmittedAt), SubmittedBy: apiID(v.SubmittedBy),
		ApprovedAt: apiTime(v.ApprovedAt), ApprovedBy: apiID(v.ApprovedBy), UpdatedAt: apiTime(v.UpdatedAt),
		Sources: make([]apiSource, 0, len(v.Sources))}
	if name, ok := ratings[v.RatingID]; ok {
		out.Rating = &name
	}
	for _, s := range v.Sources {
		out.Sources = append(out.Sources, apiSource{ID: s.ID, Position: s.Position, URL: s.URL, Title: s.Title,
			Publisher: s.Publisher, PublishedAt: apiDate(s.PublishedAt), AccessedAt: apiDate(s.AccessedAt),
			Type: string(s.Type), Quote: s.Quote})
	}
	return out
}

// apiClaimWithVerdict is a claim with its verdict (null until first taken).
type apiClaimWithVerdict struct {
	apiClaim
	Verdict *apiVerdict `json:"verdict"`
}

// apiClaimDetail is GET /api/v1/claims/{id}: the claim, its article, verdict and thread.
type apiClaimDetail struct {
	apiClaimWithVerdict
	Article struct {
		ID          int64   `json:"id"`
		Title       string  `json:"title"`
		Outlet      string  `json:"outlet"`
		URL         string  `json:"url"`
		PublishedAt *string `json:"published_at"`
	} `json:"article"`
	Workers  []int64      `json:"workers"`
	Comments []apiComment `json:"comments"`
	Similar  []apiSimilar `json:"similar"`
	// Matches are accepted claims and imported checks that state the same
	// claim or a related one, best first.
	Matches []apiMatch `json:"matches"`
	// Appearances are the later articles that made the same claim, newest first.
	Appearances []apiAppearance `json:"appearances"`
}

// apiSimilar is an accepted claim worded like this one.
type apiSimilar struct {
	ID           int64   `json:"id"`
	Text         string  `json:"text"`
	State        string  `json:"state"`
	Rating       *string `json:"rating"`
	ArticleTitle string  `json:"article_title"`
	Overlap      float64 `json:"overlap"`
}

type apiComment struct {
	ID        int64   `json:"id"`
	AuthorID  int64   `json:"author_id"`
	Author    string  `json:"author"`
	Kind      string  `json:"kind"`
	Body      string  `json:"body"`
	CreatedAt *string `json:"created_at"`
}

// ratingNames maps rating ids to names, for writing verdicts.
func (app *App) ratingNames(ctx context.Context) (map[int64]string, error) {
	ratings, err := app.db.ListRatings(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(ratings))
	for _, r := range ratings {
		names[r.ID] = r.Name
	}
	return names, nil
}

// writeChanged answers a change with the claim as it now stands and its
// verdict, as the change's own transaction left them (storage.WithChanged),
// not the claim page's whole read (thread, history, similar claims), which
// GET /claims/{id} still gives. A change that did not note them has them
// read again.
func (app *App) writeChanged(w http.ResponseWriter, r *http.Request, status int, id int64, changed *storage.Changed) {
	if changed.Known() && changed.Claim.ID == id {
		var names map[int64]string
		if v := changed.Verdict; v != nil && v.RatingID != 0 {
			names = map[int64]string{v.RatingID: changed.Rating}
		}
		writeJSON(w, status, apiClaimWithVerdict{apiClaim: toAPIClaim(changed.Claim), Verdict: toAPIVerdict(changed.Verdict, names)})
		return
	}
	c, v, err := app.db.ClaimWithVerdict(r.Context(), id)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	var names map[int64]string
	if v != nil && v.RatingID != 0 { // a claim just taken has no rating yet: no need to read them
		if names, err = app.ratingNames(r.Context()); err != nil {
			app.apiError(w, r, err)
			return
		}
	}
	writeJSON(w, status, apiClaimWithVerdict{apiClaim: toAPIClaim(c), Verdict: toAPIVerdict(v, names)})
}

// writeClaim answers with the claim as it now stands, verdict included.
func (app *App) writeClaim(w http.ResponseWriter, r *http.Request, status int, id int64) {
	d, found, err := app.db.ClaimDetailMatches(r.Context(), id, match.DefaultLimit)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	names, err := app.ratingNames(r.Context())
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	out := apiClaimDetail{apiClaimWithVerdict: apiClaimWithVerdict{apiClaim: toAPIClaim(d.Claim), Verdict: toAPIVerdict(d.Verdict, names)}}
	out.Article.ID, out.Article.Title, out.Article.Outlet, out.Article.URL = d.Article.ID, d.Article.Title, d.Article.Outlet, d.Article.URL
	out.Article.PublishedAt = apiDate(d.Article.PublishedAt)
	out.Workers = append([]int64{}, d.Workers...)
	out.Comments = make([]apiComment, 0, len(d.Comments))
	for _, c := range d.Comments {
		out.Comments = append(out.Comments, apiComment{ID: c.ID, AuthorID: c.AuthorID, Author: d.Names[c.AuthorID],
			Kind: string(c.Kind), Body: c.Body, CreatedAt: apiTime(c.CreatedAt)})
	}
	out.Similar = make([]apiSimilar, 0, len(d.Similar))
	for _, s := range d.Similar {
		sim := apiSimilar{ID: s.ID, Text: s.Text, State: string(s.State), ArticleTitle: s.ArticleTitle,
			Overlap: math.Round(s.Overlap*100) / 100}
		if s.Rating != "" {
			sim.Rating = &s.Rating
		}
		out.Similar = append(out.Similar, sim)
	}
	base, _ := app.baseURL(r)
	out.Matches = toAPIMatches(found, base)
	apps, err := app.db.ClaimAppearances(r.Context(), d.Claim.ID)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	out.Appearances = toAPIAppearances(apps)
	writeJSON(w, status, out)
}

func (app *App) apiClaim(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	app.writeClaim(w, r, http.StatusOK, id)
}

// apiListClaims pages through claims in queue order. state is one state,
// several separated by commas, or "all"; the default is the queue (queued).
func (app *App) apiListClaims(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := domain.QueueFilter{Cursor: q.Get("cursor"), Limit: 50}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			app.apiError(w, r, domain.FieldError("limit", "Give a limit from 1 to 200."))
			return
		}
		f.Limit = n
	}
	// A list parameter given twice is refused rather than silently cut to
	// its first value.
	for _, name := range []string{"state", "type", "limit", "cursor"} {
		if len(q[name]) > 1 {
			app.apiError(w, r, domain.FieldError(name, "Give "+name+" once; several states go in one state, separated by commas."))
			return
		}
	}
	states, err := domain.ParseClaimStates(q.Get("state"))
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	f.States = states
	if s := q.Get("type"); s != "" {
		f.Type = domain.ClaimType(s)
	}
	// The list as written is kept while nothing in the database changes,
	// as the queue page's is (keptPages): every client polling the same
	// page gets the same bytes without their being encoded again.
	gen, keep := app.db.Generation(r.Context())
	key := apiListKey(f)
	if keep {
		if b, ok := app.keptPages.get(gen, key, time.Time{}); ok {
			writeJSONBytes(w, http.StatusOK, b)
			return
		}
	}
	items, next, err := app.db.ListQueue(r.Context(), f)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	type listed struct {
		apiClaim
		ArticleTitle string  `json:"article_title"`
		Outlet       string  `json:"outlet"`
		Assignee     string  `json:"assignee"`
		QueuedAt     *string `json:"queued_at"`
	}
	out := struct {
		Claims     []listed `json:"claims"`
		NextCursor *string  `json:"next_cursor"`
	}{Claims: make([]listed, 0, len(items))}
	for _, it := range items {
		out.Claims = append(out.Claims, listed{apiClaim: toAPIClaim(it.Claim), ArticleTitle: it.ArticleTitle,
			Outlet: it.Outlet, Assignee: it.AssigneeName, QueuedAt: apiTime(it.QueuedAt)})
	}
	if next != "" {
		out.NextCursor = &next
	}
	b, err := json.Marshal(out)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	if keep {
		app.keptPages.put(gen, key, b, time.Time{})
	}
	writeJSONBytes(w, http.StatusOK, b)
}

// apiListKey names a checked list filter among the kept pages: every field
// the list depends on, the ones a client writes quoted.
func apiListKey(f domain.QueueFilter) string {
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	return "api-claims|" + strings.Join(states, ",") + "|" + strconv.Quote(string(f.Type)) + "|" + strconv.Quote(f.Cursor) + "|" + strconv.Itoa(f.Limit)
}

// apiTakeNext assigns the top of the queue to the caller: 200 with the
// claim, or 204 when nothing is waiting.
func (app *App) apiTakeNext(w http.ResponseWriter, r *http.Request) {
	if err := noInput(w, r); err != nil {
		app.apiError(w, r, err)
		return
	}
	ctx, changed := storage.WithChanged(r.Context())
	c, err := app.db.TakeNext(ctx)
	if err == domain.ErrQueueEmpty {
		w.WriteHeader(http.StatusNoContent)
		return
	} else if err != nil {
		app.apiError(w, r, err)
		return
	}
	app.writeChanged(w, r, http.StatusOK, c.ID, changed)
}

// apiSourceRequest and apiVerdictRequest carry shape only: every limit and
// rule on what they hold is the domain's (domain.CheckSources,
// Verdict.CheckText), the same the browser's forms are checked by.
type apiSourceRequest struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Publisher   string `json:"publisher"`
	PublishedAt string `json:"published_at" label:"publication date"`
	AccessedAt  string `json:"accessed_at" label:"date accessed"`
	Type        string `json:"type"`
	Quote       string `json:"quote"`
}

type apiVerdictRequest struct {
	Rating      string             `json:"rating"`
	Conclusion  string             `json:"conclusion"`
	Explanation string             `json:"explanation"`
	Sources     []apiSourceRequest `json:"sources"`
	Version     int64              `json:"version" label:"version" validate:"required,gte=1"`
}

// apiPutVerdict replaces the draft verdict — text and every source — in
// one transaction, refusing a stale version with 409.
func (app *App) apiPutVerdict(w http.ResponseWriter, r *http.Request) {
	var req apiVerdictRequest
	id, ok := app.apiClaimRequest(w, r, app.decodeJSON, &req)
	if !ok {
		return
	}
	in := domain.VerdictInput{Conclusion: req.Conclusion, Explanation: req.Explanation}
	fields := map[string]string{}
	if req.Rating != "" {
		ratings, err := app.db.ListRatings(r.Context())
		if err != nil {
			app.apiError(w, r, err)
			return
		}
		var names []string
		want := strings.TrimSpace(req.Rating)
		for _, rt := range ratings {
			names = append(names, rt.Name)
			// The exact name wins; otherwise any letter case will do (names
			// are unique ignoring case).
			if rt.Name == want || in.RatingID == 0 && strings.EqualFold(rt.Name, want) {
				in.RatingID = rt.ID
			}
		}
		if in.RatingID == 0 {
			fields["rating"] = "Choose one of the ratings: " + strings.Join(names, ", ") + "."
		}
	}
	sources := make([]domain.Source, len(req.Sources))
	for i, s := range req.Sources {
		sources[i] = domain.Source{URL: s.URL, Title: s.Title, Publisher: s.Publisher, Type: domain.SourceType(s.Type), Quote: s.Quote}
		var err error
		if sources[i].PublishedAt, err = parseAPIDate("published_at", s.PublishedAt); err != nil {
			fields["sources["+strconv.Itoa(i)+"].published_at"] = domain.ErrorMessage(err)
		}
		if sources[i].AccessedAt, err = parseAPIDate("accessed_at", s.AccessedAt); err != nil {
			fields["sources["+strconv.Itoa(i)+"].accessed_at"] = domain.ErrorMessage(err)
		}
	}
	if len(fields) > 0 {
		// Name everything at fault at once, not only what could not be read.
		for k, msg := range storage.VerdictProblems(in, sources) {
			if _, ok := fields[k]; !ok {
				fields[k] = msg
			}
		}
		app.apiError(w, r, &domain.Error{Code: domain.EINVALID, Message: "Some fields need fixing; see fields.", Fields: fields})
		return
	}
	ctx, changed := storage.WithChanged(r.Context())
	if _, err := app.db.ReplaceVerdict(ctx, id, in, sources, req.Version); err != nil {
		app.apiError(w, r, err)
		return
	}
	app.writeChanged(w, r, http.StatusOK, id, changed)
}

// apiVersionRequest is the optional body of submit and approve; without a
// version, the verdict is taken as it stands now.
type apiVersionRequest struct {
	Version int64 `json:"version" validate:"gte=0"`
}

// apiReturnRequest: the comment's rules are domain.CheckReturnComment's.
type apiReturnRequest struct {
	Comment string `json:"comment"`
	Version int64  `json:"version" validate:"gte=0"`
}

func (app *App) apiSubmitVerdict(w http.ResponseWriter, r *http.Request) {
	app.verdictDecision(w, r, domain.StateSubmitted, func(ctx context.Context, id, version int64, _ string) error {
		_, err := app.db.SubmitVerdict(ctx, id, nil, version)
		return err
	})
}

func (app *App) apiApproveVerdict(w http.ResponseWriter, r *http.Request) {
	app.verdictDecision(w, r, domain.StateApproved, func(ctx context.Context, id, version int64, _ string) error {
		_, err := app.db.ApproveVerdict(ctx, id, version)
		return err
	})
}

func (app *App) apiReturnVerdict(w http.ResponseWriter, r *http.Request) {
	app.verdictDecision(w, r, domain.StateInReview, func(ctx context.Context, id, version int64, comment string) error {
		_, err := app.db.ReturnVerdict(ctx, id, comment, version)
		return err
	})
}

// verdictDecision reads the body (a comment is required only to return),
// works out the version and runs act, answering with the claim.
func (app *App) verdictDecision(w http.ResponseWriter, r *http.Request, to domain.ClaimState,
	act func(ctx context.Context, id, version int64, comment string) error) {
	id, err := pathID(r, "id")
	var version int64
	var comment string
	if err == nil {
		if to == domain.StateInReview {
			var req apiReturnRequest
			err = app.decodeJSON(w, r, apiBodyLimit, &req)
			version, comment = req.Version, req.Comment
		} else {
			var req apiVersionRequest
			err = app.decodeOptionalJSON(w, r, apiBodyLimit, &req)
			version = req.Version
		}
	}
	if err == nil && version == 0 {
		version = storage.AnyVersion // as it stands, read inside the change's own transaction
	}
	ctx, changed := storage.WithChanged(r.Context())
	if err == nil {
		err = act(ctx, id, version, comment)
	}
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	app.writeChanged(w, r, http.StatusOK, id, changed)
}
