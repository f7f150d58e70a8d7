package match

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	q := ParseQuery(`"black hole" £22bn immigr* the`)
	if !slices.Equal(q.Phrases, []string{"black hole"}) || !slices.Equal(q.Prefixes, []string{"immigr"}) {
		t.Errorf("phrases %v prefixes %v", q.Phrases, q.Prefixes)
	}
	if !slices.Contains(q.Terms, "#money:GBP:2.2e+10") || !slices.Contains(q.Terms, "black") || slices.Contains(q.Terms, "the") {
		t.Errorf("terms %v", q.Terms)
	}
	// A figure written another way is the same term.
	if other := ParseQuery("22 billion pounds"); !slices.Contains(other.Terms, "#money:GBP:2.2e+10") {
		t.Errorf("22 billion pounds: %v", other.Terms)
	}
	if !ParseQuery(`"" * the of`).Empty() {
		t.Error("nothing to search for is not empty")
	}
}

func TestQueryMatchesAndHighlight(t *testing.T) {
	text := "The Tories left a £22 billion black hole in the public finances."
	a := Analyse(text, "")
	for _, c := range []struct {
		q    string
		want bool
	}{{"£22bn", true}, {`"black hole"`, true}, {`"hole black"`, false}, {"financ*", true}, {"tory £20bn", false}} {
		if got := ParseQuery(c.q).Matches(a.Terms, text); got != c.want {
			t.Errorf("%q matches: %v, want %v", c.q, got, c.want)
		}
	}
	var marked []string
	for _, s := range Highlight(text, ParseQuery("£22bn finances"), 240) {
		if s.Mark {
			marked = append(marked, s.Text)
		}
	}
	if !slices.Equal(marked, []string{"£22 billion", "finances"}) {
		t.Errorf("marked %q", marked)
	}
}

func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{`"black hole" £22bn immigr*`, `"`, `*`, `"a" "b`, "“curly”", strings.Repeat("x", 600), "\xff\xfe", "é*"} {
		f.Add(s, "The Tories left a £22 billion black hole, l'économie.")
	}
	f.Fuzz(func(t *testing.T, query, text string) {
		q := ParseQuery(query)
		if len(q.Terms)+len(q.Phrases)+len(q.Prefixes) > MaxQueryParts {
			t.Fatalf("too many parts: %+v", q)
		}
		q.Matches(Analyse(text, "").Terms, text)
		var b strings.Builder
		for _, s := range Highlight(text, q, 50) {
			b.WriteString(s.Text)
		}
		if utf8.ValidString(text) && !utf8.ValidString(b.String()) {
			t.Fatalf("snippet cut a character: %q", b.String())
		}
	})
}
