package domain

import (
	"strings"
	"time"
)

// NotificationEvent is something that happens to a claim that a person may
// want to hear about.
type NotificationEvent string

const (
	NotifyReturned NotificationEvent = "returned" // a claim of mine was returned or reopened
	NotifyWaiting  NotificationEvent = "waiting"  // a verdict waits for my approval
	NotifyAssigned NotificationEvent = "assigned" // a claim was assigned to me
	NotifyOverdue  NotificationEvent = "overdue"  // a claim of mine is past its due date
	NotifyByline   NotificationEvent = "byline"   // an editor approved or refused the byline I asked for
)

// NotificationEvents lists the events in the order the settings show them.
var NotificationEvents = []NotificationEvent{NotifyReturned, NotifyWaiting, NotifyAssigned, NotifyOverdue, NotifyByline}

// Reaches reports whether a person of role can ever receive e: only an
// editor approves verdicts, so only editors hear that one waits.
func (e NotificationEvent) Reaches(role Role) bool {
	if e == NotifyWaiting {
		return role == RoleEditor || role == RoleAdmin
	}
	return true
}

// NotificationEventsFor lists the events a person of role can receive, the
// only ones their settings offer.
func NotificationEventsFor(role Role) []NotificationEvent {
	var out []NotificationEvent
	for _, e := range NotificationEvents {
		if e.Reaches(role) {
			out = append(out, e)
		}
	}
	return out
}

// Label is how the settings page names the event.
func (e NotificationEvent) Label() string {
	switch e {
	case NotifyReturned:
		return "A claim of mine is returned or reopened"
	case NotifyWaiting:
		return "A verdict is waiting for my approval"
	case NotifyAssigned:
		return "A claim is assigned to me"
	case NotifyOverdue:
		return "A claim of mine is overdue"
	case NotifyByline:
		return "An editor approves or refuses the byline I asked for"
	}
	return string(e)
}

// Valid reports whether e is one of NotificationEvents.
func (e NotificationEvent) Valid() bool {
	for _, v := range NotificationEvents {
		if v == e {
			return true
		}
	}
	return false
}

// Notification is one message in a person's list.
type Notification struct {
	ID        int64
	UserID    int64
	Event     NotificationEvent
	ClaimID   int64 // 0 for a notification about no claim (a byline)
	Body      string
	CreatedAt time.Time
	ReadAt    time.Time
}

// HandsClaimOver reports whether an audited action gives a claim to
// someone or opens it again, so that a claim already past its due date may
// now be overdue in the hands of someone not yet told. Claims that come due
// in someone's hands are found by their due date instead; a due date set
// can be today at the earliest, which is not yet overdue.
func HandsClaimOver(action string) bool {
	switch action {
	case "claim.taken", "claim.assigned", "claim.reassigned", "claim.reopened":
		return true
	}
	return false
}

// NotificationEventOf says which event, if any, an audited action is; the
// recipients follow from the event (see NotificationRecipients).
func NotificationEventOf(action string) (NotificationEvent, bool) {
	switch action {
	case "claim.returned", "claim.reopened":
		return NotifyReturned, true
	case "claim.submitted":
		return NotifyWaiting, true
	case "claim.assigned", "claim.reassigned":
		return NotifyAssigned, true
	case "user.public_name_approved", "user.public_name_refused":
		return NotifyByline, true
	}
	return "", false
}

// BylineNotificationBody tells the owner of a byline request what editor
// did with it: approved, published checks carry byline now.
func BylineNotificationBody(approved bool, byline, editor string) string {
	if approved {
		return editor + " approved your byline “" + shorten(byline, 120) + "”: your published checks carry it now."
	}
	return editor + " refused your byline “" + shorten(byline, 120) + "”: your published checks keep the one they had. You can ask for another under Your account."
}

// NotificationBody is the message for an event about a claim.
func NotificationBody(e NotificationEvent, claimID int64, claimText, actor string) string {
	c := "claim " + itoa(claimID) + " “" + shorten(claimText, 120) + "”"
	switch e {
	case NotifyReturned:
		return actor + " sent back " + c
	case NotifyWaiting:
		return actor + " submitted a verdict for your approval on " + c
	case NotifyAssigned:
		return actor + " assigned you " + c
	case NotifyOverdue:
		return "Overdue: " + c
	}
	return c
}

// chatEscaper writes text so that a Slack-compatible chat shows it as
// written: there "<...>" is a link or a ping of the whole channel, and
// "&" starts an escape.
var chatEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// ChatText is a notification as a chat message's text. Claims come from
// articles written outside the newsroom, so nothing in them may turn into
// a link that hides where it goes or a ping of everyone.
func ChatText(message string) string { return chatEscaper.Replace(message) }

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// NotificationPrefsChange is a decided change to which events reach a
// person: the choice for every event, and one event naming it before and
// after (no event when nothing changes).
type NotificationPrefsChange struct {
	Set   map[NotificationEvent]bool
	Event Event
}

// ChangeNotificationPrefs decides a person's new choice of events from the
// ones they ticked (on): events their role can receive but not named are
// turned off; the others keep their stored choice (a reviewer's page never
// offered them). before is the stored choice, every event on unless turned
// off.
func ChangeNotificationPrefs(userID int64, role Role, before, on map[NotificationEvent]bool) NotificationPrefsChange {
	after := map[NotificationEvent]bool{}
	changed := false
	for _, e := range NotificationEvents {
		after[e] = on[e]
		if !e.Reaches(role) {
			after[e] = before[e]
		}
		if after[e] != before[e] {
			changed = true
		}
	}
	ch := NotificationPrefsChange{Set: after}
	if changed {
		ch.Event = Event{Action: "user.notifications_set", Entity: "user", EntityID: userID, Before: before, After: after}
	}
	return ch
}
