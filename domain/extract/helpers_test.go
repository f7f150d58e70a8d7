package extract

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedPath returns ../shared/<rel> beside the repository root (the folder
// holding go.mod), skipping the test when that data is not there.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test; cannot locate ../shared")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/%s not found; the labelled data and samples live beside the repository", rel)
	}
	return p
}
