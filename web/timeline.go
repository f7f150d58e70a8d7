package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
)

// itoa writes an id or a count in decimal, for paths, forms and messages.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fieldLabels name the audited fields in words; fields not listed are not shown.
var fieldLabels = map[string]string{
	"state": "State", "text": "Claim", "priority": "Priority", "assignee_id": "Assignee", "due_at": "Due",
	"dismiss_reason": "Reason", "rating": "Rating", "conclusion": "Conclusion", "explanation": "Explanation",
	"url": "Web address", "title": "Title", "publisher": "Publisher", "published_at": "Published",
	"accessed_at": "Accessed", "type": "Type", "quote": "Quote", "position": "Position",
}

var fieldOrder = []string{"state", "assignee_id", "priority", "due_at", "text", "dismiss_reason", "rating", "conclusion",
	"explanation", "title", "url", "publisher", "type", "published_at", "accessed_at", "quote", "position"}

// timeline tells a claim's audit events in words, oldest first, one entry
// per event, with before → after for the fields each changed. A return,
// reopening or release carries its comment or reason in its own event.
func timeline(events []*domain.AuditEvent, names map[int64]string) []components.TimelineEntry {
	var out []components.TimelineEntry
	who := func(ev *domain.AuditEvent) string {
		if n := names[ev.ActorID]; n != "" {
			return n
		}
		return ev.ActorLabel
	}
	person := func(v any) string {
		f, _ := v.(float64)
		if f == 0 {
			return "nobody"
		}
		if n := names[int64(f)]; n != "" {
			return n
		}
		return "user " + strconv.FormatFloat(f, 'f', 0, 64)
	}
	for _, ev := range events {
		before, after := decodeState(ev.Before), decodeState(ev.After)
		e := components.TimelineEntry{At: ev.At}
		actor := who(ev)
		showChanges := true
		switch ev.Action {
		case "claim.created":
			e.Text, showChanges = "The extractor found this claim when "+actor+" added the article", false
			if ev.ActorID == 0 {
				// Added by no person (an import, a feed, the demo): "system" is no one to name.
				e.Text = "The extractor found this claim when the article was added"
			}
			if manual, _ := after["manual"].(bool); manual {
				e.Text = actor + " added this claim by hand"
			}
		case "claim.accepted":
			e.Text = actor + " accepted this claim into the queue"
		case "claim.dismissed":
			e.Text = actor + " dismissed this claim"
		case "claim.taken":
			e.Text, showChanges = actor+" took this claim", false
		case "claim.assigned":
			e.Text, showChanges = actor+" assigned this claim to "+person(after["assignee_id"]), false
		case "claim.reassigned":
			e.Text, showChanges = actor+" reassigned this claim from "+person(before["assignee_id"])+" to "+person(after["assignee_id"]), false
		case "claim.released":
			e.Text, showChanges = actor+" released this claim back to the queue", false
			e.Quote = text(after["comment"])
		case "claim.submitted":
			e.Text, showChanges = actor+" submitted the verdict for approval", false
		case "claim.approved":
			e.Text, showChanges = actor+" approved the verdict", false
		case "claim.returned":
			e.Text, showChanges = actor+" returned it", false
			e.Quote = text(after["comment"])
		case "claim.reopened":
			e.Text, showChanges = actor+" reopened it. The approved verdict was kept in the history", false
			e.Quote = text(after["reason"])
		case "claim.prioritised":
			e.Text = actor + " changed the priority"
		case "claim.due_set":
			e.Text = actor + " changed the due date"
		case "verdict.saved":
			e.Text = actor + " saved the verdict draft"
		case "verdict.reopened":
			e.Text = "The approved verdict was kept in the history"
			after = nil
		case "source.added":
			e.Text = fmt.Sprintf("%s added the source %q", actor, after["title"])
		case "source.updated":
			e.Text = fmt.Sprintf("%s edited the source %q", actor, after["title"])
		case "source.removed":
			e.Text, after = fmt.Sprintf("%s removed the source %q", actor, before["title"]), map[string]any{}
		case "source.moved":
			e.Text = fmt.Sprintf("%s moved the source %q", actor, after["title"])
			delete(before, "title")
			delete(after, "title")
		case "claim.appeared":
			e.Text, e.Quote, showChanges = appearedText(actor, after), text(after["sentence"]), false
		case "claim.verdict_applied":
			e.Text, e.Quote, showChanges = actor+" applied the approved verdict to its appearance in article "+idText(after["article_id"]), text(after["sentence"]), false
		case "claim.appearance_removed":
			e.Text, e.Quote, showChanges = actor+" undid its appearance in article "+idText(after["article_id"])+": not the same claim", text(after["reason"]), false
		case "comment.added":
			e.Text, e.Quote, showChanges = actor+" commented", fmt.Sprint(after["body"]), false
		default:
			e.Text = actor + ": " + ev.Action
		}
		// A state change that also saved the verdict (a submission with what
		// was typed, a reopening keeping the approved verdict) shows the
		// verdict's before → after, and none of the claim's own fields.
		bv, bok := before["verdict"].(map[string]any)
		av, aok := after["verdict"].(map[string]any)
		if showChanges {
			e.Changes = changes(before, after, person)
		} else if bok || aok {
			e.Changes = changes(bv, av, person)
		}
		out = append(out, e)
	}
	return out
}

