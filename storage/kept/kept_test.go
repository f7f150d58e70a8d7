package kept

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A cache bounded by number never holds more than its bound, and one
// bounded by weight always counts exactly what it holds.
func TestBounds(t *testing.T) {
	byCount := New[int, string](10)
	for i := range 100 {
		byCount.Put(1, i, "v")
		if n := byCount.Len(); n > 10 {
			t.Fatalf("after %d puts %d values kept, bound 10", i+1, n)
		}
	}
	for range 20 { // putting a value kept again does not empty the cache
		byCount.Put(1, 99, "again")
	}
	if v, ok := byCount.Get(1, 99); !ok || v != "again" || byCount.Len() < 2 {
		t.Errorf("after replacing one value: %q %v, %d kept", v, ok, byCount.Len())
	}

	weigh := func(k string, v []byte) int { return len(k) + len(v) }
	byBytes := NewWeighed(1000, weigh)
	for i := range 500 {
		k := "page " + strconv.Itoa(i%40)
		byBytes.Put(1, k, make([]byte, i%97))
		if i%3 == 0 { // some asked for again, so some replaced values stay at the bound
			byBytes.Get(1, k)
		}
		n := 0
		for k, s := range byBytes.m {
			n += weigh(k, s.v)
		}
		if n != byBytes.Bytes() || n > 1000 {
			t.Fatalf("after %d puts: holds %d bytes, counts %d, bound 1000", i+1, n, byBytes.Bytes())
		}
	}
	// A value asked for again, replaced when the bound is reached, counts
	// once: by its new weight.
	small := NewWeighed(100, func(_ string, v []byte) int { return len(v) })
	small.Put(1, "a", make([]byte, 30))
	small.Get(1, "a")
	small.Put(1, "b", make([]byte, 30))
	small.Put(1, "c", make([]byte, 30))
	small.Put(1, "a", make([]byte, 45))
	if v, ok := small.Get(1, "a"); !ok || len(v) != 45 || small.Bytes() != 45 {
		t.Errorf("after replacing a value at the bound: %d bytes kept for it (%v), %d counted, want 45", len(v), ok, small.Bytes())
	}
	byBytes.Put(1, "too big", make([]byte, 1001))
	if _, ok := byBytes.Get(1, "too big"); ok {
		t.Error("a value over the whole bound is kept")
	}
}

// When the bound is reached, values asked for once (first visits of many
// claims) go before those asked for again (the claims being worked on),
// which stay however many values are asked for once; when those asked for
// again fill the cache, everything goes, and the bound still holds.
func TestValuesAskedForAgainOutlastValuesAskedForOnce(t *testing.T) {
	weigh := func(k string, v []byte) int { return len(k) + len(v) }
	for _, c := range []struct {
		name  string
		cache *Cache[string, []byte]
		over  func(*Cache[string, []byte]) bool
	}{
		{"by count", New[string, []byte](10), func(c *Cache[string, []byte]) bool { return c.Len() > 10 }},
		{"by weight", NewWeighed(1000, weigh), func(c *Cache[string, []byte]) bool { return c.Bytes() > 1000 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			kc := c.cache
			for _, k := range []string{"worked on 1", "worked on 2"} {
				kc.Put(1, k, make([]byte, 50))
				if _, ok := kc.Read(context.Background(), 1, k, func() ([]byte, error) { return nil, errors.New("kept, not read") }); ok != nil {
					t.Fatalf("%s: %v", k, ok)
				}
			}
			for i := range 500 {
				kc.Put(1, "first visit "+strconv.Itoa(i), make([]byte, 50))
				if c.over(kc) {
					t.Fatalf("after %d first visits: %d values, %d bytes, over the bound", i+1, kc.Len(), kc.Bytes())
				}
			}
			for _, k := range []string{"worked on 1", "worked on 2"} {
				if _, ok := kc.Get(1, k); !ok {
					t.Errorf("%q, asked for again, was pushed out by values asked for once", k)
				}
			}
			// Every value asked for again: the cache empties when full and
			// never holds more than its bound.
			for i := range 500 {
				k := "again " + strconv.Itoa(i)
				kc.Put(1, k, make([]byte, 50))
				kc.Get(1, k)
				if c.over(kc) {
					t.Fatalf("after %d values asked for again: %d values, %d bytes, over the bound", i+1, kc.Len(), kc.Bytes())
				}
			}
			if _, ok := kc.Get(1, "again 499"); !ok {
				t.Error("the last value kept is gone")
			}
		})
	}
}

// A value is served only at the generation it was kept under; an older
// generation's value is never kept, and a newer generation empties the rest.
func TestGenerations(t *testing.T) {
	c := New[string, int](10)
	c.Put(3, "a", 1)
	if _, ok := c.Get(4, "a"); ok {
		t.Error("a value kept at 3 is served at 4")
	}
	c.Put(4, "b", 2)
	if _, ok := c.Get(3, "a"); ok || c.Len() != 1 {
		t.Errorf("a newer generation left %d values, the old one served: %v", c.Len(), ok)
	}
	c.Put(3, "late", 3)
	if _, ok := c.Get(3, "late"); ok {
		t.Error("a value read at an older generation is kept")
	}
	if v, ok := c.Get(4, "b"); !ok || v != 2 {
		t.Errorf("got %d %v", v, ok)
	}
}

// Requests that miss the same value at the same generation wait for one
// read; a request at a newer generation does not wait for an older read; a
// read that fails or panics is not kept, and those waiting read afresh.
func TestReadOnceForEveryoneWaiting(t *testing.T) {
	ctx := context.Background()
	c := New[string, string](10)
	var reads atomic.Int64
	release := make(chan struct{})
	slow := func() (string, error) {
		reads.Add(1)
		<-release
		return "value", nil
	}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Read(ctx, 7, "k", slow)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Meanwhile a request at a newer generation reads for itself.
	newer, err := c.Read(ctx, 8, "k", func() (string, error) { return "newer", nil })
	if err != nil || newer != "newer" {
		t.Errorf("a request at a newer generation got %q, %v", newer, err)
	}
	time.Sleep(20 * time.Millisecond) // let the rest arrive while the read is under way
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("8 requests for the same value read it %d times", n)
	}
	for _, v := range got {
		if v != "value" {
			t.Errorf("a waiting request got %q", v)
		}
	}

	// A read that panics still lets those waiting go, and they read afresh.
	started := make(chan struct{})
	go func() {
		defer func() { recover() }()
		c.Read(ctx, 9, "p", func() (string, error) {
			close(started)
			time.Sleep(20 * time.Millisecond)
			panic("the reading request failed")
		})
	}()
	<-started
	v, err := c.Read(ctx, 9, "p", func() (string, error) { return "again", nil })
	if err != nil || v != "again" {
		t.Errorf("after a read panicked, a waiting request got %q, %v", v, err)
	}

	// A failed read is reported to its reader and not kept.
	if _, err := c.Read(ctx, 9, "f", func() (string, error) { return "", errors.New("gone") }); err == nil {
		t.Error("a failed read reported no error")
	}
	if _, ok := c.Get(9, "f"); ok {
		t.Error("a failed read is kept")
	}

	// A waiting request whose own context ends stops waiting.
	block := make(chan struct{})
	go c.Read(ctx, 10, "b", func() (string, error) { <-block; return "", nil })
	for {
		c.mu.Lock()
		n := len(c.reading)
		c.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := c.Read(short, 10, "b", func() (string, error) { return "", nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a waiting request whose context ended got %v", err)
	}
	close(block)
}
