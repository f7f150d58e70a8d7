package static

import (
	"io/fs"
	"testing"
)

func TestFSHoldsOwnAssets(t *testing.T) {
	for _, name := range []string{"app.css", "app.js"} {
		t.Run(name, func(t *testing.T) {
			b, err := fs.ReadFile(FS, name)
			if err != nil {
				t.Fatalf("read %s: %v", name, err)
			}
			if len(b) == 0 {
				t.Fatalf("%s is empty", name)
			}
		})
	}
}

func TestFSHasVendorDir(t *testing.T) {
	// The vendor directory exists in every checkout (it holds .gitkeep), so
	// handlers can serve it without special cases.
	info, err := fs.Stat(FS, "vendor")
	if err != nil {
		t.Fatalf("stat vendor: %v", err)
	}
	if !info.IsDir() {
		t.Fatal("vendor is not a directory")
	}
}
