package domain

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Article origins: how an article came into claimtrail.
const (
	OriginPaste  = "paste"
	OriginUpload = "upload"
	OriginURL    = "url"
	OriginAPI    = "api"
	OriginDemo   = "demo"
)

// Origins lists every article origin.
var Origins = []string{OriginPaste, OriginUpload, OriginURL, OriginAPI, OriginDemo}

// Article is a piece of journalism whose claims the newsroom triages.
type Article struct {
	ID          int64
	Title       string
	Outlet      string
	Author      string
	URL         string
	PublishedAt time.Time // zero when unknown
	Body        string    // the article's main text; claim offsets point into it
	Origin      string
	AddedBy     int64  // 0 for the system (demo content)
	AddedByName string // filled in when read, for display
	// ScorerVersion is the newsroom claim scorer version that scored the
	// article's sentences; 0 is the base model built into the program.
	ScorerVersion int64
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// URLKey and Fingerprint recognise the same article added twice: the
	// normalised URL ("" without one) and a hash of the normalised text.
	// The caller computes them; storage only compares them.
	URLKey      string
	Fingerprint string
}

// ArticleSummary is one row of the articles list: the article without its
// body, with counts of its claims by what triage made of them.
type ArticleSummary struct {
	Article     *Article
	Candidates  int // still waiting for triage
	CheckWorthy int // of those, ones the extractor rates check-worthy
	Accepted    int // accepted into the queue (or further on)
	Dismissed   int
}

// Limits on article metadata, shared by the forms and storage.
const (
	MaxTitleLength  = 300
	MaxOutletLength = 120
	MaxAuthorLength = 200
	MaxURLLength    = 2000
)

// CheckArticleDetails says what is wrong with the details a person may type
// beside an article (headline, outlet, author, web address), with one
// message per field; empty ones are left to what was detected in the
// article. The browser's forms, the API and Check use it, so the same
// details get the same messages everywhere.
func CheckArticleDetails(title, outlet, author, address string) error {
	fields := articleDetailProblems(strings.TrimSpace(title), strings.TrimSpace(outlet), strings.TrimSpace(author), strings.TrimSpace(address))
	// What a person types must be plain text; details detected in a page
	// are cleaned by the reader instead.
	for _, f := range []struct{ field, what, value string }{{"title", "headline", title}, {"outlet", "outlet", outlet}, {"author", "author", author}} {
		if _, bad := fields[f.field]; !bad {
			if err := CheckPlainLine(f.field, f.what, strings.TrimSpace(f.value)); err != nil {
				fields[f.field] = ErrorMessage(err)
			}
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Some details of this article need fixing.", Fields: fields}
	}
	return nil
}

func articleDetailProblems(title, outlet, author, address string) map[string]string {
	fields := map[string]string{}
	if utf8.RuneCountInString(title) > MaxTitleLength {
		fields["title"] = "Keep the headline to 300 characters or fewer."
	}
	if utf8.RuneCountInString(outlet) > MaxOutletLength {
		fields["outlet"] = "Keep the outlet to 120 characters or fewer."
	}
	if utf8.RuneCountInString(author) > MaxAuthorLength {
		fields["author"] = "Keep the author to 200 characters or fewer."
	}
	if address != "" && !IsWebAddress(address) {
		fields["url"] = "Enter the web address in full, starting with https:// or http://."
	} else if len(address) > MaxURLLength {
		fields["url"] = "That web address is too long."
	}
	return fields
}

// Check says what is wrong with an article's metadata and origin, if
// anything, with one message per field.
func (a *Article) Check() error {
	e := &Error{Code: EINVALID, Message: "Some details of this article need fixing.", Fields: map[string]string{}}
	a.Title, a.Outlet, a.Author, a.URL = strings.TrimSpace(a.Title), strings.TrimSpace(a.Outlet), strings.TrimSpace(a.Author), strings.TrimSpace(a.URL)
	e.Fields = articleDetailProblems(a.Title, a.Outlet, a.Author, a.URL)
	noBody := strings.TrimSpace(a.Body) == ""
	if a.Title == "" && !noBody {
		// With no text there is nothing to take a headline from either; the
		// message beside the text is the one that helps.
		e.Fields["title"] = headlineNeeded
	}
	if noBody {
		e.Fields["body"] = "The article has no text."
	}
	if !slices.Contains(Origins, a.Origin) {
		e.Fields["origin"] = "Unknown way of adding an article."
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

const headlineNeeded = "Enter the article's headline."

// CheckStoredHeadline refuses an empty headline for an article already
// stored: its text is there, so Check would refuse it too; the edit form
// says so beside the other details' problems, all at once.
func CheckStoredHeadline(title string) error {
	if strings.TrimSpace(title) == "" {
		return FieldError("title", headlineNeeded)
	}
	return nil
}

// IsWebAddress reports whether s is an absolute http or https URL with a host,
// the only kind of link claimtrail shows as clickable.
func IsWebAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// SiteAddressProblem says why base cannot be the public address of the
// site, "" when it can. Each check's address is base + "/checks/{id}", so
// it may have a path but no query, fragment or login.
func SiteAddressProblem(base string) string {
	u, err := url.Parse(base)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return "Enter the site's public address, like https://checks.newsroom.org."
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(base, "?") || strings.HasSuffix(base, "#"):
		return "Leave out anything after ? or #: the address of each check is made by adding /checks/ and its number."
	case u.User != nil:
		return "Leave the user name and password out of the address."
	}
	return ""
}

// CheckArticleSeen refuses a change to an article's details made from a
// page older than the last change to them: seen is the article's
// UpdatedAt as the person's page showed it (zero: not known, not checked).
// Saving anyway would silently undo a colleague's change.
func CheckArticleSeen(current *Article, seen time.Time) error {
	if seen.IsZero() || current.UpdatedAt.Equal(seen) {
		return nil
	}
	return Errorf(ECONFLICT, "Someone changed this article's details at %s UTC while you were editing them. What you typed is still below: check it against the details shown above and save again.",
		current.UpdatedAt.UTC().Format("15:04"))
}

// CanEditArticleDetails decides who may change an article's details
// (headline, outlet, author, web address, date). Any reviewer may, until
// one of its claims is published, or the article is a published check's
// appearance: the public check shows these details and links to the
// address, and only editors publish, so from then on only an editor may.
// by is nil for the server's own tools, which may.
func CanEditArticleDetails(by *User, published bool) error {
	if published && by != nil && !CanEdit(by) {
		return Errorf(EFORBIDDEN, "A published check shows this article's details and links to it, so only an editor can change them now. Ask an editor.")
	}
	return nil
}
