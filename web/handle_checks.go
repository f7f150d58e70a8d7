package web

import (
	"bufio"
	"net/http"
	"strconv"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/claimreview"
	"claimtrail/storage"
)

// Public fact-check pages: no sign-in. Only approved claims exist here;
// anything else is the same 404 as an unknown id.

const checksPerPage = 20

func (app *App) checksPage(w http.ResponseWriter, r *http.Request) {
	checks, err := app.db.PublishedChecks(r.Context(), storage.ParseCheckCursor(r.URL.Query().Get("before")), checksPerPage)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	next := ""
	if len(checks) == checksPerPage {
		next = "/checks?before=" + storage.CursorAfter(checks[len(checks)-1]).String()
	}
	// The feed needs a publisher to name; until one is set it is not offered.
	meta := components.PublicMeta{Title: "Fact checks", URL: app.resolveBaseURL(pub) + "/checks", Type: "website", Publisher: pub.Publisher,
		Description: "Claims checked by " + firstNonEmpty(pub.Publisher.Name, "our fact-checkers") + ", newest first."}
	allowLogo(w, pub.Publisher.LogoURL)
	app.render(w, r, http.StatusOK, components.ChecksPage(meta, checks, next, pub.Publisher.Name != ""))
}

func (app *App) checkPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	c, err := app.db.PublishedCheck(r.Context(), id)
	if err != nil {
		app.error(w, r, err)
		return
	}
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	var cr *claimreview.ClaimReview
	// ClaimReview names the check's address: without a configured public
	// address there is none to name, and the request's Host is not trusted.
	if pub.Publisher.Name != "" && app.resolveBaseURL(pub) != "" {
		values, err := app.db.RatingValues(r.Context())
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		built := claimreview.Build(claimreview.CheckOf(c, app.checkURL(pub, c.ClaimID)), pub.Publisher, claimreview.ScaleOf(values))
		cr = &built
	}
	meta := components.PublicMeta{Title: c.Claim, Description: checkSummary(c), URL: app.checkURL(pub, c.ClaimID), Type: "article", Publisher: pub.Publisher}
	allowLogo(w, pub.Publisher.LogoURL)
	app.render(w, r, http.StatusOK, components.CheckPage(meta, c, cr))
}

// checkSummary is a check in one line for link previews: rating, conclusion.
func checkSummary(c *domain.PublishedCheck) string {
	if c.Rating.Name == "" {
		return c.Conclusion
	}
	return c.Rating.Name + ": " + c.Conclusion
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// howWeRatePage explains the rating scale to readers, from the ratings
// editors keep.
func (app *App) howWeRatePage(w http.ResponseWriter, r *http.Request) {
	ratings, err := app.db.ListRatings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	meta := components.PublicMeta{Title: "How we rate claims", URL: app.resolveBaseURL(pub) + "/checks/how-we-rate", Type: "website",
		Publisher: pub.Publisher, Description: "The ratings " + firstNonEmpty(pub.Publisher.Name, "we") + " give the claims checked, and what they mean."}
	allowLogo(w, pub.Publisher.LogoURL)
	app.render(w, r, http.StatusOK, components.HowWeRatePage(meta, ratings))
}

func (app *App) checkURL(pub storage.Publishing, id int64) string {
	return app.resolveBaseURL(pub) + "/checks/" + strconv.FormatInt(id, 10)
}

// maxChecksFeeds is how many public feeds are written at once. A reader
// beyond it waits its turn, up to checksFeedPatience, with at most
// maxChecksFeedWaiting others: the feed is read by machines (search
// engines, aggregators) that often count a 503 as a failed fetch, and a
// feed takes a moment to write, so a short wait nearly always serves them.
// Only beyond those bounds is a reader asked to come back (503 with
// Retry-After), so a flood of readers costs a goroutine each, never more
// reads. Shared caches keep the feed for five minutes, so readers seldom
// reach the server at all.
const (
	maxChecksFeeds       = 2
	maxChecksFeedWaiting = 8
	checksFeedPatience   = 10 * time.Second
)

// checksFeedTurn waits for a place to write the feed: false (and the
// reader answered) when none came in time or the reader left.
func (app *App) checksFeedTurn(w http.ResponseWriter, r *http.Request) bool {
	select {
	case app.checksFeeds <- struct{}{}:
		return true
	default:
	}
	if app.checksFeedWaiting.Add(1) <= maxChecksFeedWaiting {
		timer := time.NewTimer(app.checksFeedWait)
		select {
		case app.checksFeeds <- struct{}{}:
			timer.Stop()
			app.checksFeedWaiting.Add(-1)
			return true
		case <-r.Context().Done():
			timer.Stop()
			app.checksFeedWaiting.Add(-1)
			return false // nobody is left to answer
		case <-timer.C:
		}
	}
	app.checksFeedWaiting.Add(-1)
	w.Header().Set("Retry-After", "30")
	app.errorStatus(w, r, http.StatusServiceUnavailable, "The feed is being written for other readers just now. Try again in half a minute.")
	return false
}

// checksFeed streams every published check as one JSON-LD array.
func (app *App) checksFeed(w http.ResponseWriter, r *http.Request) {
	if !app.checksFeedTurn(w, r) {
		return
	}
	defer func() { <-app.checksFeeds }()
	pub, err := app.db.PublishingSettings(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if pub.Publisher.Name == "" {
		app.errorStatus(w, r, http.StatusServiceUnavailable, "This newsroom has not set up publishing yet.")
		return
	}
	if app.resolveBaseURL(pub) == "" {
		app.errorStatus(w, r, http.StatusServiceUnavailable, domain.ErrorMessage(domain.ErrNoPublicAddress))
		return
	}
	values, err := app.db.RatingValues(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	scale := claimreview.ScaleOf(values)
	w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
	paced := newPacedWriter(w, app.streamIdle)
	out := &sentWriter{w: paced}
	buf := bufio.NewWriterSize(out, 64<<10)
	fw := claimreview.NewFeedWriter(buf)
	n := 0
	_, err = app.db.AllPublishedChecks(r.Context(), func(c *domain.PublishedCheck) error {
		if n++; n%exportFlushRows == 0 {
			if err := buf.Flush(); err != nil {
				return err
			}
			if err := paced.Flush(); err != nil {
				return err
			}
		}
		return fw.Write(claimreview.Build(claimreview.CheckOf(c, app.checkURL(pub, c.ClaimID)), pub.Publisher, scale))
	})
	if err == nil {
		err = fw.Close()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		if !out.sent {
			app.serverError(w, r, err)
			return
		}
		panic(http.ErrAbortHandler)
	}
}