// appearedText tells how a new appearance of the claim was recorded.
func appearedText(actor string, after map[string]any) string {
	where := "article " + idText(after["article_id"])
	if text(after["origin"]) == string(domain.AppearanceTriaged) {
		return actor + " recorded it at triage as appearing again, in " + where
	}
	return "The matcher found it again in " + where + ", added by " + actor
}

// idText is a recorded id in decimal.
func idText(v any) string {
	f, _ := v.(float64)
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// text is a recorded string, or "" when there is none.
func text(v any) string {
	s, _ := v.(string)
	return s
}

func decodeState(raw json.RawMessage) map[string]any {
	m := map[string]any{}
	if len(raw) > 0 {
		json.Unmarshal(raw, &m)
	}
	return m
}

// changes lists the labelled fields whose values differ, in a fixed order.
func changes(before, after map[string]any, person func(any) string) []components.Change {
	out := diffStates(before, after, fieldOrder, func(k string, v any, present bool) string { return showValue(k, v, present, person) })
	for i := range out {
		out[i].Field = fieldLabels[out[i].Field]
	}
	if b, a := sourceTitles(before), sourceTitles(after); b != a {
		out = append(out, components.Change{Field: "Sources", Before: b, After: a})
	}
	return out
}

// diffStates lists, for each of keys in order, a recorded state's value
// before and after as show writes them, leaving out what did not change. The
// claim timeline and the admin's audit page both read events through it.
func diffStates(before, after map[string]any, keys []string, show func(k string, v any, present bool) string) []components.Change {
	var out []components.Change
	for _, k := range keys {
		b, inB := before[k]
		a, inA := after[k]
		if !inB && !inA {
			continue
		}
		if bs, as := show(k, b, inB), show(k, a, inA); bs != as {
			out = append(out, components.Change{Field: k, Before: bs, After: as})
		}
	}
	return out
}

// sourceTitles lists the titles of the sources a state records, if any.
func sourceTitles(state map[string]any) string {
	srcs, _ := state["sources"].([]any)
	var titles []string
	for _, s := range srcs {
		if m, ok := s.(map[string]any); ok {
			titles = append(titles, fmt.Sprint(m["title"]))
		}
	}
	return strings.Join(titles, "; ")
}

func showValue(k string, v any, present bool, person func(any) string) string {
	if !present || v == nil {
		return ""
	}
	switch k {
	case "assignee_id":
		return person(v)
	case "state":
		return domain.ClaimState(fmt.Sprint(v)).Label()
	case "type":
		return domain.SourceType(fmt.Sprint(v)).Label()
	case "priority":
		if p, err := domain.ParsePriority(fmt.Sprint(v)); err == nil {
			return p.Label()
		}
	case "due_at", "published_at", "accessed_at":
		// Dates read as the rest of the page writes them.
		for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
			if t, err := time.Parse(layout, fmt.Sprint(v)); err == nil {
				return components.FormatDate(t)
			}
		}
	}
	return fmt.Sprint(v)
}
