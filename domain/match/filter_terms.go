package match

import "strings"

// FilterTerm is the index term that stands for a search filter's value, so
// that a filter is found through the index like a word: "~s:approved",
// "~o:the daily post". Values are folded (case and accents) and their spaces
// evened out, so "The Daily  Post" and "the daily post" are one outlet.
// Word and figure terms never start with "~".
func FilterTerm(field, value string) string {
	v := strings.Join(strings.Fields(fold(value)), " ")
	if v == "" {
		return ""
	}
	return "~" + field + ":" + v
}

// IsFilterTerm reports whether t stands for a filter rather than a word.
func IsFilterTerm(t string) bool { return strings.HasPrefix(t, "~") }
