package extract

import "testing"

func TestFigures(t *testing.T) {
	type fig struct {
		text, kind string
		value      float64
		unit       string
	}
	tests := []struct {
		name string
		in   string
		want []fig
	}{
		{"pounds billion", "It left a £22 billion gap.", []fig{{"£22 billion", KindMoney, 22e9, "GBP"}}},
		{"dollars bn", "Aid of $1.5bn was pledged.", []fig{{"$1.5bn", KindMoney, 1.5e9, "USD"}}},
		{"euros m", "A €300m fund opened.", []fig{{"€300m", KindMoney, 300e6, "EUR"}}},
		{"pence", "Fuel duty rose by 40p a litre.", []fig{{"40p", KindMoney, 0.4, "GBP"}}},
		{"money words", "It cost 12 million dollars.", []fig{{"12 million dollars", KindMoney, 12e6, "USD"}}},
		{"percent of GDP", "Spending is 2.3% of GDP.", []fig{{"2.3%", KindPercent, 2.3, "% of GDP"}}},
		{"share of gross domestic product", "up from a 2.3% share of gross domestic product", []fig{{"2.3%", KindPercent, 2.3, "% of GDP"}}},
		{"per cent of national income", "It will reach 2.5 per cent of national income.", []fig{{"2.5 per cent", KindPercent, 2.5, "% of national income"}}},
		{"plain percent", "Turnout fell to 59 percent.", []fig{{"59 percent", KindPercent, 59, "%"}}},
		{"percentage points", "Support dropped 4 percentage points.", []fig{{"4 percentage points", KindPercentagePoints, 4, "pp"}}},
		{"count with unit", "The plant employs 3,000 workers.", []fig{{"3,000 workers", KindCount, 3000, "workers"}}},
		{"count with adjective", "It will create 450 new homes.", []fig{{"450 new homes", KindCount, 450, "homes"}}},
		{"no unit across punctuation", "He typed alert(1)</script> into the box.", []fig{{"1", KindCount, 1, ""}}},
		{"no unit after a bracket", "The clause (section 12) applies.", []fig{{"12", KindCount, 12, ""}}},
		{"count millions", "Some 1.2 million people waited.", []fig{{"1.2 million people", KindCount, 1.2e6, "people"}}},
		{"count in words", "The war began three years ago.", []fig{{"three years", KindCount, 3, "years"}}},
		{"ratio words", "One in five pupils is absent.", []fig{{"One in five", KindRatio, 0.2, "ratio"}}},
		{"ratio digits", "2 out of 3 voters agreed.", []fig{{"2 out of 3", KindRatio, 2.0 / 3, "ratio"}}},
		{"rank hyphen", "It is the third-largest economy.", []fig{{"third-largest", KindRank, 3, "largest"}}},
		{"rank digits", "Now the 2nd biggest party.", []fig{{"2nd biggest", KindRank, 2, "biggest"}}},
		{"date day month year", "Polls close on 4 July 2024.", []fig{{"4 July 2024", KindDate, 20240704, "date"}}},
		{"date month day", "Signed on March 3, 1999.", []fig{{"March 3, 1999", KindDate, 19990303, "date"}}},
		{"iso date", "Published 2025-02-23.", []fig{{"2025-02-23", KindDate, 20250223, "date"}}},
		{"year", "Since 2010 crime has fallen.", []fig{{"2010", KindYear, 2010, "year"}}},
		{"range between", "Growth of between 2% and 3% is forecast.", []fig{{"between 2% and 3%", KindRange, 2, "%"}}},
		{"range hyphen", "Wages rose 4-5% last year.", []fig{{"4-5%", KindRange, 4, "%"}}},
		{"No 10 is not a figure", "No 10 denied it.", nil},
		{"one alone is not a figure", "That is one of the best.", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Figures(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("Figures(%q) = %+v, want %d figures", tc.in, got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Text != w.text || g.Kind != w.kind || g.Unit != w.unit || !close(g.Value, w.value) {
					t.Errorf("figure %d = %+v, want %+v", i, g, w)
				}
				if tc.in[g.Start:g.End] != g.Text {
					t.Errorf("offsets %d..%d give %q, not %q", g.Start, g.End, tc.in[g.Start:g.End], g.Text)
				}
			}
		})
	}
}

func close(a, b float64) bool {
	d := a - b
	return d < 1e-9*max(1, b) && d > -1e-9*max(1, b)
}
