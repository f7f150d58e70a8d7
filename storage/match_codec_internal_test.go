package storage

import (
	"reflect"
	"strings"
	"testing"

	"claimtrail/domain/match"
)

func TestMatchDocCodecRoundTrips(t *testing.T) {
	h := match.Analyse("Fact check: was there a £22bn hole?", "Rachel Reeves")
	for _, d := range []docData{
		{Text: match.Analyse("Unemployment rose 4.5% of GDP, said the Minister", "Ms X\x1fY\x1e")},
		{Text: match.Analyse("", ""), DF: []int{}, N: 0},
		{Text: match.Analyse("The previous government left a £22 billion black hole", "Rachel Reeves"), Headline: &h, DF: []int{1, 2, 3}, N: 9},
	} {
		got, err := decodeDoc(d.encode())
		if err != nil {
			t.Fatalf("decode %q: %v", d.encode(), err)
		}
		want := d
		want.Text.Claimant = noSeparators.Replace(want.Text.Claimant)
		if len(want.DF) == 0 {
			want.DF = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

// TestMatchDocCodecRefusesDamagedEntries: an entry with the wrong number of
// records, text parts or figure fields, or a count that is not a number, is
// an error rather than a document with parts missing.
func TestMatchDocCodecRefusesDamagedEntries(t *testing.T) {
	good := docData{Text: match.Analyse("Unemployment rose to 4.5%", "Smith"), DF: []int{3, 4}, N: 9}.encode()
	if _, err := decodeDoc(good); err != nil {
		t.Fatalf("the undamaged entry: %v", err)
	}
	for name, data := range map[string]string{
		"two records":        "9" + recordSep + "1",
		"five records":       good + recordSep + "x" + recordSep + "y",
		"count not a number": strings.Replace(good, "9"+recordSep, "nine"+recordSep, 1),
		"an empty count":     strings.Replace(good, "3"+unitSep+"4", "3"+unitSep+unitSep+"4", 1),
		"text of four parts": "1" + recordSep + recordSep + "a" + groupSep + groupSep + groupSep + "0",
		"figures of two":     "1" + recordSep + recordSep + "a" + groupSep + "k" + unitSep + "u" + groupSep + groupSep + groupSep + "0",
		"direction missing":  "1" + recordSep + recordSep + "a" + groupSep + groupSep + groupSep + groupSep,
	} {
		if d, err := decodeDoc(data); err == nil {
			t.Errorf("%s: decoded %q as %+v", name, data, d)
		}
	}
}
