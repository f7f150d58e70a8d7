package domain

import (
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
