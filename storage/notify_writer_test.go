package storage_test

import (
	"context"
	"testing"
	"time"

	"claimtrail/domain"
)

// The notifier reads what to tell (the events, the claims, who may approve
// them, each person's choices) without the writer, and takes the writer only
// to write the notifications: read inside the write, every change waiting
// for the writer waited for a whole batch of events, every few seconds.
func TestNotifierReadsWithoutHoldingTheWriter(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t)
	id := n.queued(t, 0.9, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id)
	if _, err := n.db.SubmitVerdict(as(n.rita), id, nil, version); err != nil {
		t.Fatal(err)
	}

	release := make(chan struct{})
	<-n.db.HoldWriterForTest(release) // a change holds the writer
	read := make(chan struct{})
	n.db.SetNotifyReadHookForTest(func() { close(read) })
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		got, err := n.db.NotifyFromAudit(ctx, 500)
		done <- result{got, err}
	}()
	select {
	case <-read:
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("the notifier waited for the writer before reading what to tell")
	}
	select {
	case r := <-done:
		t.Fatalf("the notifier wrote while a change held the writer: %+v", r)
	default:
	}
	close(release)
	r := <-done
	if r.err != nil || r.n == 0 {
		t.Fatalf("NotifyFromAudit = %d, %v; want the events read", r.n, r.err)
	}
	n.db.SetNotifyReadHookForTest(nil)

	for _, who := range []*domain.User{n.eddie, n.emma} {
		got, err := n.db.Notifications(ctx, who.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ClaimID != id || got[0].Event != domain.NotifyWaiting {
			t.Errorf("%s's notifications = %+v, want one: claim %d waits for approval", who.Email, got, id)
		}
	}
	told, err := n.db.Notifications(ctx, n.rita.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range told {
		if m.Event == domain.NotifyWaiting {
			t.Errorf("rita, who submitted, was asked to approve: %+v", m)
		}
	}
	if again, err := n.db.NotifyFromAudit(ctx, 500); err != nil || again != 0 {
		t.Errorf("a second run read %d events (%v), want none: its place moved on", again, err)
	}
}

// A notifier whose place moved on between its reading and its writing
// (another notifier told the same events meanwhile) writes nothing, so
// nobody is told twice.
func TestNotifierWhosePlaceMovedWritesNothing(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t)
	id := n.queued(t, 0.9, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id)
	if _, err := n.db.SubmitVerdict(as(n.rita), id, nil, version); err != nil {
		t.Fatal(err)
	}
	var inner int
	n.db.SetNotifyReadHookForTest(func() {
		n.db.SetNotifyReadHookForTest(nil)
		done := make(chan error, 1)
		go func() {
			var err error
			inner, err = n.db.NotifyFromAudit(ctx, 500)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the other notifier could not run: the first held the writer while reading")
		}
	})
	outer, err := n.db.NotifyFromAudit(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	if inner == 0 || outer != 0 {
		t.Errorf("the notifier that came second read %d events, the first %d; want the first to tell and the second nothing", outer, inner)
	}
	for _, who := range []*domain.User{n.eddie, n.emma} {
		got, err := n.db.Notifications(ctx, who.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Errorf("%s was told %d times, want once", who.Email, len(got))
		}
	}
}
