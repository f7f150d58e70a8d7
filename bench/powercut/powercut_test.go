package powercut

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestMain lets the test binary run SQLite on a mount in a child process
// (the process serving a mount must not map its files; see the package doc).
func TestMain(m *testing.M) {
	if db := os.Getenv("POWERCUT_TEST_SQLITE"); db != "" {
		if err := sqliteChild(db, os.Getenv("POWERCUT_TEST_SYNC")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mount mounts a fresh directory, or skips the test where FUSE cannot be
// mounted. The mount is closed (synced) at the end unless the test cut it.
func mount(t *testing.T) *FS {
	t.Helper()
	if err := Available(); err != nil {
		t.Skipf("skipped: a power cut is played on a FUSE mount, and %v", err)
	}
	dir, mnt := t.TempDir(), t.TempDir()
	f, err := Mount(dir, mnt)
	if err != nil {
		t.Skipf("skipped: FUSE cannot be mounted here: %v", err)
	}
	t.Cleanup(func() {
		if !f.cut.Load() {
			if err := f.Close(); err != nil {
				t.Error(err)
			}
		}
	})
	return f
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWritesNotSyncedAreGoneAfterACutAndSyncedOnesKept(t *testing.T) {
	f := mount(t)
	unsynced := filepath.Join(f.Mountpoint(), "unsynced")
	synced := filepath.Join(f.Mountpoint(), "synced")
	if err := os.WriteFile(unsynced, []byte("written, never synced"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := os.Create(synced)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteString("first part, synced;"); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteString(" second part, not synced"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Before the cut, reads through the mount see everything written.
	if got := string(readFile(t, unsynced)); got != "written, never synced" {
		t.Errorf("read before the cut: %q", got)
	}
	if got := string(readFile(t, synced)); got != "first part, synced; second part, not synced" {
		t.Errorf("read before the cut: %q", got)
	}
	if st, err := os.Stat(synced); err != nil || st.Size() != int64(len("first part, synced; second part, not synced")) {
		t.Errorf("size before the cut: %v %v", st, err)
	}
	// Underneath, only what was synced.
	if got := string(readFile(t, filepath.Join(f.Dir(), "synced"))); got != "first part, synced;" {
		t.Errorf("underneath before the cut: %q", got)
	}

	d, err := f.Cut()
	if err != nil {
		t.Fatal(err)
	}
	if d.Files != 2 || d.Bytes != 2*pageSize {
		t.Errorf("dropped %+v, want 2 files of one page each", d)
	}
	// The names survive (they go straight through); the unsynced bytes do not.
	if got := readFile(t, filepath.Join(f.Dir(), "unsynced")); len(got) != 0 {
		t.Errorf("the unsynced file holds %q after the cut", got)
	}
	if got := string(readFile(t, filepath.Join(f.Dir(), "synced"))); got != "first part, synced;" {
		t.Errorf("the synced file holds %q after the cut", got)
	}
	if _, err := os.Stat(unsynced); err == nil {
		t.Error("the mount is still there after the cut")
	}
}

func TestSizeChangesWaitForASync(t *testing.T) {
	f := mount(t)
	path := filepath.Join(f.Mountpoint(), "f")
	long := bytes.Repeat([]byte("0123456789"), 1000)
	if err := os.WriteFile(path, long, 0o600); err != nil {
		t.Fatal(err)
	}
	fd, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	if err := fd.Sync(); err != nil {
		t.Fatal(err)
	}
	// Shorter, then longer again: the bytes between read as zeros.
	if err := fd.Truncate(105); err != nil {
		t.Fatal(err)
	}
	if err := fd.Truncate(5000); err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte(nil), long[:105]...), make([]byte, 5000-105)...)
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("after truncating to 105 and extending to 5000, read %d bytes, not the first 105 then zeros", len(got))
	}
	if got := readFile(t, filepath.Join(f.Dir(), "f")); !bytes.Equal(got, long) {
		t.Errorf("underneath, the unsynced truncation already shows: %d bytes", len(got))
	}
	// O_TRUNC is a size change too.
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, path)); got != "short" {
		t.Errorf("read after O_TRUNC and a write: %q", got)
	}
	if _, err := f.Cut(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir(), "f")); !bytes.Equal(got, long) {
		t.Errorf("after the cut the file has %d bytes, want the %d synced", len(got), len(long))
	}
}

// TestReadsMatchAModel writes, truncates and syncs at random offsets
// (across page edges) and compares every read with a plain byte slice, then
// what survives a cut with the slice as it was at the last sync.
func TestReadsMatchAModel(t *testing.T) {
	f := mount(t)
	path := filepath.Join(f.Mountpoint(), "model")
	fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var model, atSync []byte
	for step := 0; step < 400; step++ {
		switch r := rng.IntN(10); {
		case r < 6:
			off := rng.IntN(5 * pageSize)
			data := make([]byte, 1+rng.IntN(2*pageSize))
			for i := range data {
				data[i] = byte(rng.IntN(255) + 1)
			}
			if _, err := fd.WriteAt(data, int64(off)); err != nil {
				t.Fatal(err)
			}
			if len(model) < off+len(data) {
				model = append(model, make([]byte, off+len(data)-len(model))...)
			}
			copy(model[off:], data)
		case r < 8:
			size := rng.IntN(6 * pageSize)
			if err := fd.Truncate(int64(size)); err != nil {
				t.Fatal(err)
			}
			if size < len(model) {
				model = model[:size]
			} else {
				model = append(model, make([]byte, size-len(model))...)
			}
		case r < 9:
			if err := fd.Sync(); err != nil {
				t.Fatal(err)
			}
			atSync = append([]byte(nil), model...)
		default:
			off, n := rng.IntN(6*pageSize), rng.IntN(3*pageSize)
			buf := make([]byte, n)
			k, _ := fd.ReadAt(buf, int64(off))
			want := []byte{}
			if off < len(model) {
				want = model[off:min(off+n, len(model))]
			}
			if !bytes.Equal(buf[:k], want) {
				t.Fatalf("step %d: read %d bytes at %d, %d of them differ from what was written", step, n, off, k)
			}
		}
	}
	if got := readFile(t, path); !bytes.Equal(got, model) {
		t.Fatalf("the whole file read back (%d bytes) is not what was written (%d)", len(got), len(model))
	}
	fd.Close()
	if _, err := f.Cut(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir(), "model")); !bytes.Equal(got, atSync) {
		t.Fatalf("after the cut the file (%d bytes) is not what it was at the last sync (%d)", len(got), len(atSync))
	}
}

