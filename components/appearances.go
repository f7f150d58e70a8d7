package components

import (
	"strconv"
	"time"

	"claimtrail/domain"
)

// ReturningView is the returning-claims page: the date asked for, as typed
// and as read, and the claims that appeared again since it.
type ReturningView struct {
	SinceText string
	Since     time.Time
	Errors    FieldErrors
	Claims    []*domain.ReturningClaim
}

// appearanceCount says how often a claim appeared after its own article.
func appearanceCount(n int) string {
	switch n {
	case 0:
		return "Not seen again since it was first found."
	case 1:
		return "Seen once more since it was first found."
	}
	return "Seen " + strconv.Itoa(n) + " more times since it was first found."
}

// appearanceOrigin says how an appearance was recorded.
func appearanceOrigin(a *domain.Appearance) string {
	if a.Origin == domain.AppearanceTriaged {
		return "Recorded at triage"
	}
	return "Found by the matcher (score " + strconv.Itoa(int(a.Score*100+0.5)) + "%)"
}

func orNotIdentified(s string) string {
	if s == "" {
		return "Not identified"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// SeenLabel is the queue's note of a claim that came back: how often it
// appeared after its own article and when it was last seen.
func SeenLabel(s domain.AppearanceSummary) string {
	times := "once more"
	if s.Count > 1 {
		times = strconv.Itoa(s.Count) + " more times"
	}
	return "Seen " + times + ", last " + FormatDate(s.LastSeen)
}

// laterAppearanceDetail is the outlet and date of a later appearance on the
// public check: " · The Evening Post, 30 Nov 2026".
func laterAppearanceDetail(a domain.PublishedAppearance) string {
	s := ""
	if a.Outlet != "" {
		s = " · " + a.Outlet
	}
	if !a.SeenAt.IsZero() {
		if s == "" {
			s = " · "
		} else {
			s += ", "
		}
		s += FormatDate(a.SeenAt)
	}
	return s
}
