package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"sort"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// trackingParams are query parameters that say how a reader arrived, not
// which article they read.
var trackingParams = map[string]bool{"fbclid": true, "gclid": true}

// NormalizeURL returns a canonical form of an article address so that the
// same article reached through different links is recognised: lower-case
// scheme and host, no default port, no fragment, no utm_*, fbclid or gclid
// parameters, the rest of the query sorted, and no trailing slash except
// for the site's root.
func NormalizeURL(raw string) (string, error) {
	u, err := checkURL(raw)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}

	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || trackingParams[strings.ToLower(k)] {
			delete(q, k)
		}
	}
	for _, vs := range q {
		sort.Strings(vs)
	}

	path := u.EscapedPath()
	for len(path) > 1 && strings.HasSuffix(path, "/") {
		path = strings.TrimSuffix(path, "/")
	}
	if path == "" {
		path = "/"
	}

	out := scheme + "://" + host + path
	if len(q) > 0 {
		out += "?" + q.Encode() // Encode sorts by key
	}
	return out, nil
}

// quoteFold maps the typographic variants of quotes, dashes and spaces that
// editors and CMSs swap in to one plain form.
var quoteFold = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'", "\u00B4", "'", "`", "'",
	"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`, "\u2033", `"`, "\u00AB", `"`, "\u00BB", `"`,
	"\u2039", "'", "\u203A", "'",
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2026", "...",
	"\u00AD", "", "\u200B", "", "\u200C", "", "\u200D", "", "\uFEFF", "",
)

// TextFingerprint returns a hex SHA-256 of text with quotes and dashes
// folded, white space collapsed and case folded, so that the same article
// pasted twice — even through different editors — gets the same value.
func TextFingerprint(text string) string {
	s := norm.NFKC.String(text)
	s = quoteFold.Replace(s)
	s = cases.Fold().String(s)
	s = strings.Join(strings.Fields(s), " ")
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
