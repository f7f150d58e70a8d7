package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"claimtrail/domain"
)

// maxElements bounds the work the readability scorer does on one page; real
// article pages have a few thousand elements.
const maxElements = 200_000

// minArticleWords is the fewest words we call an article; below it the page
// is a menu, a login wall or an empty shell.
const minArticleWords = 5

// HTML reduces a web page to its article: the main text without menus,
// banners, share prompts, related links or footers, plus the title, author,
// outlet and publication date when the page states them. pageURL may be
// empty; when set it becomes Article.URL. Errors name the "body" field;
// FromUpload and Fetcher rename it to their own.
func HTML(page []byte, pageURL string) (Article, error) {
	page = htmlToUTF8(page, "")
	if !utf8.Valid(page) {
		page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
	}

	var base *url.URL
	if pageURL != "" {
		u, err := url.Parse(pageURL)
		if err == nil && u.IsAbs() {
			base = u
		}
	}

	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		// The parser reads from memory, so its only failure is the page
		// itself: elements nested more than 512 deep, which no article is.
		return Article{}, fieldErr(domain.EINVALID, fieldBody,
			"That page's HTML is nested too deeply for claimtrail to read. Paste the article text instead.")
	}
	// Read our own metadata first: the readability parser rewrites the tree.
	meta := pageMetadata(doc)

	parser := readability.NewParser()
	parser.MaxElemsToParse = maxElements
	parser.CharThresholds = 200 // short news items still count as articles
	ra, err := parser.ParseAndMutate(doc, base)
	if err != nil {
		return Article{}, fieldErr(domain.EINVALID, fieldBody,
			"That page is too complicated for claimtrail to read. Paste the article text instead.")
	}

	a := Article{URL: pageURL}
	if ra.Node != nil {
		var b strings.Builder
		if err := ra.RenderText(&b); err != nil {
			return Article{}, fmt.Errorf("render article text: %w", err)
		}
		a.Text = cleanText(b.String())
	}
	if len(strings.Fields(a.Text)) < minArticleWords {
		return Article{}, fieldErr(domain.EINVALID, fieldBody,
			"We found no article text on that page. Paste the article text instead.")
	}

	a.Title = firstNonEmpty(meta.title, ra.Title())
	a.Author = cleanByline(firstNonEmpty(meta.author, ra.Byline()))
	a.Outlet = firstNonEmpty(meta.outlet, ra.SiteName())
	if t, err := ra.PublishedTime(); err == nil && !t.IsZero() {
		a.PublishedAt = t
	} else {
		a.PublishedAt = meta.published
	}
	a.Outlet = oneLine(a.Outlet)
	a.Title = withoutOutlet(oneLine(a.Title), a.Outlet)
	return a, nil
}

// titleSeparators are what pages put between a headline and the outlet's
// name in their <title>.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " · ", " :: ", " » "}

// withoutOutlet drops the outlet's name that a page's <title> adds before
// or after the headline ("Council budget gap widens | The Courier"), so the
// article's headline is the headline alone; the outlet has its own field.
func withoutOutlet(title, outlet string) string {
	if outlet == "" {
		return title
	}
	for _, sep := range titleSeparators {
		if head, tail, ok := cutLast(title, sep); ok && strings.EqualFold(strings.TrimSpace(tail), outlet) && strings.TrimSpace(head) != "" {
			return strings.TrimSpace(head)
		}
		if head, tail, ok := strings.Cut(title, sep); ok && strings.EqualFold(strings.TrimSpace(head), outlet) && strings.TrimSpace(tail) != "" {
			return strings.TrimSpace(tail)
		}
	}
	return title
}

// cutLast is strings.Cut at the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// htmlToUTF8 converts a page to UTF-8 using the charset named in contentType
// or declared by the page itself. Pages that are already valid UTF-8 are
// returned unchanged unless they declare another charset.
func htmlToUTF8(page []byte, contentType string) []byte {
	enc, name, certain := charset.DetermineEncoding(page, contentType)
	if name == "utf-8" || (!certain && utf8.Valid(page)) {
		return page
	}
	out, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		return page
	}
	return out
}

