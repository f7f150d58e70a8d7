package web

import (
	"net/http"
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
// the request that asked for it. The job must already be started.
func (app *App) runAdapt(actor domain.Actor) {
	ctx := domain.WithActor(app.bg, actor)
	hook := adaptStarted
	go func() {
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

// autoActor is who an automatic adaptation is recorded as.
var autoActor = domain.Actor{Label: "system (adapts after every N labels)"}

// noteTriage is called after every triage decision: when automatic
// adaptation is on and enough new labels have come in, it starts one in the
// background. The check itself runs off the request too.
func (app *App) noteTriage() {
	if !app.scorerCheck.TryLock() {
		return // a check is already on its way; it will see this label
	}
	go func() {
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

func (app *App) renderScorer(w http.ResponseWriter, r *http.Request, status int, edit func(*components.ScorerView)) {
	v, err := app.scorerView(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	if edit != nil {
		edit(&v)
	}
	meta := app.meta(w, r, "Claim scorer")
	if v.Job.Running {
		meta.Refresh = 2 // without JavaScript the page follows the run by reloading
	}
	app.render(w, r, status, components.ScorerPage(meta, v))
}

func (app *App) scorerPage(w http.ResponseWriter, r *http.Request) {
	app.renderScorer(w, r, http.StatusOK, nil)
}

// scorerProgress answers the progress box's poll; once the run is over the
// whole page reloads to show the new version.
func (app *App) scorerProgress(w http.ResponseWriter, r *http.Request) {
	j := app.scorer.snapshot()
	if !j.Running && isHTMX(r) {
		w.Header().Set("HX-Refresh", "true")
	}
	if !isHTMX(r) {
		redirect(w, r, "/admin/scorer")
		return
	}
	app.render(w, r, http.StatusOK, components.ScorerProgress(j))
}

func (app *App) adaptScorer(w http.ResponseWriter, r *http.Request) {
	s, err := app.db.ScorerStatus(r.Context())
	if err != nil {
		app.error(w, r, err)
		return
	}
	if err := extract.CheckAdaptLabels(s.Labels, s.Positive); err != nil {
		app.renderScorer(w, r, http.StatusUnprocessableEntity, func(v *components.ScorerView) {
			v.Errors = components.FieldErrors{"adapt": domain.ErrorMessage(err)}
		})
		return
	}
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
			app.error(w, r, domain.Errorf(domain.EINVALID, "Choose a version of the claim scorer, or the base model."))
			return
		}
		v = n
	}
	if err := app.db.UseScorerModel(r.Context(), v); err != nil {
		app.error(w, r, err)
		return
	}
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
		app.renderScorer(w, r, http.StatusUnprocessableEntity, func(v *components.ScorerView) {
			v.AutoEvery, v.Errors = strings.ToValidUTF8(form.AutoEvery, ""), fe
		})
		return
	} else if err != nil {
		app.error(w, r, err)
		return
	}
	if n == 0 {
		app.flash(w, r, "success", "The claim scorer adapts only when you press Adapt now.")
	} else {
		app.flash(w, r, "success", "The claim scorer adapts by itself after every "+plural(n, "new label")+".")
	}
	app.noteTriage() // labels may already be due
	redirect(w, r, "/admin/scorer")
}
