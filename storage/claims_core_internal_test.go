package storage

import (
	"encoding/json"
	"reflect"
	"testing"

	"claimtrail/domain"
)

// TestClaimListsDecodeAsJSONDoes: figures and reasons read through the
// shortcuts (no figures, a list of reasons decoded before) are what the
// JSON decoder gives, empty and null lists included, and no two claims
// share a list.
func TestClaimListsDecodeAsJSONDoes(t *testing.T) {
	for _, c := range []struct{ figures, reasons string }{
		{`[]`, `["has a figure","names who said it"]`},
		{`[]`, `["has a figure","names who said it"]`}, // decoded before
		{`[{"text":"1 in 4","start":68,"end":74,"kind":"ratio","value":0.25,"unit":""}]`, `[]`},
		{`null`, `null`},
		{`[]`, `[]`},
	} {
		var got, want domain.Claim
		if err := decodeClaimLists(&got, c.figures, c.reasons); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(c.figures), &want.Figures); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(c.reasons), &want.Reasons); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || (got.Figures == nil) != (want.Figures == nil) || (got.Reasons == nil) != (want.Reasons == nil) {
			t.Errorf("%s %s: got %#v %#v, want %#v %#v", c.figures, c.reasons, got.Figures, got.Reasons, want.Figures, want.Reasons)
		}
		if len(got.Reasons) > 0 {
			got.Reasons[0] = "changed by one claim"
			var again domain.Claim
			decodeClaimLists(&again, c.figures, c.reasons)
			if again.Reasons[0] == "changed by one claim" {
				t.Fatal("two claims share a list of reasons")
			}
		}
	}
	var c domain.Claim
	if err := decodeClaimLists(&c, `[]`, `["unterminated`); err == nil {
		t.Error("a damaged list of reasons was read")
	}
}
