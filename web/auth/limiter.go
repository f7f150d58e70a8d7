package auth

import (
	"context"
	"errors"
	"sync"
	"time"

	"claimtrail/domain"
)

// Throttle counts sign-in attempts per key (a client address or an account)
// and makes a key wait, after failures, for as long as Delay says.
//
// An attempt is counted when it starts, before the password is hashed, so
// that parallel guesses cannot all pass the check before any of them is
// recorded as failed; a successful attempt is then forgiven.
type Throttle struct {
	// Delay is how long a key that has failed n times must wait after its
	// last attempt.
	Delay func(failures int) time.Duration
	// Forget is how long after its last attempt a key's failures are dropped.
	Forget time.Duration
	Now    func() time.Time

	mu   sync.Mutex
	keys map[string]*attempts
}

type attempts struct {
	failures int
	last     time.Time
}

// NewThrottle makes a throttle with the given delay rule.
func NewThrottle(delay func(int) time.Duration, forget time.Duration) *Throttle {
	return &Throttle{Delay: delay, Forget: forget, Now: time.Now, keys: map[string]*attempts{}}
}

// Attempt counts an attempt for key and reports whether it may go ahead; if
// not, wait is how long until it may. A refused attempt is not counted.
func (t *Throttle) Attempt(key string) (ok bool, wait time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	a := t.keys[key]
	if a == nil || now.Sub(a.last) >= t.Forget {
		if len(t.keys) > 100_000 {
			t.prune(now) // bound memory under a flood of distinct keys
		}
		a = &attempts{}
		t.keys[key] = a
	}
	if wait := domain.SignInWaitLeft(t.Delay, a.failures, a.last, now); wait > 0 {
		return false, wait
	}
	a.failures++
	a.last = now
	return true, 0
}

// Succeeded forgets key's failures: the right password was given.
func (t *Throttle) Succeeded(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// Refund takes back one counted attempt of key, which turned out not to be
// a failure (a client address that signed in successfully).
func (t *Throttle) Refund(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a := t.keys[key]; a != nil {
		a.failures--
		if a.failures <= 0 {
			delete(t.keys, key)
		}
	}
}

func (t *Throttle) prune(now time.Time) {
	for k, a := range t.keys {
		if now.Sub(a.last) >= t.Forget {
			delete(t.keys, k)
		}
	}
}

// ErrBusy means every password-hashing slot stayed taken for as long as a
// request may wait.
var ErrBusy = errors.New("auth: too many passwords being checked at once")

// Gate bounds how many argon2id hashes run at once: each takes 19 MiB, so a
// burst of sign-ins must queue rather than take the server's memory.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate lets n hashes run at once; others wait up to wait for a slot.
func NewGate(n int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Enter takes a slot, waiting at most the gate's wait; call release when the
// hash is done. It fails with ErrBusy, or the context's error.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-timer.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *Gate) leave() { <-g.slots }

// CheckPassword is the package's CheckPassword inside a slot of the gate.
func (g *Gate) CheckPassword(ctx context.Context, hash, password string) (bool, error) {
	release, err := g.Enter(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return CheckPassword(hash, password), nil
}

// HashPassword is the package's HashPassword inside a slot of the gate.
func (g *Gate) HashPassword(ctx context.Context, password string) (string, error) {
	release, err := g.Enter(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return HashPassword(password)
}
