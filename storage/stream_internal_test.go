package storage

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"claimtrail/domain"
)

// TestStalledStreamsLeavePagesTheirReadTurns: an export or the public feed
// writes its rows to the client as it reads them, inside its read
// transaction, so a client that stops reading holds that transaction until
// its write deadline (a minute a flush). As many stalled streams as there
// are read turns must still leave every page's reads free to run.
func TestStalledStreamsLeavePagesTheirReadTurns(t *testing.T) {
	ctx := context.Background()
	db := openWriterTestDB(t)
	now := formatTime(time.Now())
	if _, err := db.write.Exec(`INSERT INTO articles (title, outlet, body, fingerprint, origin, created_at, updated_at)
		VALUES ('Harbour spending', 'The Ledger', 'The council said harbour spending rose by 12% last year.', 'f1', 'paste', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`INSERT INTO claims (article_id, sentence, start_offset, end_offset, text, score, type, figures, claimant, reasons, created_at, updated_at)
		VALUES (1, 'harbour spending rose by 12%', 0, 10, 'harbour spending rose by 12%', 0.9, 'quantity', '[]', 'The council', '[]', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}

	stalled := cap(db.readTurns) // as many streams as pages have turns
	release := make(chan struct{})
	var inside atomic.Int32
	done := make(chan error, stalled)
	for range stalled {
		go func() {
			_, err := db.ExportClaims(ctx, ExportFilter{State: ExportAllStates}, func(*ExportRow) error {
				inside.Add(1)
				<-release // the client stopped reading
				return errors.New("client gone")
			})
			done <- err
		}()
	}
	// Give every stream the chance to start reading.
	for deadline := time.Now().Add(time.Second); inside.Load() < int32(stalled) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if inside.Load() == 0 {
		t.Fatal("no export started reading")
	}

	// A page's read: it must not wait for the stalled streams.
	pageCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := db.UserByID(pageCtx, 1)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a page's read waited for %d stalled streams: %v", inside.Load(), err)
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("page read: %v", err)
	}

	close(release)
	for range stalled {
		if err := <-done; err == nil || err.Error() != "client gone" {
			t.Errorf("stream: %v", err)
		}
	}
	if n := len(db.readTurns) + len(db.streamTurns); n != 0 {
		t.Errorf("%d turns still taken after every stream ended", n)
	}
}
