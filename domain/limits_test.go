package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestLimitsAreTheDomainsOwn(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name  string
		err   error
		field string // "" when the input is fine
	}{
		{"a name at the limit", CheckNewUser(long(MaxUserNameLength), "ann@newsroom.example"), ""},
		{"a name over the limit", CheckNewUser(long(MaxUserNameLength+1), "ann@newsroom.example"), "name"},
		{"an empty name", CheckNewUser("  ", "ann@newsroom.example"), "name"},
		{"an overlong address", CheckNewUser("Ann", long(250)+"@x.example"), "email"},
		{"an address without a domain", CheckNewUser("Ann", "ann@"), "email"},
		{"an organisation over the limit", PublishingInput{PublisherName: long(MaxPublisherNameLength + 1)}.Check(), "publisher_name"},
		{"a logo address over the limit", PublishingInput{LogoURL: "https://x.example/" + long(MaxSettingURLLength)}.Check(), "logo_url"},
		{"a site address with a query", PublishingInput{BaseURL: "https://checks.example/?a=1"}.Check(), "base_url"},
		{"publishing settings that fit", PublishingInput{PublisherName: "Gazette", BaseURL: "https://checks.example"}.Check(), ""},
		{"a webhook address over the limit", CheckWebhookAddress("https://hooks.example/"+long(MaxSettingURLLength), nil), "webhook_url"},
		{"a headline over the limit", CheckArticleDetails(long(MaxTitleLength+1), "", "", ""), "title"},
		{"an outlet over the limit", CheckArticleDetails("", long(MaxOutletLength+1), "", ""), "outlet"},
		{"an address that is not a web address", CheckArticleDetails("", "", "", "ftp://files.example/a"), "url"},
		{"no details at all", CheckArticleDetails("", "", "", ""), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.field == "" {
				if tc.err != nil {
					t.Fatalf("refused: %v", tc.err)
				}
				return
			}
			e, ok := tc.err.(*Error)
			if !ok || e.Code != EINVALID || e.Fields[tc.field] == "" {
				t.Fatalf("got %#v, want a message for %q", tc.err, tc.field)
			}
		})
	}
}

// Text that is published, exported and sent on as typed holds no control
// characters: a NUL, an escape or a bidi-less C1 code is refused, beside
// its field, on every surface; line breaks and tabs stay fine where text
// runs over several lines.
func TestPublishedTextRefusesControlCharacters(t *testing.T) {
	source := func(title, publisher, quote string) error {
		s := Source{URL: "https://stats.example/t", Title: title, Publisher: publisher, Quote: quote, Type: SourceType("official_statistics")}
		return s.Check()
	}
	verdict := func(conclusion, explanation string) error {
		v := Verdict{Conclusion: conclusion, Explanation: explanation}
		return v.CheckText()
	}
	rating := func(name string) error { r := Rating{Name: name, Value: 1}; return r.Check() }
	for _, tc := range []struct {
		name  string
		err   error
		field string // "" when it is accepted
	}{
		{"conclusion with a NUL", verdict("It fell\x00.", ""), "conclusion"},
		{"conclusion with an escape", verdict("It fell\x1b[31m.", ""), "conclusion"},
		{"conclusion with a C1 code", verdict("It fell\u0085.", ""), "conclusion"},
		{"plain conclusion", verdict("It fell by 0.3 points, not 3%.", ""), ""},
		{"explanation with a NUL", verdict("", "The ONS\x00 says so."), "explanation"},
		{"explanation over lines, with a tab", verdict("", "The ONS says so.\r\n\tSee table 3."), ""},
		{"source title with a bell", source("Annual\x07 table", "", ""), "title"},
		{"source publisher with a NUL", source("Annual table", "ONS\x00", ""), "publisher"},
		{"source quote with a NUL", source("Annual table", "", "It was\x00 4.2%."), "quote"},
		{"source quote over lines", source("Annual table", "", "It was 4.2%.\nDown from 5.1%."), ""},
		{"rating name with a NUL", rating("False\x00"), "name"},
		{"comment with a NUL", CheckComment("body", "Check\x00 the source."), "body"},
		{"comment over lines", CheckComment("body", "Check the source.\nThen submit."), ""},
		{"headline with a NUL", CheckArticleDetails("Harbour\x00 spending", "", "", ""), "title"},
		{"outlet with a tab", CheckArticleDetails("", "The\tGazette", "", ""), "outlet"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFieldMessage(t, tc.err, tc.field, "control character") })
	}
}

// wantFieldMessage checks that err refuses field with a message holding
// words, or, with no field, that nothing was refused.
func wantFieldMessage(t *testing.T, err error, field, words string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID || !strings.Contains(e.Fields[field], words) {
		t.Fatalf("got %#v, want a message with %q on %q", err, words, field)
	}
}

func TestSignInAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.5":             "203.0.113.5",
		"::ffff:203.0.113.5":      "203.0.113.5",
		"2001:db8:5:7:1::1":       "2001:db8:5:7::/64",
		"2001:db8:5:7:ffff:1:2:3": "2001:db8:5:7::/64",
		"fe80::1%eth0":            "fe80::/64",
		"not an address":          "not an address",
	} {
		if got := SignInAddressKey(in); got != want {
			t.Errorf("SignInAddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSignInAccountKey(t *testing.T) {
	if got := SignInAccountKey("Rita@Newsroom.Example"); got != "rita@newsroom.example" {
		t.Errorf("an address is counted as %q", got)
	}
	huge := strings.Repeat("a", 1<<20) + "@newsroom.example"
	key := SignInAccountKey(huge)
	if len(key) != MaxEmailLength+1 {
		t.Errorf("a megabyte-long address is counted under %d bytes, want %d", len(key), MaxEmailLength+1)
	}
	if CheckNewUser("Ann", key) == nil {
		t.Error("the key of an overlong address could name an account")
	}
}

func TestCanEditArticleDetails(t *testing.T) {
	reviewer := &User{ID: 1, Role: RoleReviewer, Active: true}
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	for _, tc := range []struct {
		by        *User
		published bool
		want      string
	}{
		{reviewer, false, ""}, {editor, false, ""}, {editor, true, ""}, {nil, true, ""},
		{reviewer, true, EFORBIDDEN},
	} {
		if got := CanEditArticleDetails(tc.by, tc.published); (got == nil) != (tc.want == "") || got != nil && ErrorCode(got) != tc.want {
			t.Errorf("%v, published %v: %v", tc.by, tc.published, got)
		}
	}
}
