package ingest

import (
	"errors"
	"os"
	"testing"

	"claimtrail/domain"
)

// assertError checks err's domain code and, when field is set, that the
// error names that form field.
func assertError(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field == "" {
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *domain.Error", err)
	}
	if de.Fields[field] == "" {
		t.Fatalf("error %q names fields %v, want %q", de.Message, de.Fields, field)
	}
	if de.Message == "" {
		t.Fatal("error has no message for the user")
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
