package storage

import (
	"reflect"
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
