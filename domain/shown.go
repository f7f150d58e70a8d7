package domain

import "unicode/utf8"

// What a message to a person carries of text they typed or uploaded is
// bounded: a message queued for the next page travels in the session
// cookie, which a browser keeps only up to about 4 KB, and a summary cut
// short is better than one that never arrives.
const (
	// MaxNameShown is how many characters of a name (an uploaded file's
	// name, a feed's address) a message names.
	MaxNameShown = 120
	// MaxMessageBytes is how long a message queued for the next page may
	// be in all, in bytes (as the cookie counts), its characters whole.
	MaxMessageBytes = 1200
)

// ShortenMiddle cuts s to at most limit characters by replacing its middle
// with an ellipsis, so that both ends, which tell names apart (a site and
// a file's extension), stay.
func ShortenMiddle(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	if limit < 3 {
		return string([]rune(s)[:max(limit, 0)])
	}
	r := []rune(s)
	keep := limit - 1 // the ellipsis is one character
	head := (keep + 1) / 2
	tail := keep - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// BoundMessage cuts a message for the next page to MaxMessageBytes, its
// middle replaced by an ellipsis and no character split.
func BoundMessage(s string) string {
	if len(s) <= MaxMessageBytes {
		return s
	}
	const ellipsis = "…"
	keep := MaxMessageBytes - len(ellipsis)
	head := keep / 2
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	tail := len(s) - (keep - head)
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return s[:head] + ellipsis + s[tail:]
}
