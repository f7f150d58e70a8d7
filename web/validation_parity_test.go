package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestSameBadInputSameMessageInBrowserAndAPI posts each bad input through
// the browser's form and through the API, and checks both refuse it naming
// the same field with the same words: the rule is the domain's, once.
func TestSameBadInputSameMessageInBrowserAndAPI(t *testing.T) {
	env := newTestEnv(t)
	browser, rita := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	api := env.apiClientFor(rita, "rita script")
	edBrowser, ed := env.signedIn("ed@newsroom.example", domain.RoleEditor)
	edAPI := env.apiClientFor(ed, "ed script")

	inReviewID, version := inReview(t, api, api, "https://gazette.example/parity")
	submittedID, sv := inReview(t, api, api, "https://gazette.example/parity-submitted")
	submitted(t, api, submittedID, sv)
	candidate := postArticle(t, api, "https://gazette.example/parity-candidate").Claims[0].ID
	v := itoa(version)

	long := func(n int) string { return strings.Repeat("a", n) }
	type surface struct {
		browser *client
		path    string
		form    url.Values
		api     *apiClient
		method  string
		apiPath string
		body    map[string]any
	}
	// A source on the claim in review: the browser's add-a-source form and
	// the API's whole verdict, each with one detail changed.
	source := func(change map[string]string) surface {
		form := url.Values{"version": {v}, "url": {"https://stats.example/t"}, "title": {"Annual table"}, "type": {"official_statistics"}}
		js := map[string]any{"url": "https://stats.example/t", "title": "Annual table", "type": "official_statistics"}
		for k, val := range change {
			form.Set(k, val)
			js[k] = val
		}
		return surface{browser, "/claims/" + itoa(inReviewID) + "/sources", form, api, http.MethodPut, "/api/v1/claims/" + itoa(inReviewID) + "/verdict",
			map[string]any{"version": version, "conclusion": "", "sources": []map[string]any{js}}}
	}
	// One field of the verdict in review, in the browser's form and the API.
	verdict := func(field, val string) surface {
		return surface{browser, "/claims/" + itoa(inReviewID) + "/verdict", url.Values{"version": {v}, field: {val}},
			api, http.MethodPut, "/api/v1/claims/" + itoa(inReviewID) + "/verdict", map[string]any{"version": version, field: val}}
	}
	// An article's details: the paste form beside the text, and the API's
	// article, each with one detail changed.
	articleID := postArticle(t, api, "https://gazette.example/parity-article").ID
	article := func(change map[string]string) surface {
		form := url.Values{"body": {"The council said spending rose by 40 percent last year."}}
		js := map[string]any{"body": "The council said spending rose by 40 percent last year."}
		for k, val := range change {
			form.Set(k, val)
			js[k] = val
		}
		return surface{browser, "/articles", form, api, http.MethodPost, "/api/v1/articles", js}
	}
	cases := []struct {
		name     string
		field    string // the browser's field
		apiField string // the same field in the API's answer
		build    func() surface
	}{
		{"conclusion too long", "conclusion", "conclusion", func() surface {
			return verdict("conclusion", long(301))
		}},
		{"conclusion on two lines", "conclusion", "conclusion", func() surface {
			return verdict("conclusion", "It fell.\nBy a lot.")
		}},
		{"conclusion with a NUL", "conclusion", "conclusion", func() surface {
			return verdict("conclusion", "It fell\x00 by a lot.")
		}},
		{"explanation with an escape", "explanation", "explanation", func() surface {
			return verdict("explanation", "The ONS says so.\x1b[2J")
		}},
		{"source title with a control character", "title", "sources[0].title", func() surface {
			return source(map[string]string{"title": "Annual\x07 table"})
		}},
		{"headline with a NUL", "title", "title", func() surface {
			return article(map[string]string{"title": "Harbour\x00 spending"})
		}},
		{"explanation too long", "explanation", "explanation", func() surface {
			return verdict("explanation", long(20001))
		}},
		{"source address that runs script", "url", "sources[0].url", func() surface {
			return source(map[string]string{"url": "javascript:alert(1)"})
		}},
		{"source without a title", "title", "sources[0].title", func() surface {
			return source(map[string]string{"title": "   "})
		}},
		{"source title too long", "title", "sources[0].title", func() surface {
			return source(map[string]string{"title": long(301)})
		}},
		{"publisher too long", "publisher", "sources[0].publisher", func() surface {
			return source(map[string]string{"publisher": long(201)})
		}},
		{"unknown source type", "type", "sources[0].type", func() surface {
			return source(map[string]string{"type": "rumour"})
		}},
		{"quote too long", "quote", "sources[0].quote", func() surface {
			return source(map[string]string{"quote": long(5001)})
		}},
		{"accessed before published", "accessed_at", "sources[0].accessed_at", func() surface {
			return source(map[string]string{"published_at": "2026-02-10", "accessed_at": "2026-02-01"})
		}},
		{"a 51st source", "sources", "sources", func() surface {
			full, fv := inReview(t, api, api, "https://gazette.example/parity-full")
			fifty := make([]string, domain.MaxSources)
			for i := range fifty {
				fifty[i] = "table-" + itoa(int64(i))
			}
			wantStatus(t, api.put("/api/v1/claims/"+itoa(full)+"/verdict", verdictBody(fv, fifty...)), http.StatusOK)
			form := url.Values{"version": {itoa(fv + 1)}, "url": {"https://stats.example/more"}, "title": {"One more"}, "type": {"official_statistics"}}
			return surface{browser, "/claims/" + itoa(full) + "/sources", form, api, http.MethodPut, "/api/v1/claims/" + itoa(full) + "/verdict",
				verdictBody(fv+1, append(fifty, "one-more")...)}
		}},
		{"return without a comment", "comment", "comment", func() surface {
			return surface{edBrowser, "/claims/" + itoa(submittedID) + "/return", url.Values{"version": {itoa(sv + 1)}, "comment": {"  "}},
				edAPI, http.MethodPost, "/api/v1/claims/" + itoa(submittedID) + "/return", map[string]any{"comment": "  "}}
		}},
		{"return comment too long", "comment", "comment", func() surface {
			return surface{edBrowser, "/claims/" + itoa(submittedID) + "/return", url.Values{"version": {itoa(sv + 1)}, "comment": {long(5001)}},
				edAPI, http.MethodPost, "/api/v1/claims/" + itoa(submittedID) + "/return", map[string]any{"comment": long(5001)}}
		}},
		{"rewording too long", "text", "text", func() surface {
			return surface{browser, "/claims/" + itoa(candidate) + "/accept", url.Values{"text": {long(1001)}},
				api, http.MethodPost, "/api/v1/claims/" + itoa(candidate) + "/accept", map[string]any{"text": long(1001)}}
		}},
		{"headline too long", "title", "title", func() surface {
			return article(map[string]string{"title": long(301)})
		}},
		{"outlet too long", "outlet", "outlet", func() surface {
			return article(map[string]string{"outlet": long(121)})
		}},
		{"author too long", "author", "author", func() surface {
			return article(map[string]string{"author": long(201)})
		}},
		{"article address that is not a web address", "url", "url", func() surface {
			return article(map[string]string{"url": "javascript:alert(1)"})
		}},
		{"article address too long", "url", "url", func() surface {
			return article(map[string]string{"url": "https://gazette.example/" + long(2000)})
		}},
		{"conclusion with a right-to-left override", "conclusion", "conclusion", func() surface {
			return verdict("conclusion", "It fell \u202e%04 yb.")
		}},
		{"source title with a zero-width space", "title", "sources[0].title", func() surface {
			return source(map[string]string{"title": "Annual\u200b table"})
		}},
		{"headline with an isolate", "title", "title", func() surface {
			return article(map[string]string{"title": "Harbour \u2067spending\u2069"})
		}},
		{"rewording with a right-to-left override", "text", "text", func() surface {
			return surface{browser, "/claims/" + itoa(candidate) + "/accept", url.Values{"text": {"Spending rose by \u202e%04"}},
				api, http.MethodPost, "/api/v1/claims/" + itoa(candidate) + "/accept", map[string]any{"text": "Spending rose by \u202e%04"}}
		}},
		{"headline too long when editing", "title", "title", func() surface {
			s := article(map[string]string{"title": long(301)})
			s.path = "/articles/" + itoa(articleID) + "/edit"
			return s
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.build()
			page := s.browser.postForm(s.path, s.form)
			wantStatus(t, page, http.StatusUnprocessableEntity)
			inBrowser := page.TestID(t, "error-"+tc.field)
			fields := wantAPIError(t, s.api.call(s.method, s.apiPath, s.body), http.StatusUnprocessableEntity, domain.EINVALID)
			inAPI, ok := fields[tc.apiField]
			if !ok {
				t.Fatalf("the API did not name %q: %v", tc.apiField, fields)
			}
			if inBrowser == "" || strings.TrimSpace(inBrowser) != inAPI {
				t.Errorf("browser says %q, API says %q", inBrowser, inAPI)
			}
		})
	}
}
