package csvexport

import (
	"net/url"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

func TestNeutralise(t *testing.T) {
	tests := map[string]string{
		"":        "",
		"=1+1":    "'=1+1",
		"+44":     "'+44",
		"-3%":     "'-3%",
		"@SUM(1)": "'@SUM(1)",
		"\tx":     "'\tx",
		"\rx":     "'\rx",
		"a=b":     "a=b",
		" =x":     " =x",
		"'quoted": "'quoted",
		"Ünïcödé": "Ünïcödé",
	}
	for in, want := range tests {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFilter(t *testing.T) {
	f, err := ParseFilter(url.Values{})
	if err != nil || f.State != domain.StateApproved {
		t.Errorf("default: %+v %v", f, err)
	}
	f, err = ParseFilter(url.Values{"since": {"2025-03-01"}, "until": {"2025-03-01"}, "state": {"all"}, "claim_type": {"quantity"}, "rating": {" False "}})
	if err != nil || !f.ApprovedSince.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) ||
		!f.ApprovedUntil.Equal(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)) || f.State != storage.ExportAllStates || f.Rating != "False" {
		t.Errorf("parsed %+v %v", f, err)
	}
	for name, q := range map[string]url.Values{
		"since":      {"since": {"01/03/2025"}},
		"until":      {"until": {"2025-02-30"}},
		"claim_type": {"claim_type": {"gossip"}},
		"state":      {"state": {"published"}},
	} {
		_, err := ParseFilter(q)
		if e, ok := err.(*domain.Error); !ok || e.Code != domain.EINVALID || e.Fields[name] == "" {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := ParseFilter(url.Values{"since": {"2025-03-02"}, "until": {"2025-03-01"}}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("reversed range: %v", err)
	}
}
