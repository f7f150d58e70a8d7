package web

import (
	"encoding/json"
	"net/http"
	"time"

	"claimtrail/domain"
)

// JSON shapes of claims and their history, and the read-only claim handlers.

// apiTime is how the API writes times: RFC 3339 in UTC, null when unknown.
func apiTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// apiDate writes a date-only value (due dates, publication dates).
func apiDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02")
	return &s
}

func apiID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

type apiClaim struct {
	ID            int64             `json:"id"`
	ArticleID     int64             `json:"article_id"`
	Text          string            `json:"text"`
	Sentence      string            `json:"sentence"`
	Start         int               `json:"start"`
	End           int               `json:"end"`
	Score         float64           `json:"score"`
	CheckWorthy   bool              `json:"checkworthy"`
	Type          domain.ClaimType  `json:"type"`
	Figures       []domain.Figure   `json:"figures"`
	Claimant      string            `json:"claimant"`
	Reasons       []string          `json:"reasons"`
	Manual        bool              `json:"manual"`
	State         domain.ClaimState `json:"state"`
	Priority      string            `json:"priority"`
	AssigneeID    *int64            `json:"assignee_id"`
	DueAt         *string           `json:"due_at"`
	DismissReason string            `json:"dismiss_reason,omitempty"`
	DismissCode   string            `json:"dismiss_reason_code,omitempty"`
	Version       int64             `json:"version"`
	CreatedAt     *string           `json:"created_at"`
	UpdatedAt     *string           `json:"updated_at"`
	// Matches are the published checks a candidate matches (on an article only).
	Matches []apiMatch `json:"matches,omitempty"`
}

func toAPIClaim(c *domain.Claim) apiClaim {
	out := apiClaim{
		ID: c.ID, ArticleID: c.ArticleID, Text: c.Text, Sentence: c.Sentence, Start: c.Start, End: c.End,
		Score: c.Score, CheckWorthy: c.CheckWorthy, Type: c.Type, Figures: c.Figures, Claimant: c.Claimant,
		Reasons: c.Reasons, Manual: c.Manual, State: c.State, Priority: c.Priority.String(),
		AssigneeID: apiID(c.AssigneeID), DueAt: apiDate(c.DueAt), DismissReason: c.DismissReason, DismissCode: string(c.DismissCode),
		Version: c.Version, CreatedAt: apiTime(c.CreatedAt), UpdatedAt: apiTime(c.UpdatedAt),
	}
	// Lists are [] rather than null, so that clients can iterate without checks.
	if out.Figures == nil {
		out.Figures = []domain.Figure{}
	}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	return out
}

// apiEvent is one audit event as the API shows it. The client address stays
// on the admin audit page.
type apiEvent struct {
	ID        int64           `json:"id"`
	At        *string         `json:"at"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  int64           `json:"entity_id"`
	ActorID   *int64          `json:"actor_id"`
	Actor     string          `json:"actor"`
	TokenName string          `json:"token_name"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	RequestID string          `json:"request_id"`
}

func toAPIEvent(e *domain.AuditEvent) apiEvent {
	out := apiEvent{ID: e.ID, At: apiTime(e.At), Action: e.Action, Entity: e.Entity, EntityID: e.EntityID,
		ActorID: apiID(e.ActorID), Actor: e.ActorLabel, TokenName: e.TokenName, Before: e.Before, After: e.After,
		RequestID: e.RequestID}
	if out.Before == nil {
		out.Before = json.RawMessage("null")
	}
	if out.After == nil {
		out.After = json.RawMessage("null")
	}
	return out
}

// apiClaimHistory lists the audit events of one claim, oldest first.
func (app *App) apiClaimHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	if _, err := app.db.ClaimByID(r.Context(), id); err != nil {
		app.apiError(w, r, err)
		return
	}
	events, err := app.db.EntityHistory(r.Context(), "claim", id)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	out := make([]apiEvent, 0, len(events))
	for _, e := range events {
		out = append(out, toAPIEvent(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"claim_id": id, "events": out})
}
