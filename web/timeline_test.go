package web

import (
	"testing"

	"claimtrail/domain"
)

// TestTimelineNamesOnlyPeople: a claim found in an article that a person
// added names them; one found in an article no person added (an import,
// a feed) does not read "when system added the article".
func TestTimelineNamesOnlyPeople(t *testing.T) {
	names := map[int64]string{7: "Rita Reviewer"}
	for _, c := range []struct {
		ev   domain.AuditEvent
		want string
	}{
		{domain.AuditEvent{ActorID: 7, ActorLabel: "rita@newsroom.example", Action: "claim.created"}, "The extractor found this claim when Rita Reviewer added the article"},
		{domain.AuditEvent{ActorLabel: "system", Action: "claim.created"}, "The extractor found this claim when the article was added"},
		{domain.AuditEvent{ActorLabel: "cli", Action: "claim.created"}, "The extractor found this claim when the article was added"},
	} {
		got := timeline([]*domain.AuditEvent{&c.ev}, names)
		if len(got) != 1 || got[0].Text != c.want {
			t.Errorf("%s by %q: %+v, want %q", c.ev.Action, c.ev.ActorLabel, got, c.want)
		}
	}
}
