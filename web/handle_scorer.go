package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/extract"
)

// The admin's "Claim scorer" page: the labels triage has produced, the
// scorer's versions, adapting now (in the background, with progress),
// rolling back, and adapting by itself after every N new labels.

// scorerJob is the one adaptation that may run at a time, and the outcome
// of the last one, for the page to show.
type scorerJob struct {
	mu    sync.Mutex
	state components.ScorerJob
}

// start marks a run as begun; false when one is already running.
func (j *scorerJob) start(automatic bool) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Running {
		return false
	}
	j.state = components.ScorerJob{Running: true, Automatic: automatic, Total: 1}
	return true
}

func (j *scorerJob) progress(done, total int) {
	j.mu.Lock()
	j.state.Done, j.state.Total = done, total
	j.mu.Unlock()
}

func (j *scorerJob) finish(version int64, errMsg string) {
	j.mu.Lock()
	j.state.Running, j.state.Version, j.state.Error = false, version, errMsg
	j.mu.Unlock()
}

func (j *scorerJob) snapshot() components.ScorerJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

// adaptStarted, when set by a test, runs as a background adaptation
// starts, so the test can look at the page while it runs.
var adaptStarted func()

// runAdapt adapts the scorer in the background as actor, never holding up
// the request that asked for it. The job must already be started. A run
// under way when the server stops is let finish, and saved: it is short
// (about a second for 5,000 labels), and RunScorer makes the shutdown wait
// for it before the database closes.
func (app *App) runAdapt(actor domain.Actor) {
	ctx := domain.WithActor(context.WithoutCancel(app.bg), actor)
	hook := adaptStarted
	app.adapting.Add(1)
	go func() {
		defer app.adapting.Done()
		if hook != nil {
			hook()
		}
		m, err := AdaptScorer(ctx, app.db, nil, app.scorer.progress)
		if err != nil {
			if domain.ErrorCode(err) == domain.EINTERNAL {
				app.log.Error("adapting the claim scorer", "err", err)
			}
			app.scorer.finish(0, domain.ErrorMessage(err))
			return
		}
		app.log.Info("claim scorer adapted", "version", m.Version, "labels", m.TriageLabels, "f1_before", m.F1Before, "f1_after", m.F1After)
		app.scorer.finish(m.Version, "")
	}()
}

// RunScorer is the claim scorer's background worker, for the server to run
// beside its others: it returns once ctx is done and every adaptation and
// check under way has finished, so none is cut off by the database
// closing beneath it.
func (app *App) RunScorer(ctx context.Context) {
	<-ctx.Done()
	app.adapting.Wait()
}

// autoActor is who an automatic adaptation is recorded as.
var autoActor = domain.Actor{Label: "system (adapts after every N labels)"}

// noteTriage is called after every triage decision: when automatic
// adaptation is on and enough new labels have come in, it starts one in the
// background. The check itself runs off the request too.
func (app *App) noteTriage() {
	if app.bg.Err() != nil || !app.scorerCheck.TryLock() {
		return // stopping, or a check is already on its way; it will see this label
	}
	app.adapting.Add(1)
	go func() {
		defer app.adapting.Done()
		defer app.scorerCheck.Unlock()
		s, err := app.db.ScorerStatus(app.bg)
		if err != nil {
			app.log.Error("checking whether the claim scorer is due to adapt", "err", err)
			return
		}
		if s.DueForAutoAdapt() && extract.CheckAdaptLabels(s.Labels, s.Positive) == nil && app.scorer.start(true) {
			app.runAdapt(autoActor)
		}
	}()
}

func (app *App) scorerView(r *http.Request) (components.ScorerView, error) {
	s, err := app.db.ScorerStatus(r.Context())
	if err != nil {
		return components.ScorerView{}, err
	}
	return components.ScorerView{Status: s, BaseThreshold: extract.DefaultModel().Threshold, MinLabels: extract.MinAdaptLabels,
		Job: app.scorer.snapshot(), AutoEvery: strconv.Itoa(s.AutoEvery)}, nil
}

// renderScorer draws the Claim scorer page. typed is what a post kept for
// the page, or a refused post's own form: a number typed for "adapt after
// every N labels" comes back over the stored one unless edit sets its own.
func (app *App) renderScorer(w http.ResponseWriter, r *http.Request, status int, typed url.Values, edit func(*components.ScorerView)) {
	v, err := app.scorerView(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	if n, ok := typed["auto_every"]; ok && len(n) > 0 && echoText(n[0]) != v.AutoEvery {
		v.AutoEvery, v.Carried = echoText(n[0]), status == http.StatusOK
	}
	if edit != nil {
		edit(&v)
	}
	app.render(w, r, status, components.ScorerPage(app.meta(w, r, "Claim scorer"), v))
}

func (app *App) scorerPage(w http.ResponseWriter, r *http.Request) {
	app.renderScorer(w, r, http.StatusOK, app.takeCarried(r, "/admin/scorer"), nil)
}

// keepScorerTyped answers the page's default button and Show progress:
// nothing is saved and what was typed comes back.
func (app *App) keepScorerTyped(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		app.error(w, r, err)
		return
	}
	app.carryTyped(r, "/admin/scorer")
	redirect(w, r, "/admin/scorer")
}

