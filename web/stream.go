package web

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Streams (exports, the public feed) each hold one of the database's two
// stream connections, and the read they hold keeps the log from being
// restarted, so a client may keep one only while it reads.
const (
	// streamIdle is how long one chunk may wait for the client to take it.
	streamIdle = 30 * time.Second
	// streamMinRate is the slowest average pace, in bytes a second of time
	// spent waiting on the client, at which a client keeps its stream: one
	// that trickles a few bytes at a time is dropped too.
	streamMinRate = 16 << 10
)

// pacedWriter passes a stream's chunks to the client, setting the
// connection's write deadline before each: a client that stops reading is
// dropped after idle, and one that reads slower than streamMinRate on
// average soon after. Only time spent waiting on the client counts, so a
// slow read of the database never cuts a stream.
type pacedWriter struct {
	rc      *http.ResponseController
	w       io.Writer
	idle    time.Duration
	sent    int64
	waiting time.Duration // spent inside Write so far
}

func newPacedWriter(w http.ResponseWriter, idle time.Duration) *pacedWriter {
	return &pacedWriter{rc: http.NewResponseController(w), w: w, idle: idle}
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	if err := p.deadline(); err != nil {
		return 0, err
	}
	start := time.Now()
	n, err := p.w.Write(b)
	p.waiting += time.Since(start)
	p.sent += int64(n)
	return n, err
}

// Flush sends what net/http holds back, under the same deadline.
func (p *pacedWriter) Flush() error {
	if err := p.deadline(); err != nil {
		return err
	}
	start := time.Now()
	err := p.rc.Flush()
	p.waiting += time.Since(start)
	return err
}

func (p *pacedWriter) deadline() error {
	allowed := p.idle + time.Duration(p.sent)*time.Second/streamMinRate - p.waiting
	err := p.rc.SetWriteDeadline(time.Now().Add(min(p.idle, allowed)))
	if errors.Is(err, http.ErrNotSupported) {
		return nil // a test's recorder: there is no connection to free
	}
	return err
}