// metadata is what pageMetadata finds in a page's head and markup.
type metadata struct {
	title, author, outlet string
	published             time.Time
}

// pageMetadata reads metadata that the readability parser does not look at
// or ranks differently: JSON-LD news articles, <meta name="author">,
// article:published_time and the first <time datetime> in the page.
func pageMetadata(doc *html.Node) metadata {
	var (
		m        metadata
		metaTime string
		timeAttr string
		ld       ldArticle
	)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Meta:
				key := strings.ToLower(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop")))
				val := strings.TrimSpace(attr(n, "content"))
				switch key {
				case "article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date.issued", "dcterms.issued":
					if metaTime == "" {
						metaTime = val
					}
				case "author", "dc.creator", "parsely-author", "sailthru.author":
					if m.author == "" && !strings.Contains(val, "://") {
						m.author = val
					}
				case "og:site_name", "application-name":
					if m.outlet == "" {
						m.outlet = val
					}
				case "og:title", "twitter:title":
					if m.title == "" {
						m.title = val
					}
				}
			case atom.Time:
				if timeAttr == "" {
					timeAttr = strings.TrimSpace(attr(n, "datetime"))
				}
			case atom.Script:
				if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
					if !ld.found {
						ld = parseLD(n.FirstChild.Data)
					}
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	if ld.found {
		m.title = firstNonEmpty(ld.headline, m.title)
		m.author = firstNonEmpty(ld.author, m.author)
		m.outlet = firstNonEmpty(ld.publisher, m.outlet)
	}
	for _, s := range []string{ld.published, metaTime, timeAttr} {
		if t, ok := parseTime(s); ok {
			m.published = t
			break
		}
	}
	return m
}

// ldArticle holds the fields claimtrail uses from a JSON-LD news article.
type ldArticle struct {
	found                                  bool
	headline, author, publisher, published string
}

// parseLD finds the first article-like object in a JSON-LD script, looking
// through arrays and @graph lists.
func parseLD(src string) ldArticle {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return ldArticle{}
	}
	var find func(v any, depth int) ldArticle
	find = func(v any, depth int) ldArticle {
		if depth > 4 {
			return ldArticle{}
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if a := find(e, depth+1); a.found {
					return a
				}
			}
		case map[string]any:
			if isArticleType(x["@type"]) {
				return ldArticle{
					found:     true,
					headline:  ldString(x["headline"]),
					author:    ldNames(x["author"]),
					publisher: ldNames(x["publisher"]),
					published: ldString(x["datePublished"]),
				}
			}
			if g, ok := x["@graph"]; ok {
				return find(g, depth+1)
			}
		}
		return ldArticle{}
	}
	return find(v, 0)
}

func isArticleType(t any) bool {
	switch x := t.(type) {
	case string:
		return strings.HasSuffix(x, "Article") || x == "Report" || strings.HasSuffix(x, "Posting")
	case []any:
		for _, e := range x {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

func ldString(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// ldNames reads a person or organisation, or a list of them, as "A, B".
func ldNames(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		return ldString(x["name"])
	case []any:
		var names []string
		for _, e := range x {
			if n := ldNames(e); n != "" {
				names = append(names, n)
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// parseTime accepts the date formats news sites put in their metadata.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05",
		"2006-01-02",
		time.RFC1123Z,
		time.RFC1123,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// oneLine collapses runs of white space, as titles and names should have none.
func oneLine(s string) string {
	return domain.CleanName(s)
}

// cleanByline turns "By Jane Doe" into "Jane Doe".
func cleanByline(s string) string {
	s = oneLine(s)
	for _, p := range []string{"By ", "by ", "BY "} {
		if strings.HasPrefix(s, p) {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return s
}
