package domain

import (
	"strings"
	"testing"
	"time"
)

// TestOneLineFieldsRefuseHiddenOrReorderingCharacters: a bidi override,
// isolate or an invisible character in a one-line field is refused with one
// message wherever the field is typed; right-to-left text keeps its marks.
func TestOneLineFieldsRefuseHiddenOrReorderingCharacters(t *testing.T) {
	verdict := func(conclusion, explanation string) error {
		v := Verdict{Conclusion: conclusion, Explanation: explanation}
		return v.CheckText()
	}
	source := func(title string) error {
		s := Source{URL: "https://stats.example/t", Title: title, Type: SourceType("official_statistics")}
		return s.Check()
	}
	rating := func(name string) error { r := Rating{Name: name, Value: 1}; return r.Check() }
	dismissal := func(note string) error { _, err := NewDismissal("", note); return err }
	removal := func(reason string) error {
		_, err := RemoveAppearance(&User{ID: 1, Role: RoleEditor, Active: true}, &Appearance{ID: 1}, reason, time.Now())
		return err
	}
	_, reworded := CheckRewording("Spending rose by \u202e%04 last year")
	for _, tc := range []struct {
		name  string
		err   error
		field string // "" when accepted
	}{
		{"claim wording with a right-to-left override", reworded, "text"},
		{"conclusion with an isolate", verdict("It fell\u2067 by 3%\u2069.", ""), "conclusion"},
		{"conclusion with a zero-width space", verdict("It fe\u200bll.", ""), "conclusion"},
		{"conclusion with a right-to-left mark among figures", verdict("It rose from 100\u200f-\u200f200.", ""), "conclusion"},
		{"conclusion in Hebrew with its marks", verdict("\u05e9\u05dc\u05d5\u05dd 100\u200f-200", ""), ""},
		{"conclusion with a joiner in an emoji", verdict("False \U0001F468\u200D\U0001F469", ""), ""},
		{"explanation with an override", verdict("", "See table 3.\n\u202eevil"), "explanation"},
		{"explanation with a soft hyphen", verdict("", "Unem\u00adployment fell."), ""},
		{"source title with a tag character", source("Annual table\U000E0041"), "title"},
		{"rating name with an embedding", rating("\u202aFalse"), "name"},
		{"headline with an override", CheckArticleDetails("Harbour \u202espending", "", "", ""), "title"},
		{"outlet with a word joiner", CheckArticleDetails("", "The\u2060Gazette", "", ""), "outlet"},
		{"publishing organisation with an override", PublishingInput{PublisherName: "Herald \u202eChecks"}.Check(), "publisher_name"},
		{"dismissal note with an override", dismissal("dup \u202e"), "reason"},
		{"appearance removal reason with an override", removal("dup \u202e"), "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFieldMessage(t, tc.err, tc.field, "hides or reorders") })
	}
}

// TestNamesAndOutsideTextLoseHiddenCharacters: names are tidied rather than
// refused, and text from outside (an imported check, a published check
// stored before the rule) loses what hides or reorders it.
func TestNamesAndOutsideTextLoseHiddenCharacters(t *testing.T) {
	if got := CleanName("Ann\u202e Lee\u200b"); got != "Ann Lee" {
		t.Errorf("CleanName = %q", got)
	}
	if got, _ := CheckPublicName("Ann \u2066Lee\u2069"); got != "Ann Lee" {
		t.Errorf("CheckPublicName = %q", got)
	}
	if _, err := NormalizeTokenName("script\u202e"); err == nil {
		t.Error("a token name with an override was accepted")
	}
	c, err := CheckImportedCheck(ImportedCheck{URL: "https://other.example/c", Claim: "Tax \u202efell", Rating: "False\u200b", Claimant: "Min\u00adister"})
	if err != nil || c.Claim != "Tax fell" || c.Rating != "False" || c.Claimant != "Minister" {
		t.Errorf("imported check tidied to %+v, %v", c, err)
	}
	p := &PublishedCheck{Claim: "Tax \u202efell", Claimant: "Min\u200bister", Conclusion: "1\u200f-\u200f2", Explanation: "a\u2067b\n\u05e9\u200f1",
		Sources: []Source{{Title: "T\u2066", Publisher: "P\u202d", Quote: "q\u202e"}}, Appearances: []PublishedAppearance{{ArticleTitle: "A\u202e", Outlet: "O\u2060"}}}
	p.Plain()
	want := &PublishedCheck{Claim: "Tax fell", Claimant: "Minister", Conclusion: "1-2", Explanation: "ab\n\u05e9\u200f1",
		Sources: []Source{{Title: "T", Publisher: "P", Quote: "q"}}, Appearances: []PublishedAppearance{{ArticleTitle: "A", Outlet: "O"}}}
	if p.Claim != want.Claim || p.Claimant != want.Claimant || p.Conclusion != want.Conclusion || p.Explanation != want.Explanation ||
		p.Sources[0] != want.Sources[0] || p.Appearances[0] != want.Appearances[0] {
		t.Errorf("Plain left %+v", p)
	}
}

// TestShowHiddenFormatting: the audit log's view writes out exactly what
// StripHiddenFormatting would remove, line by line.
func TestShowHiddenFormatting(t *testing.T) {
	for in, want := range map[string]string{
		"Tax \u202efell":           "Tax ⟨U+202E⟩fell",
		"1\u200f-2\n\u05e9\u200f1": "1⟨U+200F⟩-2\n\u05e9\u200f1",
		"Min\u200bister":           "Min⟨U+200B⟩ister",
		"plain \u2013 text":        "plain \u2013 text",
		"tag\U000E0041":            "tag⟨U+E0041⟩",
	} {
		if got := ShowHiddenFormatting(in); got != want {
			t.Errorf("ShowHiddenFormatting(%q) = %q, want %q", in, got, want)
		}
		if HidesOrReorders(ShowHiddenFormatting(in)) && !strings.ContainsFunc(in, isRightToLeft) {
			t.Errorf("ShowHiddenFormatting(%q) still hides something", in)
		}
	}
}
