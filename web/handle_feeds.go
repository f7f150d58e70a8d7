package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/web/ingest"
)

// feedsPage lists the ClaimReview feeds subscribed to (editors), with the
// address being typed when Fetch now or Remove was pressed kept in its box.
func (app *App) feedsPage(w http.ResponseWriter, r *http.Request) {
	v := components.FeedsView{}
	if kept := app.takeCarried(r, feedsPath); kept != nil {
		v.URL, v.Every = kept.Get("url"), kept.Get("every")
		v.Carried = strings.TrimSpace(v.URL) != ""
	}
	app.renderFeeds(w, r, http.StatusOK, v)
}

const feedsPath = "/import/feeds"

// carryFeedTyped keeps, for the page the redirect shows, the feed address
// and schedule typed in the subscribe form that a Fetch now or Remove did
// not save (they share the page's one form).
func (app *App) carryFeedTyped(r *http.Request) {
	if err := r.ParseForm(); err != nil {
		return // nothing readable to keep; the action itself needs no form
	}
	app.carryTyped(r, feedsPath)
}

// feedsFailed answers a refused post on the feeds page that names no field
// (a feed a colleague removed meanwhile: refusedOnPage): the page again
// with the reason at the top and the address being typed in its box.
// Anything else goes to the error page.
func (app *App) feedsFailed(w http.ResponseWriter, r *http.Request, err error) {
	app.refuseOnPage(w, r, err, func(status int, problem string) {
		v := components.FeedsView{Problem: problem}
		if r.ParseForm() == nil {
			v.URL, v.Every = echoText(r.PostForm.Get("url")), r.PostForm.Get("every")
		}
		app.renderFeeds(w, r, status, v)
	})
}

func (app *App) renderFeeds(w http.ResponseWriter, r *http.Request, status int, v components.FeedsView) {
	var err error
	if v.Feeds, err = app.db.Feeds(r.Context()); err != nil {
		app.error(w, r, err)
		return
	}
	app.render(w, r, status, components.FeedsPage(app.meta(w, r, "ClaimReview feeds"), v))
}

// subscribeFeed adds a feed; the worker fetches it at once.
func (app *App) subscribeFeed(w http.ResponseWriter, r *http.Request) {
	var form struct {
		URL   string `form:"url"`
		Every string `form:"every"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	f, err := app.db.SubscribeFeed(r.Context(), domain.FeedInput{URL: form.URL, EveryMinutes: form.Every, Allow: app.cfg.Fetcher.AllowAddr})
	if err != nil {
		app.subscribeRefused(w, r, components.FeedsView{URL: form.URL, Every: form.Every}, err)
		return
	}
	app.pokeFeeds()
	app.flash(w, r, "success", "Subscribed to "+domain.ShortenMiddle(f.URL, domain.MaxNameShown)+"; it is being fetched now.")
	redirect(w, r, "/import/feeds")
}

// subscribeRefused answers a subscription the newsroom's rules refused,
// with typed (the address and schedule as typed) in the form: the messages
// beside the fields they name, or, for a refusal that names no field, its
// reason at the top of the page (feedsFailed).
func (app *App) subscribeRefused(w http.ResponseWriter, r *http.Request, typed components.FeedsView, err error) {
	if fe := fieldErrors(err); fe != nil {
		typed.Errors = fe
		app.renderFeeds(w, r, http.StatusUnprocessableEntity, typed)
		return
	}
	app.feedsFailed(w, r, err)
}

// unsubscribeFeed removes a feed; the checks it brought stay.
func (app *App) unsubscribeFeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = app.db.UnsubscribeFeed(r.Context(), id)
	}
	if err != nil {
		app.feedsFailed(w, r, err)
		return
	}
	app.carryFeedTyped(r)
	app.flash(w, r, "success", "Feed removed. The checks it brought in stay.")
	redirect(w, r, "/import/feeds")
}

// fetchFeedNow makes a feed due and wakes the worker; the request does not
// wait for the feed's site.
func (app *App) fetchFeedNow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = app.db.FetchFeedNow(r.Context(), id)
	}
	if err != nil {
		app.feedsFailed(w, r, err)
		return
	}
	app.pokeFeeds()
	app.carryFeedTyped(r)
	app.flash(w, r, "success", "The feed is being fetched; reload this page in a moment to see what it brought.")
	redirect(w, r, "/import/feeds")
}

func (app *App) pokeFeeds() {
	select {
	case app.feedPoke <- struct{}{}:
	default: // already woken
	}
}

// RunFeeds is the background worker behind feed subscriptions: every tick,
// or when an editor asks, it fetches the feeds that are due, one at a time,
// through the article fetcher's address guard and limits, imports their
// checks and records each fetch's result. Requests never wait for it. It
// returns when ctx ends, abandoning a fetch in flight.
func (app *App) RunFeeds(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		app.fetchDueFeeds(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-app.feedPoke:
		}
	}
}

// feedActor is who the audit log names for what a feed brings in.
var feedActor = domain.Actor{Label: "feeds"}

func (app *App) fetchDueFeeds(ctx context.Context) {
	ctx = domain.WithActor(ctx, feedActor)
	for ctx.Err() == nil {
		due, err := app.db.DueFeeds(ctx, time.Now(), 10)
		if err != nil {
			if ctx.Err() == nil {
				app.log.Error("feeds due", slog.Any("error", err))
			}
			return
		}
		if len(due) == 0 {
			return
		}
		for _, f := range due {
			sum, failure := app.fetchFeed(ctx, f.URL)
			if ctx.Err() != nil {
				return // stopping: the feed stays due
			}
			if err := app.db.FeedFetched(ctx, f.ID, sum, failure); err != nil {
				app.log.Error("record feed fetch", slog.Int64("feed", f.ID), slog.Any("error", err))
				return
			}
		}
	}
}

// fetchFeed fetches and imports one feed, and says in words what went
// wrong ("" when nothing did). Nothing a feed sends can stop the worker.
func (app *App) fetchFeed(ctx context.Context, url string) (sum domain.ImportSummary, failure string) {
	defer func() {
		if p := recover(); p != nil {
			app.log.Error("feed import panicked", slog.String("feed", url), slog.Any("panic", p))
			failure = "The feed could not be read."
		}
	}()
	max := app.cfg.FeedMaxBytes
	if max <= 0 {
		max = ingest.DefaultFeedMaxBytes
	}
	body, err := app.cfg.Fetcher.FetchFeed(ctx, url, max)
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			if ctx.Err() == nil {
				app.log.Warn("feed fetch failed", slog.String("feed", url), slog.Any("error", err))
			}
			return sum, "The feed could not be fetched; it will be tried again."
		}
		return sum, domain.ErrorMessage(err)
	}
	sum, readErr, err := app.importClaimReview(ctx, bytes.NewReader(body), "feed "+url)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			app.log.Error("feed import", slog.String("feed", url), slog.Any("error", err))
		}
		return sum, "The feed's checks could not be saved; it will be tried again."
	case notClaimReview(sum, readErr):
		return sum, "The feed is not ClaimReview JSON (a JSON array, one object, an @graph or JSON Lines)."
	case readErr != nil:
		return sum, fmt.Sprintf("The feed stops being readable part way; the %d checks before that point are in.", sum.Added+sum.Updated+sum.Unchanged)
	}
	return sum, ""
}