// TestSQLiteWALThroughTheMount runs SQLite in WAL mode with several
// connections (its -shm mapped) on the mount in a child process, kills it
// and cuts the power. With synchronous=FULL every row it reported committed
// is there afterwards and the database is sound; with synchronous=NORMAL and
// no checkpoint nothing syncs the log, so the cut takes rows back (which
// shows the cut drops what SQLite did not sync).
func TestSQLiteWALThroughTheMount(t *testing.T) {
	for _, mode := range []string{"FULL", "NORMAL"} {
		t.Run(mode, func(t *testing.T) { sqliteCut(t, mode) })
	}
}

func sqliteCut(t *testing.T, mode string) {
	f := mount(t)
	db := filepath.Join(f.Mountpoint(), "t.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "POWERCUT_TEST_SQLITE="+db, "POWERCUT_TEST_SYNC="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var committed []int
	sc := bufio.NewScanner(out)
	reads := 0
	for sc.Scan() && len(committed) < 300 {
		line := sc.Text()
		if v, ok := bytes.CutPrefix([]byte(line), []byte("read ")); ok {
			n, _ := strconv.Atoi(string(v))
			reads = max(reads, n)
			continue
		}
		id, err := strconv.Atoi(line)
		if err != nil {
			t.Fatalf("child: %q", line)
		}
		committed = append(committed, id)
	}
	if _, err := os.Stat(db + "-shm"); err != nil {
		t.Errorf("no -shm file beside the database on the mount: %v", err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if len(committed) < 300 {
		t.Fatalf("the child committed %d rows before it stopped: %s", len(committed), stderr.String())
	}
	if reads == 0 {
		t.Error("the readers on the other connections saw no rows")
	}
	d, err := f.Cut()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows committed, readers saw up to %d; the cut dropped %d bytes in %d files", len(committed), reads, d.Bytes, d.Files)

	conn, err := sql.Open("sqlite", filepath.Join(f.Dir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var check string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check after the cut: %q %v", check, err)
	}
	lost := 0
	for _, id := range committed {
		var n int
		if err := conn.QueryRow("SELECT count(*) FROM t WHERE id = ?", id).Scan(&n); err != nil || n != 1 {
			lost++
		}
	}
	switch {
	case mode == "FULL" && lost > 0:
		t.Errorf("%d of %d rows reported committed are not there after the cut", lost, len(committed))
	case mode == "NORMAL" && lost == 0:
		t.Errorf("all %d rows survived the cut though nothing synced the log", len(committed))
	}
	t.Logf("%d of %d rows lost", lost, len(committed))
}

// sqliteChild writes rows one transaction each in WAL mode with the
// synchronous setting given and no automatic checkpoint, printing each id
// once committed, while three more connections read; it runs until killed.
func sqliteChild(path, mode string) error {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous("+mode+")&_pragma=wal_autocheckpoint(0)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(4)
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"); err != nil {
		return err
	}
	var journal string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil || journal != "wal" {
		return fmt.Errorf("journal_mode %q: %v", journal, err)
	}
	var mu sync.Mutex
	for range 3 {
		go func() {
			for {
				var n int
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
					fmt.Fprintln(os.Stderr, "read:", err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Printf("read %d\n", n)
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	body := string(bytes.Repeat([]byte("x"), 3000))
	for id := 1; ; id++ {
		if _, err := db.ExecContext(ctx, "INSERT INTO t (id, body) VALUES (?, ?)", id, body); err != nil {
			return err
		}
		mu.Lock()
		fmt.Println(id)
		mu.Unlock()
	}
}

// TestCloseSyncsLikeACleanShutdown: unmounting with Close keeps what was
// written, synced or not.
func TestCloseSyncsLikeACleanShutdown(t *testing.T) {
	f := mount(t)
	if err := os.WriteFile(filepath.Join(f.Mountpoint(), "kept"), []byte("written, never synced"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir(), "kept")); len(got) != 0 {
		t.Fatalf("underneath before Close: %q", got)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, filepath.Join(f.Dir(), "kept"))); got != "written, never synced" {
		t.Errorf("after Close the file holds %q", got)
	}
}