// scorerProgress answers the progress box's poll with the page's live part
// (labels, progress, versions), which stops polling once the run is over;
// the typed setting elsewhere on the page is never reloaded. Without
// JavaScript it answers the page's progress frame (?frame=1).
func (app *App) scorerProgress(w http.ResponseWriter, r *http.Request) {
	if !isHTMX(r) {
		if r.URL.Query().Get("frame") != "" {
			allowOwnFrame(w)
			app.render(w, r, http.StatusOK, components.ScorerProgressFrame(app.scorer.snapshot()))
			return
		}
		redirect(w, r, "/admin/scorer")
		return
	}
	v, err := app.scorerView(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, components.ScorerLive(v))
}

// scorerFailed answers a refused post on the Claim scorer page
// (refusedOnPage): the page again with the reason and everything typed in
// place. Other errors go to the error page.
func (app *App) scorerFailed(w http.ResponseWriter, r *http.Request, err error) {
	app.refuseOnPage(w, r, err, func(status int, problem string) {
		app.renderScorer(w, r, status, r.PostForm, func(v *components.ScorerView) { v.Problem = problem })
	})
}

func (app *App) adaptScorer(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		app.error(w, r, err)
		return
	}
	s, err := app.db.ScorerStatus(r.Context())
	if err != nil {
		app.scorerFailed(w, r, err)
		return
	}
	if err := extract.CheckAdaptLabels(s.Labels, s.Positive); err != nil {
		app.renderScorer(w, r, http.StatusUnprocessableEntity, r.PostForm, func(v *components.ScorerView) {
			v.Errors = components.FieldErrors{"adapt": domain.ErrorMessage(err)}
		})
		return
	}
	app.carryTyped(r, "/admin/scorer")
	if !app.scorer.start(false) {
		app.flash(w, r, "info", "The claim scorer is already adapting; its progress is below.")
		redirect(w, r, "/admin/scorer")
		return
	}
	app.runAdapt(domain.ActorFrom(r.Context()))
	app.flash(w, r, "success", "Adapting the claim scorer from "+plural(s.Labels, "label")+". It runs in the background.")
	redirect(w, r, "/admin/scorer")
}

func (app *App) useScorer(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Version string `form:"version"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	var v int64
	if form.Version != "base" {
		n, err := strconv.ParseInt(strings.TrimSpace(form.Version), 10, 64)
		if err != nil || n <= 0 {
			app.scorerFailed(w, r, domain.Errorf(domain.EINVALID, "Choose a version of the claim scorer, or the base model."))
			return
		}
		v = n
	}
	if err := app.db.UseScorerModel(r.Context(), v); err != nil {
		app.scorerFailed(w, r, err)
		return
	}
	app.carryTyped(r, "/admin/scorer", "version")
	if v == 0 {
		app.flash(w, r, "success", "New articles are scored by the base claim scorer again.")
	} else {
		app.flash(w, r, "success", "New articles are scored by claim scorer version "+strconv.FormatInt(v, 10)+".")
	}
	redirect(w, r, "/admin/scorer")
}

func (app *App) saveScorerAuto(w http.ResponseWriter, r *http.Request) {
	var form struct {
		AutoEvery string `form:"auto_every"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	typed := strings.TrimSpace(form.AutoEvery)
	n, err := strconv.Atoi(typed)
	if typed == "" {
		n, err = 0, nil
	}
	if err != nil {
		err = domain.FieldError("auto_every", "Give a whole number of labels, such as 200, or 0.")
	}
	if err == nil {
		err = app.db.SetScorerAutoEvery(r.Context(), n)
	}
	if fe := fieldErrors(err); fe != nil {
		app.renderScorer(w, r, http.StatusUnprocessableEntity, r.PostForm, func(v *components.ScorerView) {
			v.AutoEvery, v.Errors = echoText(form.AutoEvery), fe
		})
		return
	} else if err != nil {
		app.scorerFailed(w, r, err)
		return
	}
	if n == 0 {
		app.flash(w, r, "success", "The claim scorer adapts only when you press Adapt now.")
	} else {
		app.flash(w, r, "success", "The claim scorer adapts by itself after every "+plural(n, "new label")+".")
	}
	app.noteTriage() // labels may already be due
	app.carryTyped(r, "/admin/scorer", "auto_every")
	redirect(w, r, "/admin/scorer")
}
