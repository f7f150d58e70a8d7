package web

import (
	"context"
	"net/http"
	"testing"
	"time"

	"claimtrail/domain"
)

// TestScorerRunFinishesBeforeTheServerStops: an adaptation under way when
// the server stops is let finish and saved, and the scorer's worker (which
// the server's shutdown waits for before it closes the database) returns
// only after it.
func TestScorerRunFinishesBeforeTheServerStops(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	env.triageLabels(12, 10)
	started, release := make(chan struct{}), make(chan struct{})
	adaptStarted = func() { close(started); <-release }
	t.Cleanup(func() { adaptStarted = nil })

	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		env.app.RunScorer(ctx)
		close(stopped)
	}()
	wantStatus(t, admin.postForm("/admin/scorer/adapt", nil), http.StatusSeeOther)
	<-started
	stop() // the server is asked to stop while the run is under way
	// Not a measure of speed: the worker is given a while to return early,
	// which it must not do while the run is held.
	select {
	case <-stopped:
		t.Fatal("the scorer's worker returned with an adaptation under way")
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	<-stopped
	s, err := env.db.ScorerStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Models) != 1 || s.Current != s.Models[0].Version {
		t.Errorf("after stopping: %d versions saved, version %d in use; want the run's version saved and in use", len(s.Models), s.Current)
	}
}
