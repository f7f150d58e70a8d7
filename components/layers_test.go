package components

import (
	"go/build"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The components take domain types as props: no page may reach storage,
// directly or through another of our packages.
func TestComponentsDoNotImportStorage(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	seen := map[string]bool{}
	var walk func(path string, chain []string)
	walk = func(path string, chain []string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if path == "claimtrail/storage" || strings.HasPrefix(path, "claimtrail/storage/") {
			t.Errorf("components reach storage: %s", strings.Join(append(chain, path), " → "))
			return
		}
		pkg, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(path, "claimtrail")), 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if imp == "claimtrail" || strings.HasPrefix(imp, "claimtrail/") {
				walk(imp, append(chain, path))
			}
		}
	}
	walk("claimtrail/components", nil)
	if !seen["claimtrail/domain"] {
		t.Fatal("the walk did not reach domain, so it checked nothing")
	}
}
