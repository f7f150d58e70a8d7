package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"claimtrail/components"
	"claimtrail/domain"
)

func idText(n int64) string { return strconv.FormatInt(n, 10) }

// fieldLabels name the audited fields in words; fields not listed are not shown.
var fieldLabels = map[string]string{
	"state": "State", "text": "Claim", "priority": "Priority", "assignee_id": "Assignee", "due_at": "Due",
	"dismiss_reason": "Reason", "rating": "Rating", "conclusion": "Conclusion", "explanation": "Explanation",
	"url": "Web address", "title": "Title", "publisher": "Publisher", "published_at": "Published",
	"accessed_at": "Accessed", "type": "Type", "quote": "Quote", "position": "Position",
}

var fieldOrder = []string{"state", "assignee_id", "priority", "due_at", "text", "dismiss_reason", "rating", "conclusion",
	"explanation", "title", "url", "publisher", "type", "published_at", "accessed_at", "quote", "position"}

// timeline tells a claim's audit events in words, oldest first, with before →
// after for the fields each changed. A comment written with a return,
// reopening or release is folded into that event.
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
	for i := 0; i < len(events); i++ {
		ev := events[i]
		before, after := decodeState(ev.Before), decodeState(ev.After)
		e := components.TimelineEntry{At: ev.At}
		actor := who(ev)
		showChanges := true
		switch ev.Action {
		case "claim.created":
			e.Text, showChanges = "The extractor found this claim when "+actor+" added the article", false
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
		case "claim.submitted":
			e.Text, showChanges = actor+" submitted the verdict for approval", false
		case "claim.approved":
			e.Text, showChanges = actor+" approved the verdict", false
		case "claim.returned":
			e.Text, showChanges = actor+" returned it", false
		case "claim.reopened":
			e.Text, showChanges = actor+" reopened it", false
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
		case "comment.added":
			e.Text, e.Quote, showChanges = actor+" commented", fmt.Sprint(after["body"]), false
		default:
			e.Text = actor + ": " + ev.Action
		}
		// A return, reopening or release carries its comment in the next event.
		if slices.Contains([]string{"claim.returned", "claim.reopened", "claim.released"}, ev.Action) {
			for j := i + 1; j < len(events) && events[j].At.Equal(ev.At); j++ {
				if events[j].Action == "comment.added" && events[j].ActorID == ev.ActorID {
					c := decodeState(events[j].After)
					if kind, _ := c["kind"].(string); kind != string(domain.CommentNote) {
						e.Quote = fmt.Sprint(c["body"])
						events = slices.Delete(slices.Clone(events), j, j+1)
						break
					}
				}
			}
		}
		if showChanges {
			e.Changes = changes(before, after, person)
		}
		out = append(out, e)
	}
	return out
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
	var out []components.Change
	for _, k := range fieldOrder {
		b, inB := before[k]
		a, inA := after[k]
		if !inB && !inA {
			continue
		}
		bs, as := showValue(k, b, inB, person), showValue(k, a, inA, person)
		if bs == as {
			continue
		}
		out = append(out, components.Change{Field: fieldLabels[k], Before: bs, After: as})
	}
	if srcs, ok := before["sources"].([]any); ok {
		var titles []string
		for _, s := range srcs {
			if m, ok := s.(map[string]any); ok {
				titles = append(titles, fmt.Sprint(m["title"]))
			}
		}
		out = append(out, components.Change{Field: "Sources", Before: strings.Join(titles, "; ")})
	}
	return out
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
	}
	return fmt.Sprint(v)
}
